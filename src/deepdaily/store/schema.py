"""The tables, as SQLAlchemy Core objects used by queries.

The schema itself is created and changed only by :mod:`deepdaily.store.migrations`; these
definitions mirror the latest migration and are what the queries in :mod:`.store` bind to.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

__all__ = [
    "digest_events",
    "digests",
    "documents",
    "events",
    "fetch_log",
    "metadata",
    "runs",
    "schema_migrations",
    "selections",
    "sources",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    Column("type", String(32), nullable=False),
    Column("authority", Float, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetched_at", UTCDateTime),
    Column("last_status", Integer),
    Column("last_error", Text),
    Column("ok_count", Integer, nullable=False, default=0),
    Column("fail_count", Integer, nullable=False, default=0),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("profile", String(100), nullable=False),
    Column("digest_date", String(10), nullable=False),
    Column("started_at", UTCDateTime, nullable=False, index=True),
    Column("finished_at", UTCDateTime),
    Column("status", String(16), nullable=False),
    Column("manifest", JSON, nullable=False),
)

fetch_log = Table(
    "fetch_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(32), ForeignKey("runs.id"), nullable=False, index=True),
    Column("source", String(200), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("status", Integer),
    Column("not_modified", Boolean, nullable=False),
    Column("entries", Integer, nullable=False),
    Column("new_documents", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("elapsed_ms", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("source", String(200), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("summary", Text, nullable=False),
    Column("published", UTCDateTime, index=True),
    Column("fetched_at", UTCDateTime, nullable=False, index=True),
    Column("author", Text, nullable=False),
    Column("language", String(16), nullable=False),
    Column("authority", Float, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("links", JSON, nullable=False),
    Column("event_id", String(32), index=True),
    Column("page_url", Text, index=True),  # canonical_url without an entry's fragment
    Column("entry_hash", String(32)),  # fingerprint of the entry it was made from
)

events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False, index=True),
    Column("last_seen", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

selections = Table(
    "selections",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.id"), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("selected", Boolean, nullable=False),
    Column("rank", Integer),
    Column("title", Text, nullable=False),
    Column("score", JSON, nullable=False),
    Column("reason", Text, nullable=False),
)

digests = Table(
    "digests",
    metadata,
    Column("profile", String(100), primary_key=True),
    Column("date", String(10), primary_key=True),
    Column("run_id", String(32), ForeignKey("runs.id"), nullable=False),
    Column("engine", String(16), nullable=False),
    Column("path", Text, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("json", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # The lifecycle (m005): draft -> approved -> published, and what was last published.
    Column("status", String(16), nullable=False, default="published"),
    Column("approved_at", UTCDateTime),
    Column("published_at", UTCDateTime),  # when the published content last changed
    Column("published_hash", String(64)),
    Column("published_json", Text),
)

digest_events = Table(
    "digest_events",
    metadata,
    Column("profile", String(100), primary_key=True),
    Column("date", String(10), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("digest_item", JSON, nullable=False),
)
