"""The watch list is state: topics kept from each digest, followed up by later events.

Real SQLite throughout; the end-to-end test runs the whole pipeline twice over a site served by
a real :class:`FixtureServer`, so day 1's watch list must survive in the store to flag day 2.
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import deepdaily.cli.commands.watch  # noqa: F401  (registers `deepdaily watch`)
from deepdaily.cli.main import main
from deepdaily.config import Settings, load_settings
from deepdaily.models import Digest, DigestItem, Document, Event, Synthesis, WatchItem, content_id
from deepdaily.pipeline import run_digest
from deepdaily.rank import digest_window, select_events
from deepdaily.render import render_markdown
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deepdaily.watch import (
    WatchStore,
    can_boost,
    manual_topic,
    match_event,
    open_listed_topics,
    plan_follow_ups,
    topic_keys,
)

DAY1 = date(2026, 11, 26)
DAY2 = date(2026, 11, 27)
SETTINGS = load_settings(environ={})
PROFILE = SETTINGS.profile
SHANGHAI = PROFILE.tz


@pytest.fixture
def store(store_url: str) -> Store:
    """An empty store, on SQLite and on PostgreSQL."""
    return Store(store_url)


def make_event(key: str, title: str, text: str, day: date = DAY2) -> Event:
    at = digest_window(day, PROFILE)[0] + timedelta(hours=6)
    url = f"https://news.example/{key}"
    doc = Document(
        id=content_id(url, text),
        source=f"outlet-{key}",
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=at,
        fetched_at=at,
        authority=0.6,
    )
    return Event(id=f"ev-{key}", title=title, documents=[doc], first_seen=at, last_seen=at)


def digest_of(
    day: date, watch: list[WatchItem], items: list[DigestItem] | None = None, language: str = "zh"
) -> Digest:
    start, end = digest_window(day, PROFILE)
    return Digest(
        date=day.isoformat(),
        profile=PROFILE.name,
        language=language,
        title=f"日报｜{day}",
        tagline="只选关键更新。",
        tags=["AI"],
        categories=["AI"],
        published_at=datetime(day.year, day.month, day.day, 8, tzinfo=SHANGHAI),
        items=items or [],
        synthesis=Synthesis(watch=watch),
        window_start=start,
        window_end=end,
        generated_at=end,
    )


QUILL_WATCH = WatchItem(
    lead="Quill-7 Turbo 的独立复现",
    text="HarborBench 61.4% 与 FP8 吞吐能否被第三方复现。",
    terms=["Quill-7 Turbo"],
)
INFRA_WATCH = WatchItem(
    lead="推理基础设施的新形态",
    text="GPU 快照/恢复、KV cache 共享在主流框架（vLLM/TensorRT-LLM）上的可用性。",
)

QUILL_FOLLOW = make_event(
    "board",
    "Harbor Labs boardduces Quill-7 Turbo's HarborBench score",
    "An independent team ran HarborBench on Quill-7 Turbo and measured 60.9%, close to the "
    "61.4% Quillstone reported, with FP8 weights on eight GPUs and a benchmark harness released.",
)
UNRELATED = make_event(
    "cve",
    "CVE-2026-4411: sandbox escape in Vaultline agent runtime",
    "Vaultline disclosed CVE-2026-4411, a sandbox escape in its agent runtime version 3.2; the "
    "fix in 3.2.1 opens files with O_NOFOLLOW. Operators should upgrade and rotate tokens.",
)
ONE_WORD = make_event(
    "gpu",
    "A GPU price survey for inference clusters",
    "Spot prices of inference GPUs fell this quarter, a benchmark of rental offers shows.",
)


# --- keys ----------------------------------------------------------------------------------


def test_keys_take_names_runs_and_phrases_in_chinese_and_english() -> None:
    zh = topic_keys(INFRA_WATCH.lead, INFRA_WATCH.text, INFRA_WATCH.terms)
    assert zh.terms == []
    assert {"推理基础设施", "GPU", "KV cache", "vLLM", "TensorRT-LLM"} <= set(zh.entities)
    assert "可用性" not in zh.entities  # generic words and prose phrases are not keys

    en = topic_keys(
        "Independent boardductions of Claude Opus 4.6 mixture-of-experts results",
        "Whether HarborBench holds on 80GB GPUs with FP8 weights and low-rank adapters.",
        ["agent sandbox", "AI"],
    )
    assert en.terms == ["agent sandbox"]  # "AI" is too generic to be a key
    assert {"Claude", "Opus 4.6", "HarborBench", "GPU", "FP8", "mixture-of-experts"} <= set(
        en.entities
    )
    assert not {"Independent", "Opus", "80GB", "GPUs", "low-rank"} & set(en.entities)


# --- topics from digests --------------------------------------------------------------------


def test_topics_are_stored_from_a_digest_and_rerendering_is_idempotent(store: Store) -> None:
    digest = digest_of(DAY1, [QUILL_WATCH, INFRA_WATCH])
    first = open_listed_topics(store, SETTINGS, digest)
    again = open_listed_topics(store, SETTINGS, digest)
    assert [t.id for t in first] == [t.id for t in again]
    topics = WatchStore(store).topics(PROFILE.name)
    assert len(topics) == 2
    quill = next(t for t in topics if t.lead == QUILL_WATCH.lead)
    assert (quill.status, quill.opened_on, quill.source_date) == ("open", DAY1, DAY1)
    assert quill.terms == ["Quill-7 Turbo"] and "HarborBench" in quill.entities

    # the same day re-rendered with a shorter list keeps only what the digest now says
    open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH]))
    assert [t.lead for t in WatchStore(store).topics(PROFILE.name)] == [QUILL_WATCH.lead]

    # the next day listing the same lead keeps the topic and its opening date
    open_listed_topics(store, SETTINGS, digest_of(DAY2, [QUILL_WATCH]))
    (kept,) = WatchStore(store).topics(PROFILE.name)
    assert (kept.id, kept.opened_on) == (quill.id, DAY1)


# --- follow-ups -----------------------------------------------------------------------------


def test_day1_topic_boosts_and_flags_a_matching_day2_event(store: Store) -> None:
    open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH, INFRA_WATCH]))
    events = [QUILL_FOLLOW, UNRELATED, ONE_WORD]
    window = digest_window(DAY2, PROFILE)
    plain = {s.event_id: s for s in select_events(events, PROFILE, window)}

    follow_ups = plan_follow_ups(store, SETTINGS, DAY2, events)
    assert set(follow_ups.matches) == {QUILL_FOLLOW.id}
    boosted = {
        s.event_id: s for s in select_events(events, PROFILE, window, boosts=follow_ups.boosts)
    }
    quill = boosted[QUILL_FOLLOW.id]
    assert quill.score.total == pytest.approx(plain[QUILL_FOLLOW.id].score.total + 0.1)
    assert f"matches watch topic '{QUILL_WATCH.lead}' opened 2026-11-26 (+0.10)" in quill.reason
    for other in (UNRELATED.id, ONE_WORD.id):  # one shared word ("GPU") is not a match
        assert boosted[other].score == plain[other].score
        assert "watch topic" not in boosted[other].reason

    follow_ups.record(s.event_id for s in boosted.values() if s.selected)
    stored = {t.lead: t for t in WatchStore(store).topics(PROFILE.name)}
    assert stored[QUILL_WATCH.lead].last_matched_on == DAY2
    assert stored[INFRA_WATCH.lead].last_matched_on is None

    item = DigestItem(
        event_id=QUILL_FOLLOW.id,
        organisation="Harbor Labs",
        title=QUILL_FOLLOW.title,
        sources=QUILL_FOLLOW.urls,
        what="An independent team measured 60.9%.",
        follow_up=follow_ups.follow_up(QUILL_FOLLOW.id),
    )
    markdown = render_markdown(digest_of(DAY2, [], [item]))
    line = "- **跟进**：此前在 2026-11-26 的关注列表中提到「Quill-7 Turbo 的独立复现」\n"
    assert line in markdown
    english = replace(follow_ups, language="en")
    item_en = item.model_copy(update={"follow_up": english.follow_up(QUILL_FOLLOW.id)})
    markdown_en = render_markdown(digest_of(DAY2, [], [item_en], language="en"))
    line_en = "- **Follow-up**: on the 2026-11-26 watch list: 'Quill-7 Turbo 的独立复现'\n"
    assert line_en in markdown_en


def test_a_topic_never_follows_up_its_own_digest(store: Store) -> None:
    """Regression: day 1's topics are drawn from day 1's events; re-running day 1 must not
    boost those events, or the re-run would change the digest."""
    open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH]))
    day1_event = make_event("own", QUILL_FOLLOW.title, QUILL_FOLLOW.documents[0].text, DAY1)
    assert plan_follow_ups(store, SETTINGS, DAY1, [day1_event]).matches == {}


def test_topics_expire_after_the_horizon_and_closed_ones_never_boost(store: Store) -> None:
    book = WatchStore(store)
    (topic,) = open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH]))
    horizon = SETTINGS.watch.horizon_days
    last_day = DAY1 + timedelta(days=horizon)
    assert can_boost(topic, last_day, horizon)
    assert not can_boost(topic, last_day + timedelta(days=1), horizon)
    assert set(plan_follow_ups(store, SETTINGS, last_day, [QUILL_FOLLOW]).matches)

    # a match restarts the horizon
    book.mark_matched([topic.id], DAY1 + timedelta(days=10))
    later = last_day + timedelta(days=5)
    assert set(plan_follow_ups(store, SETTINGS, later, [QUILL_FOLLOW]).matches)

    expired_day = DAY1 + timedelta(days=10 + horizon + 1)
    assert plan_follow_ups(store, SETTINGS, expired_day, [QUILL_FOLLOW]).matches == {}
    (stored,) = book.topics(PROFILE.name)
    assert stored.status == "expired" and str(horizon) in stored.closed_reason

    # listed again after expiry: reopened as a new topic
    open_listed_topics(store, SETTINGS, digest_of(expired_day, [QUILL_WATCH]))
    (reopened,) = book.topics(PROFILE.name)
    assert (reopened.status, reopened.opened_on) == ("open", expired_day)

    book.close(reopened.id, "resolved")
    next_day = expired_day + timedelta(days=1)
    assert plan_follow_ups(store, SETTINGS, next_day, [QUILL_FOLLOW]).matches == {}


def test_a_topic_added_by_hand_follows_up_from_its_first_day() -> None:
    topic = manual_topic(PROFILE.name, "Vaultline runtime fixes", ["CVE-2026-4411"], DAY2)
    assert topic.manual and can_boost(topic, DAY2, 14)
    match = match_event(UNRELATED, [topic])
    assert match is not None and match.keys[0] == "CVE-2026-4411"
    assert match_event(QUILL_FOLLOW, [topic]) is None


def test_a_common_word_alone_is_not_kept_and_never_follows_up(store: Store) -> None:
    """Regression: a keyword watch entry "CUDA" became a topic, and the next day any story that
    said "CUDA" was boosted and flagged (跟进：…提到「CUDA」)."""
    cuda = WatchItem(lead="CUDA", text="按关键词频次列出（非判断）。", terms=["CUDA"])
    kept = open_listed_topics(store, SETTINGS, digest_of(DAY1, [cuda, QUILL_WATCH]))
    assert [t.lead for t in kept] == [QUILL_WATCH.lead]
    cuda_story = make_event(
        "cuda",
        "CUDA 13 toolchain speeds up kernel builds",
        "The CUDA toolkit update shortens kernel compile times on every GPU architecture.",
    )
    assert plan_follow_ups(store, SETTINGS, DAY2, [cuda_story]).matches == {}
    # the same word chosen by hand is the reader's decision, and matches
    topic = manual_topic(PROFILE.name, "CUDA toolchain", ["CUDA"], DAY2)
    assert match_event(cuda_story, [topic]) is not None


def test_a_name_only_in_passing_is_not_a_follow_up() -> None:
    """The topic's name must be in a headline (a title or a summary), not only deep in the text
    ("compatible with both the v1 router and Weave Router v2")."""
    topic = manual_topic(PROFILE.name, "Weave Router v2", [], DAY1)
    passing = make_event(
        "serve",
        "Serve 4.12 ships an FP8 KV cache",
        "Serve 4.12 halves KV cache memory. It is compatible with both the v1 router and Weave "
        "Router v2, and rolls out this week.",
    )
    about = make_event(
        "router",
        "Cold starts after the move to Weave Router v2",
        "Deployments that scale to zero took longer to start after the move to the new router.",
    )
    assert match_event(passing, [topic]) is None
    assert match_event(about, [topic]) is not None


def test_one_topic_follows_up_one_event_a_day(store: Store) -> None:
    """Two candidates naming the topic: only the one that matches it best is flagged."""
    open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH]))
    glancing = make_event(
        "bench",
        "Quill-7 Turbo and four other models on a new reasoning suite",
        "A new suite ranks five open models; Quill-7 Turbo comes third.",
    )
    matches = plan_follow_ups(store, SETTINGS, DAY2, [glancing, QUILL_FOLLOW]).matches
    assert set(matches) == {QUILL_FOLLOW.id}


def test_the_story_a_topic_was_drawn_from_is_not_its_follow_up(store: Store) -> None:
    """An event covered before the listing digest's window closed (the story the topic came
    from, back on day 2 with a repeat or an update) is not flagged as following it up; an
    update already says so."""
    open_listed_topics(store, SETTINGS, digest_of(DAY1, [QUILL_WATCH]))
    day1_start = digest_window(DAY1, PROFILE)[0]
    old = QUILL_FOLLOW.model_copy(update={"id": "ev-old", "first_seen": day1_start})
    assert plan_follow_ups(store, SETTINGS, DAY2, [old]).matches == {}
    assert set(plan_follow_ups(store, SETTINGS, DAY2, [QUILL_FOLLOW]).matches) == {QUILL_FOLLOW.id}


# --- CLI ------------------------------------------------------------------------------------


def test_cli_add_list_close(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.db'}"]
    assert (
        main(
            [
                *db,
                "watch",
                "add",
                "Quill-7 Turbo boardductions",
                "--term",
                "Quill-7",
                "--term",
                "HarborBench",
            ]
        )
        == 0
    )
    added = capsys.readouterr().out
    topic_id = added.split()[0]
    today = datetime.now(SHANGHAI).date().isoformat()
    assert f"opened {today} (by hand)" in added

    assert main([*db, "watch", "list"]) == 0
    listed = capsys.readouterr().out
    assert topic_id in listed and "Quill-7, HarborBench" in listed

    assert main([*db, "watch", "close", topic_id[:6], "--reason", "boardduced"]) == 0
    assert "closed" in capsys.readouterr().out
    assert main([*db, "watch", "list"]) == 0
    assert "no open watch topics" in capsys.readouterr().out
    assert main([*db, "watch", "list", "--all"]) == 0
    assert "(boardduced)" in capsys.readouterr().out

    assert main([*db, "watch", "close", "ffffffff"]) == 2
    assert "matches no topic" in capsys.readouterr().err


# --- end to end -----------------------------------------------------------------------------


def atom(entries: list[tuple[str, str, datetime, str]], base: str) -> str:
    body = "".join(
        f'<entry><title>{html.escape(title)}</title><link href="{base}/{slug}"/>'
        f"<id>{base}/{slug}</id><updated>{at.isoformat().replace('+00:00', 'Z')}</updated>"
        f'<content type="html">{html.escape(f"<p>{text}</p>")}</content></entry>'
        for slug, title, at, text in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Wire</title><id>{base}/</id><updated>2026-11-26T12:00:00Z</updated>{body}</feed>"
    )


QUILL_RELEASE = (
    "quill",
    "Quillstone releases Quill-7 Turbo, a 34B open MoE model",
    datetime(2026, 11, 25, 3, tzinfo=UTC),
    "Quillstone released Quill-7 Turbo, a 34B mixture-of-experts model, under Apache 2.0. "
    "On the HarborBench coding suite Quill-7 Turbo scores 61.4%, up from 52.0% for Quill-6. "
    "Quill-7 Turbo serves 2,400 tokens per second on eight 80GB GPUs with FP8 weights and "
    "hand-written CUDA kernels. The CUDA kernels, the inference server and a 40-page technical "
    "report are available, and the README covers CUDA 12 set-ups. The HarborBench "
    "maintainers plan to add a contamination-checked split in version 2.0 next month.",
)
DAY2_ENTRIES = [
    (
        "split",
        "HarborBench 2.0 adds a contamination-checked split of 640 tasks",
        datetime(2026, 11, 26, 4, tzinfo=UTC),
        "The HarborBench maintainers released version 2.0 with a split of 640 tasks whose "
        "reference patches were checked against public code crawls. Scores on the new split run "
        "3 to 7 points lower than on the full suite for the five models tested. The split ships "
        "with a script that repeats the crawl check for new tasks.",
    ),
    (
        "cve",
        "CVE-2026-4411: sandbox escape in Vaultline agent runtime",
        datetime(2026, 11, 26, 6, tzinfo=UTC),
        "Vaultline disclosed CVE-2026-4411, a sandbox escape in its agent runtime version 3.2. "
        "An agent could write outside its workspace through a symlink race in the file tool. "
        "Version 3.2.1 fixes the race by opening files with O_NOFOLLOW and re-checking the path.",
    ),
    (
        "cuda",
        "A shared compile cache halves CUDA kernel build times",
        datetime(2026, 11, 26, 7, tzinfo=UTC),
        "Kernel authors who moved their CUDA builds to a shared compile cache report CI runs "
        "40% shorter on eight-GPU runners. The cache keys on the CUDA toolkit version and the "
        "GPU architecture, and the project README explains the set-up in twelve steps.",
    ),
]


def pipeline_settings(server: FixtureServer, tmp_path: Path) -> Settings:
    return load_settings(
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'e2e.db'}"},
            "sources": [{"name": "wire", "url": server.url("/wire.atom"), "type": "feed"}],
            "fetch": {"timeout": 2.0, "retries": 0, "fetch_pages": False},
        },
    )


def test_two_pipeline_runs_day1_watch_list_flags_day2_event(tmp_path: Path) -> None:
    """Day 1's offline watch list is the follow-up its source announced (a benchmark's next
    version), kept under a name; day 2 flags the story that follows it up and nothing else.

    Regression: the offline watch list was word counts ("CUDA", "README"), stored as topics,
    and day 2 boosted and flagged an unrelated story for saying "CUDA" (+0.10)."""
    root = tmp_path / "site"
    root.mkdir()
    with FixtureServer(root) as server:
        base = server.base_url.rstrip("/") + "/posts"
        (root / "wire.atom").write_text(atom([QUILL_RELEASE], base), encoding="utf-8")
        settings = pipeline_settings(server, tmp_path)
        store = Store(settings.store.resolved_url())

        first = asyncio.run(run_digest(settings, store, DAY1, workers=0))
        watch = first.digest.synthesis.watch
        assert [w.lead for w in watch] == ["HarborBench"], first.markdown
        assert "maintainers plan to add a contamination-checked split" in watch[0].text
        opened = WatchStore(store).topics(PROFILE.name)
        assert {t.lead for t in opened} == {"HarborBench"}
        assert all(t.opened_on == DAY1 for t in opened)
        assert not {"cuda", "readme"} & {k.casefold() for t in opened for k in t.terms}
        assert "跟进" not in first.markdown

        (root / "wire.atom").write_text(atom([QUILL_RELEASE, *DAY2_ENTRIES], base), "utf-8")
        second = asyncio.run(run_digest(settings, store, DAY2, workers=0))

    by_slug = {item.sources[0].rsplit("/", 1)[1]: item for item in second.digest.items}
    split, cve, cuda = by_slug["split"], by_slug["cve"], by_slug["cuda"]
    assert split.follow_up == "此前在 2026-11-26 的关注列表中提到「HarborBench」"
    assert cve.follow_up == "" and cuda.follow_up == ""
    assert f"- **跟进**：{split.follow_up}\n" in second.markdown
    assert second.markdown.count("- **跟进**") == 1
    assert f"opened 2026-11-26 (+{settings.watch.boost:.2f})" in split.selection_reason
    assert "watch topic" not in cve.selection_reason + cuda.selection_reason
    matched = [t for t in WatchStore(store).topics(PROFILE.name) if t.last_matched_on == DAY2]
    assert [t.lead for t in matched] == ["HarborBench"]

    # re-running day 2 changes nothing: same digest, same topics
    topics_before = WatchStore(store).topics(PROFILE.name)
    again = asyncio.run(run_digest(settings, store, DAY2, fetch=False, workers=0))
    assert again.markdown == second.markdown
    assert WatchStore(store).topics(PROFILE.name) == topics_before
