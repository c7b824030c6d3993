"""Replay labelled days through clustering and selection, as the pipeline would, and score them.

``replay(day, k=8)`` clusters every candidate of the day (``cluster_documents``) and selects
with the packaged default profile (``config/defaults.toml``, whatever ``./deepdaily.toml``
says, so figures do not depend on a user's settings) with ``items = k``
(``select_events``), then scores the top ``k`` (``metrics.measure``).

**The window.** The digest window ends at the profile's publish hour on the day's date and is
``window_hours`` long: the ``window_hours`` argument (``--window-hours``) if given, else the
dataset's header record, else the profile's (24 h). All candidates are clustered, the window
only decides which events may be selected: a labelled day is the pool of coverage an editor
had, and its dates are rough (the shared corpus dates several pages after the event).

**History.** Earlier labelled days (``history=``, or the header's ``history``) are replayed
first, oldest first, each with its own window: their events are the known events the later
days' clustering continues, and their picks are the published events that selection reads for
novelty (already published, follow-up), as in ``pipeline.run``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

from deepdaily.cluster import cluster_documents
from deepdaily.config import Profile
from deepdaily.eval.corpus import LabelledDay, load_labelled_day
from deepdaily.eval.dataset import DatasetError
from deepdaily.eval.metrics import DayMetrics, measure
from deepdaily.models import Event, Selection
from deepdaily.rank import digest_window, select_events

__all__ = ["DEFAULT_K", "Replay", "default_profile", "load_history", "replay", "window_of"]

DEFAULT_K = 8


def default_profile(k: int = DEFAULT_K) -> Profile:
    """The packaged default profile with ``items = k``."""
    text = resources.files("deepdaily.config").joinpath("defaults.toml").read_text("utf-8")
    profile = Profile.model_validate(tomllib.loads(text).get("profile", {}))
    return profile.model_copy(update={"items": k})


def window_of(
    day: LabelledDay, profile: Profile, window_hours: int | None = None
) -> tuple[datetime, datetime]:
    """The digest window of ``day``: ``window_hours``, else the header's, else the profile's."""
    hours = window_hours or day.window_hours or profile.window_hours
    return digest_window(day.day, profile.model_copy(update={"window_hours": hours}))


@dataclass
class _Memory:
    """What earlier days leave behind: known events and the events their digests published."""

    known: dict[str, Event] = field(default_factory=dict)
    published: list[Event] = field(default_factory=list)
    published_on: dict[str, str] = field(default_factory=dict)
    record_ids: dict[str, str] = field(default_factory=dict)  # Document.id -> record id


@dataclass(frozen=True)
class Replay:
    """One replayed day: its window, events, selections and figures."""

    day: LabelledDay
    k: int
    window: tuple[datetime, datetime]
    events: list[Event]
    selections: list[Selection]
    metrics: DayMetrics
    history: list[LabelledDay] = field(default_factory=list)
    record_ids: dict[str, str] = field(default_factory=dict)  # Document.id -> record id

    def picked(self) -> list[tuple[Selection, Event]]:
        """Selected events in rank order."""
        by_id = {event.id: event for event in self.events}
        chosen = sorted((s for s in self.selections if s.selected), key=lambda s: s.rank or 0)
        return [(s, by_id[s.event_id]) for s in chosen]

    def ids_of(self, event: Event) -> list[str]:
        return [self.record_ids.get(doc.id, doc.id) for doc in event.documents]


def _select(
    day: LabelledDay, profile: Profile, window: tuple[datetime, datetime], memory: _Memory
) -> tuple[list[Event], list[Selection]]:
    memory.record_ids.update(day.corpus_ids)
    events = cluster_documents(day.documents, list(memory.known.values()))
    selections = select_events(
        events, profile, window, published=memory.published, published_on=memory.published_on
    )
    memory.known.update((event.id, event) for event in events)
    by_id = {event.id: event for event in events}
    for sel in selections:
        if sel.selected:
            memory.published.append(by_id[sel.event_id])
            memory.published_on[sel.event_id] = day.day.isoformat()
    return events, selections


def load_history(day: LabelledDay) -> list[LabelledDay]:
    """The earlier days named by ``day``'s header, and theirs, oldest first, each once."""
    found: dict[str, LabelledDay] = {}
    pending = list(day.history)
    while pending:
        path = pending.pop()
        key = str(path.resolve())
        if key in found or (day.path is not None and key == str(day.path.resolve())):
            continue
        found[key] = load_labelled_day(path)
        pending.extend(found[key].history)
    return sorted(found.values(), key=lambda d: d.day)


def replay(
    day: LabelledDay,
    *,
    k: int = DEFAULT_K,
    window_hours: int | None = None,
    history: Sequence[LabelledDay] | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> Replay:
    """Cluster and select ``day`` after its history days; score the top ``k``.

    ``history`` replaces the days named in the header (``None``: load those); ``window``, if
    given, replaces the digest window of ``day`` altogether.
    """
    profile = default_profile(k)
    earlier = load_history(day) if history is None else sorted(history, key=lambda d: d.day)
    for past in earlier:
        if past.day >= day.day:
            raise DatasetError(f"{past.path}: history day {past.day} is not before {day.day}")
    memory = _Memory()
    for past in earlier:
        _select(past, profile, window_of(past, profile), memory)
    window = window or window_of(day, profile, window_hours)
    events, selections = _select(day, profile, window, memory)
    by_id = {event.id: event for event in events}
    chosen = sorted((s for s in selections if s.selected), key=lambda s: s.rank or 0)

    def ids(event: Event) -> list[str]:
        return [memory.record_ids.get(doc.id, doc.id) for doc in event.documents]

    metrics = measure(day, [ids(by_id[s.event_id]) for s in chosen], [ids(e) for e in events], k)
    return Replay(
        day=day,
        k=k,
        window=window,
        events=events,
        selections=selections,
        metrics=metrics,
        history=earlier,
        record_ids=dict(memory.record_ids),
    )
