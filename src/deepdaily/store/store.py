"""The database: every stage reads from and writes to it.

SQLite (in WAL mode, with a busy timeout) is the embedded default; any SQLAlchemy URL works,
PostgreSQL included (``pip install 'deepdaily[postgres]'``). Governed by ``store.url``.
Writes are idempotent: documents are keyed by content hash and canonical URL (an entry URL: the
page plus a fragment naming an entry of its own), events by the hash of their first document,
digests by (profile, date), so re-running a day adds no rows. A document whose source changed
is updated in place (:meth:`Store.update_documents`), keeping its id and event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from deepdaily.config import SourceSpec
from deepdaily.errors import StoreError
from deepdaily.models import Digest, Document, Event, Selection, SourceOutcome
from deepdaily.store import schema as t
from deepdaily.store.migrations import apply_migrations

__all__ = ["SourceState", "Store", "StoredDigest", "StoredDocument"]


def _now() -> datetime:
    return datetime.now(UTC)


class SourceState(dict[str, Any]):
    """A row of ``sources`` as a dict (name, url, etag, last_status, last_error, ...)."""


class StoredDigest(dict[str, Any]):
    """A row of ``digests`` as a dict (profile, date, path, markdown, json, ...)."""


class StoredDocument(dict[str, Any]):
    """What :meth:`Store.stored_entries` tells of a document: canonical_url, page_url, source,
    title, text, entry_hash."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Store:
    """A handle on one database; cheap to create, safe to share within a process."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
                Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(
                    parents=True, exist_ok=True
                )
            self.engine: Engine = create_engine(url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
            with self.engine.begin() as conn:
                self.migrations_applied = apply_migrations(conn)
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(
                f"store.url {_safe(url)}: cannot open database: {_first_line(exc)}"
            ) from exc

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    # -- sources --------------------------------------------------------------------------

    def sync_sources(self, specs: Sequence[SourceSpec]) -> None:
        """Record configured sources; conditional-GET state of existing ones is kept."""
        with self._tx() as conn:
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
                    # A moved source starts over: its old validators belong to another URL.
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
        with self._tx() as conn:
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
                if ev.id in existing:
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
        self, digest: Digest, *, run_id: str, path: str, markdown: str, json_text: str
    ) -> bool:
        """Store (or replace) the digest of (profile, date); return True when it changed."""
        content_hash = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
        key = (t.digests.c.profile == digest.profile) & (t.digests.c.date == digest.date)
        with self._tx() as conn:
            old = conn.execute(select(t.digests.c.content_hash).where(key)).scalar()
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
        return old != content_hash

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
            )
            .where(t.digests.c.profile == profile)
            .order_by(t.digests.c.date.desc())
        )
        with self._tx() as conn:
            return [StoredDigest(row._mapping) for row in conn.execute(query)]

    def published_event_dates(self, profile: str, before: str) -> dict[str, list[str]]:
        """Event id -> dates (oldest first) of every digest of ``profile`` before ``before``
        that carried it."""
        query = (
            select(t.digest_events.c.event_id, t.digest_events.c.date)
            .where((t.digest_events.c.profile == profile) & (t.digest_events.c.date < before))
            .order_by(t.digest_events.c.date)
        )
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
