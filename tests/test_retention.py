"""The retention policy ([store] keep_days) on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from deepdaily.cli.main import main
from deepdaily.config import load_settings
from deepdaily.errors import ConfigError
from deepdaily.models import Document, Event, content_id
from deepdaily.store import Store, retention
from deepdaily.store import schema as t
from deepdaily.store.memory import EventMemory, event_keys
from deepdaily.store.retention import prune, prune_after_run

NOW = datetime.now(UTC).replace(microsecond=0)  # db prune measures from the clock
OLD = NOW - timedelta(days=120)
RECENT = NOW - timedelta(days=3)


def doc(key: str, at: datetime, *, published: datetime | None = None) -> Document:
    url = f"https://news.example/{key}"
    body = f"Story {key} with enough words in it to be a document of its own."
    return Document(
        id=content_id(url, body),
        source="wire",
        url=url,
        canonical_url=url,
        title=f"Story {key}",
        text=body,
        published=published or at,
        fetched_at=at,
    )


def event(key: str, docs: list[Document]) -> Event:
    first = min(d.fetched_at for d in docs)
    last = max(d.fetched_at for d in docs)
    return Event(id=f"ev-{key}", title=key, documents=docs, first_seen=first, last_seen=last)


def run_row(run_id: str, at: datetime) -> dict[str, object]:
    return {
        "id": run_id,
        "profile": "zh",
        "digest_date": at.date().isoformat(),
        "started_at": at,
        "finished_at": at,
        "status": "ok",
        "manifest": {},
    }


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """Four months of history in miniature: old events carried by a digest or not, an old
    document in no event, recent coverage, old and recent runs, log rows and cached answers."""
    opened = Store(store_url)
    published = doc("published", OLD)
    forgotten = [doc("forgotten-1", OLD), doc("forgotten-2", OLD)]
    loose = doc("loose", OLD)
    late = doc("late-dated", OLD, published=RECENT)  # fetched long ago, dated recently: kept
    recent = doc("recent", RECENT)
    opened.add_documents([published, *forgotten, loose, late, recent])
    opened.save_events(
        [
            event("published", [published]),
            event("forgotten", forgotten),
            event("recent", [recent]),
        ]
    )
    with opened.begin() as conn:
        conn.execute(
            insert(t.runs),
            [run_row("old-digest", OLD), run_row("old-other", OLD), run_row("new", RECENT)],
        )
        conn.execute(
            insert(t.digests).values(
                profile="zh",
                date=OLD.date().isoformat(),
                run_id="old-digest",
                engine="offline",
                path="p",
                markdown="m",
                json="{}",
                content_hash="h",
                created_at=OLD,
                status="published",
            )
        )
        conn.execute(
            insert(t.digest_events).values(
                profile="zh",
                date=OLD.date().isoformat(),
                event_id="ev-published",
                rank=1,
                digest_item={},
            )
        )
        conn.execute(
            insert(t.selections),
            [
                {
                    "run_id": run_id,
                    "event_id": ev,
                    "selected": False,
                    "rank": None,
                    "title": ev,
                    "score": {},
                    "reason": "",
                }
                for run_id in ("old-digest", "old-other", "new")
                for ev in ("ev-published", "ev-forgotten")
            ],
        )
        conn.execute(
            insert(t.fetch_log),
            [
                {
                    "run_id": run_id,
                    "source": "wire",
                    "url": "https://news.example/feed",
                    "ok": True,
                    "status": 200,
                    "not_modified": False,
                    "entries": 1,
                    "new_documents": 1,
                    "error": "",
                    "elapsed_ms": 5,
                    "at": at,
                }
                for run_id, at in (("old-digest", OLD), ("old-other", OLD), ("new", RECENT))
            ],
        )
    _cache(opened, [("old-answer", OLD), ("new-answer", RECENT)])
    EventMemory(opened).index(
        {"ev-published": ["k-old"], "ev-forgotten": ["k-old", "k-gone"], "ev-recent": ["k-new"]},
        {"ev-published": OLD, "ev-forgotten": OLD, "ev-recent": RECENT},
    )
    yield opened
    opened.close()


def _cache(store: Store, rows: list[tuple[str, datetime]]) -> None:
    from deepdaily.analyse.providers.cache import llm_cache

    with store.begin() as conn:
        conn.execute(
            insert(llm_cache),
            [
                {
                    "key": key,
                    "provider": "p",
                    "model": "m",
                    "purpose": "analyse",
                    "response": "{}",
                    "input_tokens": 1,
                    "output_tokens": 1,
                    "created_at": at,
                }
                for key, at in rows
            ],
        )


def ids(store: Store, column: object) -> set[str]:
    with store.begin() as conn:
        return {str(row[0]) for row in conn.execute(select(column))}  # type: ignore[call-overload]


def test_old_history_goes_and_what_a_digest_stands_on_stays(store: Store) -> None:
    report = prune(store, 90, NOW)
    kept_urls = {u.rsplit("/", 1)[1] for u in ids(store, t.documents.c.canonical_url)}
    assert kept_urls == {"published", "late-dated", "recent"}
    assert ids(store, t.events.c.id) == {"ev-published", "ev-recent"}
    assert ids(store, t.runs.c.id) == {"old-digest", "new"}  # the digest's run stays
    assert ids(store, t.selections.c.run_id) == {"old-digest", "new"}
    assert ids(store, t.fetch_log.c.run_id) == {"new"}  # old log rows go, even the digest run's
    from deepdaily.analyse.providers.cache import llm_cache

    assert ids(store, llm_cache.c.key) == {"new-answer"}
    assert report.deleted == {
        "documents": 3,
        "events": 1,
        "selections": 2,
        "fetch_log": 2,
        "runs": 1,
        "llm_cache": 1,
        "event_keys": 3,  # the memory index serves recent events only
    }
    assert ids(store, event_keys.c.key) == {"k-new"}
    again = prune(store, 90, NOW)
    assert again.total == 0 and "nothing to remove" in again.describe()


def test_a_dry_run_counts_exactly_and_removes_nothing(store: Store) -> None:
    before = (ids(store, t.documents.c.id), ids(store, t.events.c.id), ids(store, t.runs.c.id))
    dry = prune(store, 90, NOW, dry_run=True)
    assert (ids(store, t.documents.c.id), ids(store, t.events.c.id), ids(store, t.runs.c.id)) == (
        before
    )
    assert dry.deleted == prune(store, 90, NOW).deleted


def test_deletes_go_in_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """More rows than a batch: every one goes, in several transactions."""
    monkeypatch.setattr(retention, "BATCH", 1)
    assert prune(store, 90, NOW).deleted["documents"] == 3
    assert len(ids(store, t.documents.c.id)) == 3


def test_a_longer_policy_keeps_more_and_zero_keeps_everything(store: Store) -> None:
    assert prune(store, 200, NOW).total == 0
    assert prune(store, 0, NOW).total == 0
    assert len(ids(store, t.documents.c.id)) == 6


def test_a_back_filled_day_older_than_the_policy_prunes_nothing(store: Store) -> None:
    """Back-filling an old day (eval, a missed day) must not remove the documents it runs
    on; a run of a recent day applies the policy."""
    assert prune_after_run(store, 90, OLD, NOW) is None
    assert len(ids(store, t.documents.c.id)) == 6
    report = prune_after_run(store, 90, RECENT, NOW)
    assert report is not None and report.deleted["documents"] == 3


def test_keep_days_shorter_than_the_event_memory_is_a_settings_error() -> None:
    with pytest.raises(ConfigError, match=r"store\.keep_days.*more than 14") as caught:
        load_settings(None, overrides={"store": {"keep_days": 7}})
    assert "\n" not in str(caught.value)
    assert load_settings(None, overrides={"store": {"keep_days": 0}}).store.keep_days == 0


def test_db_prune_reports_what_it_removes(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    url = store.url
    assert main(["--db", url, "db", "prune", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("would remove 13 rows before ") and "3 documents" in printed
    assert len(ids(store, t.documents.c.id)) == 6
    assert main(["--db", url, "db", "prune", "--keep-days", "400"]) == 0
    assert "removed 0 rows" in capsys.readouterr().out
    assert main(["--db", url, "db", "prune"]) == 0
    assert "removed 13 rows" in capsys.readouterr().out
    assert main(["--db", url, "db", "prune", "--keep-days", "10"]) == 2
