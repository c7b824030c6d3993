"""The labelled evaluation corpus: load a day, run cluster + select on it, score the picks.

A labelled day (``shared/corpus/day-YYYY-MM-DD.jsonl``) holds candidate items and a human
editor's verdict. Only ``url``, ``title``, ``published``, ``source``, ``language`` and
``synopsis`` become :class:`~deepdaily.models.Document` fields; ``label``, ``near_duplicate_of``,
``kind`` and ``adversarial`` are kept aside for scoring and never reach the stages.

Near-duplicate groups are numbered by the reference digest's items (``near_duplicate_of``); the
gold item of each group is found by matching its URL against the ``来源：`` lines of the
reference digest (``shared/reference/ai-daily-YYYY-MM-DD.md``) when that file is present.

Dates: a bare date is read as 12:00 UTC (the middle of a day whose timezone is unknown);
documents without one get ``fetched_at`` (default: one minute before 00:00 UTC of the file's
day, i.e. fetched just before that day's digest run), as the pipeline does for undated pages.

Run ``python -m deepdaily.eval PATH`` for the figures.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from deepdaily.cluster import cluster_documents
from deepdaily.config.settings import Profile, load_settings
from deepdaily.models import Document, Event, Selection, content_id
from deepdaily.rank import digest_window, select_events

__all__ = [
    "DayScore",
    "LabelledDay",
    "first_party_authority",
    "load_labelled_day",
    "main",
    "run_day",
    "score_selection",
]

DEFAULT_AUTHORITY = 0.5
_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_ITEM_HEADING = re.compile(r"^##\s*(\d+)\)")
_SOURCE_LINE = re.compile(r"^来源[:：]\s*(\S+)")

INPUT_FIELDS = ("url", "title", "published", "source", "language", "synopsis")
FIRST_PARTY_AUTHORITY = 0.8
CHANNEL_WORDS = frozenset({"blog", "news", "newsroom", "research", "engineering", "press"})
MIN_MENTIONING_OUTLETS = 2

AuthorityRule = Callable[[Sequence[Mapping[str, Any]]], list[float]]


def first_party_authority(records: Sequence[Mapping[str, Any]]) -> list[float]:
    """Authority per record: first-party channels of organisations in the news rank higher.

    A source named like an organisation's own channel ("<Org> blog", "<Org> news") whose
    organisation is named by at least :data:`MIN_MENTIONING_OUTLETS` other outlets in the same
    pool publishes primary material about a subject of the day's news: authority
    :data:`FIRST_PARTY_AUTHORITY`. Everything else (press, personal and vendor blogs, forums,
    code hosts, preprint servers) keeps :data:`DEFAULT_AUTHORITY`. Reads only ``source`` and the
    texts, never labels, so it emulates what a user would set in ``SourceSpec.authority``.
    """
    texts = [(str(r.get("source") or ""), f"{r.get('title') or ''} {r.get('synopsis') or ''}")
             for r in records]
    values: list[float] = []
    for source, _ in texts:
        words = source.split()
        org = " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in CHANNEL_WORDS else ""
        if not org:
            values.append(DEFAULT_AUTHORITY)
            continue
        names = {org, org.split()[-1]}
        channel = re.escape(words[-1])
        pattern = re.compile(  # the organisation itself, not its channel's name
            r"\b(?:" + "|".join(re.escape(n) for n in names) + rf")\b(?!\s+{channel})",
            re.IGNORECASE,
        )
        outlets = {other for other, text in texts if other != source and pattern.search(text)}
        prominent = len(outlets) >= MIN_MENTIONING_OUTLETS
        values.append(FIRST_PARTY_AUTHORITY if prominent else DEFAULT_AUTHORITY)
    return values


@dataclass(frozen=True)
class LabelledDay:
    """Documents of one labelled day and the labels used only to score them."""

    day: date | None
    documents: list[Document]
    corpus_ids: dict[str, str]  # Document.id -> the file's record id ("c051")
    gold: frozenset[str]  # record ids chosen by the editor
    adversarial: frozenset[str]  # record ids carrying an attack (prompt injection)
    groups: dict[int, frozenset[str]]  # reference item number -> record ids of that story

    def group_of(self, record_id: str) -> int | None:
        for number, members in self.groups.items():
            if record_id in members:
                return number
        return None


def _parse_published(value: str | None) -> datetime | None:
    if not value:
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(12), tzinfo=UTC)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _reference_items(path: Path) -> dict[str, int]:
    """URL -> item number, from a reference digest's ``## N)`` headings and source lines."""
    items: dict[str, int] = {}
    number: int | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if heading := _ITEM_HEADING.match(line):
            number = int(heading.group(1))
        elif (source := _SOURCE_LINE.match(line.strip())) and number is not None:
            items[source.group(1).rstrip("/")] = number
    return items


def _default_reference(path: Path, day: date | None) -> Path | None:
    if day is None:
        return None
    candidate = path.resolve().parent.parent / "reference" / f"ai-daily-{day.isoformat()}.md"
    return candidate if candidate.exists() else None


def load_labelled_day(
    path: Path | str,
    *,
    authority: float | AuthorityRule = DEFAULT_AUTHORITY,
    fetched_at: datetime | None = None,
    reference: Path | str | None = None,
) -> LabelledDay:
    """Read a labelled JSONL day into Documents plus the labels kept aside for scoring.

    ``authority`` is one value for every document or a rule computed from the records' input
    fields (never from their labels), such as :func:`first_party_authority`.
    """
    path = Path(path)
    named = _DAY_IN_NAME.search(path.name)
    day = date.fromisoformat(named.group(1)) if named else None
    if fetched_at is None:
        fetched_at = datetime.combine(day or date.today(), time(0), tzinfo=UTC) - timedelta(
            minutes=1
        )
    ref_path = Path(reference) if reference else _default_reference(path, day)
    ref_items = _reference_items(ref_path) if ref_path else {}

    records = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    inputs = [{k: record.get(k) for k in INPUT_FIELDS} for record in records]
    authorities = (
        authority(inputs) if callable(authority) else [float(authority)] * len(records)
    )
    documents: list[Document] = []
    corpus_ids: dict[str, str] = {}
    gold: set[str] = set()
    adversarial: set[str] = set()
    groups: dict[int, set[str]] = defaultdict(set)
    for record, fields, value in zip(records, inputs, authorities, strict=True):
        text = fields["synopsis"] or ""
        doc = Document(
            id=content_id(fields["url"], text),
            source=fields["source"] or "",
            url=fields["url"],
            canonical_url=fields["url"],
            title=fields["title"] or "",
            text=text,
            published=_parse_published(fields["published"]),
            fetched_at=fetched_at,
            language=fields["language"] or "",
            authority=value,
        )
        documents.append(doc)
        record_id = record["id"]
        corpus_ids[doc.id] = record_id
        if record.get("label") == "gold":
            gold.add(record_id)
            if (number := ref_items.get(fields["url"].rstrip("/"))) is not None:
                groups[number].add(record_id)
        if record.get("adversarial"):
            adversarial.add(record_id)
        if record.get("near_duplicate_of") is not None:
            groups[int(record["near_duplicate_of"])].add(record_id)
    return LabelledDay(
        day=day,
        documents=documents,
        corpus_ids=corpus_ids,
        gold=frozenset(gold),
        adversarial=frozenset(adversarial),
        groups={number: frozenset(ids) for number, ids in sorted(groups.items())},
    )


@dataclass(frozen=True)
class DayScore:
    """How one selection fared against the labels."""

    k: int
    picks: list[list[str]]  # record ids of each selected event, in rank order (top k)
    gold_found: list[str]
    gold_missed: list[str]
    duplicate_groups: dict[int, list[int]] = field(default_factory=dict)  # group -> ranks
    adversarial_picked: list[str] = field(default_factory=list)

    @property
    def gold_recall(self) -> int:
        return len(self.gold_found)


def score_selection(
    day: LabelledDay, events: Sequence[Event], selections: Sequence[Selection], k: int = 8
) -> DayScore:
    """Gold recall in the top ``k`` picks, groups picked twice and attacks picked."""
    by_id = {event.id: event for event in events}
    chosen = sorted((s for s in selections if s.selected), key=lambda s: s.rank or 0)[:k]
    picks = [
        [day.corpus_ids.get(doc.id, doc.id) for doc in by_id[s.event_id].documents]
        for s in chosen
    ]
    picked = {record for pick in picks for record in pick}
    ranks_by_group: dict[int, list[int]] = defaultdict(list)
    for rank, pick in enumerate(picks, start=1):
        for number in {day.group_of(record) for record in pick} - {None}:
            assert number is not None
            ranks_by_group[number].append(rank)
    return DayScore(
        k=k,
        picks=picks,
        gold_found=sorted(day.gold & picked),
        gold_missed=sorted(day.gold - picked),
        duplicate_groups={n: r for n, r in sorted(ranks_by_group.items()) if len(r) > 1},
        adversarial_picked=sorted(day.adversarial & picked),
    )


def run_day(
    day: LabelledDay,
    profile: Profile,
    window: tuple[datetime, datetime],
    k: int | None = None,
) -> tuple[list[Event], list[Selection], DayScore]:
    """Cluster, select and score one labelled day."""
    events = cluster_documents(day.documents)
    selections = select_events(events, profile, window)
    return events, selections, score_selection(day, events, selections, k or profile.items)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m deepdaily.eval PATH``: print the picks and the figures for a labelled day."""
    parser = argparse.ArgumentParser(
        prog="python -m deepdaily.eval",
        description="Cluster and select a labelled day with the packaged default profile.",
    )
    parser.add_argument("path", type=Path, help="a labelled day, e.g. day-2026-02-12.jsonl")
    parser.add_argument("--window-hours", type=int, default=72,
                        help="digest window length ending at the day's publish hour (72)")
    parser.add_argument("--wide", action="store_true",
                        help="use the eleven days around the day instead (D-6 .. D+4, local)")
    parser.add_argument("--first-party", action="store_true",
                        help="derive authority with first_party_authority instead of 0.5")
    args = parser.parse_args(argv)
    profile = load_settings(environ={}).profile
    day = load_labelled_day(
        args.path, authority=first_party_authority if args.first_party else DEFAULT_AUTHORITY
    )
    when = day.day or date.today()
    if args.wide:
        midnight = datetime.combine(when, time(0), tzinfo=ZoneInfo(profile.timezone))
        window = (midnight - timedelta(days=6), midnight + timedelta(days=5))
    else:
        window = digest_window(when, profile.model_copy(update={"window_hours": args.window_hours}))
    events, selections, score = run_day(day, profile, window)
    by_id = {event.id: event for event in events}
    print(f"window {window[0].isoformat()} .. {window[1].isoformat()}; "
          f"{len(day.documents)} documents -> {len(events)} events")
    for sel in sorted((s for s in selections if s.selected), key=lambda s: s.rank or 0):
        records = [day.corpus_ids.get(d.id, d.id) for d in by_id[sel.event_id].documents]
        mark = "*" if day.gold & set(records) else " "
        print(f"{mark}{sel.rank}. [{', '.join(records)}] {sel.title[:70]}\n     {sel.reason}")
    print(f"gold in top {score.k}: {score.gold_recall}/{len(day.gold)} "
          f"(missed: {', '.join(score.gold_missed) or 'none'}); "
          f"groups picked twice: {score.duplicate_groups or 'none'}; "
          f"attacks picked: {', '.join(score.adversarial_picked) or 'none'}")
    return 0

