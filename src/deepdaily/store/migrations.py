"""Ordered, named schema migrations, recorded in ``schema_migrations``.

Each migration is a function applied once, in order, inside a transaction. Never edit an
applied migration: add a new one at the end. The DDL is plain SQL that SQLite and PostgreSQL
both accept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text

__all__ = ["MIGRATIONS", "applied_migrations", "apply_migrations"]

Migration = Callable[[Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(fn: Migration) -> Migration:
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def _run(conn: Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(text(statement))


@migration
def m001_initial(conn: Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE sources (
            name VARCHAR(200) PRIMARY KEY,
            url TEXT NOT NULL,
            type VARCHAR(32) NOT NULL,
            authority FLOAT NOT NULL,
            tags JSON NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_fetched_at TIMESTAMP WITH TIME ZONE,
            last_status INTEGER,
            last_error TEXT,
            ok_count INTEGER NOT NULL DEFAULT 0,
            fail_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE runs (
            id VARCHAR(32) PRIMARY KEY,
            profile VARCHAR(100) NOT NULL,
            digest_date VARCHAR(10) NOT NULL,
            started_at TIMESTAMP WITH TIME ZONE NOT NULL,
            finished_at TIMESTAMP WITH TIME ZONE,
            status VARCHAR(16) NOT NULL,
            manifest JSON NOT NULL
        );
        CREATE TABLE fetch_log (
            id INTEGER PRIMARY KEY {autoincrement},
            run_id VARCHAR(32) NOT NULL REFERENCES runs(id),
            source VARCHAR(200) NOT NULL,
            url TEXT NOT NULL,
            ok BOOLEAN NOT NULL,
            status INTEGER,
            not_modified BOOLEAN NOT NULL,
            entries INTEGER NOT NULL,
            new_documents INTEGER NOT NULL,
            error TEXT NOT NULL,
            elapsed_ms INTEGER NOT NULL,
            at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE INDEX ix_fetch_log_run_id ON fetch_log (run_id);
        CREATE INDEX ix_fetch_log_source ON fetch_log (source);
        CREATE TABLE documents (
            id VARCHAR(32) PRIMARY KEY,
            canonical_url TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL,
            source VARCHAR(200) NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            summary TEXT NOT NULL,
            published TIMESTAMP WITH TIME ZONE,
            fetched_at TIMESTAMP WITH TIME ZONE NOT NULL,
            author TEXT NOT NULL,
            language VARCHAR(16) NOT NULL,
            authority FLOAT NOT NULL,
            tags JSON NOT NULL,
            links JSON NOT NULL,
            event_id VARCHAR(32)
        );
        CREATE INDEX ix_documents_source ON documents (source);
        CREATE INDEX ix_documents_published ON documents (published);
        CREATE INDEX ix_documents_fetched_at ON documents (fetched_at);
        CREATE INDEX ix_documents_event_id ON documents (event_id);
        CREATE TABLE events (
            id VARCHAR(32) PRIMARY KEY,
            title TEXT NOT NULL,
            first_seen TIMESTAMP WITH TIME ZONE NOT NULL,
            last_seen TIMESTAMP WITH TIME ZONE NOT NULL,
            updated_at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE INDEX ix_events_first_seen ON events (first_seen);
        CREATE INDEX ix_events_last_seen ON events (last_seen);
        CREATE TABLE selections (
            run_id VARCHAR(32) NOT NULL REFERENCES runs(id),
            event_id VARCHAR(32) NOT NULL,
            selected BOOLEAN NOT NULL,
            rank INTEGER,
            title TEXT NOT NULL,
            score JSON NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (run_id, event_id)
        );
        CREATE TABLE digests (
            profile VARCHAR(100) NOT NULL,
            date VARCHAR(10) NOT NULL,
            run_id VARCHAR(32) NOT NULL REFERENCES runs(id),
            engine VARCHAR(16) NOT NULL,
            path TEXT NOT NULL,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL,
            content_hash VARCHAR(64) NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL,
            PRIMARY KEY (profile, date)
        );
        CREATE TABLE digest_events (
            profile VARCHAR(100) NOT NULL,
            date VARCHAR(10) NOT NULL,
            event_id VARCHAR(32) NOT NULL,
            rank INTEGER NOT NULL,
            digest_item JSON NOT NULL,
            PRIMARY KEY (profile, date, event_id)
        )
        """.replace(
            "{autoincrement}",
            "AUTOINCREMENT"
            if conn.dialect.name == "sqlite"
            else "GENERATED BY DEFAULT AS IDENTITY",
        ),
    )


def applied_migrations(conn: Connection, *, create: bool = True) -> list[str]:
    """The names of the migrations applied. ``create=False`` only reads: a store another
    process is writing to (a long collect) is opened without waiting for its write lock."""
    if not create:
        if not inspect(conn).has_table("schema_migrations"):
            return []
        return [row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))]
    conn.execute(
        text(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "name VARCHAR(200) PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)"
        )
    )
    return [row[0] for row in conn.execute(text("SELECT name FROM schema_migrations"))]


def apply_migrations(conn: Connection) -> list[str]:
    """Apply pending migrations in order; return the names applied now."""
    done = set(applied_migrations(conn))
    applied: list[str] = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        fn(conn)
        conn.execute(
            text("INSERT INTO schema_migrations (name, applied_at) VALUES (:n, :t)"),
            {"n": name, "t": datetime.now(UTC).isoformat()},
        )
        applied.append(name)
    return applied


@migration
def m002_llm_cache(conn: Connection) -> None:
    """LLM answers keyed by a hash of sources, prompt version, model and request body."""
    _run(
        conn,
        """
        CREATE TABLE llm_cache (
            key VARCHAR(64) PRIMARY KEY,
            provider VARCHAR(200) NOT NULL,
            model VARCHAR(200) NOT NULL,
            purpose TEXT NOT NULL,
            response TEXT NOT NULL,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE INDEX ix_llm_cache_created_at ON llm_cache (created_at)
        """,
    )


@migration
def m003_watch_topics(conn: Connection) -> None:
    """Watch-list entries kept as topics that later events can follow up (deepdaily.watch)."""
    _run(
        conn,
        """
        CREATE TABLE watch_topics (
            id VARCHAR(32) PRIMARY KEY,
            profile VARCHAR(100) NOT NULL,
            lead TEXT NOT NULL,
            text TEXT NOT NULL,
            terms JSON NOT NULL,
            entities JSON NOT NULL,
            opened_on VARCHAR(10) NOT NULL,
            last_matched_on VARCHAR(10),
            status VARCHAR(16) NOT NULL,
            closed_reason TEXT NOT NULL,
            source_date VARCHAR(10),
            updated_at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE INDEX ix_watch_topics_profile_status ON watch_topics (profile, status)
        """,
    )


@migration
def m004_document_entry_urls(conn: Connection) -> None:
    """Documents keep their page (``canonical_url`` may now carry an entry's fragment) and the
    fingerprint of the entry they were made from, so a changed source is re-extracted."""
    _run(
        conn,
        """
        ALTER TABLE documents ADD COLUMN page_url TEXT;
        ALTER TABLE documents ADD COLUMN entry_hash VARCHAR(32);
        UPDATE documents SET page_url = canonical_url;
        CREATE INDEX ix_documents_page_url ON documents (page_url)
        """,
    )


@migration
def m005_digest_status(conn: Connection) -> None:
    """A digest's lifecycle: ``draft`` (``run --review``) -> ``approved`` -> ``published``, with
    what was last published (its JSON and hash, and when it last changed) for the feeds.
    Digests stored before this were written to their files, so they count as published."""
    _run(
        conn,
        """
        ALTER TABLE digests ADD COLUMN status VARCHAR(16) NOT NULL DEFAULT 'published';
        ALTER TABLE digests ADD COLUMN approved_at TIMESTAMP WITH TIME ZONE;
        ALTER TABLE digests ADD COLUMN published_at TIMESTAMP WITH TIME ZONE;
        ALTER TABLE digests ADD COLUMN published_hash VARCHAR(64);
        ALTER TABLE digests ADD COLUMN published_json TEXT;
        UPDATE digests SET approved_at = created_at, published_at = created_at,
            published_hash = content_hash, published_json = json;
        CREATE INDEX ix_digests_profile_status ON digests (profile, status)
        """,
    )


@migration
def m006_review_edits(conn: Connection) -> None:
    """The editor's changes to a day's digest (``deepdaily serve``): an append-only log of what
    was changed and when, replayed on every re-render and re-run of the day
    (:mod:`deepdaily.store.edits`)."""
    _run(
        conn,
        """
        CREATE TABLE review_edits (
            id INTEGER PRIMARY KEY {autoincrement},
            profile VARCHAR(100) NOT NULL,
            date VARCHAR(10) NOT NULL,
            kind VARCHAR(16) NOT NULL,
            event_id VARCHAR(32) NOT NULL,
            field VARCHAR(32) NOT NULL,
            value JSON,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE INDEX ix_review_edits_day ON review_edits (profile, date)
        """.replace(
            "{autoincrement}",
            "AUTOINCREMENT"
            if conn.dialect.name == "sqlite"
            else "GENERATED BY DEFAULT AS IDENTITY",
        ),
    )


@migration
def m007_deliveries(conn: Connection) -> None:
    """One row per digest and ``[[deliver]]`` channel (:mod:`deepdaily.deliver.record`): its
    status (``sending`` before a message goes out, ``sent`` after the last, ``failed``), the
    attempts, the last error (secrets scrubbed), when it was sent, the hash of what was sent,
    how many of its messages the platform confirmed and their ids."""
    _run(
        conn,
        """
        CREATE TABLE deliveries (
            profile VARCHAR(100) NOT NULL,
            date VARCHAR(10) NOT NULL,
            channel VARCHAR(100) NOT NULL,
            type VARCHAR(16) NOT NULL,
            status VARCHAR(16) NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            parts_total INTEGER NOT NULL DEFAULT 0,
            parts_sent INTEGER NOT NULL DEFAULT 0,
            content_hash VARCHAR(64) NOT NULL,
            message_ids JSON NOT NULL,
            last_error TEXT NOT NULL,
            started_at TIMESTAMP WITH TIME ZONE,
            sent_at TIMESTAMP WITH TIME ZONE,
            updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
            PRIMARY KEY (profile, date, channel)
        );
        CREATE INDEX ix_deliveries_status ON deliveries (status)
        """,
    )


@migration
def m008_retention_indexes(conn: Connection) -> None:
    """What the retention policy (``[store] keep_days``) finds by age, found by index (the LLM
    cache has had its index on ``created_at`` since m002)."""
    _run(
        conn,
        """
        CREATE INDEX ix_fetch_log_at ON fetch_log (at);
        CREATE INDEX ix_runs_started_at ON runs (started_at)
        """,
    )


@migration
def m009_event_keys(conn: Connection) -> None:
    """The event memory index (:mod:`deepdaily.store.memory`): the keys of each recent event,
    so a run recalls the events today's documents can join instead of the whole window."""
    _run(
        conn,
        """
        CREATE TABLE event_keys (
            key VARCHAR(16) NOT NULL,
            event_id VARCHAR(32) NOT NULL,
            last_seen TIMESTAMP WITH TIME ZONE NOT NULL,
            PRIMARY KEY (key, event_id)
        );
        CREATE INDEX ix_event_keys_event_id ON event_keys (event_id);
        CREATE INDEX ix_event_keys_last_seen ON event_keys (last_seen)
        """,
    )


@migration
def m010_distributed_tasks(conn: Connection) -> None:
    """The ledger of distributed runs (:mod:`deepdaily.distributed.ledger`): one row per run
    handed to workers (the settings they use), one per task keyed by (run, stage, key) with its
    input, attempts, the worker that last took it and its result, so a task done twice
    overwrites its own row."""
    _run(
        conn,
        """
        CREATE TABLE dist_runs (
            dist_id VARCHAR(32) PRIMARY KEY,
            run_id VARCHAR(32) NOT NULL,
            settings TEXT NOT NULL,
            offline BOOLEAN NOT NULL,
            created_at TIMESTAMP WITH TIME ZONE NOT NULL
        );
        CREATE TABLE dist_tasks (
            dist_id VARCHAR(32) NOT NULL,
            stage VARCHAR(16) NOT NULL,
            key VARCHAR(300) NOT NULL,
            position INTEGER NOT NULL,
            input TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            worker VARCHAR(200) NOT NULL DEFAULT '',
            result TEXT,
            started_at TIMESTAMP WITH TIME ZONE,
            done_at TIMESTAMP WITH TIME ZONE,
            PRIMARY KEY (dist_id, stage, key)
        )
        """,
    )
