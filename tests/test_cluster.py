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
    make_doc(
        "bg1",
        "Apple delays Gemini-powered Siri features to iOS 26.5",
        "Apple has run into problems testing its upgraded Siri, which relies on Google's "
        "Gemini models, and may spread the features across iOS 26.5 in May and iOS 27 in "
        "September instead of shipping them in iOS 26.4 in March.",
        "MacNews",
    ),
    make_doc(
        "bg2",
        "Airbnb says AI now resolves a third of support cases",
        "Airbnb told investors that its custom support agent now resolves about one in "
        "three customer issues in North America, and that it wants voice and chat agents to "
        "handle more than 30% of tickets worldwide.",
        "BizWire",
    ),
    make_doc(
        "bg3",
        "Pruning at initialisation through the lens of graphon limits",
        "The paper proves that masks from common pruning-at-initialisation criteria "
        "converge to deterministic bipartite graphons and derives a Graphon-NTK bound on "
        "generalisation for sparse networks.",
        "arXiv",
    ),
    make_doc(
        "bg4",
        "xAI co-founders Jimmy Ba and Tony Wu leave the company",
        "Two more co-founders said on X that they were leaving xAI, so half of the twelve "
        "founders who started the company with Elon Musk have now departed.",
        "Finance Daily",
    ),
    make_doc(
        "bg5",
        "ByteDance ships Seedance 2.0 video model",
        "Seedance 2.0 generates synchronised sound and video in one pass with a dual-branch "
        "diffusion transformer and accepts up to twelve reference images.",
        "VideoBlog",
    ),
]

SPARK_A = make_doc(
    "spark-a",
    "OpenAI launches GPT-5.3-Codex-Spark, a real-time coding model",
    "OpenAI released GPT-5.3-Codex-Spark as a research preview for ChatGPT Pro users. The "
    "model is a smaller version of GPT-5.3-Codex tuned for latency and serves more than 1,000 "
    "tokens per second on Cerebras wafer-scale hardware, with a 128k context window and "
    "separate rate limits during the preview.",
    "Tech Wire",
    hours=1,
)
SPARK_B = make_doc(
    "spark-b",
    "Codex-Spark: OpenAI's first model served on Cerebras chips",
    "GPT-5.3-Codex-Spark is the first OpenAI production model running on Cerebras instead of "
    "Nvidia GPUs. It generates over 1,000 tokens per second, about fifteen times faster than "
    "earlier Codex models, keeps a 128k context and targets quick interactive edits rather "
    "than long autonomous runs.",
    "Dev Journal",
    hours=5,
)


def groups(events: list[Event]) -> set[frozenset[str]]:
    return {frozenset(d.id for d in e.documents) for e in events}


def together(events: list[Event], *docs: Document) -> bool:
    wanted = {d.id for d in docs}
    return any(wanted <= {d.id for d in e.documents} for e in events)


def test_exact_duplicates_merge_by_url_and_by_text() -> None:
    page = make_doc(
        "p1",
        "GLM-5 released",
        "Z.ai open-sourced GLM-5 with 744B parameters and "
        "40B active, trained on 28.5T tokens with DeepSeek Sparse Attention.",
        "Zai",
        url="https://z.example/glm5",
    )
    same_url = page.model_copy(
        update={"id": "other-id", "title": "GLM-5 (feed entry)", "text": "Short teaser."}
    )
    repost = make_doc(
        "p2",
        "Copy",
        "Z.ai open-sourced GLM-5 with 744B parameters and 40B "
        "active, trained on 28.5T tokens with DeepSeek  sparse attention!",
        "Scraper",
    )
    events = cluster_documents([*BACKGROUND, page, same_url, repost])
    assert together(events, page, same_url, repost)
    assert len(events) == len(BACKGROUND) + 1


def test_near_duplicate_lightly_edited_copy_merges() -> None:
    original = make_doc(
        "n1",
        "Restoring a 70B model in 2 seconds with GPU runtime snapshots",
        "A team describes cutting cold starts when serving large language models without warm "
        "pools. Instead of container snapshots they capture the GPU runtime after full "
        "initialisation, with weights in GPU memory, compiled CUDA graphs, a settled allocator "
        "and warmed kernels, but without KV cache or request state. On an H100 a 70B model is "
        "restored in about two seconds instead of tens of seconds, which makes scale-to-zero "
        "practical for big models. Open questions include snapshot size, storage and isolation.",
        "ML Forum",
    )
    edited = make_doc(
        "n2",
        "Team restores a 70B model in two seconds using GPU runtime snapshots",
        "A team describes cutting cold starts when serving large language models without warm "
        "pools. Rather than container snapshots they capture the GPU runtime after full "
        "initialisation, with weights in GPU memory, compiled CUDA graphs, a settled allocator "
        "and warmed kernels, but not the KV cache or request state. On an H100 GPU a 70B model "
        "is restored in roughly two seconds instead of tens of seconds, which makes "
        "scale-to-zero practical for big models. Open questions include snapshot size, storage "
        "and isolation.",
        "Infra Weekly",
        hours=3,
    )
    pairs = near_duplicate_pairs([doc_features(original).shingles, doc_features(edited).shingles])
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert together(cluster_documents([*BACKGROUND, original, edited]), original, edited)


def test_same_story_told_differently_merges() -> None:
    events = cluster_documents([*BACKGROUND, SPARK_A, SPARK_B])
    assert together(events, SPARK_A, SPARK_B)


def test_two_stories_about_the_same_company_stay_apart() -> None:
    funding = make_doc(
        "a1",
        "Anthropic raises $30bn at a $380bn valuation",
        "Anthropic closed a $30bn funding round led by GIC and Coatue, more than doubling its "
        "valuation to $380bn. Annualised revenue reached $14bn, largely from Claude Code, and "
        "the company plans to break even in 2028.",
        "Money Times",
    )
    power = make_doc(
        "a2",
        "Anthropic will pay for power price rises caused by its data centers",
        "Anthropic pledged to cover electricity price increases that households face because of "
        "its US data centers, paying for grid upgrades and new generation. It says a single "
        "frontier training run will soon need gigawatts of power.",
        "Energy Desk",
        hours=2,
    )
    pac = make_doc(
        "a3",
        "Anthropic gives $20 million to a pro-regulation political group",
        "Anthropic will donate $20 million to Public First Action, which backs congressional "
        "candidates who favour AI safety rules in the 2026 midterm elections.",
        "Politics Now",
        hours=4,
    )
    events = cluster_documents([*BACKGROUND, funding, power, pac, SPARK_A])
    assert len(events) == len(BACKGROUND) + 4
    for a, b in ((funding, power), (funding, pac), (power, pac)):
        assert not together(events, a, b)


def test_same_outlet_pages_do_not_merge_as_one_story() -> None:
    """Two issues on one tracker share names and words but are two items, not one story."""
    first = make_doc(
        "i1",
        "Codex App: window cannot be resized below 60% width",
        "On macOS the Codex desktop app window cannot be made narrower than about "
        "60% of the screen, which rules out side-by-side work.",
        "GitHub",
    )
    second = make_doc(
        "i2",
        "Codex App: release notes are missing",
        "The Codex desktop app on macOS shows no release notes, so users cannot "
        "tell what changed between updates of the app.",
        "GitHub",
        hours=1,
    )
    events = cluster_documents([*BACKGROUND, first, second])
    assert not together(events, first, second)


def test_roundup_does_not_chain_two_stories() -> None:
    pac_a = make_doc(
        "r1",
        "Anthropic gives $20 million to Public First Action",
        "Anthropic will give $20 million to Public First Action, a group backing "
        "candidates who favour AI rules, led by Brad Carson.",
        "CNBC",
    )
    pac_b = make_doc(
        "r2",
        "Anthropic drops $20M on pro-regulation PAC",
        "Public First Action receives $20 million from Anthropic to support "
        "pro-regulation candidates; Brad Carson leads the group.",
        "Buzz",
        hours=1,
    )
    roundup = make_doc(
        "r3",
        "AI Daily Briefing, Thursday",
        "Today: Anthropic gives $20 million to Public First Action led by Brad Carson. OpenAI "
        "released GPT-5.3-Codex-Spark, serving 1,000 tokens per second on Cerebras with a 128k "
        "context. Apple delays Siri.",
        "Briefing Blog",
        hours=2,
    )
    events = cluster_documents([*BACKGROUND, pac_a, pac_b, roundup, SPARK_A, SPARK_B])
    assert together(events, pac_a, pac_b)
    assert together(events, SPARK_A, SPARK_B)
    assert not together(events, pac_a, SPARK_A)


def test_chinese_text_clusters() -> None:
    base = (
        "深度求索发布了新版推理模型，在数学和代码评测上明显提升，推理速度提高百分之三十，"
        "同时开源了模型权重和技术报告，开发者可以在本地部署。"
    )
    copy = make_doc("z1", "深度求索发布新版推理模型", base, "中文科技网")
    edited = make_doc(
        "z2",
        "深度求索新版推理模型发布",
        base.replace("明显提升", "大幅提升").replace("开发者", "用户"),
        "另一家媒体",
        hours=2,
    )
    other = make_doc(
        "z3",
        "小米发布新款手机",
        "小米今天发布了新款旗舰手机，搭载新一代处理器和更大的电池，售价与上一代持平，"
        "将于下周开始在线销售。",
        "数码日报",
        hours=1,
    )
    assert "推理" in words(base) and len(shingles(base)) > 20
    events = cluster_documents([*BACKGROUND, copy, edited, other])
    assert together(events, copy, edited)
    assert not together(events, copy, other)


def test_chinese_story_told_differently_merges_on_entities() -> None:
    a = make_doc(
        "zc1",
        "智谱发布 GLM-5 开源模型",
        "智谱正式发布 GLM-5，参数规模 744B，激活参数 40B，采用 DeepSeek 稀疏注意力，"
        "在智能体和编程评测中取得开源第一。",
        "科技日报",
    )
    b = make_doc(
        "zc2",
        "GLM-5 来了：744B 参数的开源智能体模型",
        "GLM-5 的参数从 355B 增加到 744B，激活 40B，训练数据 28.5T tokens，"
        "官方称其在编程和智能体任务上领先其他开源模型。",
        "AI前线",
        hours=3,
    )
    events = cluster_documents([*BACKGROUND, a, b])
    assert together(events, a, b)


def test_entities_keep_model_versions_apart() -> None:
    keys = {
        e.key
        for e in entities(
            "GPT-5.3-Codex-Spark is a smaller GPT-5.3-Codex; "
            "Claude Opus 4.6 costs $20 million? No: 128k context."
        )
    }
    assert {"gpt-5.3-codex-spark", "gpt-5.3-codex", "opus 4.6", "$20m", "128k"} <= keys


def test_event_fields_ids_titles_and_order() -> None:
    wire = SPARK_A.model_copy(update={"authority": 0.4})
    official = make_doc(
        "spark-o",
        "Introducing GPT-5.3-Codex-Spark",
        "Today we introduce GPT-5.3-Codex-Spark, our first real-time coding "
        "model: more than 1,000 tokens per second on Cerebras, a 128k context "
        "and a research preview for ChatGPT Pro.",
        "OpenAI blog",
        hours=3,
        authority=0.9,
    )
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
    new_story = make_doc(
        "new",
        "MiniMax-M2.5 scores 80.2% on SWE-Bench Verified",
        "MiniMax released M2.5, trained with RL in hundreds of thousands of "
        "environments, reporting 80.2% on SWE-Bench Verified.",
        "Model Hub",
        hours=20,
    )
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
    second = Event(id="k2", title=SPARK_B.title, documents=[SPARK_B], first_seen=T0, last_seen=T0)
    bridge = make_doc(
        "bridge",
        "GPT-5.3-Codex-Spark on Cerebras: 1,000 tokens per second",
        SPARK_A.text + " " + SPARK_B.text,
        "Aggregator",
        hours=6,
    )
    events = cluster_documents([bridge], known=[first, second])
    assert len(events) == 1 and events[0].id in {"k1", "k2"}
    assert {d.id for d in events[0].documents} & {SPARK_A.id, SPARK_B.id} != {
        SPARK_A.id,
        SPARK_B.id,
    }


def test_empty_input() -> None:
    assert cluster_documents([]) == []


def test_many_documents_cluster_without_all_pairs() -> None:
    """Regression guard: 2,000 distinct headlines plus copies finish and keep copies together."""
    rng = random.Random(3)
    vocab = [w for d in [*BACKGROUND, SPARK_A, SPARK_B] for w in d.text.split()]
    docs = [
        make_doc(
            f"m{i}",
            " ".join(rng.choices(vocab, k=8)),
            " ".join(rng.choices(vocab, k=40)),
            f"site{i % 50}",
        )
        for i in range(2000)
    ]
    copies = [
        d.model_copy(
            update={
                "id": d.id + "-copy",
                "url": d.url + "?copy",
                "canonical_url": d.canonical_url + "/copy",
                "source": "mirror",
            }
        )
        for d in docs[:100]
    ]
    events = cluster_documents(docs + copies)
    for original, copy in zip(docs[:100], copies, strict=True):
        assert together(events, original, copy)
    assert len(events) <= 2000


def _batch(n: int) -> list[Document]:
    rng = random.Random(5)
    vocab = [w for d in [*BACKGROUND, SPARK_A, SPARK_B] for w in d.text.split()]
    docs = [
        make_doc(
            f"p{i}",
            " ".join(rng.choices(vocab, k=8)),
            " ".join(rng.choices(vocab, k=40)),
            f"site{i % 40}",
        )
        for i in range(n)
    ]
    edits = [
        d.model_copy(
            update={
                "id": d.id + "-e",
                "source": "mirror",
                "url": d.url + "e",
                "canonical_url": d.canonical_url + "e",
                "text": d.text.replace(" ", "  ", 3) + " (updated)",
            }
        )
        for d in docs[:30]
    ]
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


# --- one story in two languages -------------------------------------------------------------

QUILL_EN = make_doc(
    "quill-en",
    "Corvid Labs releases Quill-2 Mini, a 36B mixture-of-experts coder",
    "Corvid Labs released Quill-2 Mini with open weights. The model has 36B parameters, of "
    "which 4.2B are active per token, and a 160K context. It scores 61.5% on PatchBench-300, "
    "up from 48.7% for Quill-1, and serves 3,600 tokens per second on one eight-GPU node with a "
    "median time to first token of 310 ms. Pre-training used 14.5T tokens over 37 days. The "
    "tool-call format changes to one JSON object per line.",
    "Model Notes",
    hours=0,
    url="https://corvid.example/blog/quill-2-mini",
)
QUILL_ZH = make_doc(
    "quill-zh",
    "Corvid Labs 开源 Quill-2 Mini：360 亿参数，每个 token 激活 42 亿",
    "代码模型公司 Corvid Labs 今天凌晨发布了新一代开放权重模型 Quill-2 Mini，"
    "定位是能在编辑器和智能体里长时间运行的低成本模型。它采用稀疏混合专家架构，"
    "总参数 360 亿，每个 token 只激活 42 亿，上下文长度为 160K。官方公布的成绩显示，"
    "PatchBench-300 得分 61.5%，上一代 Quill-1 为 48.7%，提升明显，"
    "但这些都是厂商自测结果，还有待第三方复现。部署方面，单台八卡服务器的总吞吐约为每秒 "
    "3600 个 token，首 token 中位延迟 310 毫秒。预训练共使用 14.5 万亿 token，历时 37 天。"
    "需要提醒开发者的是，工具调用格式改成了每行一个对象，旧的解析器需要升级后才能使用。",
    "中文科技网",
    hours=9,
)
ADVISORY_EN = make_doc(
    "bx-en",
    "Security advisory BX-SA-2026-04: token leak through crash reports in Beacon CLI",
    "Beacon CLI versions 3.2.0 through 3.4.1 wrote API tokens into crash reports uploaded to the "
    "error tracker. Version 3.4.2 fixes the issue, and tokens issued before November 20 should "
    "be rotated. The researcher who reported it through the bug bounty received $8,500. The "
    "flag --no-crash-upload disables uploads on older versions.",
    "Beacon changelog",
    hours=2,
)
ADVISORY_ZH = make_doc(
    "bx-zh",
    "Beacon CLI 曝令牌泄露漏洞：崩溃报告会把密钥传给错误追踪服务",
    "开发者工具公司 Beacon 发布安全公告 BX-SA-2026-04，承认其命令行工具存在一个令牌泄露问题：从 "
    "3.2.0 到 3.4.1 的各个版本在程序崩溃时，会把用户的访问令牌写进崩溃报告，并自动上传到第三方错误"
    "追踪服务。修复版本为 3.4.2，官方建议所有用户尽快升级，并轮换 11 月 20 日之前签发的全部令牌。"
    "报告这一问题的安全研究员通过漏洞赏金计划获得了 8500 美元奖励。暂时无法升级的团队，可以在旧版本"
    "中加上 --no-crash-upload 参数关闭崩溃报告上传，作为临时缓解措施。",
    "安全快讯",
    hours=6,
)
# A name transliterated into Chinese (星衡 = Xingheng) cannot match; the rest of the evidence
# (M2, M2-Mini, the figures) does.
XINGHENG_EN = make_doc(
    "xh-en",
    "Xingheng-M2 Technical Report",
    "We present Xingheng-M2, a reasoning model with 240B total and 18B activated parameters. "
    "A reasoning_effort parameter caps the trace between 512 and 16,384 tokens; accuracy on "
    "ProofSteps rises from 66.2 to 73.9. M2 scores 57.4% on PatchBench-300 and 81.6% on "
    "LongRecall. We also release M2-Mini, a 9B dense model distilled from M2.",
    "Preprints",
    hours=1,
)
XINGHENG_ZH = make_doc(
    "xh-zh",
    "星衡-M2 正式发布：会思考，也知道何时停下",
    "今天，我们正式发布新一代推理模型星衡-M2，并同步开放模型权重和技术报告。它采用混合专家架构，"
    "总参数 2400 亿，每个 token 激活 180 亿。开发者可以通过 reasoning_effort 参数把推理长度限制在 "
    "512 到 16384 个 token 之间，在数学证明评测 ProofSteps 上，成绩随预算从 66.2 提升到 73.9。"
    "代码修复评测 PatchBench-300 得分 57.4%，长文本检索评测 LongRecall 为 81.6%。我们同时开放从 "
    "M2 蒸馏得到的 90 亿参数稠密模型 M2-Mini，适合单卡部署。欢迎大家试用并反馈问题。",
    "星衡博客",
    hours=0,
)
FUNDING_ZH = make_doc(
    "corvid-money",
    "Corvid Labs 完成 2 亿美元融资，估值 30 亿美元",
    "代码模型公司 Corvid Labs 宣布完成 2 亿美元 C 轮融资，估值 30 亿美元，投资方包括多家主权基金。"
    "公司表示资金将用于扩建训练集群和招聘，并计划明年在新加坡设立办公室。公司此前发布的 Quill "
    "系列模型已有超过 40 万名开发者使用。",
    "财经快报",
    hours=5,
)
RIVAL_ZH = make_doc(
    "rival-zh",
    "Nimbus 发布 Stratus-4：PatchBench-300 得分 64.0%，超过 Quill-2 Mini",
    "Nimbus 发布代码模型 Stratus-4，总参数 700 亿，PatchBench-300 得分 64.0%，官方称超过 Corvid "
    "Labs 的 Quill-2 Mini（61.5%）。Stratus-4 支持 128K 上下文，API 价格为每百万输入 token 0.3 "
    "美元，每百万输出 token 1.2 美元，权重暂不开放。",
    "中文科技网",
    hours=20,
)


def test_cross_language_anchors_normalise_notation() -> None:
    from deepdaily.cluster.anchors import anchors, script

    zh = {
        a.key
        for a in anchors(
            "总参数 470 亿，激活 58 亿，恢复 38 秒，得分 63.0%，"
            "奖励 1.2 万美元，4000 亿参数，240 毫秒，Lumen-3 与 R2-Lite，"
            "FW-SA-2026-07"
        )
    }
    en = {
        a.key
        for a in anchors(
            "47B total and 5.8B active, restored in 38 seconds, 63.0%, a "
            "$12,000 bounty, 400B-parameter, 240 ms, Lumen-3 and R2-Lite, "
            "FW-SA-2026-07"
        )
    }
    assert zh == en
    common = {a.key for a in anchors("GPU API 2026 FP8 H100 128K MoE SDK Python v2")}
    assert not common  # generic words, years and context lengths are never evidence
    assert script("Lumenforge 开源 Lumen-3 Flash：470 亿参数") == "cjk"
    assert script("Lumenforge releases Lumen-3 Flash") == "latin"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [(QUILL_EN, QUILL_ZH), (ADVISORY_EN, ADVISORY_ZH), (XINGHENG_EN, XINGHENG_ZH)],
    ids=["launch", "advisory", "transliterated-name"],
)
def test_same_story_in_two_languages_merges(english: Document, chinese: Document) -> None:
    events = cluster_documents([*BACKGROUND, english, chinese, SPARK_A, SPARK_B])
    assert together(events, english, chinese)
    assert together(events, SPARK_A, SPARK_B)
    assert len(events) == len(BACKGROUND) + 2


def test_two_stories_about_one_company_in_two_languages_stay_apart() -> None:
    """Funding news and a launch share the company; a rival's launch shares the benchmark and
    even the launch's score. Neither is the launch told in another language."""
    events = cluster_documents([*BACKGROUND, QUILL_EN, FUNDING_ZH, RIVAL_ZH, QUILL_ZH])
    assert together(events, QUILL_EN, QUILL_ZH)
    assert not together(events, QUILL_EN, FUNDING_ZH)
    assert not together(events, QUILL_EN, RIVAL_ZH)
    assert not together(events, FUNDING_ZH, RIVAL_ZH)


def _cross_pairs(docs: list[Document]) -> set[frozenset[str]]:
    from deepdaily.cluster import crosslang

    index = crosslang.AnchorIndex(docs, [doc_features(d) for d in docs])
    return {
        frozenset({docs[p.left].id, docs[p.right].id})
        for p in crosslang.cross_language_pairs(index)
    }


def test_the_cross_language_rule_finds_the_pairs_on_its_own() -> None:
    """The pairs above merge through the anchor rule, not through TF-IDF (cosine near zero)."""
    docs = [
        *BACKGROUND,
        QUILL_EN,
        QUILL_ZH,
        ADVISORY_EN,
        ADVISORY_ZH,
        XINGHENG_EN,
        XINGHENG_ZH,
        FUNDING_ZH,
        RIVAL_ZH,
    ]
    assert _cross_pairs(docs) == {
        frozenset({QUILL_EN.id, QUILL_ZH.id}),
        frozenset({ADVISORY_EN.id, ADVISORY_ZH.id}),
        frozenset({XINGHENG_EN.id, XINGHENG_ZH.id}),
    }


def test_cross_language_pairs_need_closeness_in_time() -> None:
    late = QUILL_ZH.model_copy(update={"published": QUILL_EN.published + timedelta(days=5)})
    assert _cross_pairs([*BACKGROUND, QUILL_EN, late]) == set()


def test_chinese_roundup_does_not_chain_two_english_stories() -> None:
    roundup = make_doc(
        "zh-roundup",
        "早报｜Quill-2 Mini 开源；Beacon CLI 修复令牌泄露",
        "Corvid Labs 开源 Quill-2 Mini，总参数 360 亿、激活 42 亿，PatchBench-300 得分 61.5%，"
        "吞吐 3600 tokens/秒。另外，Beacon 发布安全公告 BX-SA-2026-04，Beacon CLI 3.2.0 至 3.4.1 "
        "会泄露 API 令牌，请升级到 3.4.2，报告者获得 8500 美元奖励。",
        "早报站",
        hours=8,
    )
    events = cluster_documents([*BACKGROUND, QUILL_EN, ADVISORY_EN, roundup, QUILL_ZH])
    assert together(events, QUILL_EN, QUILL_ZH)
    assert not together(events, QUILL_EN, ADVISORY_EN)


def test_cross_language_stage_scales_without_all_pairs() -> None:
    """2,000 English and 500 Chinese documents that share chance figures: no pair is compared
    unless it shares a distinctive key, chance figures join nothing, and a translation still
    finds its original."""
    from deepdaily.cluster import crosslang

    rng = random.Random(9)
    vocab = [w for d in [*BACKGROUND, SPARK_A, SPARK_B] for w in d.text.split()]
    hanzi = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    english = [
        make_doc(
            f"e{i}",
            " ".join(rng.choices(vocab, k=8)),
            " ".join(rng.choices(vocab, k=40)),
            f"site{i % 50}",
        )
        for i in range(2000)
    ]
    chinese = [
        make_doc(
            f"c{i}",
            "".join(rng.choices(hanzi, k=14)),
            "".join(rng.choices(hanzi, k=60))
            + f" {rng.randrange(10, 99)}% "
            + "".join(rng.choices(hanzi, k=30)),
            f"zh{i % 20}",
        )
        for i in range(500)
    ]
    pool = [*english, *chinese, QUILL_EN, QUILL_ZH]
    index = crosslang.AnchorIndex(pool, [doc_features(d) for d in pool])
    left, _ = index.candidates()
    assert len(left) < 5_000  # far from the 1,000,000 cross pairs
    events = cluster_documents(pool)
    assert together(events, QUILL_EN, QUILL_ZH)
    english_ids = {d.id for d in english}
    chinese_ids = {d.id for d in chinese}
    for event in events:  # chance figures never join an English and a Chinese document
        ids = {d.id for d in event.documents}
        assert not (ids & english_ids and ids & chinese_ids)


# --- the demo snapshot's stories in two languages -------------------------------------------


@pytest.fixture(scope="module")
def demo_event_of(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Title -> stored event id of every document of a full demo run (both days)."""
    import asyncio
    import sqlite3

    from deepdaily.demo.runner import demo_settings, run_demo

    out = tmp_path_factory.mktemp("demo")
    asyncio.run(run_demo(demo_settings(out)))
    with sqlite3.connect(out / "deepdaily.db") as conn:
        rows = conn.execute("SELECT title, event_id FROM documents").fetchall()
    return {title: event_id for title, event_id in rows}


def _event(event_of: dict[str, str], prefix: str) -> str:
    (event_id,) = {e for title, e in event_of.items() if title.startswith(prefix)}
    return event_id


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("Lumenforge 开源 Lumen-3 Flash", "Introducing Lumen-3 Flash"),
        ("Fernwork 智能体 SDK 曝高危漏洞", "Security advisory FW-SA-2026-07"),
        ("澜川-R2 正式发布", "Lanchuan-R2 Technical Report"),
        ("澜川-R2 API 接入指南", "Lanchuan-R2 Technical Report"),
        ("解读 Orrery 的检查点方案", "Restoring a 400B-parameter training run in 38 seconds"),
    ],
)
def test_demo_stories_in_two_languages_are_one_event(
    demo_event_of: dict[str, str], chinese: str, english: str
) -> None:
    assert _event(demo_event_of, chinese) == _event(demo_event_of, english)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "澜川智能发布推理模型澜川-R2",
            "Introducing Lumen-3 Flash",
        ),  # mentions Lumenforge's licence
        (
            "Lumenforge 开源 Lumen-3 Flash",
            "How much of RepoFix-500 is already in the training data",
        ),
        ("开放平台价格调整公告", "Lanchuan-R2 Technical Report"),  # the same company, another story
        ("解读 Orrery 的检查点方案", "Lanchuan-R2 Technical Report"),  # 88.5% in both, by chance
    ],
)
def test_demo_related_stories_stay_apart(
    demo_event_of: dict[str, str], one: str, other: str
) -> None:
    assert _event(demo_event_of, one) != _event(demo_event_of, other)
