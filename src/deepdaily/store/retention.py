"""The retention policy: ``[store] keep_days`` bounds how much of the past a store keeps.

After every successful run (and on ``deepdaily db prune``), what is older than ``keep_days``
before now goes, except what a stored digest stands on:

- documents fetched and published before the cut-off, unless their event was carried by a
  digest (``digest_events``): a digest's sources stay readable, and the event history the
  novelty check and updates read stays whole;
- events last seen before the cut-off that no digest carried and no document is left in;
- runs from before the cut-off (with their selections and fetch log), except the runs that
  made a stored digest, and fetch-log rows and LLM-cache answers from before the cut-off.

Deletes go in batches, each its own transaction, so a large first prune never holds the
database for long and an interrupted one is simply continued by the next. A dry run does the
same inside one transaction and rolls it back, so its figures are exact. ``keep_days = 0``
keeps everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, and_, delete, exists, or_, select

from deepdaily.store import schema as t
from deepdaily.store.memory import event_keys
from deepdaily.store.store import Store

__all__ = ["PruneReport", "prune", "prune_after_run"]

#: Rows per delete transaction.
BATCH = 5000

# The LLM cache's table (defined in full beside the cache, m002): its key and age suffice here.
_llm_cache = Table(
    "llm_cache",
    MetaData(),
    Column("key", String(64), primary_key=True),
    Column("created_at", t.UTCDateTime, nullable=False),
)


@dataclass
class PruneReport:
    """Rows deleted (or, for a dry run, that would be), per table."""

    cutoff: datetime
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.deleted.values())

    def describe(self) -> str:
        parts = ", ".join(f"{n} {name}" for name, n in self.deleted.items() if n)
        return f"before {self.cutoff:%Y-%m-%d %H:%M} UTC: " + (parts or "nothing to remove")


def prune_after_run(
    store: Store, keep_days: int, day_start: datetime, now: datetime
) -> PruneReport | None:
    """The policy applied after a run whose digest window starts at ``day_start``; None when
    that day is itself older than the cut-off (a back-fill keeps what it was run on)."""
    if keep_days <= 0 or day_start < now - timedelta(days=keep_days):
        return None
    return prune(store, keep_days, now)


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


def prune(store: Store, keep_days: int, now: datetime, *, dry_run: bool = False) -> PruneReport:
    """Apply the retention policy to ``store`` (see the module); ``keep_days <= 0``: nothing."""
    report = PruneReport(now - timedelta(days=max(keep_days, 0)))
    if keep_days <= 0:
        return report
    if not dry_run:
        _prune(store, report)
        return report
    try:
        with store.transaction():  # every batch below joins it
            _prune(store, report)
            raise _DryRun
    except _DryRun:
        pass
    return report


def _prune(store: Store, report: PruneReport) -> None:
    cutoff = report.cutoff
    carried = select(t.digest_events.c.event_id)
    made_digest = select(t.digests.c.run_id)
    old_runs = select(t.runs.c.id).where(
        (t.runs.c.started_at < cutoff)
        & (t.runs.c.status != "running")
        & t.runs.c.id.not_in(made_digest)
    )
    old_document = and_(
        t.documents.c.fetched_at < cutoff,
        or_(t.documents.c.published.is_(None), t.documents.c.published < cutoff),
        or_(t.documents.c.event_id.is_(None), t.documents.c.event_id.not_in(carried)),
    )
    _delete(store, report, t.documents, t.documents.c.id, old_document)
    # events emptied by the step above (or earlier): "no document left" is known only now
    has_documents = exists().where(t.documents.c.event_id == t.events.c.id)
    old_event = and_(t.events.c.last_seen < cutoff, t.events.c.id.not_in(carried), ~has_documents)
    _delete(store, report, t.events, t.events.c.id, old_event)
    _delete(store, report, t.selections, t.selections.c.run_id, t.selections.c.run_id.in_(old_runs))
    old_log = or_(t.fetch_log.c.at < cutoff, t.fetch_log.c.run_id.in_(old_runs))
    _delete(store, report, t.fetch_log, t.fetch_log.c.id, old_log)
    _delete(store, report, t.runs, t.runs.c.id, t.runs.c.id.in_(old_runs))
    _delete(store, report, _llm_cache, _llm_cache.c.key, _llm_cache.c.created_at < cutoff)
    # the memory index only serves the last weeks: keys of events not seen since go
    _delete(store, report, event_keys, event_keys.c.event_id, event_keys.c.last_seen < cutoff)


def _delete(store: Store, report: PruneReport, table: Table, key: Any, where: Any) -> None:
    """Delete the rows of ``table`` matching ``where``, ``BATCH`` keys per transaction."""
    removed = 0
    while True:
        with store.begin() as conn:
            keys = [
                row[0] for row in conn.execute(select(key).where(where).distinct().limit(BATCH))
            ]
            if keys:
                removed += int(conn.execute(delete(table).where(key.in_(keys))).rowcount or 0)
        if len(keys) < BATCH:
            break
    report.deleted[table.name] = removed
