"""How each source has been doing, from the fetch log: failing since when, silent since when.

``deepdaily doctor`` reports a source that has failed on every fetch for ``days`` days or more
(or ever since it was added), and one that keeps answering but has brought no new document for
``days`` days. A source failing only since its latest fetch is reported too, as a warning: one
bad morning is worth knowing, not yet an alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from deepdaily.store import schema as t
from deepdaily.store.store import Store

__all__ = ["SourceHealth", "source_health"]


@dataclass(frozen=True)
class SourceHealth:
    """One source's record in the fetch log."""

    name: str
    fetches: int
    last_fetch: datetime | None
    first_ok: datetime | None
    last_ok: datetime | None
    failing_since: datetime | None  # first failure after the last success; None when ok
    failures_in_a_row: int
    last_error: str
    last_new_document: datetime | None

    def failing_for(self, now: datetime) -> timedelta | None:
        return None if self.failing_since is None else now - self.failing_since

    def silent_for(self, now: datetime) -> timedelta | None:
        """Time since the source last brought a new document, while it kept answering."""
        if self.last_ok is None:
            return None
        since = self.last_new_document or self.first_ok
        return now - since if since else None


def source_health(store: Store, names: Sequence[str]) -> list[SourceHealth]:
    """The health of the named sources (configured ones; others are history)."""
    log = t.fetch_log
    report: list[SourceHealth] = []
    with store.engine.connect() as conn:
        for name in names:
            mine = log.c.source == name
            last_fetch, fetches = conn.execute(
                select(func.max(log.c.at), func.count()).where(mine)
            ).one()
            last_ok, first_ok = conn.execute(
                select(func.max(log.c.at), func.min(log.c.at)).where(mine, log.c.ok.is_(True))
            ).one()
            failing = mine & log.c.ok.is_(False)
            if last_ok is not None:
                failing = failing & (log.c.at > last_ok)
            failing_since, in_a_row = conn.execute(
                select(func.min(log.c.at), func.count()).where(failing)
            ).one()
            last_error = conn.execute(
                select(log.c.error).where(failing).order_by(log.c.at.desc()).limit(1)
            ).scalar()
            last_new = conn.execute(
                select(func.max(log.c.at)).where(mine, log.c.new_documents > 0)
            ).scalar()
            report.append(
                SourceHealth(
                    name=name,
                    fetches=fetches,
                    last_fetch=last_fetch,
                    first_ok=first_ok,
                    last_ok=last_ok,
                    failing_since=failing_since,
                    failures_in_a_row=in_a_row,
                    last_error=last_error or "",
                    last_new_document=last_new,
                )
            )
    return report
