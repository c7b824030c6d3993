"""The ``watch_topics`` table (migration ``m003_watch_topics``) of a store.

:class:`WatchStore` reads and writes topics. Saving a digest's watch list
(:meth:`WatchStore.save_listed`) is idempotent and follows these rules, for a topic listed by
the digest of day D:

* new lead: inserted, ``open``, opened on D;
* already listed by D itself (a re-render): its text and keys are refreshed, nothing else; the
  topics D listed before and no longer lists are deleted unless a match was recorded or they
  were closed by hand, so the stored topics of a day mirror that day's current digest;
* closed by hand: left closed (the reader's decision wins);
* fresh (``topics.is_fresh``) on D: kept as it is, opened on the earlier of the two days;
* expired on D: reopened as a new topic opened on D.

A topic added by hand (:meth:`WatchStore.add`) that already exists is reopened if it was closed
or expired and otherwise gains the new terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Connection, MetaData, String, Table, Text, select

from deepdaily.errors import UsageError
from deepdaily.store import Store
from deepdaily.store.schema import UTCDateTime
from deepdaily.watch.terms import topic_keys
from deepdaily.watch.topics import TopicStatus, WatchTopic, is_fresh

__all__ = ["WatchStore", "watch_topics"]

watch_topics = Table(
    "watch_topics",
    MetaData(),
    Column("id", String(32), primary_key=True),
    Column("profile", String(100), nullable=False),
    Column("lead", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("entities", JSON, nullable=False),
    Column("opened_on", String(10), nullable=False),
    Column("last_matched_on", String(10)),
    Column("status", String(16), nullable=False),
    Column("closed_reason", Text, nullable=False),
    Column("source_date", String(10)),
    Column("updated_at", UTCDateTime, nullable=False),
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _row(topic: WatchTopic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "profile": topic.profile,
        "lead": topic.lead,
        "text": topic.text,
        "terms": list(topic.terms),
        "entities": list(topic.entities),
        "opened_on": topic.opened_on.isoformat(),
        "last_matched_on": _iso(topic.last_matched_on),
        "status": topic.status,
        "closed_reason": topic.closed_reason,
        "source_date": _iso(topic.source_date),
        "updated_at": datetime.now(UTC),
    }


def _topic(mapping: Any) -> WatchTopic:
    data = dict(mapping)
    data.pop("updated_at", None)
    return WatchTopic.model_validate(data)


def _merged(old: WatchTopic, new: WatchTopic, day: date, horizon_days: int) -> WatchTopic | None:
    """What a listed topic becomes when the digest of ``day`` lists it again (None: as is)."""
    refreshed = {"text": new.text, "terms": new.terms, "entities": new.entities}
    if old.source_date == day:
        return old.model_copy(update=refreshed)
    if old.status == "closed":
        return None
    if is_fresh(old, day, horizon_days):
        if day < old.opened_on and not old.manual:
            return old.model_copy(update={"opened_on": day, "source_date": day})
        return None
    return new


class WatchStore:
    """The watch topics of one store."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine
        self._begin = store.begin  # joins the store's open transaction, if any

    def get(self, topic_id: str) -> WatchTopic | None:
        with self._begin() as conn:
            row = conn.execute(select(watch_topics).where(watch_topics.c.id == topic_id)).first()
        return _topic(row._mapping) if row else None

    def find(self, profile: str, prefix: str) -> WatchTopic:
        """The topic of ``profile`` whose id starts with ``prefix`` (at least 4 characters)."""
        prefix = prefix.strip().lower()
        if len(prefix) < 4:
            raise UsageError(f"watch topic id {prefix!r}: give at least 4 characters")
        candidates = [t for t in self.topics(profile) if t.id.startswith(prefix)]
        if len(candidates) != 1:
            problem = "matches several topics" if candidates else "matches no topic"
            raise UsageError(f"watch topic id {prefix!r} {problem} of profile {profile!r}")
        return candidates[0]

    def topics(
        self, profile: str, statuses: Iterable[TopicStatus] | None = None
    ) -> list[WatchTopic]:
        """The profile's topics, newest first (``statuses`` filters)."""
        query = select(watch_topics).where(watch_topics.c.profile == profile)
        if statuses is not None:
            query = query.where(watch_topics.c.status.in_(list(statuses)))
        query = query.order_by(watch_topics.c.opened_on.desc(), watch_topics.c.id)
        with self._begin() as conn:
            return [_topic(row._mapping) for row in conn.execute(query)]

    def _put(self, conn: Connection, topic: WatchTopic, exists: bool) -> None:
        row = _row(topic)
        if exists:
            conn.execute(watch_topics.update().where(watch_topics.c.id == topic.id).values(**row))
        else:
            conn.execute(watch_topics.insert().values(**row))

    def save_listed(
        self, profile: str, day: date, listed: Sequence[WatchTopic], horizon_days: int
    ) -> list[WatchTopic]:
        """Store the topics the digest of ``day`` lists (module rules); return them as stored."""
        ids = [topic.id for topic in listed]
        with self._begin() as conn:
            existing = {
                row.id: _topic(row._mapping)
                for row in conn.execute(select(watch_topics).where(watch_topics.c.id.in_(ids)))
            }
            stored: list[WatchTopic] = []
            for topic in listed:
                old = existing.get(topic.id)
                new = topic if old is None else _merged(old, topic, day, horizon_days)
                if new is not None:
                    self._put(conn, new, exists=old is not None)
                stored.append(new or old or topic)
            conn.execute(
                watch_topics.delete().where(
                    (watch_topics.c.profile == profile)
                    & (watch_topics.c.source_date == day.isoformat())
                    & (watch_topics.c.status != "closed")
                    & watch_topics.c.last_matched_on.is_(None)
                    & watch_topics.c.id.not_in(ids)
                )
            )
        return stored

    def add(self, topic: WatchTopic, horizon_days: int) -> WatchTopic:
        """Store a topic added by hand (module rules); return it as stored."""
        with self._begin() as conn:
            row = conn.execute(select(watch_topics).where(watch_topics.c.id == topic.id)).first()
            old = _topic(row._mapping) if row else None
            if (
                old is None
                or old.status == "closed"
                or not is_fresh(old, topic.opened_on, horizon_days)
            ):
                new = topic
            else:
                keys = topic_keys(old.lead, topic.text or old.text, [*old.terms, *topic.terms])
                new = old.model_copy(
                    update={
                        "text": topic.text or old.text,
                        "terms": keys.terms,
                        "entities": keys.entities,
                    }
                )
            self._put(conn, new, exists=old is not None)
        return new

    def close(self, topic_id: str, reason: str) -> WatchTopic:
        with self._begin() as conn:
            conn.execute(
                watch_topics.update()
                .where(watch_topics.c.id == topic_id)
                .values(status="closed", closed_reason=reason, updated_at=datetime.now(UTC))
            )
        topic = self.get(topic_id)
        if topic is None:
            raise UsageError(f"no watch topic with id {topic_id!r}")
        return topic

    def expire(self, profile: str, day: date, horizon_days: int) -> list[WatchTopic]:
        """Mark the open topics not fresh on ``day`` expired; return them."""
        stale = [t for t in self.topics(profile, ["open"]) if not is_fresh(t, day, horizon_days)]
        reason = f"no match for {horizon_days} days"
        with self._begin() as conn:
            for topic in stale:
                conn.execute(
                    watch_topics.update()
                    .where(watch_topics.c.id == topic.id)
                    .values(status="expired", closed_reason=reason, updated_at=datetime.now(UTC))
                )
        return [t.model_copy(update={"status": "expired", "closed_reason": reason}) for t in stale]

    def mark_matched(self, topic_ids: Iterable[str], day: date) -> None:
        """Record that events of the digest of ``day`` followed these topics up."""
        ids = list(dict.fromkeys(topic_ids))
        with self._begin() as conn:
            for row in conn.execute(select(watch_topics).where(watch_topics.c.id.in_(ids))):
                if row.last_matched_on and row.last_matched_on >= day.isoformat():
                    continue
                conn.execute(
                    watch_topics.update()
                    .where(watch_topics.c.id == row.id)
                    .values(last_matched_on=day.isoformat(), updated_at=datetime.now(UTC))
                )
