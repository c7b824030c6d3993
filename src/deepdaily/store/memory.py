"""The event memory index: the keys of recent events, so a run recalls only the events today's
documents can join (:mod:`deepdaily.cluster.memory` says what the keys are and why they
suffice).

One row per (key, event) in ``event_keys`` (migration ``m009_event_keys``), with the event's
``last_seen``. :meth:`EventMemory.postings` finds, for each key, the events of the memory window
holding it, leaving out keys more than :data:`MAX_KEY_EVENTS` events hold (the clustering
ignores keys that common too: they do not identify a story). Keys of events last seen before
the window are dropped after each run (:meth:`EventMemory.forget_before`), so the table holds
the window whatever the history. :meth:`EventMemory.unindexed` names the window's events with
no keys (stored before the index existed, or reached by a back-fill), which a run indexes.

The table is defined here, beside the class that uses it (as ``review_edits`` is in
:mod:`deepdaily.store.edits`); the schema itself is the migration's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import (
    Column,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    exists,
    func,
    select,
    update,
)

from deepdaily.store import schema as t
from deepdaily.store.schema import UTCDateTime
from deepdaily.store.store import Store

__all__ = ["MAX_KEY_EVENTS", "EventMemory", "event_keys"]

#: A key more events than this hold in the window recalls none of them.
MAX_KEY_EVENTS = 64
_CHUNK = 500  # keys per query

event_keys = Table(
    "event_keys",
    MetaData(),
    Column("key", String(16), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("last_seen", UTCDateTime, nullable=False),
)


class EventMemory:
    """The ``event_keys`` table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def postings(self, keys: Iterable[str], since: datetime) -> dict[str, set[str]]:
        """For each of ``keys`` held by 1..:data:`MAX_KEY_EVENTS` events last seen since
        ``since``, those events."""
        wanted = sorted(set(keys))
        found: dict[str, set[str]] = {}
        recent = event_keys.c.last_seen >= since
        with self.store.begin() as conn:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                common = (
                    select(event_keys.c.key)
                    .where(event_keys.c.key.in_(chunk) & recent)
                    .group_by(event_keys.c.key)
                    .having(func.count() > MAX_KEY_EVENTS)
                )
                query = select(event_keys.c.key, event_keys.c.event_id).where(
                    event_keys.c.key.in_(chunk) & recent & event_keys.c.key.not_in(common)
                )
                for key, event_id in conn.execute(query):
                    found.setdefault(key, set()).add(event_id)
        return found

    def forget_before(self, moment: datetime) -> int:
        """Drop the keys of events last seen before ``moment``; return how many rows went. A
        later run of an older day (a back-fill) finds those events unindexed and indexes them
        again."""
        with self.store.begin() as conn:
            result = conn.execute(delete(event_keys).where(event_keys.c.last_seen < moment))
        return int(result.rowcount or 0)

    def unindexed(self, since: datetime) -> list[str]:
        """Ids of the events last seen since ``since`` that have no keys."""
        indexed = exists().where(event_keys.c.event_id == t.events.c.id)
        query = select(t.events.c.id).where((t.events.c.last_seen >= since) & ~indexed)
        with self.store.begin() as conn:
            return [row[0] for row in conn.execute(query)]

    def index(
        self, keys_of: Mapping[str, Iterable[str]], last_seen: Mapping[str, datetime]
    ) -> None:
        """Add the keys of each event (``keys_of``: event id -> keys of its new documents; the
        keys already recorded stay) and bring every key of the events in ``last_seen`` to the
        event's ``last_seen``. Two runs indexing the same event at once both succeed."""
        rows = [
            {"key": key, "event_id": event_id, "last_seen": last_seen[event_id]}
            for event_id, keys in keys_of.items()
            for key in sorted(set(keys))
        ]
        insert = self.store._insert(event_keys)  # ON CONFLICT where the database has it
        with self.store.begin() as conn:
            for start in range(0, len(rows), 5000):
                batch = rows[start : start + 5000]
                if insert is not None:
                    conn.execute(insert.on_conflict_do_nothing(), batch)
                else:  # pragma: no cover - other databases: skip what is there
                    have = {
                        (row.key, row.event_id)
                        for row in conn.execute(
                            select(event_keys.c.key, event_keys.c.event_id).where(
                                event_keys.c.event_id.in_({r["event_id"] for r in batch})
                            )
                        )
                    }
                    fresh = [r for r in batch if (r["key"], r["event_id"]) not in have]
                    if fresh:
                        conn.execute(event_keys.insert(), fresh)
            if last_seen:
                conn.execute(
                    update(event_keys)
                    .where(event_keys.c.event_id == bindparam("id"))
                    .values(last_seen=bindparam("seen")),
                    [{"id": event_id, "seen": seen} for event_id, seen in last_seen.items()],
                )
