"""Events across days: the day's candidates that an earlier digest already carried.

An event keeps its id when later documents join it (``cluster_documents`` attaches them to the
known event), so a story published on day 1 is among day 2's candidates as soon as anything
about it appears in day 2's window. :func:`read_history` looks each such event up in the
digests before the day (:meth:`Store.published_event_dates`) and:

- trims every published event to what its latest digest saw (``Event.as_of`` that digest's
  window end), for novelty against the day's candidates;
- splits a published candidate at that window end: the documents before it are what readers
  have seen, those at or after it (by ``published``, else ``fetched_at``) are the later
  coverage; :func:`deepdaily.rank.novelty.assess_newness` says whether they are an update or a
  plain repeat;
- keeps the candidate whole for selection (its score and its similarity to the other
  candidates stay those of the story; only its novelty changes), and hands the analyser its
  later part (:meth:`History.to_analyse`, :func:`later_part`: same
  id, only the later documents, the title of the most authoritative one), so an update is
  written and cited from what is new, and rendered as an update of the first item
  (:meth:`History.update_fields`: ``DigestItem.update_of`` and ``update_url``).

Only digests of the last :data:`NOVELTY_DAYS` days count, so the day's cost does not grow
with the history. Re-running a day reads only digests dated before it, so it sees the same
history every time, and a later day's digest never changes an earlier one. Governed by
``profile`` (the window) and ``post_path`` (the earlier digest's URL, see :func:`digest_url`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from deepdaily.cluster.events import document_time
from deepdaily.config import Profile, Settings
from deepdaily.models import Digest, Event
from deepdaily.rank import digest_window
from deepdaily.rank.novelty import Newness, assess_newness
from deepdaily.render import post_filename
from deepdaily.store import Store

#: Days of published digests a day's candidates are checked against. Longer than the event
#: memory (an event published then is still joined by new coverage), and it bounds the work:
#: the check reads a month of digests, not the whole history.
NOVELTY_DAYS = 30

__all__ = ["NOVELTY_DAYS", "History", "Revisit", "digest_url", "later_part", "read_history"]

_CONTENT_DIR = "content"
_PAGE_NAMES = frozenset({"index", "_index"})


@dataclass(frozen=True)
class Revisit:
    """A candidate that earlier digests carried, and what its later coverage adds."""

    first_on: str  # date of the first digest that carried the event
    newness: Newness  # the later coverage against what the latest such digest saw
    url: str = ""  # the first digest's page on the site


@dataclass
class History:
    """What earlier digests published, as the day's selection and rendering need it."""

    published: list[Event]  # each as it stood when its latest digest went out
    published_on: dict[str, str] = field(default_factory=dict)  # event id -> latest date
    revisits: dict[str, Revisit] = field(default_factory=dict)  # by event id
    later: dict[str, Event] = field(default_factory=dict)  # a revisit's later coverage

    @property
    def newness(self) -> dict[str, Newness]:
        return {event_id: r.newness for event_id, r in self.revisits.items()}

    def to_analyse(self, event: Event) -> Event:
        """What the analyser gets: an update's later coverage, any other event whole."""
        revisit = self.revisits.get(event.id)
        if revisit is None or not revisit.newness.is_update:
            return event
        return self.later.get(event.id, event)

    def update_fields(self, event_id: str) -> dict[str, str]:
        """``update_of`` and ``update_url`` for the item of an update; empty otherwise."""
        revisit = self.revisits.get(event_id)
        if revisit is None or not revisit.newness.is_update:
            return {}
        return {"update_of": revisit.first_on, "update_url": revisit.url}


def digest_url(day: str, settings: Settings) -> str:
    """The site path of the digest of ``day``: ``content/posts/{date}.md`` ->
    ``/posts/2026-11-26/`` (Hugo's default: the ``content/`` folder and the extension go, a
    page bundle's ``index.md`` is its folder, paths are lower-cased)."""
    profile = settings.profile
    stub = Digest.model_construct(date=day, profile=profile.name, language=profile.language)
    path = PurePosixPath(post_filename(stub, settings.post_path_for(profile)))
    parts = list(path.with_suffix("").parts)
    if parts and parts[0] == _CONTENT_DIR:
        parts = parts[1:]
    if parts and parts[-1] in _PAGE_NAMES:
        parts = parts[:-1]
    return "/" + "".join(f"{part}/" for part in parts).lower()


def later_part(event: Event, end: datetime) -> Event | None:
    """``event`` with only its documents dated at or after ``end`` (None when there are none),
    titled after the most authoritative of them."""
    later = [doc for doc in event.documents if document_time(doc) >= end]
    if not later:
        return None
    if len(later) == len(event.documents):
        return event
    lead = sorted(later, key=lambda d: (-d.authority, document_time(d), d.id))
    title = next((d.title for d in lead if d.title.strip()), event.title)
    times = [document_time(d) for d in later]
    return event.model_copy(
        update={
            "title": title,
            "documents": later,
            "first_seen": min(times),
            "last_seen": max(times),
        }
    )


def _window_end(day: str, profile: Profile) -> datetime:
    return digest_window(date.fromisoformat(day), profile)[1]


def read_history(store: Store, settings: Settings, day: date, events: Sequence[Event]) -> History:
    """The published events before ``day``, and what the day's candidates among them add."""
    profile = settings.profile
    since = (day - timedelta(days=NOVELTY_DAYS)).isoformat()
    dates = store.published_event_dates(profile.name, day.isoformat(), since)
    published_on = {event_id: days[-1] for event_id, days in dates.items()}
    published: list[Event] = []
    for event in store.events_by_id(dates):
        seen = event.as_of(_window_end(published_on[event.id], profile))
        if seen is not None:
            published.append(seen)
    seen_by_id = {event.id: event for event in published}
    history = History(published=published, published_on=published_on)
    for event in (e for e in events if e.id in dates):
        later = later_part(event, _window_end(published_on[event.id], profile))
        earlier = seen_by_id.get(event.id)
        newness = Newness()
        if later is not None:
            history.later[event.id] = later
            newness = assess_newness(earlier.documents if earlier else [], later.documents)
        first_on = dates[event.id][0]
        history.revisits[event.id] = Revisit(
            first_on=first_on, newness=newness, url=digest_url(first_on, settings)
        )
    return history
