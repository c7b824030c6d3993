"""The event memory index: a day joins earlier events through keys, not by reloading the window.

Generated coverage over many days (stories that continue across days in other words and from
other outlets, near-duplicate and verbatim re-posts, unrelated noise) is clustered day by day
twice: the old way, with every event of the memory window loaded and re-clustered, and through
the index. Both must group every day's documents the same way, while the index loads only the
events the day can join.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from deepdaily.cluster import cluster_documents
from deepdaily.cluster.features import doc_features
from deepdaily.cluster.memory import joinable, memory_keys
from deepdaily.models import Document, Event
from deepdaily.pipeline.memory import recall_known, remember
from deepdaily.store import Store
from deepdaily.store.memory import MAX_KEY_EVENTS, EventMemory
from deepdaily.testing.coverage import START, coverage

MEMORY = timedelta(days=14)


def _partition(events: list[Event], day_docs: list[Document]) -> set[tuple[str, frozenset[str]]]:
    """The event of each of the day's documents, as (event id, the day's documents in it)."""
    today = {doc.id for doc in day_docs}
    return {
        (ev.id, frozenset(d.id for d in ev.documents if d.id in today))
        for ev in events
        if any(d.id in today for d in ev.documents)
    }


@pytest.fixture
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    old = Store(f"sqlite:///{tmp_path_factory.mktemp('old') / 'dd.db'}")
    new = Store(f"sqlite:///{tmp_path_factory.mktemp('new') / 'dd.db'}")
    yield old, new
    old.close()
    new.close()


def test_the_index_groups_every_day_as_reloading_the_window_did(
    stores: tuple[Store, Store],
) -> None:
    old, new = stores
    by_day = coverage(24)
    loaded_old, loaded_new, joined = [], [], 0
    for day, docs in by_day.items():
        since = START + timedelta(days=day) - MEMORY
        for store in stores:
            store.add_documents(docs)
        known = old.events_since(since)
        before = cluster_documents(docs, known)
        old.save_events(before)
        recall = recall_known(new, docs, since)
        after = cluster_documents(docs, recall.known, recall.features_of)
        new.save_events(after)
        remember(new, after, recall)
        assert _partition(after, docs) == _partition(before, docs), f"day {day}"
        joined += sum(1 for ev in after if ev.first_seen < START + timedelta(days=day))
        loaded_old.append(len(known))
        loaded_new.append(len(recall.known))
    assert joined > 40  # the coverage does continue earlier events: the check means something
    # the window holds ~14 days of events; the index loads about the ones the day continues
    assert max(loaded_old[-5:]) > 150
    assert max(loaded_new[-5:]) < max(loaded_old[-5:]) / 3


def test_the_keys_of_documents_of_one_story_meet(stores: tuple[Store, Store]) -> None:
    """Two retellings of a story share keys; an unrelated post shares none of the specific
    ones (names, figures, links)."""
    by_day = coverage(2)
    one, other = by_day[0][0], next(d for d in by_day[1] if d.title == by_day[0][0].title)
    noise = next(d for d in by_day[1] if d.title.startswith("notes on"))
    keys = {doc.id: memory_keys(doc, doc_features(doc)) for doc in (one, other, noise)}
    assert keys[one.id] & keys[other.id]
    assert len(keys[one.id] & keys[noise.id]) < len(keys[one.id] & keys[other.id])


def test_a_store_from_before_the_index_is_indexed_once(stores: tuple[Store, Store]) -> None:
    old, _ = stores
    by_day = coverage(3)
    for day in (0, 1):
        old.add_documents(by_day[day])
        old.save_events(cluster_documents(by_day[day], old.events_since(START - MEMORY)))
    memory = EventMemory(old)
    assert memory.unindexed(START - MEMORY)  # events stored without keys
    first = recall_known(old, by_day[2], START)
    assert first.indexed_now == len(old.events_since(START - MEMORY))
    assert memory.unindexed(START - MEMORY) == []
    again = recall_known(old, by_day[2], START)
    assert again.indexed_now == 0
    assert {e.id for e in again.known} == {e.id for e in first.known}


def test_a_key_held_by_too_many_events_recalls_none_of_them(store_url: str) -> None:
    with Store(store_url) as store:
        memory = EventMemory(store)
        seen = START + timedelta(days=1)
        common = {f"ev{i}": ["tcommon"] for i in range(MAX_KEY_EVENTS + 1)}
        everyone = [*common, "ev-rare"]
        memory.index({**common, "ev-rare": ["trare", "tcommon"]}, dict.fromkeys(everyone, seen))
        assert memory.postings(["tcommon"], START) == {}
        assert memory.postings(["trare", "tcommon"], START) == {"trare": {"ev-rare"}}
        assert memory.postings(["trare"], seen + timedelta(seconds=1)) == {}  # older than since
        memory.index({"ev-rare": ["tother"]}, {"ev-rare": seen + timedelta(days=2)})  # adds, moves
        assert memory.postings(["trare"], seen + timedelta(days=1)) == {"trare": {"ev-rare"}}


def test_an_event_is_joinable_when_its_shared_keys_weigh_enough() -> None:
    """One shared title word (weight 1) is not enough for the clustering to compare a pair;
    two are, and so is one link, one specific entity, or the same URL or text."""
    postings = {"tone": {"a", "b"}, "ttwo": {"b"}, "lx": {"c"}, "nname": {"d"}, "uurl": {"e"}}
    assert joinable(["tone"], postings) == set()
    assert joinable(["tone", "ttwo"], postings) == {"b"}
    assert joinable(["lx", "nname", "uurl"], postings) == {"c", "e"}


def test_novelty_reads_a_month_of_digests_not_the_whole_history(tmp_path: Path) -> None:
    """The day's candidates are checked against the digests of the last NOVELTY_DAYS days:
    an event published before that is not loaded (the check's cost must not grow with the
    history), one published within it is."""
    from sqlalchemy import insert

    from deepdaily.config import load_settings
    from deepdaily.pipeline.history import NOVELTY_DAYS, read_history
    from deepdaily.store import schema as t

    by_day = coverage(2)
    today = (START + timedelta(days=60)).date()
    old_day = today - timedelta(days=NOVELTY_DAYS + 5)
    recent_day = today - timedelta(days=3)
    settings = load_settings(None, overrides={"store": {"url": f"sqlite:///{tmp_path / 'd.db'}"}})
    with Store(settings.store.resolved_url()) as store:
        old_doc, recent_doc = by_day[0][0], by_day[1][0]
        store.add_documents([old_doc, recent_doc])
        old_ev = Event(
            id="ev-old",
            title="old",
            documents=[old_doc],
            first_seen=old_doc.fetched_at,
            last_seen=old_doc.fetched_at,
        )
        recent_ev = Event(
            id="ev-recent",
            title="recent",
            documents=[recent_doc],
            first_seen=recent_doc.fetched_at,
            last_seen=recent_doc.fetched_at,
        )
        store.save_events([old_ev, recent_ev])
        with store.begin() as conn:
            conn.execute(
                insert(t.runs).values(
                    id="r",
                    profile=settings.profile.name,
                    digest_date="x",
                    started_at=START,
                    status="ok",
                    manifest={},
                )
            )
            for day, event_id in ((old_day, "ev-old"), (recent_day, "ev-recent")):
                conn.execute(
                    insert(t.digests).values(
                        profile=settings.profile.name,
                        date=day.isoformat(),
                        run_id="r",
                        engine="offline",
                        path="p",
                        markdown="m",
                        json="{}",
                        content_hash="h",
                        created_at=START,
                        status="published",
                    )
                )
                conn.execute(
                    insert(t.digest_events).values(
                        profile=settings.profile.name,
                        date=day.isoformat(),
                        event_id=event_id,
                        rank=1,
                        digest_item={},
                    )
                )
        history = read_history(store, settings, today, [])
    assert {event.id for event in history.published} == {"ev-recent"}
