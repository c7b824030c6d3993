"""``deepdaily db migrate|check|copy`` on SQLite and on a real PostgreSQL (tools/services)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from deepdaily.cli.main import main
from deepdaily.errors import StoreError
from deepdaily.store import Store
from deepdaily.store.copy import copy_store
from deepdaily.store.edits import EditLog
from deepdaily.store.migrations import MIGRATIONS
from deepdaily.tables import store_tables

TABLES = ("documents", "events", "digests", "digest_events", "selections", "watch_topics")


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with two real days in it: the offline demo's database."""
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out / "deepdaily.db"


@pytest.fixture
def filled(demo_store: Path, tmp_path: Path) -> str:
    """A private copy of the demo's store (tests may change it), with a review edit in it."""
    path = tmp_path / "source.db"
    shutil.copy(demo_store, path)
    url = f"sqlite:///{path}"
    with Store(url) as store:
        log = EditLog(store)
        log.record("zh", "2026-11-27", "drop", event_id="ev-x")
        log.record("zh", "2026-11-27", "text", event_id="ev-y", field="title", value="新标题")
    return url


def counts(url: str) -> dict[str, int]:
    with Store(url) as store, store.engine.connect() as conn:
        return {
            table.name: int(conn.scalar(text(f"SELECT count(*) FROM {table.name}")) or 0)
            for table in store_tables()
        }


def test_the_table_list_is_every_table_the_migrations_create(store_url: str) -> None:
    """A table added by a migration but missing from deepdaily.tables would be left behind by
    db copy; this fails first."""
    with Store(store_url) as store:
        names = inspect(store.engine).get_table_names()
    created = {name for name in names if not name.startswith("sqlite_")}
    assert created == {table.name for table in store_tables()}


def test_copy_sqlite_to_postgresql_moves_every_row_and_the_store_works_there(
    filled: str, postgres_url: str
) -> None:
    before = counts(filled)
    assert all(before[name] > 0 for name in TABLES)
    with Store(filled) as source, Store(postgres_url) as target:
        report = copy_store(source, target, store_tables())
        assert report.rows == {k: v for k, v in before.items() if k != "schema_migrations"}
        # the same digest, read back through the store's own queries
        for day in ("2026-11-26", "2026-11-27"):
            mine, theirs = source.digest("zh", day), target.digest("zh", day)
            assert mine is not None and theirs is not None
            assert (theirs["json"], theirs["markdown"], theirs["status"]) == (
                mine["json"],
                mine["markdown"],
                mine["status"],
            )
            assert theirs["created_at"] == mine["created_at"]  # timezone-aware, same instant
        # identity columns continue after the copied ids
        history = EditLog(target).history("zh", "2026-11-27")
        added = EditLog(target).record("zh", "2026-11-27", "pin", event_id="ev-z")
        assert added.id > max(edit.id for edit in history)
        assert [e.kind for e in EditLog(target).history("zh", "2026-11-27")] == [
            "drop",
            "text",
            "pin",
        ]
    after = counts(postgres_url)
    assert {k: v for k, v in after.items() if k not in ("review_edits", "schema_migrations")} == {
        k: v for k, v in before.items() if k not in ("review_edits", "schema_migrations")
    }
    assert after["schema_migrations"] == len(MIGRATIONS)


def test_a_run_on_the_copied_postgresql_store_builds_the_same_digest(
    filled: str, postgres_url: str, tmp_path: Path
) -> None:
    """The copy is a working store: re-rendering a day from it without fetching gives the
    digest the SQLite store gave."""
    assert main(["db", "copy", filled, postgres_url]) == 0
    out = tmp_path / "again"
    code = main(
        [
            "--db",
            postgres_url,
            "--out",
            str(out),
            "run",
            "--no-fetch",
            "--date",
            "2026-11-26",
        ]
    )
    assert code == 0
    with Store(filled) as source:
        stored = source.digest("zh", "2026-11-26")
    assert stored is not None
    written = (out / "content" / "posts" / "2026-11-26.md").read_text(encoding="utf-8")
    assert written == stored["markdown"]


def test_copy_refuses_a_target_that_holds_rows_and_writes_nothing(
    filled: str, postgres_url: str
) -> None:
    with Store(postgres_url) as target:
        EditLog(target).record("zh", "2026-11-01", "pin", event_id="mine")
    before = counts(postgres_url)
    assert main(["db", "copy", filled, postgres_url]) == 1
    assert counts(postgres_url) == before
    refused = pytest.raises(StoreError, match=r"review_edits already holds 1 rows")
    with Store(filled) as source, Store(postgres_url) as target, refused:
        copy_store(source, target, store_tables())


def test_a_table_the_copy_does_not_know_stops_it_by_name(filled: str, tmp_path: Path) -> None:
    with Store(filled) as source, source.engine.begin() as conn:
        conn.execute(text("CREATE TABLE plugin_notes (id INTEGER PRIMARY KEY, body TEXT)"))
    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    refused = pytest.raises(StoreError, match=r"plugin_notes not known to db copy")
    with Store(filled) as source, Store(target_url) as target, refused:
        copy_store(source, target, store_tables())
    assert counts(target_url)["documents"] == 0


def test_a_failure_midway_leaves_the_target_empty(filled: str, postgres_url: str) -> None:
    """The copy is one transaction on the target: a row PostgreSQL refuses in one of the last
    tables (SQLite never enforced the column's length) rolls back the tables written before."""
    with Store(filled) as source, source.engine.begin() as conn:
        conn.execute(text("UPDATE review_edits SET kind = :k WHERE id = 1"), {"k": "x" * 40})
    assert main(["db", "copy", filled, postgres_url]) == 1
    assert all(v == 0 for k, v in counts(postgres_url).items() if k != "schema_migrations")
    refused = pytest.raises(StoreError, match=r"^table review_edits: the target refused rows 1–2")
    with Store(filled) as source, Store(postgres_url) as target, refused:
        copy_store(source, target, store_tables())


def test_copy_back_from_postgresql_to_sqlite_round_trips(
    filled: str, postgres_url: str, tmp_path: Path
) -> None:
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert main(["db", "copy", filled, postgres_url]) == 0
    assert main(["db", "copy", postgres_url, back]) == 0
    assert counts(back) == counts(filled)
    with Store(filled) as one, Store(back) as other:
        for day in ("2026-11-26", "2026-11-27"):
            assert other.digest("zh", day) == one.digest("zh", day)


def test_db_check_reports_pending_migrations_and_db_migrate_applies_them(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(store_url) as store, store.engine.begin() as conn:
        conn.execute(text("DROP TABLE review_edits"))
        conn.execute(text("DELETE FROM schema_migrations WHERE name = 'm006_review_edits'"))
    capsys.readouterr()
    assert main(["--db", store_url, "db", "check"]) == 1
    printed = capsys.readouterr().out
    assert "migrations pending: m006_review_edits" in printed
    assert "integrity  ok" in printed
    with Store(store_url, migrate=False) as store:
        assert store.pending_migrations() == ["m006_review_edits"]  # check changed nothing
    assert main(["--db", store_url, "db", "migrate"]) == 0
    assert "applied 1: m006_review_edits" in capsys.readouterr().out
    assert main(["--db", store_url, "db", "check"]) == 0
    printed = capsys.readouterr().out
    assert "migrations up to date" in printed and "review_edits" in printed
    assert main(["--db", store_url, "db", "migrate"]) == 0
    assert f"up to date ({len(MIGRATIONS)} migrations)" in capsys.readouterr().out


def test_db_check_never_prints_the_password(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", postgres_url, "db", "check"]) == 1  # a new, empty database
    assert "migrations pending: m001_initial" in capsys.readouterr().out
    assert main(["--db", postgres_url, "db", "migrate"]) == 0
    assert main(["--db", postgres_url, "db", "check"]) == 0
    printed = capsys.readouterr().out
    password = postgres_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert f":{password}@" not in printed and ":***@127.0.0.1" in printed


def test_db_copy_onto_itself_or_to_a_bad_url_is_one_line(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "copy", filled, filled]) == 2
    assert "SOURCE and TARGET are the same database" in capsys.readouterr().err
    assert main(["db", "copy", filled, "mysql+nodriver://x@127.0.0.1/db"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: db copy TARGET: store.url") and "\n" not in err
