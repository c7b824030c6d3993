"""Cluster stage: exact, near-duplicate and same-story merging, stable ids, known events."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from deepdaily.cluster import cluster_documents, parallel
from deepdaily.cluster.features import doc_features
from deepdaily.cluster.near import near_duplicate_pairs
from deepdaily.cluster.text import entities, shingles, words
from deepdaily.models import Document, Event, content_id

T0 = datetime(2026, 2, 11, 9, 0, tzinfo=UTC)


def make_doc(
    key: str,
    title: str,
    text: str,
    source: str,
    *,
    hours: float = 0.0,
    url: str | None = None,
    authority: float = 0.5,
    links: tuple[str, ...] = (),
) -> Document:
    url = url or f"https://{source.lower().replace(' ', '')}.example/{key}"
    return Document(
        id=content_id(url, text),
        source=source,
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=T0 + timedelta(hours=hours),
        fetched_at=T0 + timedelta(hours=30),
        authority=authority,
        links=list(links),
    )


# Unrelated stories of the same week, so the batch has realistic idf statistics.
BACKGROUND = [
    make_doc("bg1", "Apple delays Gemini-powered Siri features to iOS 26.5",
             "Apple has run into problems testing its upgraded Siri, which relies on Google's "
             "Gemini models, and may spread the features across iOS 26.5 in May and iOS 27 in "
             "September instead of shipping them in iOS 26.4 in March.", "MacNews"),
    make_doc("bg2", "Airbnb says AI now resolves a third of support cases",
             "Airbnb told investors that its custom support agent now resolves about one in "
             "three customer issues in North America, and that it wants voice and chat agents to "
             "handle more than 30% of tickets worldwide.", "BizWire"),
    make_doc("bg3", "Pruning at initialisation through the lens of graphon limits",
             "The paper proves that masks from common pruning-at-initialisation criteria "
             "converge to deterministic bipartite graphons and derives a Graphon-NTK bound on "
             "generalisation for sparse networks.", "arXiv"),
    make_doc("bg4", "xAI co-founders Jimmy Ba and Tony Wu leave the company",
             "Two more co-founders said on X that they were leaving xAI, so half of the twelve "
             "founders who started the company with Elon Musk have now departed.", "Finance Daily"),
    make_doc("bg5", "ByteDance ships Seedance 2.0 video model",
             "Seedance 2.0 generates synchronised sound and video in one pass with a dual-branch "
             "diffusion transformer and accepts up to twelve reference images.", "VideoBlog"),
]

SPARK_A = make_doc(
    "spark-a", "OpenAI launches GPT-5.3-Codex-Spark, a real-time coding model",
    "OpenAI released GPT-5.3-Codex-Spark as a research preview for ChatGPT Pro users. The "
    "model is a smaller version of GPT-5.3-Codex tuned for latency and serves more than 1,000 "
    "tokens per second on Cerebras wafer-scale hardware, with a 128k context window and "
    "separate rate limits during the preview.", "Tech Wire", hours=1)
SPARK_B = make_doc(
    "spark-b", "Codex-Spark: OpenAI's first model served on Cerebras chips",
    "GPT-5.3-Codex-Spark is the first OpenAI production model running on Cerebras instead of "
    "Nvidia GPUs. It generates over 1,000 tokens per second, about fifteen times faster than "
    "earlier Codex models, keeps a 128k context and targets quick interactive edits rather "
    "than long autonomous runs.", "Dev Journal", hours=5)


def groups(events: list[Event]) -> set[frozenset[str]]:
    return {frozenset(d.id for d in e.documents) for e in events}


def together(events: list[Event], *docs: Document) -> bool:
    wanted = {d.id for d in docs}
    return any(wanted <= {d.id for d in e.documents} for e in events)


def test_exact_duplicates_merge_by_url_and_by_text() -> None:
    page = make_doc("p1", "GLM-5 released", "Z.ai open-sourced GLM-5 with 744B parameters and "
                    "40B active, trained on 28.5T tokens with DeepSeek Sparse Attention.", "Zai",
                    url="https://z.example/glm5")
    same_url = page.model_copy(update={"id": "other-id", "title": "GLM-5 (feed entry)",
                                       "text": "Short teaser."})
    repost = make_doc("p2", "Copy", "Z.ai open-sourced GLM-5 with 744B parameters and 40B "
                      "active, trained on 28.5T tokens with DeepSeek  sparse attention!",
                      "Scraper")
    events = cluster_documents([*BACKGROUND, page, same_url, repost])
    assert together(events, page, same_url, repost)
    assert len(events) == len(BACKGROUND) + 1


def test_near_duplicate_lightly_edited_copy_merges() -> None:
    original = make_doc(
        "n1", "Restoring a 70B model in 2 seconds with GPU runtime snapshots",
        "A team describes cutting cold starts when serving large language models without warm "
        "pools. Instead of container snapshots they capture the GPU runtime after full "
        "initialisation, with weights in GPU memory, compiled CUDA graphs, a settled allocator "
        "and warmed kernels, but without KV cache or request state. On an H100 a 70B model is "
        "restored in about two seconds instead of tens of seconds, which makes scale-to-zero "
        "practical for big models. Open questions include snapshot size, storage and isolation.",
        "ML Forum")
    edited = make_doc(
        "n2", "Team restores a 70B model in two seconds using GPU runtime snapshots",
        "A team describes cutting cold starts when serving large language models without warm "
        "pools. Rather than container snapshots they capture the GPU runtime after full "
        "initialisation, with weights in GPU memory, compiled CUDA graphs, a settled allocator "
        "and warmed kernels, but not the KV cache or request state. On an H100 GPU a 70B model "
        "is restored in roughly two seconds instead of tens of seconds, which makes "
        "scale-to-zero practical for big models. Open questions include snapshot size, storage "
        "and isolation.", "Infra Weekly", hours=3)
    pairs = near_duplicate_pairs([doc_features(original).shingles, doc_features(edited).shingles])
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert together(cluster_documents([*BACKGROUND, original, edited]), original, edited)


def test_same_story_told_differently_merges() -> None:
    events = cluster_documents([*BACKGROUND, SPARK_A, SPARK_B])
    assert together(events, SPARK_A, SPARK_B)


def test_two_stories_about_the_same_company_stay_apart() -> None:
    funding = make_doc(
        "a1", "Anthropic raises $30bn at a $380bn valuation",
        "Anthropic closed a $30bn funding round led by GIC and Coatue, more than doubling its "
        "valuation to $380bn. Annualised revenue reached $14bn, largely from Claude Code, and "
        "the company plans to break even in 2028.", "Money Times")
    power = make_doc(
        "a2", "Anthropic will pay for power price rises caused by its data centers",
        "Anthropic pledged to cover electricity price increases that households face because of "
        "its US data centers, paying for grid upgrades and new generation. It says a single "
        "frontier training run will soon need gigawatts of power.", "Energy Desk", hours=2)
    pac = make_doc(
        "a3", "Anthropic gives $20 million to a pro-regulation political group",
        "Anthropic will donate $20 million to Public First Action, which backs congressional "
        "candidates who favour AI safety rules in the 2026 midterm elections.", "Politics Now",
        hours=4)
    events = cluster_documents([*BACKGROUND, funding, power, pac, SPARK_A])
    assert len(events) == len(BACKGROUND) + 4
    for a, b in ((funding, power), (funding, pac), (power, pac)):
        assert not together(events, a, b)


def test_same_outlet_pages_do_not_merge_as_one_story() -> None:
    """Two issues on one tracker share names and words but are two items, not one story."""
    first = make_doc("i1", "Codex App: window cannot be resized below 60% width",
                     "On macOS the Codex desktop app window cannot be made narrower than about "
                     "60% of the screen, which rules out side-by-side work.", "GitHub")
    second = make_doc("i2", "Codex App: release notes are missing",
                      "The Codex desktop app on macOS shows no release notes, so users cannot "
                      "tell what changed between updates of the app.", "GitHub", hours=1)
    events = cluster_documents([*BACKGROUND, first, second])
    assert not together(events, first, second)


def test_roundup_does_not_chain_two_stories() -> None:
    pac_a = make_doc("r1", "Anthropic gives $20 million to Public First Action",
                     "Anthropic will give $20 million to Public First Action, a group backing "
                     "candidates who favour AI rules, led by Brad Carson.", "CNBC")
    pac_b = make_doc("r2", "Anthropic drops $20M on pro-regulation PAC",
                     "Public First Action receives $20 million from Anthropic to support "
                     "pro-regulation candidates; Brad Carson leads the group.", "Buzz", hours=1)
    roundup = make_doc(
        "r3", "AI Daily Briefing, Thursday",
        "Today: Anthropic gives $20 million to Public First Action led by Brad Carson. OpenAI "
        "released GPT-5.3-Codex-Spark, serving 1,000 tokens per second on Cerebras with a 128k "
        "context. Apple delays Siri.", "Briefing Blog", hours=2)
    events = cluster_documents([*BACKGROUND, pac_a, pac_b, roundup, SPARK_A, SPARK_B])
    assert together(events, pac_a, pac_b)
    assert together(events, SPARK_A, SPARK_B)
    assert not together(events, pac_a, SPARK_A)


def test_chinese_text_clusters() -> None:
    base = ("深度求索发布了新版推理模型，在数学和代码评测上明显提升，推理速度提高百分之三十，"
            "同时开源了模型权重和技术报告，开发者可以在本地部署。")
    copy = make_doc("z1", "深度求索发布新版推理模型", base, "中文科技网")
    edited = make_doc("z2", "深度求索新版推理模型发布",
                      base.replace("明显提升", "大幅提升").replace("开发者", "用户"),
                      "另一家媒体", hours=2)
    other = make_doc("z3", "小米发布新款手机",
                     "小米今天发布了新款旗舰手机，搭载新一代处理器和更大的电池，售价与上一代持平，"
                     "将于下周开始在线销售。", "数码日报", hours=1)
    assert "推理" in words(base) and len(shingles(base)) > 20
    events = cluster_documents([*BACKGROUND, copy, edited, other])
    assert together(events, copy, edited)
    assert not together(events, copy, other)


def test_chinese_story_told_differently_merges_on_entities() -> None:
    a = make_doc("zc1", "智谱发布 GLM-5 开源模型",
                 "智谱正式发布 GLM-5，参数规模 744B，激活参数 40B，采用 DeepSeek 稀疏注意力，"
                 "在智能体和编程评测中取得开源第一。", "科技日报")
    b = make_doc("zc2", "GLM-5 来了：744B 参数的开源智能体模型",
                 "GLM-5 的参数从 355B 增加到 744B，激活 40B，训练数据 28.5T tokens，"
                 "官方称其在编程和智能体任务上领先其他开源模型。", "AI前线", hours=3)
    events = cluster_documents([*BACKGROUND, a, b])
    assert together(events, a, b)


def test_entities_keep_model_versions_apart() -> None:
    keys = {e.key for e in entities("GPT-5.3-Codex-Spark is a smaller GPT-5.3-Codex; "
                                    "Claude Opus 4.6 costs $20 million? No: 128k context.")}
    assert {"gpt-5.3-codex-spark", "gpt-5.3-codex", "opus 4.6", "$20m", "128k"} <= keys


def test_event_fields_ids_titles_and_order() -> None:
    wire = SPARK_A.model_copy(update={"authority": 0.4})
    official = make_doc("spark-o", "Introducing GPT-5.3-Codex-Spark",
                        "Today we introduce GPT-5.3-Codex-Spark, our first real-time coding "
                        "model: more than 1,000 tokens per second on Cerebras, a 128k context "
                        "and a research preview for ChatGPT Pro.", "OpenAI blog", hours=3,
                        authority=0.9)
    events = cluster_documents([*BACKGROUND, SPARK_B, official, wire])
    (event,) = [e for e in events if len(e.documents) > 1]
    assert [d.id for d in event.documents] == [official.id, SPARK_B.id, wire.id]
    assert event.title == "Introducing GPT-5.3-Codex-Spark"  # most authoritative
    assert event.id == content_id("event", wire.id)  # earliest document
    assert event.first_seen == wire.published and event.last_seen == SPARK_B.published
    assert all(d.event_id == event.id for d in event.documents)
    again = cluster_documents([wire, official, *reversed(BACKGROUND), SPARK_B])
    assert groups(again) == groups(events)
    assert {e.id for e in again} == {e.id for e in events}


def test_title_ties_go_to_the_earliest_document() -> None:
    events = cluster_documents([*BACKGROUND, SPARK_B, SPARK_A])
    (event,) = [e for e in events if len(e.documents) > 1]
    assert event.title == SPARK_A.title


def test_undated_documents_use_fetch_time() -> None:
    undated = SPARK_B.model_copy(update={"published": None})
    events = cluster_documents([SPARK_A, undated])
    (event,) = events
    assert event.last_seen == undated.fetched_at


def test_known_events_keep_their_ids() -> None:
    day_one = cluster_documents([*BACKGROUND, SPARK_A])
    known = next(e for e in day_one if SPARK_A.id in {d.id for d in e.documents})
    renamed = known.model_copy(update={"id": "stored-event-1"})
    new_story = make_doc("new", "MiniMax-M2.5 scores 80.2% on SWE-Bench Verified",
                         "MiniMax released M2.5, trained with RL in hundreds of thousands of "
                         "environments, reporting 80.2% on SWE-Bench Verified.", "Model Hub",
                         hours=20)
    same_url = SPARK_A.model_copy(update={"id": "refetched", "text": SPARK_A.text + " Updated."})
    events = cluster_documents([SPARK_B, new_story, same_url], known=[renamed])
    by_doc = {d.id: e for e in events for d in e.documents}
    assert by_doc[SPARK_B.id].id == "stored-event-1"
    assert by_doc["refetched"].id == "stored-event-1"
    assert SPARK_A.id in {d.id for d in by_doc[SPARK_B.id].documents}
    assert by_doc[new_story.id].id == content_id("event", new_story.id)
    assert all(e.id != known.id for e in events)  # untouched known events are not returned


def test_two_known_events_are_never_merged() -> None:
    first = Event(id="k1", title=SPARK_A.title, documents=[SPARK_A], first_seen=T0, last_seen=T0)
    second = Event(id="k2", title=SPARK_B.title, documents=[SPARK_B], first_seen=T0,
                   last_seen=T0)
    bridge = make_doc("bridge", "GPT-5.3-Codex-Spark on Cerebras: 1,000 tokens per second",
                      SPARK_A.text + " " + SPARK_B.text, "Aggregator", hours=6)
    events = cluster_documents([bridge], known=[first, second])
    assert len(events) == 1 and events[0].id in {"k1", "k2"}
    assert {d.id for d in events[0].documents} & {SPARK_A.id, SPARK_B.id} != {
        SPARK_A.id, SPARK_B.id}


def test_empty_input() -> None:
    assert cluster_documents([]) == []


def test_many_documents_cluster_without_all_pairs() -> None:
    """Regression guard: 2,000 distinct headlines plus copies finish and keep copies together."""
    rng = random.Random(3)
    vocab = [w for d in [*BACKGROUND, SPARK_A, SPARK_B] for w in d.text.split()]
    docs = [make_doc(f"m{i}", " ".join(rng.choices(vocab, k=8)),
                     " ".join(rng.choices(vocab, k=40)), f"site{i % 50}") for i in range(2000)]
    copies = [d.model_copy(update={"id": d.id + "-copy", "url": d.url + "?copy",
                                   "canonical_url": d.canonical_url + "/copy",
                                   "source": "mirror"}) for d in docs[:100]]
    events = cluster_documents(docs + copies)
    for original, copy in zip(docs[:100], copies, strict=True):
        assert together(events, original, copy)
    assert len(events) <= 2000


def _batch(n: int) -> list[Document]:
    rng = random.Random(5)
    vocab = [w for d in [*BACKGROUND, SPARK_A, SPARK_B] for w in d.text.split()]
    docs = [make_doc(f"p{i}", " ".join(rng.choices(vocab, k=8)),
                     " ".join(rng.choices(vocab, k=40)), f"site{i % 40}") for i in range(n)]
    edits = [d.model_copy(update={"id": d.id + "-e", "source": "mirror", "url": d.url + "e",
                                  "canonical_url": d.canonical_url + "e",
                                  "text": d.text.replace(" ", "  ", 3) + " (updated)"})
             for d in docs[:30]]
    return docs + edits + [*BACKGROUND, SPARK_A, SPARK_B]


def test_background_near_duplicate_worker_gives_the_same_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = _batch(300)
    serial = cluster_documents(docs)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10)
    assert parallel.NearDuplicateJob(docs).in_background == parallel._can_fork()
    assert groups(cluster_documents(docs)) == groups(serial)


def test_a_failing_worker_falls_back_to_in_process_work(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    docs = _batch(200)
    serial = cluster_documents(docs)

    def broken(documents: object, conn: object) -> None:
        raise RuntimeError("worker crashed")

    monkeypatch.setattr(parallel, "PARALLEL_MIN", 10)
    monkeypatch.setattr(parallel, "_work", broken)
    assert groups(cluster_documents(docs)) == groups(serial)
    capfd.readouterr()  # the worker's traceback
