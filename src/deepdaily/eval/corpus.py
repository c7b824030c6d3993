"""A labelled day as the stages see it: Documents, with the labels kept aside for scoring.

Only ``url``, ``title``, ``published``, ``source``, ``language`` and ``synopsis`` become
:class:`~deepdaily.models.Document` fields; ``label``, ``near_duplicate_of``, ``kind``,
``adversarial`` and ``follow_up_of`` are answers and never reach clustering or selection.

**Stories.** Records that tell one story form a group, keyed by

* a reference digest's item number, when ``near_duplicate_of`` is an integer (the shared
  corpus). The gold record of that item is found by matching its URL against the ``来源：``
  lines under ``## N)`` in the reference digest (``../reference/ai-daily-YYYY-MM-DD.md`` beside
  the corpus folder, or ``reference=``); without that file the group holds its near duplicates
  only;
* a record id, when ``near_duplicate_of`` names another record of the file (our synthetic
  days): the group is that record and every record pointing at it, directly or through others.

A gold record in no group is a story of its own. :meth:`LabelledDay.story_of` gives the key.

**Dates.** A bare date is read as 12:00 UTC (the middle of a day whose timezone is unknown);
documents without one get ``fetched_at``: by default one minute before 00:00 UTC of the digest
date, i.e. fetched just before that day's run, as the pipeline does for undated pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from deepdaily.eval.authority import DEFAULT_AUTHORITY, AuthorityRule
from deepdaily.eval.dataset import DatasetError, DatasetFile, parse_published, read_dataset
from deepdaily.models import Document, content_id

__all__ = ["INPUT_FIELDS", "GroupKey", "LabelledDay", "load_labelled_day"]

INPUT_FIELDS = ("url", "title", "published", "source", "language", "synopsis")
_ITEM_HEADING = re.compile(r"^##\s*(\d+)\)")
_SOURCE_LINE = re.compile(r"^来源[:：]\s*(\S+)")

GroupKey = int | str


@dataclass(frozen=True)
class LabelledDay:
    """Documents of one labelled day and the labels used only to score them."""

    day: date
    documents: list[Document]
    corpus_ids: dict[str, str]  # Document.id -> the file's record id ("c051")
    gold: frozenset[str]  # record ids chosen by the editor
    adversarial: frozenset[str]  # record ids carrying an attack (prompt injection)
    groups: dict[GroupKey, frozenset[str]]  # story key -> record ids of that story
    follow_ups: dict[str, str] = field(default_factory=dict)  # record id -> earlier record id
    path: Path | None = None
    window_hours: int | None = None  # from the header record, if any
    history: tuple[Path, ...] = ()  # earlier labelled days, from the header record
    description: str = ""

    def group_of(self, record_id: str) -> GroupKey | None:
        """The labelled group holding ``record_id``, if any."""
        for key, members in self.groups.items():
            if record_id in members:
                return key
        return None

    def story_of(self, record_id: str) -> GroupKey | None:
        """The record's story: its group, else itself if gold, else unknown (None)."""
        key = self.group_of(record_id)
        if key is None and record_id in self.gold:
            return record_id
        return key

    @property
    def record_ids(self) -> list[str]:
        return list(self.corpus_ids.values())


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


def _default_reference(path: Path, day: date) -> Path | None:
    candidate = path.resolve().parent.parent / "reference" / f"ai-daily-{day.isoformat()}.md"
    return candidate if candidate.exists() else None


def _root(data: DatasetFile, record_id: str, refs: dict[str, str]) -> str:
    """Follow ``near_duplicate_of`` record ids to the record that names the group."""
    seen = [record_id]
    while (parent := refs.get(seen[-1])) is not None:
        if parent in seen:
            raise DatasetError(
                f"{data.path}:{data.lines[record_id]}: 'near_duplicate_of' "
                f"forms a cycle ({' -> '.join([*seen, parent])})"
            )
        seen.append(parent)
    return seen[-1]


def _groups(data: DatasetFile, ref_items: dict[str, int]) -> dict[GroupKey, frozenset[str]]:
    groups: dict[GroupKey, set[str]] = defaultdict(set)
    refs = {
        r["id"]: r["near_duplicate_of"]
        for r in data.records
        if isinstance(r.get("near_duplicate_of"), str)
    }
    for record in data.records:
        ref = record.get("near_duplicate_of")
        if isinstance(ref, int):
            groups[ref].add(record["id"])
        elif isinstance(ref, str):
            root = _root(data, record["id"], refs)
            groups[root] |= {record["id"], root}
        if record["label"] == "gold":
            number = ref_items.get(record["url"].rstrip("/"))
            if number is not None:
                groups[number].add(record["id"])

    def order(key: GroupKey) -> tuple[bool, int, str]:
        return isinstance(key, str), key if isinstance(key, int) else 0, str(key)

    return {key: frozenset(groups[key]) for key in sorted(groups, key=order)}


def _document(fields: dict[str, Any], fetched_at: datetime, authority: float) -> Document:
    text = fields["synopsis"] or ""
    return Document(
        id=content_id(fields["url"], text),
        source=fields["source"] or "",
        url=fields["url"],
        canonical_url=fields["url"],
        title=fields["title"] or "",
        text=text,
        published=parse_published(fields["published"]),
        fetched_at=fetched_at,
        language=fields["language"] or "",
        authority=authority,
    )


def load_labelled_day(
    path: Path | str,
    *,
    authority: float | AuthorityRule = DEFAULT_AUTHORITY,
    fetched_at: datetime | None = None,
    reference: Path | str | None = None,
) -> LabelledDay:
    """Read a labelled JSONL day into Documents plus the labels kept aside for scoring.

    ``authority`` is one value for every document or a rule computed from the records' input
    fields (never from their labels), such as
    :func:`~deepdaily.eval.authority.first_party_authority`. Raises
    :class:`~deepdaily.eval.dataset.DatasetError` for a missing or malformed file.
    """
    data = read_dataset(path)
    if fetched_at is None:
        fetched_at = datetime.combine(data.day, time(0), tzinfo=UTC) - timedelta(minutes=1)
    ref_path = Path(reference) if reference else _default_reference(data.path, data.day)
    ref_items = _reference_items(ref_path) if ref_path else {}

    inputs = [{k: record.get(k) for k in INPUT_FIELDS} for record in data.records]
    authorities = authority(inputs) if callable(authority) else [float(authority)] * len(inputs)
    documents: list[Document] = []
    corpus_ids: dict[str, str] = {}
    for record, fields, value in zip(data.records, inputs, authorities, strict=True):
        doc = _document(fields, fetched_at, value)
        if doc.id in corpus_ids:
            raise DatasetError(
                f"{data.path}:{data.lines[record['id']]}: same url and synopsis "
                f"as {corpus_ids[doc.id]!r}"
            )
        documents.append(doc)
        corpus_ids[doc.id] = record["id"]
    return LabelledDay(
        day=data.day,
        documents=documents,
        corpus_ids=corpus_ids,
        gold=frozenset(r["id"] for r in data.records if r["label"] == "gold"),
        adversarial=frozenset(r["id"] for r in data.records if r.get("adversarial")),
        groups=_groups(data, ref_items),
        follow_ups={r["id"]: r["follow_up_of"] for r in data.records if r.get("follow_up_of")},
        path=data.path,
        window_hours=data.header.window_hours,
        history=data.header.history,
        description=data.header.description,
    )
