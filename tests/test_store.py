"""The store: migrations, idempotent writes, conditional-GET state, digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from deepdaily.config import SourceSpec
from deepdaily.errors import StoreError
from deepdaily.models import Document, Event, SourceOutcome, content_id
from deepdaily.store import Store
from deepdaily.store.migrations import MIGRATIONS

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def doc(n: int, *, published: datetime | None = NOW, url: str | None = None) -> Document:
    canonical = url or f"https://news.example/a/{n}"
    body = f"Story number {n} with enough words to be a document."
    return Document(
        id=content_id(canonical, body),
        source="wire",
        url=canonical,
        canonical_url=canonical,
        title=f"Story {n}",
        text=body,
        published=published,
        fetched_at=NOW,
    )


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, on SQLite and on PostgreSQL."""
    opened = Store(store_url)
    yield opened
    opened.close()


def test_migrations_are_recorded_and_applied_once(store_url: str) -> None:
    first = Store(store_url)
    assert first.migrations_applied == [name for name, _ in MIGRATIONS]
    second = Store(store_url)
    assert second.migrations_applied == []
    with second.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM schema_migrations"))]
        if second.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert names == [name for name, _ in MIGRATIONS]


def test_unopenable_database_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match=r"^store.url sqlite:///.*: cannot open database"):
        Store(f"sqlite:///{blocker / 'sub' / 'x.db'}")


def test_add_documents_is_idempotent(store: Store) -> None:
    docs = [doc(1), doc(2), doc(2)]
    assert store.add_documents(docs) == 2
    assert store.add_documents(docs) == 0
    assert store.count("documents") == 2
    assert store.known_urls(["https://news.example/a/1", "https://other.example/"]) == {
        "https://news.example/a/1"
    }


def test_documents_in_window_use_fetch_time_when_undated(store: Store) -> None:
    store.add_documents([doc(1), doc(2, published=NOW - timedelta(days=3)), doc(3, published=None)])
    found = {
        d.title for d in store.documents_in(NOW - timedelta(hours=12), NOW + timedelta(hours=1))
    }
    assert found == {"Story 1", "Story 3"}
    assert all(
        d.published is None or d.published.tzinfo is not None
        for d in store.documents_in(NOW - timedelta(days=5), NOW + timedelta(days=1))
    )


def test_validators_survive_a_failed_fetch(store: Store) -> None:
    store.sync_sources([SourceSpec(name="wire", url="https://news.example/feed")])
    store.start_run("r1", "zh", "2026-11-26")
    ok = SourceOutcome(source="wire", url="https://news.example/feed", ok=True, status=200)
    store.record_fetch("r1", ok, etag='"v1"', last_modified="Wed, 25 Nov 2026 00:00:00 GMT")
    bad = SourceOutcome(
        source="wire",
        url="https://news.example/feed",
        ok=False,
        status=503,
        error="https://news.example/feed: HTTP 503",
    )
    store.record_fetch("r1", bad, etag=None, last_modified=None)
    state = store.source_states()["wire"]
    assert state["etag"] == '"v1"'
    assert state["last_error"] == "https://news.example/feed: HTTP 503"
    assert (state["ok_count"], state["fail_count"]) == (1, 1)
    store.sync_sources([SourceSpec(name="wire", url="https://news.example/other-feed")])
    assert store.source_states()["wire"]["etag"] is None  # moved source starts over


def test_events_round_trip_with_documents(store: Store) -> None:
    docs = [doc(1), doc(2)]
    store.add_documents(docs)
    event = Event(id="e1", title="Story 1", documents=docs, first_seen=NOW, last_seen=NOW)
    store.save_events([event])
    store.save_events([event])
    [loaded] = store.events_since(NOW - timedelta(days=1))
    assert loaded.id == "e1"
    assert sorted(d.id for d in loaded.documents) == sorted(d.id for d in docs)
    assert store.count("events") == 1


def test_documents_of_one_page_are_found_by_page(store: Store) -> None:
    """Entry URLs keep a fragment naming an entry; the page groups them for re-runs."""
    page = "https://github.com/acme/tool/blob/main/CHANGELOG.md"
    docs = [doc(1, url=f"{page}#1-0"), doc(2, url=f"{page}#1-1"), doc(3)]
    assert store.add_documents(docs, {f"{page}#1-0": "hash-10"}) == 3
    found = store.stored_entries([page, "https://news.example/a/3", "https://absent.example/"])
    assert sorted(found) == [page, "https://news.example/a/3"]
    assert [(row["canonical_url"], row["entry_hash"]) for row in found[page]] == [
        (f"{page}#1-0", "hash-10"),
        (f"{page}#1-1", None),
    ]


def test_update_documents_replaces_content_in_place(store: Store) -> None:
    """A document re-extracted because its source changed keeps its id, event and fetch time:
    no duplicate row, nothing pointing at it lost."""
    original = doc(1)
    store.add_documents([original, doc(2)], {original.canonical_url: "old"})
    event = Event(id="e1", title="Story 1", documents=[original], first_seen=NOW, last_seen=NOW)
    store.save_events([event])
    fixed = original.model_copy(
        update={
            "id": "ignored",
            "title": "Story 1, fixed",
            "text": "Fixed text.",
            "fetched_at": NOW + timedelta(days=1),
        }
    )
    assert store.update_documents([fixed], {fixed.canonical_url: "new"}) == 1
    assert store.update_documents([fixed], {fixed.canonical_url: "new"}) == 0  # same again
    [loaded] = store.events_since(NOW - timedelta(days=1))
    [stored] = loaded.documents
    assert (stored.id, stored.title, stored.text) == (original.id, "Story 1, fixed", "Fixed text.")
    assert stored.fetched_at == NOW and stored.event_id == "e1"
    assert store.count("documents") == 2
    row = store.stored_entries([original.canonical_url])[original.canonical_url][0]
    assert row["entry_hash"] == "new"


def test_documents_stored_before_entry_urls_get_their_page(store_url: str) -> None:
    """m004 on a database with documents: every existing document's page is its URL."""
    url = store_url
    with Store(url) as first, first.engine.begin() as conn:
        conn.execute(text("DELETE FROM schema_migrations WHERE name = 'm004_document_entry_urls'"))
        conn.execute(text("DROP INDEX ix_documents_page_url"))
        conn.execute(text("ALTER TABLE documents DROP COLUMN page_url"))
        conn.execute(text("ALTER TABLE documents DROP COLUMN entry_hash"))
        row = {k: v for k, v in doc(7).model_dump().items() if k not in ("tags", "links")}
        conn.execute(
            text(
                "INSERT INTO documents (id, canonical_url, url, source, title, text, summary, "
                "published, fetched_at, author, language, authority, tags, links) VALUES "
                "(:id, :canonical_url, :url, :source, :title, :text, :summary, :published, "
                ":fetched_at, :author, :language, :authority, '[]', '[]')"
            ),
            row,
        )
    again = Store(url)
    assert again.migrations_applied == ["m004_document_entry_urls"]
    [stored] = again.stored_entries(["https://news.example/a/7"])["https://news.example/a/7"]
    assert stored["entry_hash"] is None and stored["title"] == "Story 7"


# -- several processes on one store (issue 9) --------------------------------------------------


def test_a_document_stored_meanwhile_by_another_process_is_no_unique_error(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: two runs storing the same page at once ended in ``UNIQUE constraint
    failed``; the insert now skips what another process stored since it looked."""
    url = store_url
    mine, theirs = Store(url), Store(url)
    assert theirs.add_documents([doc(1), doc(2)]) == 2
    # The same page as extracted by the other process a moment later: another text, another id.
    again = doc(1).model_copy(update={"id": "other-id", "text": doc(1).text + " Updated."})
    monkeypatch.setattr(mine, "known_urls", lambda urls: set())  # looked before they stored
    assert mine.add_documents([again, doc(2), doc(3)]) == 1
    assert mine.count("documents") == 3
    # Without ON CONFLICT (what other databases get) the same race is the old error.
    monkeypatch.setattr(mine, "_insert", lambda table: None)
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match=r"canonical_url|ix_documents_canonical"):
        mine.add_documents([again.model_copy(update={"id": "third-id"})])


def test_events_and_sources_saved_by_two_handles_are_upserts(store_url: str) -> None:
    url = store_url
    first, second = Store(url), Store(url)
    specs = [SourceSpec(name="wire", url="https://news.example/feed", authority=0.9)]
    first.sync_sources(specs)
    first.start_run("r1", "zh", "2026-11-26")
    ok = SourceOutcome(source="wire", url="https://news.example/feed", ok=True, status=200)
    first.record_fetch("r1", ok, etag='"v1"', last_modified=None)
    second.sync_sources([specs[0].model_copy(update={"authority": 0.4})])
    state = second.source_states()["wire"]
    assert (state["authority"], state["etag"]) == (0.4, '"v1"')  # same URL: validators kept
    first.add_documents([doc(1), doc(2)])
    event = Event(id="ev1", title="Story", documents=[doc(1)], first_seen=NOW, last_seen=NOW)
    first.save_events([event])
    later = event.model_copy(update={"title": "Story, retold", "documents": [doc(1), doc(2)]})
    second.save_events([later])
    (stored,) = first.events_by_id(["ev1"])
    assert stored.title == "Story, retold" and len(stored.documents) == 2
    assert first.count("events") == 1


def test_a_transaction_commits_every_write_in_it_or_none(store: Store) -> None:
    store.start_run("r1", "zh", "2026-11-26")
    with pytest.raises(RuntimeError), store.transaction():
        store.add_documents([doc(1)])
        store.finish_run("r1", "ok", {"x": 1})
        raise RuntimeError("killed between two writes")
    assert store.count("documents") == 0
    assert store.run("r1")["status"] == "running"  # type: ignore[index]
    with store.transaction():
        store.add_documents([doc(1)])
        with store.begin() as conn:  # joins, as the watch store's writes do
            conn.execute(text("UPDATE runs SET status = 'ok' WHERE id = 'r1'"))
    assert store.count("documents") == 1
    assert store.run("r1")["status"] == "ok"  # type: ignore[index]


def test_runs_left_running_are_marked_interrupted_per_profile(store: Store) -> None:
    store.start_run("a", "zh", "2026-11-25")
    store.start_run("b", "zh", "2026-11-26")
    store.start_run("c", "en", "2026-11-26")
    store.start_run("d", "zh", "2026-11-26")
    store.finish_run("d", "ok", {})
    marked = store.mark_interrupted("zh")
    assert [r["id"] for r in marked] == ["a", "b"]
    assert store.mark_interrupted("zh") == []
    assert {r["id"] for r in store.runs_with_status("interrupted")} == {"a", "b"}
    assert [r["id"] for r in store.runs_with_status("running")] == ["c"]
    assert store.run("a")["finished_at"] is not None  # type: ignore[index]
    assert store.integrity() == "ok"


OPENER = """
import sys
from deepdaily.store import Store
print(",".join(Store(sys.argv[1]).migrations_applied))
"""


def test_processes_opening_a_new_database_at_once_migrate_it_once(store_url: str) -> None:
    """Regression: two runs creating the same new store both ran the migrations."""
    import subprocess
    import sys

    url = store_url
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outputs]
    applied = [out.strip() for out, _ in outputs]
    assert sorted(applied)[-1] == ",".join(name for name, _ in MIGRATIONS)
    assert sorted(applied)[:-1] == ["", "", ""]  # the others found them applied
    with Store(url).engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM schema_migrations")).scalar()
    assert count == len(MIGRATIONS)


def test_a_store_being_written_by_another_process_opens_without_waiting(tmp_path: Path) -> None:
    """Opening a migrated store only reads it: a second profile's run starting while the
    first one holds a long write transaction must not wait for it (nor fail with 'database is
    locked' once the wait outlasts the busy timeout)."""
    import sqlite3
    import time

    path = tmp_path / "dd.db"
    Store(f"sqlite:///{path}").close()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
        writer.execute("INSERT INTO schema_migrations VALUES ('held', '2026-11-26')")
        started = time.monotonic()
        opened = Store(f"sqlite:///{path}")
        waited = time.monotonic() - started
        assert opened.migrations_applied == []
        assert waited < 5.0  # the busy timeout is 10 s: it did not wait for the writer
        opened.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
