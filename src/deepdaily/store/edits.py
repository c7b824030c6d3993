"""The editor's changes to a day's digest, kept as an append-only log.

``deepdaily serve`` records every change an editor makes to the digest of (profile, date) as
one row of ``review_edits`` (migration ``m006_review_edits``): what it was (``kind``, the
event and field it concerns, the new value) and when. Nothing is updated or deleted, so the
log is also the review's history; :meth:`EditLog.state` folds it, oldest first, into the
:class:`ReviewEdits` the pipeline applies on every re-render and re-run of the day
(:mod:`deepdaily.pipeline.edits`).

Kinds:

- ``pin`` / ``drop`` / ``restore``: the event is taken whatever its score, left out whatever
  its score, or left to the score again;
- ``order``: the items' order, a list of event ids (events not in it follow, by score);
- ``text``: one field of an item (``field``) set to ``value`` by the editor; ``revert``
  takes the field back to the engine's text;
- ``analysis``: the item as a re-analysis of its event wrote it (the item's JSON), used in
  place of the engine's until the next re-analysis;
- ``synthesis``: trends and watch list regenerated from the items as edited,
  ``{"items": [event ids], "synthesis": {...}}``, used while the digest has those items;
- ``approve`` / ``publish``: the release of the digest, kept for the history only.

The table is defined here, beside the class that uses it (as ``llm_cache`` is in
:mod:`deepdaily.analyse.providers.cache`); the schema itself is the migration's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, select

from deepdaily.store.schema import UTCDateTime
from deepdaily.store.store import Store

__all__ = ["KINDS", "Edit", "EditKind", "EditLog", "ReviewEdits", "review_edits"]

EditKind = Literal[
    "pin",
    "drop",
    "restore",
    "order",
    "text",
    "revert",
    "analysis",
    "synthesis",
    "approve",
    "publish",
]
KINDS: tuple[str, ...] = get_args(EditKind)

review_edits = Table(
    "review_edits",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("profile", String(100), nullable=False),
    Column("date", String(10), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("event_id", String(32), nullable=False),
    Column("field", String(32), nullable=False),
    Column("value", JSON),
    Column("created_at", UTCDateTime, nullable=False),
)


@dataclass(frozen=True)
class Edit:
    """One row of the log."""

    id: int
    profile: str
    date: str
    kind: str
    event_id: str
    field: str
    value: Any
    created_at: datetime

    def describe(self) -> str:
        """What the edit did, in one line (for the history and the run manifest)."""
        event = f" {self.event_id}" if self.event_id else ""
        if self.kind == "text":
            return f"text of{event}: {self.field} edited"
        if self.kind == "revert":
            return f"text of{event}: {self.field} back to the engine's"
        if self.kind == "order":
            return f"order set ({len(self.value or [])} items)"
        if self.kind == "analysis":
            return f"{event.strip()} re-analysed"
        if self.kind == "synthesis":
            return "trends and watch list regenerated"
        if self.kind == "approve":
            return "digest approved"
        if self.kind == "publish":
            return "digest published"
        if self.kind == "pin":
            return f"pinned{event}"
        if self.kind == "drop":
            return f"dropped{event}"
        return f"{event.strip()} back to the score"  # restore


@dataclass
class ReviewEdits:
    """The edits in force for one day: the log folded, latest edit winning."""

    decisions: dict[str, Literal["pin", "drop"]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    texts: dict[str, dict[str, Any]] = field(default_factory=dict)  # event -> field -> value
    analyses: dict[str, dict[str, Any]] = field(default_factory=dict)  # event -> item JSON
    synthesis: dict[str, Any] | None = None  # {"items": [...], "synthesis": {...}}

    @property
    def pinned(self) -> list[str]:
        return [e for e, d in self.decisions.items() if d == "pin"]

    @property
    def dropped(self) -> list[str]:
        return [e for e, d in self.decisions.items() if d == "drop"]

    @property
    def empty(self) -> bool:
        return not (self.decisions or self.order or self.texts or self.analyses or self.synthesis)

    def apply(self, edit: Edit) -> None:
        """Fold one more edit in."""
        kind, event = edit.kind, edit.event_id
        if kind in ("pin", "drop"):
            self.decisions[event] = "pin" if kind == "pin" else "drop"
        elif kind == "restore":
            self.decisions.pop(event, None)
        elif kind == "order":
            self.order = [str(e) for e in edit.value or []]
        elif kind == "text":
            self.texts.setdefault(event, {})[edit.field] = edit.value
        elif kind == "revert":
            fields = self.texts.get(event, {})
            fields.pop(edit.field, None)
            if not fields:
                self.texts.pop(event, None)
        elif kind == "analysis" and isinstance(edit.value, dict):
            self.analyses[event] = edit.value
        elif kind == "synthesis" and isinstance(edit.value, dict):
            self.synthesis = edit.value


class EditLog:
    """The ``review_edits`` table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        profile: str,
        date: str,
        kind: EditKind,
        *,
        event_id: str = "",
        field: str = "",
        value: Any = None,
    ) -> Edit:
        """Append one edit and return it (``created_at`` is now, in UTC)."""
        if kind not in KINDS:
            raise ValueError(f"unknown edit kind {kind!r}")
        row = {
            "profile": profile,
            "date": date,
            "kind": kind,
            "event_id": event_id,
            "field": field,
            "value": value,
            "created_at": datetime.now(UTC),
        }
        with self.store.begin() as conn:
            new_id = conn.execute(review_edits.insert().values(**row)).inserted_primary_key
        return Edit(id=int(new_id[0]) if new_id else 0, **row)

    def history(self, profile: str, date: str) -> list[Edit]:
        """Every edit of the day, oldest first."""
        query = (
            select(review_edits)
            .where((review_edits.c.profile == profile) & (review_edits.c.date == date))
            .order_by(review_edits.c.id)
        )
        with self.store.begin() as conn:
            return [Edit(**dict(row._mapping)) for row in conn.execute(query)]

    def state(self, profile: str, date: str) -> ReviewEdits:
        """The edits in force for the day."""
        state = ReviewEdits()
        for edit in self.history(profile, date):
            state.apply(edit)
        return state
