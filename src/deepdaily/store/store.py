"""The database: every stage reads from and writes to it.

SQLite (in WAL mode, with a busy timeout) is the embedded default; any SQLAlchemy URL works,
PostgreSQL included (``pip install 'deepdaily[postgres]'``). Governed by ``store.url``.
Writes are idempotent: documents are keyed by content hash and canonical URL (an entry URL: the
page plus a fragment naming an entry of its own), events by the hash of their first document,
digests by (profile, date), so re-running a day adds no rows. A document whose source changed
is updated in place (:meth:`Store.update_documents`), keeping its id and event.

Several processes may share one store: two profiles running at once upsert the same sources,
documents and events (``INSERT … ON CONFLICT`` on SQLite and PostgreSQL) instead of failing on
a unique key; migrations run under an exclusive lock (``BEGIN IMMEDIATE`` on SQLite, an
advisory lock on PostgreSQL). One profile runs once at a time: :meth:`Store.run_lock`
(:mod:`deepdaily.store.lock`). A new SQLite database file is created 0600 (its WAL and SHM
files take the same mode), so other users cannot read what the runs stored.
:meth:`Store.transaction` gathers several writes into one transaction (the render stage
stores the digest, its watch topics and the run's end together, after the files are written).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    case,
    create_engine,
    event,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from deepdaily.config import SourceSpec
from deepdaily.config.dburl import engine_url
from deepdaily.errors import StoreError
from deepdaily.models import Digest, Document, Event, Selection, SourceOutcome
from deepdaily.store import schema as t
from deepdaily.store.lock import LockState, OnWait, RunLock, run_lock_for, sqlite_path
from deepdaily.store.migrations import applied_migrations, apply_migrations

__all__ = ["DIGEST_STATUSES", "SourceState", "Store", "StoredDigest", "StoredDocument"]

#: A digest's lifecycle, in order: ``run --review`` stores a draft, ``publish --approve`` (or
#: the review UI) approves it, publishing marks it published; a plain ``run`` publishes at once.
DIGEST_STATUSES = ("draft", "approved", "published")

#: The advisory lock PostgreSQL migrations run under (any constant distinct from run locks).
_MIGRATION_KEY = 0x646565706461696C  # "deepdail"


def _now() -> datetime:
    return datetime.now(UTC)


class SourceState(dict[str, Any]):
    """A row of ``sources`` as a dict (name, url, etag, last_status, last_error, ...)."""


class StoredDigest(dict[str, Any]):
    """A row of ``digests`` as a dict (profile, date, path, markdown, json, status,
    approved_at, published_at, published_json, ...)."""


class StoredDocument(dict[str, Any]):
    """What :meth:`Store.stored_entries` tells of a document: canonical_url, page_url, source,
    title, text, entry_hash."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")  # first: the next ones may meet another writer
    _set_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _set_wal(cursor: Any, attempts: int = 3) -> None:
    """Switch a new database to WAL (a no-op once it is). Two processes opening the same new
    store at once may each hold a lock the other's switch needs; SQLite then tells one of them
    'database is locked' (at once when it sees the deadlock, else after the busy timeout), and
    that one tries again once the other has finished."""
    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only (SQLite gives the WAL and SHM
    files it creates later the database's own mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Store:
    """A handle on one database; cheap to create, safe to share within a process."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        """Open the database at ``url`` and apply pending migrations (``migrate=False``: leave
        them pending, for ``deepdaily db check``; a new SQLite file is still created)."""
        self.url = url
        self._joined: dict[int, Connection] = {}  # thread -> its open transaction()
        self._locks: dict[str, RunLock] = {}  # profile -> run lock held by this handle
        self._lock_depth: dict[str, int] = {}
        try:
            database = sqlite_path(url)
            if database is not None and not str(database).startswith("~"):
                _create_private(database)  # (SQLite opens "~" literally: no such folder made)
            self.engine: Engine = create_engine(engine_url(url), future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            self.migrations_applied = self._migrate() if migrate else []
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(
                f"store.url {_safe(url)}: cannot open database: {_first_line(exc)}"
            ) from exc

    def _migrate(self) -> list[str]:
        """Apply pending migrations under an exclusive lock, so two processes opening a new
        database at once do not both create its tables."""
        from deepdaily.store.migrations import MIGRATIONS

        dialect = self.engine.dialect.name
        with self.engine.connect() as conn:
            if dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_KEY})
            else:
                applied = applied_migrations(conn, create=False)  # a read: never waits
                pending = {name for name, _ in MIGRATIONS} - set(applied)
                conn.rollback()
                if not pending:
                    return []
                if dialect == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")  # waits (busy_timeout) for writers
            applied = apply_migrations(conn)  # reads the applied list again, under the lock
            conn.commit()
            return applied

    def pending_migrations(self) -> list[str]:
        """The migrations this version of deepdaily knows and the database has not had."""
        from deepdaily.store.migrations import MIGRATIONS

        with self.engine.connect() as conn:
            applied = set(applied_migrations(conn, create=False))
        return [name for name, _ in MIGRATIONS if name not in applied]

    def close(self) -> None:
        for profile in list(self._locks):
            self._lock_depth[profile] = 1
            self._release(profile)
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        joined = self._joined.get(threading.get_ident())
        if joined is not None:
            yield joined
            return
        with self.engine.begin() as conn:
            yield conn

    def begin(self) -> contextlib.AbstractContextManager[Connection]:
        """A connection in a transaction: the open :meth:`transaction` of this thread, if
        any, else a new one committed at the end of the block."""
        return self._tx()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction for every write through this store (and :meth:`begin`) in the
        block, in this thread: all of them are committed together, or none. Keep ``await``
        out of the block: other tasks on the same thread would write into it too."""
        ident = threading.get_ident()
        if ident in self._joined:
            yield self._joined[ident]
            return
        with self.engine.begin() as conn:
            self._joined[ident] = conn
            try:
                yield conn
            finally:
                del self._joined[ident]

    def _insert(self, table: Table) -> Any:
        """An INSERT that can say ON CONFLICT (SQLite, PostgreSQL), or None elsewhere."""
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            return sqlite_insert(table)
        if name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table)
        return None

    # -- run locks ------------------------------------------------------------------------

    def run_lock_of(self, profile: str) -> RunLock:
        """The run lock of ``profile`` on this store (not taken)."""
        return self._locks.get(profile) or run_lock_for(self.url, self.engine, profile)

    def holds_run_lock(self, profile: str) -> bool:
        return profile in self._locks

    def acquire_run_lock(
        self,
        profile: str,
        *,
        wait: bool = False,
        timeout: float | None = None,
        on_wait: OnWait | None = None,
    ) -> RunLock:
        """Take the run lock of ``profile`` (re-entrant within this handle), or raise
        :class:`~deepdaily.errors.RunInProgress`; see :mod:`deepdaily.store.lock`."""
        if profile in self._locks:
            self._lock_depth[profile] += 1
            return self._locks[profile]
        lock = run_lock_for(self.url, self.engine, profile)
        lock.acquire(wait=wait, timeout=timeout, on_wait=on_wait)
        self._locks[profile] = lock
        self._lock_depth[profile] = 1
        return lock

    def _release(self, profile: str) -> None:
        depth = self._lock_depth.get(profile, 0) - 1
        if depth > 0:
            self._lock_depth[profile] = depth
            return
        self._lock_depth.pop(profile, None)
        lock = self._locks.pop(profile, None)
        if lock is not None:
            lock.release()

    @contextmanager
    def run_lock(
        self,
        profile: str,
        *,
        wait: bool = False,
        timeout: float | None = None,
        on_wait: OnWait | None = None,
    ) -> Iterator[RunLock]:
        """Hold the run lock of ``profile`` for the block (see :meth:`acquire_run_lock`)."""
        lock = self.acquire_run_lock(profile, wait=wait, timeout=timeout, on_wait=on_wait)
        try:
            yield lock
        finally:
            self._release(profile)

    def run_lock_states(self, profiles: Iterable[str] = ()) -> list[LockState]:
        """The state of the run locks of ``profiles`` and of every lock file beside a SQLite
        database, by profile."""
        from deepdaily.store.lock import lock_files

        names = dict.fromkeys(profiles)
        database = sqlite_path(self.url)
        if database is not None:
            names.update(dict.fromkeys(lock_files(database)))
        return [self.run_lock_of(name).state() for name in sorted(names)]

    # -- sources --------------------------------------------------------------------------

    def sync_sources(self, specs: Sequence[SourceSpec]) -> None:
        """Record configured sources; conditional-GET state of existing ones is kept, except
        for a source whose URL or type changed (its validators belong to another URL)."""
        insert = self._insert(t.sources)
        with self._tx() as conn:
            if insert is None:
                self._sync_sources_portably(conn, specs)
                return
            for spec in specs:
                values = {
                    "url": spec.url,
                    "type": spec.type,
                    "authority": spec.authority,
                    "tags": list(spec.tags),
                }
                stmt = insert.values(name=spec.name, **values)
                new = stmt.excluded
                moved = (t.sources.c.url != new.url) | (t.sources.c.type != new.type)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=[t.sources.c.name],
                        set_={
                            **{key: new[key] for key in values},
                            "etag": case((moved, None), else_=t.sources.c.etag),
                            "last_modified": case((moved, None), else_=t.sources.c.last_modified),
                        },
                    )
                )

    def _sync_sources_portably(self, conn: Connection, specs: Sequence[SourceSpec]) -> None:
        existing = {row.name: row for row in conn.execute(select(t.sources))}
        for spec in specs:
            values = {
                "url": spec.url,
                "type": spec.type,
                "authority": spec.authority,
                "tags": list(spec.tags),
            }
            row = existing.get(spec.name)
            if row is None:
                conn.execute(t.sources.insert().values(name=spec.name, **values))
            elif (row.url, row.type) != (spec.url, spec.type):
                conn.execute(
                    t.sources.update()
                    .where(t.sources.c.name == spec.name)
                    .values(etag=None, last_modified=None, **values)
                )
            else:
                conn.execute(
                    t.sources.update().where(t.sources.c.name == spec.name).values(**values)
                )

    def source_states(self) -> dict[str, SourceState]:
        with self._tx() as conn:
            return {row.name: SourceState(row._mapping) for row in conn.execute(select(t.sources))}

    def record_fetch(
        self, run_id: str, outcome: SourceOutcome, *, etag: str | None, last_modified: str | None
    ) -> None:
        """Log one source's outcome; validators change only when the fetch succeeded."""
        now = _now()
        with self._tx() as conn:
            conn.execute(
                t.fetch_log.insert().values(
                    run_id=run_id,
                    source=outcome.source,
                    url=outcome.url,
                    ok=outcome.ok,
                    status=outcome.status,
                    not_modified=outcome.not_modified,
                    entries=outcome.entries,
                    new_documents=outcome.new_documents,
                    error=outcome.error,
                    elapsed_ms=outcome.elapsed_ms,
                    at=now,
                )
            )
            values: dict[str, Any] = {
                "last_fetched_at": now,
                "last_status": outcome.status,
                "last_error": outcome.error or None,
            }
            if outcome.ok:
                values["ok_count"] = t.sources.c.ok_count + 1
                if not outcome.not_modified:
                    values.update(etag=etag, last_modified=last_modified)
            else:
                values["fail_count"] = t.sources.c.fail_count + 1
            conn.execute(
                t.sources.update().where(t.sources.c.name == outcome.source).values(**values)
            )

    # -- documents ------------------------------------------------------------------------

    def known_urls(self, urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs are already stored."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self._tx() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                found.update(
                    conn.scalars(
                        select(t.documents.c.canonical_url).where(
                            t.documents.c.canonical_url.in_(chunk)
                        )
                    )
                )
        return found

    def stored_entries(self, pages: Iterable[str]) -> dict[str, list[StoredDocument]]:
        """The documents stored on these pages (canonical URLs without fragment), by page:
        what :func:`deepdaily.extract.plan_entries` needs to tell new, changed, known and
        merged entries apart."""
        wanted = list(dict.fromkeys(pages))
        found: dict[str, list[StoredDocument]] = {}
        columns = (
            t.documents.c.canonical_url,
            t.documents.c.page_url,
            t.documents.c.source,
            t.documents.c.title,
            t.documents.c.text,
            t.documents.c.entry_hash,
        )
        with self._tx() as conn:
            for start in range(0, len(wanted), 500):
                query = select(*columns).where(
                    t.documents.c.page_url.in_(wanted[start : start + 500])
                )
                for row in conn.execute(query):
                    found.setdefault(row.page_url, []).append(StoredDocument(row._mapping))
        return found

    def add_documents(
        self, docs: Sequence[Document], fingerprints: Mapping[str, str] | None = None
    ) -> int:
        """Insert documents not yet stored (by id or canonical URL); return how many were new.

        ``fingerprints`` maps canonical URLs to the hash of the entry each document was made
        from (:func:`deepdaily.extract.entry_hash`), kept to notice when the source changes.
        """
        if not docs:
            return 0
        fresh: dict[str, Document] = {}
        for doc in docs:
            fresh.setdefault(doc.canonical_url, doc)
        known = self.known_urls(fresh)
        rows = [
            _document_row(doc, (fingerprints or {}).get(url))
            for url, doc in fresh.items()
            if url not in known
        ]
        if not rows:
            return 0
        insert = self._insert(t.documents)
        with self._tx() as conn:
            if insert is not None:  # another process may store the same page meanwhile
                stmt = insert.on_conflict_do_nothing().returning(t.documents.c.id)
                return len(conn.execute(stmt, rows).all())
            ids = {row["id"] for row in rows}
            taken = set(conn.scalars(select(t.documents.c.id).where(t.documents.c.id.in_(ids))))
            rows = [row for row in rows if row["id"] not in taken]
            if rows:
                conn.execute(t.documents.insert(), rows)
        return len(rows)

    def update_documents(
        self, docs: Sequence[Document], fingerprints: Mapping[str, str] | None = None
    ) -> int:
        """Replace the content of stored documents re-extracted because their source changed.

        Matched by canonical URL; the stored id, event, source and fetch time stay, so nothing
        that points at the document is lost and no duplicate appears. Returns how many
        documents changed (a re-extraction that yields the same document only records the
        new fingerprint).
        """
        changed = 0
        with self._tx() as conn:
            for doc in docs:
                key = t.documents.c.canonical_url == doc.canonical_url
                old = conn.execute(select(t.documents).where(key)).first()
                if old is None:
                    continue
                row = _document_row(doc, (fingerprints or {}).get(doc.canonical_url))
                values = {name: row[name] for name in _UPDATABLE}
                differs = any(
                    _comparable(values[name]) != _comparable(getattr(old, name))
                    for name in _UPDATABLE
                    if name != "entry_hash"
                )
                changed += differs
                conn.execute(t.documents.update().where(key).values(**values))
        return changed

    def documents_in(self, start: datetime, end: datetime) -> list[Document]:
        """Documents published in [start, end), or undated and fetched then."""
        published = t.documents.c.published
        query = select(t.documents).where(
            or_(
                (published >= start) & (published < end),
                published.is_(None)
                & (t.documents.c.fetched_at >= start)
                & (t.documents.c.fetched_at < end),
            )
        )
        with self._tx() as conn:
            return [_document(row._mapping) for row in conn.execute(query)]

    def count(self, table: str) -> int:
        with self._tx() as conn:
            return int(conn.scalar(select(func.count()).select_from(t.metadata.tables[table])) or 0)

    # -- events ---------------------------------------------------------------------------

    def events_since(self, since: datetime) -> list[Event]:
        """Events seen since ``since``, with all their documents."""
        with self._tx() as conn:
            event_rows = list(conn.execute(select(t.events).where(t.events.c.last_seen >= since)))
            return self._with_documents(conn, event_rows)

    def events_by_id(self, ids: Iterable[str]) -> list[Event]:
        with self._tx() as conn:
            rows = list(conn.execute(select(t.events).where(t.events.c.id.in_(list(ids)))))
            return self._with_documents(conn, rows)

    def _with_documents(self, conn: Connection, event_rows: list[Any]) -> list[Event]:
        ids = [row.id for row in event_rows]
        docs: dict[str, list[Document]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            query = select(t.documents).where(t.documents.c.event_id.in_(ids[start : start + 500]))
            for row in conn.execute(query):
                docs[row.event_id].append(_document(row._mapping))
        return [
            Event(
                id=row.id,
                title=row.title,
                documents=docs[row.id] or [],
                first_seen=row.first_seen,
                last_seen=row.last_seen,
            )
            for row in event_rows
            if docs[row.id]
        ]

    def save_events(self, events: Sequence[Event]) -> None:
        """Upsert events and point their documents at them."""
        now = _now()
        insert = self._insert(t.events)
        with self._tx() as conn:
            existing = set(
                conn.scalars(select(t.events.c.id).where(t.events.c.id.in_([e.id for e in events])))
            )
            for ev in events:
                values = {
                    "title": ev.title,
                    "first_seen": ev.first_seen,
                    "last_seen": ev.last_seen,
                    "updated_at": now,
                }
                if insert is not None:  # another process may save the same event meanwhile
                    conn.execute(
                        insert.values(id=ev.id, **values).on_conflict_do_update(
                            index_elements=[t.events.c.id], set_=values
                        )
                    )
                elif ev.id in existing:
                    conn.execute(t.events.update().where(t.events.c.id == ev.id).values(**values))
                else:
                    conn.execute(t.events.insert().values(id=ev.id, **values))
                conn.execute(
                    t.documents.update()
                    .where(t.documents.c.id.in_([d.id for d in ev.documents]))
                    .values(event_id=ev.id)
                )

    # -- runs -----------------------------------------------------------------------------

    def start_run(self, run_id: str, profile: str, digest_date: str) -> None:
        with self._tx() as conn:
            conn.execute(
                t.runs.insert().values(
                    id=run_id,
                    profile=profile,
                    digest_date=digest_date,
                    started_at=_now(),
                    status="running",
                    manifest={},
                )
            )

    def finish_run(self, run_id: str, status: str, manifest: dict[str, Any]) -> None:
        with self._tx() as conn:
            conn.execute(
                t.runs.update()
                .where(t.runs.c.id == run_id)
                .values(status=status, finished_at=_now(), manifest=manifest)
            )

    def mark_interrupted(self, profile: str) -> list[dict[str, Any]]:
        """Mark the runs of ``profile`` still ``running`` as ``interrupted`` and return them
        (id, digest_date, started_at). Call it holding the profile's run lock: then no such run
        is alive, each was killed (or its machine went down) before it could finish."""
        mine = (t.runs.c.profile == profile) & (t.runs.c.status == "running")
        with self._tx() as conn:
            rows = [
                dict(row._mapping)
                for row in conn.execute(
                    select(t.runs.c.id, t.runs.c.digest_date, t.runs.c.started_at)
                    .where(mine)
                    .order_by(t.runs.c.started_at)
                )
            ]
            if rows:
                conn.execute(
                    t.runs.update()
                    .where(mine & t.runs.c.id.in_([r["id"] for r in rows]))
                    .values(status="interrupted", finished_at=_now())
                )
        return rows

    def runs_with_status(self, status: str) -> list[dict[str, Any]]:
        """Runs (id, profile, digest_date, started_at) with this status, latest first."""
        query = (
            select(t.runs.c.id, t.runs.c.profile, t.runs.c.digest_date, t.runs.c.started_at)
            .where(t.runs.c.status == status)
            .order_by(t.runs.c.started_at.desc())
        )
        with self._tx() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def integrity(self) -> str:
        """``ok``, or the first problems SQLite's ``PRAGMA quick_check`` finds, on one line.
        Other databases check their own pages; for them this only proves a connection."""
        try:
            with self.engine.connect() as conn:
                if self.engine.dialect.name != "sqlite":
                    conn.execute(text("SELECT 1"))
                    return "ok"
                rows = conn.exec_driver_sql("PRAGMA quick_check")
                found = [str(row[0]) for row in rows if "*** in database" not in str(row[0])]
        except SQLAlchemyError as exc:
            return _first_line(getattr(exc, "orig", None) or exc)
        if found == ["ok"]:
            return "ok"
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        return "; ".join(found[:3]) + more

    def run(self, run_id: str) -> dict[str, Any] | None:
        with self._tx() as conn:
            row = conn.execute(select(t.runs).where(t.runs.c.id == run_id)).first()
            return dict(row._mapping) if row else None

    def save_selections(self, run_id: str, selections: Sequence[Selection]) -> None:
        with self._tx() as conn:
            conn.execute(t.selections.delete().where(t.selections.c.run_id == run_id))
            if selections:
                conn.execute(
                    t.selections.insert(),
                    [
                        {
                            "run_id": run_id,
                            "event_id": s.event_id,
                            "selected": s.selected,
                            "rank": s.rank,
                            "title": s.title,
                            "score": s.score.model_dump(mode="json"),
                            "reason": s.reason,
                        }
                        for s in selections
                    ],
                )

    def selections(self, run_id: str) -> list[Selection]:
        query = select(t.selections).where(t.selections.c.run_id == run_id)
        with self._tx() as conn:
            return [Selection.model_validate(dict(row._mapping)) for row in conn.execute(query)]

    # -- digests --------------------------------------------------------------------------

    def save_digest(
        self,
        digest: Digest,
        *,
        run_id: str,
        path: str,
        markdown: str,
        json_text: str,
        status: str = "draft",
        published_at: datetime | None = None,
    ) -> bool:
        """Store (or replace) the digest of (profile, date) with ``status`` (one of
        :data:`DIGEST_STATUSES`); return True when its content changed.

        What was last published (``published_json``, ``published_hash``, ``published_at``) is
        kept across re-runs, so a day re-drafted by ``run --review`` stays in the feeds as it
        was published. Saving it ``published`` records this content as published, at
        ``published_at`` (default: now if the content differs from what was published, else
        the time it was)."""
        if status not in DIGEST_STATUSES:
            raise ValueError(f"digest status {status!r} is not one of {DIGEST_STATUSES}")
        content_hash = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        key = (t.digests.c.profile == digest.profile) & (t.digests.c.date == digest.date)
        with self._tx() as conn:
            old = conn.execute(select(t.digests).where(key)).first()
            kept = dict(old._mapping) if old is not None else {}
            lifecycle = {
                name: kept.get(name)
                for name in ("approved_at", "published_at", "published_hash", "published_json")
            }
            if status == "draft":
                lifecycle["approved_at"] = None
            elif kept.get("content_hash") != content_hash or not lifecycle["approved_at"]:
                lifecycle["approved_at"] = _now()
            if status == "published":
                unchanged = lifecycle["published_hash"] == content_hash
                lifecycle["published_at"] = (
                    published_at or (lifecycle["published_at"] if unchanged else None) or _now()
                )
                lifecycle["published_hash"] = content_hash
                lifecycle["published_json"] = json_text
            conn.execute(t.digests.delete().where(key))
            conn.execute(
                t.digests.insert().values(
                    profile=digest.profile,
                    date=digest.date,
                    run_id=run_id,
                    engine=digest.engine,
                    path=path,
                    markdown=markdown,
                    json=json_text,
                    content_hash=content_hash,
                    created_at=_now(),
                    status=status,
                    **lifecycle,
                )
            )
            conn.execute(
                t.digest_events.delete().where(
                    (t.digest_events.c.profile == digest.profile)
                    & (t.digest_events.c.date == digest.date)
                )
            )
            if digest.items:
                conn.execute(
                    t.digest_events.insert(),
                    [
                        {
                            "profile": digest.profile,
                            "date": digest.date,
                            "event_id": item.event_id,
                            "rank": rank,
                            "digest_item": item.model_dump(mode="json"),
                        }
                        for rank, item in enumerate(digest.items, 1)
                    ],
                )
        return kept.get("content_hash") != content_hash

    def approve_digest(self, profile: str, date: str) -> StoredDigest:
        """Release a draft: its status becomes ``approved`` (a digest already approved or
        published is left as it is). Raises :class:`StoreError` when none is stored."""
        key = (t.digests.c.profile == profile) & (t.digests.c.date == date)
        with self._tx() as conn:
            conn.execute(
                t.digests.update()
                .where(key & (t.digests.c.status == "draft"))
                .values(status="approved", approved_at=_now())
            )
            row = conn.execute(select(t.digests).where(key)).first()
        if row is None:
            raise StoreError(f"no digest stored for profile {profile!r} on {date}")
        return StoredDigest(row._mapping)

    def mark_published(
        self,
        profile: str,
        date: str,
        *,
        markdown: str,
        json_text: str,
        published_at: datetime,
    ) -> None:
        """Record that the digest of (profile, date) was published as ``markdown`` and
        ``json_text`` (the stored rendering is brought in line with the files)."""
        content_hash = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        key = (t.digests.c.profile == profile) & (t.digests.c.date == date)
        with self._tx() as conn:
            conn.execute(
                t.digests.update()
                .where(key)
                .values(
                    status="published",
                    approved_at=func.coalesce(t.digests.c.approved_at, _now()),
                    markdown=markdown,
                    json=json_text,
                    content_hash=content_hash,
                    published_at=published_at,
                    published_hash=content_hash,
                    published_json=json_text,
                )
            )

    def published_digests(
        self, profile: str, *, limit: int | None = None, before: str | None = None
    ) -> list[StoredDigest]:
        """The digests of ``profile`` published at least once, newest date first: date,
        published_json, published_hash, published_at, status (``before``: dates before it)."""
        query = (
            select(
                t.digests.c.profile,
                t.digests.c.date,
                t.digests.c.status,
                t.digests.c.published_at,
                t.digests.c.published_hash,
                t.digests.c.published_json,
            )
            .where((t.digests.c.profile == profile) & t.digests.c.published_json.is_not(None))
            .order_by(t.digests.c.date.desc())
        )
        if before is not None:
            query = query.where(t.digests.c.date < before)
        if limit is not None:
            query = query.limit(limit)
        with self._tx() as conn:
            return [StoredDigest(row._mapping) for row in conn.execute(query)]

    def digest(self, profile: str, date: str | None = None) -> StoredDigest | None:
        query = select(t.digests).where(t.digests.c.profile == profile)
        if date:
            query = query.where(t.digests.c.date == date)
        with self._tx() as conn:
            row = conn.execute(query.order_by(t.digests.c.date.desc()).limit(1)).first()
            return StoredDigest(row._mapping) if row else None

    def digests(self, profile: str) -> list[StoredDigest]:
        query = (
            select(
                t.digests.c.profile,
                t.digests.c.date,
                t.digests.c.engine,
                t.digests.c.path,
                t.digests.c.run_id,
                t.digests.c.status,
            )
            .where(t.digests.c.profile == profile)
            .order_by(t.digests.c.date.desc())
        )
        with self._tx() as conn:
            return [StoredDigest(row._mapping) for row in conn.execute(query)]

    def published_event_dates(
        self, profile: str, before: str, since: str | None = None
    ) -> dict[str, list[str]]:
        """Event id -> dates (oldest first) of every digest of ``profile`` before ``before``
        (and from ``since`` on, when given) that carried it. A draft nobody released (``run
        --review``) does not count: its events were never shown to a reader."""
        released = select(t.digests.c.date).where(
            (t.digests.c.profile == profile) & (t.digests.c.status != "draft")
        )
        query = (
            select(t.digest_events.c.event_id, t.digest_events.c.date)
            .where((t.digest_events.c.profile == profile) & (t.digest_events.c.date < before))
            .where(t.digest_events.c.date.in_(released))
            .order_by(t.digest_events.c.date)
        )
        if since is not None:
            query = query.where(t.digest_events.c.date >= since)
        dates: dict[str, list[str]] = {}
        with self._tx() as conn:
            for row in conn.execute(query):
                dates.setdefault(row.event_id, []).append(row.date)
        return dates


# What a re-extraction may change in a stored document (not its id, event, source or fetch time).
_UPDATABLE = (
    "url",
    "title",
    "text",
    "summary",
    "published",
    "author",
    "language",
    "authority",
    "tags",
    "links",
    "entry_hash",
)


def _document_row(doc: Document, fingerprint: str | None = None) -> dict[str, Any]:
    row = doc.model_dump()
    row["tags"] = list(doc.tags)
    row["links"] = list(doc.links)
    row["page_url"] = doc.canonical_url.split("#", 1)[0]
    row["entry_hash"] = fingerprint
    return row


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def _document(mapping: Any) -> Document:
    return Document.model_validate(dict(mapping))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
