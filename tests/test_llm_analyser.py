"""The LLM analyser end to end: openai SDK -> scripted server on 127.0.0.1 -> verification.

Every test drives the real path a run takes (FallbackProvider over OpenAICompatProvider) and
checks what would be published, and what the run manifest would record.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deepdaily.analyse.llm import REASKS, analyse_many
from deepdaily.analyse.offline import OfflineAnalyser
from deepdaily.analyse.providers import (
    Budget,
    CachingProvider,
    CallLog,
    FallbackProvider,
    ResponseCache,
)
from deepdaily.config import Profile
from deepdaily.models import Claim, Digest, DigestItem
from deepdaily.render import render_markdown
from deepdaily.store import Store
from deepdaily.testing.llm_server import ScriptedLLMServer, answer, fault
from deepdaily.text.links import find_urls, same_url
from llm_support import (
    analyser,
    chain,
    claude,
    close_all,
    document,
    endpoint,
    event,
    no_sleep,
    system_message,
    user_message,
)

URL = "https://runtime.example.org/blog/snapshots"
RELEASED = (
    "Acme Labs released version 2.0 of Flint, its open-source inference runtime, on February 10."
)
RESTORES = (
    "The company says a 70B model now restores from a GPU snapshot in about 2 seconds, down from "
    "40 seconds with a cold load."
)
CAPTURES = "Snapshots capture weights, compiled kernels and the KV cache allocator state."
TESTED = "The team tested the release on 512 GPUs over five months before shipping it."
TIED = "Snapshots are tied to the exact driver and runtime version, so upgrades invalidate them."
TEXT = " ".join([RELEASED, RESTORES, CAPTURES, TESTED, TIED])


def claim(claim_id: int, text: str, passage: str, url: str = URL) -> dict[str, Any]:
    return {"id": claim_id, "text": text, "passage": passage, "source_url": url}


def fact(text: str, *claims: int) -> dict[str, Any]:
    return {"text": text, "claims": list(claims)}


def opinion(text: str, *claims: int) -> dict[str, Any]:
    return {"text": text, "claims": list(claims), "judgement": True}


GOOD: dict[str, Any] = {
    "title": "Flint 2.0——GPU 快照把 70B 模型恢复压到约 2 秒",
    "organisation": "Acme Labs",
    "claims": [
        claim(1, "Acme Labs 于 2 月 10 日发布开源推理运行时 Flint 2.0", RELEASED),
        claim(2, "70B 模型从 GPU 快照恢复约需 2 秒，冷加载需 40 秒", RESTORES),
        claim(3, "快照包含权重、编译后的 kernel 和 KV cache 分配器状态", CAPTURES),
        claim(4, "快照与驱动和运行时版本绑定，升级后快照即失效", TIED),
    ],
    "what": [
        fact("Acme Labs 于 2 月 10 日发布开源推理运行时 Flint 2.0。", 1),
        fact("官方称 70B 模型从 GPU 快照恢复约需 2 秒，冷加载需 40 秒。", 2),
    ],
    "why": [opinion("冷启动决定了按需伸缩的推理服务能否成立，秒级恢复让无常驻实例的部署更可行。")],
    "technical_label": "技术要点",
    "technical": [
        fact("快照包含权重、编译后的 kernel 和 KV cache 分配器状态。", 3),
        fact("快照与驱动和运行时版本绑定，升级后快照即失效。", 4),
    ],
    "impact": [opinion("GPU 状态会像进程一样可冻结、可恢复。")],
    "advice_lead": "如果你做在线推理：",
    "advice": [
        opinion("先分解测量冷启动各阶段的耗时。"),
        opinion("锁定驱动与运行时版本，避免快照失效。", 4),
    ],
}
GOOD_SENTENCES = 8
ZH = Profile()
EN = Profile(name="en", language="en", title="Deep dive | {date}")


def good(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def flint_event(event_id: str = "ev-1", url: str = URL, text: str = TEXT) -> Any:
    return event(
        document(
            text, url=url, title="Flint 2.0 restores a 70B model in 2 seconds", source="Acme blog"
        ),
        event_id=event_id,
    )


def published_text(item: DigestItem) -> str:
    parts = [
        item.title,
        item.organisation,
        item.what,
        item.why or "",
        item.advice_lead,
        *item.technical,
        *(item.impact or []),
        *(item.advice or []),
    ]
    return "\n".join(parts)


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    yield
    await close_all()


@pytest.fixture
def server() -> Any:
    with ScriptedLLMServer() as srv:
        yield srv


@pytest.fixture
def log() -> CallLog:
    return CallLog()


async def test_a_good_answer_becomes_a_verified_llm_item(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.script(GOOD)
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)

    assert item.engine == "llm" and item.model == "p0/model-0"
    assert item.sources == [URL]
    assert item.title == GOOD["title"] and item.organisation == "Acme Labs"
    assert item.what == " ".join(s["text"] for s in GOOD["what"]).replace("。 ", "。")
    assert item.advice == [a["text"] for a in GOOD["advice"]]
    assert [c.status for c in item.claims] == ["verified"] * 4
    assert [c.id for c in item.claims] == [1, 2, 3, 4]
    assert all(c.passage in TEXT and c.source_url == URL for c in item.claims)
    assert len(item.backing) == GOOD_SENTENCES
    assert item.backing[1].section == "what" and item.backing[1].claims == [2]
    report = llm.reports["ev-1"]
    assert (report.claims_checked, report.claims_passed, report.claims_dropped) == (4, 4, 0)
    assert (report.sentences_checked, report.sentences_passed) == (GOOD_SENTENCES,) * 2
    assert report.sentences_dropped == report.sentences_marked == 0
    assert report.revision_rounds == 0 and report.reasks == 0
    assert server.request_count == 1

    request = server.requests[0]
    assert request.body["response_format"]["type"] == "json_schema"
    schema = request.body["response_format"]["json_schema"]["schema"]
    assert "claims" in schema["properties"] and "judgement" in json.dumps(schema)
    assert "指令层级" in system_message(request) and "不可信数据" in system_message(request)
    user = user_message(request)
    assert "<<<SOURCE 1 id=" in user and f"URL: {URL}" in user and "<<<END SOURCE 1" in user
    summary = llm.report_summary()
    assert summary["items"] == 1 and summary["claims_passed"] == 4


async def test_a_dead_provider_falls_through_to_another_protocol(log: CallLog) -> None:
    """Provider independence: an OpenAI-compatible endpoint down, Anthropic answers."""
    with (
        ScriptedLLMServer(default=fault(503, "down")) as dead,
        ScriptedLLMServer([GOOD]) as anthropic,
    ):
        provider = FallbackProvider([endpoint(dead), claude(anthropic)], log=log, sleep=no_sleep)
        llm = analyser(provider, log)
        item = await llm.analyse(flint_event(), ZH)
        assert anthropic.requests[0].api == "anthropic" and anthropic.requests[0].forced_tool
    assert item.engine == "llm" and item.model == "claude/claude-scripted"
    assert [c.status for c in item.claims] == ["verified"] * 4
    assert log.summary()["answered_by_fallback"] == 1


async def test_non_json_answer_is_reasked_then_accepted(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.script("Sure! Here is my analysis of Flint, in prose.", GOOD)
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)
    assert item.engine == "llm"
    assert llm.reports["ev-1"].reasks == 1
    reask = server.requests[1].messages
    assert reask[-2] == {
        "role": "assistant",
        "content": "Sure! Here is my analysis of Flint, in prose.",
    }
    assert "不能使用" in reask[-1]["content"] and "not JSON" in reask[-1]["content"]


async def test_schema_invalid_answer_is_reasked_with_the_validation_error(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    broken = {k: v for k, v in GOOD.items() if k != "what"} | {"technical": "one string"}
    server.script(broken, GOOD)
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)
    assert item.engine == "llm" and llm.reports["ev-1"].reasks == 1
    error = server.requests[1].messages[-1]["content"]
    assert "what: Field required" in error and "technical" in error


async def test_an_answer_that_never_validates_falls_back_offline(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.default = answer({"title": "only a title"})
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == REASKS + 1
    assert item.engine == "offline"
    assert item.note == "LLM 不可用（输出不是有效的 JSON），本条由离线引擎生成。"
    assert llm.reports["ev-1"].engine == "offline"


async def test_a_number_not_in_the_source_is_sent_back_and_revised(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    wrong = good(
        claims=[*GOOD["claims"], claim(5, "成本下降 43%", "costs fell by 43 percent")],
        what=[*GOOD["what"], fact("官方称成本下降 43%。", 5)],
    )
    fixed = good(
        claims=[*GOOD["claims"], claim(5, "在 512 个 GPU 上测试了五个月", TESTED)],
        technical=[*GOOD["technical"], fact("在 512 个 GPU 上测试了五个月。", 5)],
    )
    server.script(wrong, fixed)
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)

    revise = server.requests[1].messages
    assert revise[-2]["role"] == "assistant" and "43%" in revise[-2]["content"]
    problems = revise[-1]["content"]
    assert "claims[id=5]" in problems and "not found verbatim" in problems
    assert "what[2]" in problems and "rests on claim 5, which failed verification" in problems
    assert "43" not in published_text(item) and "512" in published_text(item)
    report = llm.reports["ev-1"]
    assert report.revision_rounds == 1
    assert (report.claims_checked, report.claims_passed, report.claims_dropped) == (6, 5, 1)
    assert report.claims_revised == 1
    assert report.sentences_checked == GOOD_SENTENCES + 2
    assert (report.sentences_passed, report.sentences_revised) == (GOOD_SENTENCES + 1, 1)
    assert report.sentences_dropped == 1 and report.sentences_lost_in_revision == 0


async def test_an_unfixed_invented_claim_is_dropped_with_its_sentences(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    wrong = good(
        claims=[*GOOD["claims"], claim(5, "测试中吞吐提升 3 倍", "throughput tripled in tests")],
        technical=[*GOOD["technical"], fact("测试中吞吐提升 3 倍。", 5)],
    )
    server.default = answer(wrong)
    llm = analyser(chain(server, log=log), log, revision_rounds=2)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == 3  # the answer, then two revision rounds
    assert item.engine == "llm"
    assert "吞吐" not in published_text(item)
    assert [c.text for c in item.claims] == [c["text"] for c in GOOD["claims"]]
    report = llm.reports["ev-1"]
    assert report.claims_dropped == 1 and report.revision_rounds == 2
    assert report.sentences_dropped == 1
    assert any("not found verbatim" in r for r in report.reasons)


async def test_every_claim_is_checked_however_many(server: ScriptedLLMServer, log: CallLog) -> None:
    """Regression: only the first 8 claims were checked and counted."""
    spans = [
        ("在 512 个 GPU 上测试了五个月", TESTED),
        ("Acme Labs 发布 Flint 2.0", "Acme Labs released version 2.0 of Flint"),
        ("70B 模型可从 GPU 快照恢复", "a 70B model now restores from a GPU snapshot"),
        ("约 2 秒", "in about 2 seconds"),
        ("冷加载需 40 秒", "40 seconds with a cold load"),
        ("团队在 512 个 GPU 上测试", "The team tested the release on 512 GPUs"),
        ("测试持续五个月", "over five months before shipping it"),
        ("快照在升级后仍可用", "Snapshots survive driver upgrades."),  # invented
    ]
    many = [*GOOD["claims"], *(claim(n, t, p) for n, (t, p) in enumerate(spans, start=5))]
    server.default = answer(good(claims=many))
    llm = analyser(chain(server, log=log), log, revision_rounds=0)
    item = await llm.analyse(flint_event(), ZH)
    report = llm.reports["ev-1"]
    assert (report.claims_checked, report.claims_passed, report.claims_dropped) == (12, 11, 1)
    assert len(item.claims) == 11 and any("claims[id=12]" in r for r in report.reasons)


async def test_a_passage_with_a_word_changed_is_dropped_not_marked(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    """Regression: a passage that only loosely matched its source (one word or number changed)
    was published, marked unverified, with the model's altered copy as its passage."""
    altered = RESTORES.replace("2 seconds", "1 second")
    server.default = answer(
        good(claims=[*GOOD["claims"][:1], claim(2, "70B 模型恢复约需 1 秒", altered)])
    )
    llm = analyser(chain(server, log=log), log, revision_rounds=0)
    item = await llm.analyse(flint_event(), ZH)
    assert [c.id for c in item.claims] == [1]
    assert altered not in item.model_dump_json() and "2 秒" not in item.what
    report = llm.reports["ev-1"]
    assert report.claims_dropped == 1 and report.claims_marked == 0
    # what[1] rests on claim 2; technical and advice[1] cite claims that do not exist
    assert report.sentences_dropped == 4


async def test_an_answer_without_claims_publishes_nothing_as_verified(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    """Regression: an answer with ``claims: []`` was published without a mark; now its fact
    sentences are unbacked, revised, then dropped, and the manifest counts them."""
    unbacked = good(claims=[])
    for name in ("what", "why", "technical", "impact", "advice"):
        unbacked[name] = [entry | {"claims": []} for entry in unbacked[name]]
    server.default = answer(unbacked)
    llm = analyser(chain(server, log=log), log, revision_rounds=1)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == 2
    assert "no claim backs it" in server.requests[1].messages[-1]["content"]
    assert item.engine == "offline"
    assert item.note == "LLM 不可用（输出没有可核实的内容），本条由离线引擎生成。"
    report = llm.reports["ev-1"]
    assert report.engine == "offline" and report.claims_checked == 0
    assert report.sentences_checked == GOOD_SENTENCES and report.sentences_passed == 0
    assert report.sentences_dropped == GOOD_SENTENCES


async def test_an_opinion_that_names_an_organisation_its_passages_lack_is_dropped(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    invented = opinion("据 Bank of America 的分析师评估，秒级恢复将成为行业标配。", 2)
    server.default = answer(good(why=[*GOOD["why"], invented]))
    llm = analyser(chain(server, log=log), log, revision_rounds=0)
    item = await llm.analyse(flint_event(), ZH)
    assert item.why == GOOD["why"][0]["text"]
    assert "Bank of America" not in item.model_dump_json()
    assert any("Bank of America" in r for r in llm.reports["ev-1"].reasons)


async def test_a_second_opinion_drops_contradicted_claims_and_marks_unsupported_ones(
    tmp_path: Path, log: CallLog
) -> None:
    opinions = {
        "verdicts": [
            {"claim": 1, "verdict": "entailed"},
            {"claim": 2, "verdict": "contradicted"},
            {"claim": 3, "verdict": "not_supported"},
            {"claim": 4, "verdict": "entailed"},
        ]
    }
    store = Store(f"sqlite:///{tmp_path / 'cache.db'}")
    with (
        ScriptedLLMServer(default=GOOD) as writer,
        ScriptedLLMServer(default=opinions) as other,
    ):
        for _ in range(2):  # the second time, every answer comes from the cache
            cached = CachingProvider(chain(writer, other, log=log), ResponseCache(store), log=log)
            llm = analyser(cached, log, entailment=True, revision_rounds=0)
            item = await llm.analyse(flint_event(), ZH)
        asked = user_message(other.requests[0])
        assert (writer.request_count, other.request_count) == (1, 1)
    assert "<<<CLAIM 1>>>" in asked and "<<<CLAIM 4>>>" in asked
    assert RESTORES.rstrip(".") in asked  # the source's own text of the passage
    assert [(c.text[:4], c.status) for c in item.claims] == [
        ("Acme", "verified"),
        ("快照包含", "unverified"),
        ("快照与驱", "verified"),
    ]
    assert "2 秒" not in item.what  # what[1] rested only on claim 2
    markdown = render_markdown(_digest([item]))
    assert "快照包含权重、编译后的 kernel 和 KV cache 分配器状态。（未核实）" in markdown
    report = llm.reports["ev-1"]
    assert report.second_opinion_calls == 1
    assert (report.claims_passed, report.claims_marked, report.claims_dropped) == (2, 1, 1)
    assert (report.sentences_passed, report.sentences_marked) == (6, 1)


async def test_a_second_opinion_can_never_restore_what_the_code_dropped(log: CallLog) -> None:
    bad = good(
        claims=[*GOOD["claims"][:3], claim(4, "快照与驱动版本无关", "Snapshots survive upgrades.")]
    )
    verdicts = {"verdicts": [{"claim": n, "verdict": "entailed"} for n in range(1, 5)]}
    with ScriptedLLMServer(default=bad) as writer, ScriptedLLMServer(default=verdicts) as other:
        llm = analyser(chain(writer, other, log=log), log, entailment=True, revision_rounds=0)
        item = await llm.analyse(flint_event(), ZH)
        asked = user_message(other.requests[0])
    assert "<<<CLAIM 4>>>" not in asked  # only claims that passed are asked about
    assert [c.id for c in item.claims] == [1, 2, 3] and "无关" not in item.model_dump_json()


async def test_no_second_opinion_without_another_provider(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.default = answer(GOOD)
    llm = analyser(chain(server, log=log), log, entailment=True)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == 1 and item.engine == "llm"
    assert "second opinion skipped: no other provider in the chain" in llm.reports["ev-1"].reasons


async def test_a_judge_gives_the_second_opinion(log: CallLog) -> None:
    verdicts = {"verdicts": [{"claim": 4, "verdict": "contradicted"}]}
    with ScriptedLLMServer(default=GOOD) as main, ScriptedLLMServer([verdicts]) as judge_server:
        llm = analyser(
            chain(main, log=log), log, judge=endpoint(judge_server, "judge"), revision_rounds=0
        )
        item = await llm.analyse(flint_event(), ZH)
    assert judge_server.request_count == 1
    assert [c.id for c in item.claims] == [1, 2, 3]
    assert "快照失效" not in published_text(item)  # technical[1] and advice[1] cited only claim 4
    assert llm.reports["ev-1"].second_opinion_calls == 1


async def test_invented_urls_are_stripped_everywhere_and_their_sentences_counted(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.default = answer(
        good(
            what=[*GOOD["what"], fact("下载地址见 https://evil.example.com/flint.exe 。", 1)],
            advice=[*GOOD["advice"], opinion("阅读 [官方指南](https://guide.example.net/flint)。")],
            claims=[GOOD["claims"][0] | {"source_url": "https://evil.example.com/"}],
        )
    )
    llm = analyser(chain(server, log=log), log, revision_rounds=1)
    item = await llm.analyse(flint_event(), ZH)
    dumped = item.model_dump_json()
    urls = find_urls(dumped)
    assert urls and all(same_url(u, URL) for u in urls)
    assert item.claims[0].source_url == URL and item.claims[0].status == "verified"
    report = llm.reports["ev-1"]
    assert report.urls_stripped >= 3 and report.sentences_lost_to_links == 2


def test_a_name_with_a_dot_is_not_a_link() -> None:
    """Regression: "Z.ai" was stripped from a sentence as if it were a URL, and the sentence
    lost without being counted."""
    from deepdaily.text.links import strip_urls

    assert strip_urls("Z.ai 发布了 GLM-5。", []) == ("Z.ai 发布了 GLM-5。", [])
    assert strip_urls("见 z.ai/blog 。", [])[1] == ["z.ai/blog"]


async def test_an_event_without_text_is_never_sent_to_the_llm(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    empty = event(document("", url=URL, title="Flint 2.0 is out"))
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(empty, ZH)
    assert server.request_count == 0
    assert item.engine == "offline"
    assert "来源没有可分析的正文，不能只凭标题分析" in item.note
    assert "本条由离线引擎生成" in item.note


async def test_all_providers_failing_still_yields_a_digest(log: CallLog) -> None:
    with (
        ScriptedLLMServer(default=fault(503, "overloaded")) as one,
        ScriptedLLMServer(default=fault(500, "boom")) as two,
    ):
        llm = analyser(chain(one, two, log=log), log)
        events = [flint_event("ev-1"), flint_event("ev-2", url="https://b.example/flint")]
        items = await analyse_many(llm, events, ZH, concurrency=2)
        synthesis = await llm.synthesise(items, events, ZH)
    assert [i.engine for i in items] == ["offline", "offline"]
    assert all(i.note == "LLM 不可用（所有提供方均失败），本条由离线引擎生成。" for i in items)
    assert "overloaded" not in items[0].note  # the error string is for the manifest only
    assert any("overloaded" in r for r in llm.reports["ev-1"].reasons)
    assert llm.reports["synthesis"].engine == "offline"
    offline = await OfflineAnalyser().synthesise(items, events, ZH)
    assert synthesis == offline
    markdown = render_markdown(_digest(items, engine="offline"))
    assert "## 1) " in markdown and "## 2) " in markdown and URL in markdown


class _Broken:
    """A provider with a bug: it raises something no provider should."""

    name = "broken"
    model = "broken-1"

    async def complete(self, request: Any) -> Any:
        raise RuntimeError("unexpected")


async def test_an_unexpected_error_costs_one_item_not_the_digest(log: CallLog) -> None:
    llm = analyser(_Broken(), log)
    item = await llm.analyse(flint_event(), ZH)
    assert item.engine == "offline"
    assert item.note == "LLM 不可用（分析过程出错），本条由离线引擎生成。"
    assert "RuntimeError: unexpected" in llm.reports["ev-1"].reasons
    synthesis = await llm.synthesise([item], [flint_event()], ZH)
    assert synthesis == await OfflineAnalyser().synthesise([item], [flint_event()], ZH)


async def test_an_exhausted_budget_means_no_call(server: ScriptedLLMServer) -> None:
    budget = Budget(max_tokens=100)
    budget.tokens_used = 100
    log = CallLog(budget=budget)
    llm = analyser(chain(server, log=log), log)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == 0 and item.engine == "offline"
    assert item.note == "LLM 不可用（预算已用尽），本条由离线引擎生成。"


class _FirstCallOnly(Budget):
    """A budget that allows one call and then reports itself tight."""

    def allows(self, estimated_tokens: int, spec: object = None) -> bool:
        self.asked = getattr(self, "asked", 0) + 1
        return self.asked == 1


async def test_a_tight_budget_skips_revision_rounds(server: ScriptedLLMServer) -> None:
    budget = _FirstCallOnly()
    log = CallLog(budget=budget)
    server.default = answer(good(why=[opinion("成本下降 43%。"), *GOOD["why"]]))
    llm = analyser(chain(server, log=log), log, budget=budget)
    item = await llm.analyse(flint_event(), ZH)
    assert server.request_count == 1 and item.engine == "llm"
    assert "43%" not in published_text(item)
    assert "budget tight: revision rounds skipped" in llm.reports["ev-1"].reasons


async def test_english_profile_drops_sentences_in_another_language(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.default = answer(
        good(
            title="Flint 2.0: GPU snapshots restore a 70B model in about 2 seconds",
            claims=[
                claim(1, "Acme Labs released Flint 2.0 on February 10", RELEASED),
                claim(2, "a 70B model restores in about 2 seconds", RESTORES),
            ],
            what=[
                fact("Acme Labs released Flint 2.0 on February 10.", 1),
                fact("官方称恢复约需 2 秒。", 2),
            ],
            why=[opinion("Cold starts decide whether on-demand inference is viable.")],
            technical_label="Technical points",
            technical=[fact("A 70B model restores from a snapshot in about 2 seconds.", 2)],
            impact=[opinion("GPU state becomes something to freeze and restore.")],
            advice_lead="",
            advice=[opinion("Measure each phase of a cold start.")],
        )
    )
    llm = analyser(chain(server, log=log), log, revision_rounds=0)
    item = await llm.analyse(flint_event(), EN)
    assert item.what == "Acme Labs released Flint 2.0 on February 10."
    assert "You are the analysis editor" in system_message(server.requests[0])


async def test_analyse_many_keeps_order_and_bounds_concurrency(log: CallLog) -> None:
    state = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def respond(request: Any) -> Any:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        try:
            threading.Event().wait(0.05)
            url = next(u for u in find_urls(user_message(request)) if "example" in u)
            claims = [c | {"source_url": url} for c in GOOD["claims"]]
            return answer(good(claims=claims))
        finally:
            with lock:
                state["now"] -= 1

    with ScriptedLLMServer(responder=respond) as srv:
        llm = analyser(chain(srv, log=log), log)
        events = [flint_event(f"ev-{i}", url=f"https://n{i}.example/{i}") for i in range(5)]
        items = await analyse_many(llm, events, ZH, concurrency=2)
    assert [i.event_id for i in items] == [f"ev-{i}" for i in range(5)]
    assert [i.claims[0].source_url for i in items] == [e.urls[0] for e in events]
    assert state["peak"] <= 2


async def test_an_unchanged_rerun_is_answered_from_the_cache(
    tmp_path: Path, server: ScriptedLLMServer
) -> None:
    server.default = answer(GOOD)
    store = Store(f"sqlite:///{tmp_path / 'cache.db'}")
    results = []
    for _ in range(2):
        log = CallLog()
        cached = CachingProvider(chain(server, log=log), ResponseCache(store), log=log)
        results.append(await analyser(cached, log).analyse(flint_event(), ZH))
    assert server.request_count == 1
    assert results[0] == results[1]


# -- synthesis ------------------------------------------------------------------------------

HTTP_410 = "Some image classification models return HTTP 410 through the router."


def _items() -> list[DigestItem]:
    first = DigestItem(
        event_id="ev-1",
        organisation="Acme Labs",
        title=GOOD["title"],
        sources=[URL],
        what="官方称 70B 模型从 GPU 快照恢复约需 2 秒。",
        why=GOOD["why"][0]["text"],
        engine="llm",
        claims=[
            Claim(
                id=1,
                text="70B 模型快照恢复约 2 秒",
                passage=RESTORES,
                source_url=URL,
                status="verified",
            ),
            Claim(id=2, text="快照与驱动版本绑定", passage=TIED, source_url=URL, status="verified"),
        ],
    )
    second = DigestItem(
        event_id="ev-2",
        organisation="Hugging Face",
        title="hf-inference 对部分模型返回 410",
        sources=["https://discuss.example/t/410"],
        what="用户反馈部分图像分类模型返回 HTTP 410。",
        engine="llm",
        claims=[
            Claim(
                id=1,
                text="部分图像分类模型返回 HTTP 410",
                passage=HTTP_410,
                source_url="https://discuss.example/t/410",
                status="verified",
            )
        ],
    )
    return [first, second]


def trend(lead: str, text: str, *claims: int, judgement: bool = False) -> dict[str, Any]:
    return {"lead": lead, "text": text, "claims": list(claims), "judgement": judgement}


WATCH = {
    "lead": "快照兼容性",
    "text": "关注快照与驱动版本的兼容性。",
    "claims": [2],
    "judgement": True,
    "terms": ["Flint", "https://evil.example.com", "<b>x</b>"],
}
SYNTHESIS = {
    "trends": [
        trend("推理冷启动", "GPU 快照把 70B 模型恢复压到约 2 秒。", 1),
        trend("x<script>alert(1)</script>", "详见 https://evil.example.com/t 。", 3),
        trend("依赖托管推理", "托管方返回 HTTP 410 时需要可切换的提供方。", 3, judgement=True),
        trend("无据可依", "多家公司都在做同样的事。", judgement=True),
    ],
    "watch": [WATCH],
}


async def test_synthesis_is_verified(server: ScriptedLLMServer, log: CallLog) -> None:
    server.script(SYNTHESIS)
    llm = analyser(chain(server, log=log), log)
    items = _items()
    synthesis = await llm.synthesise(items, [], ZH)
    assert [(t.lead, t.items) for t in synthesis.trends] == [
        ("推理冷启动", [1]),
        ("依赖托管推理", [2]),
    ]
    assert [(w.lead, w.terms) for w in synthesis.watch] == [("快照兼容性", ["Flint", "x"])]
    assert "evil" not in synthesis.model_dump_json()
    user = user_message(server.requests[0])
    assert "<<<ITEM 1 id=" in user and "<<<ITEM 2 id=" in user and URL not in user
    assert "[C1] 70B 模型快照恢复约 2 秒" in user and "[C3] 部分图像分类模型返回 HTTP 410" in user
    report = llm.reports["synthesis"]
    assert report.model == "p0/model-0"
    assert report.sentences_lost_to_links == 1 and report.sentences_dropped >= 3


async def test_synthesis_with_invented_facts_falls_back_section_by_section(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    server.script(
        {"trends": [trend("规模", "行业投入超过 500 亿美元。", 1)], "watch": SYNTHESIS["watch"]}
    )
    llm = analyser(chain(server, log=log), log)
    items = _items()
    synthesis = await llm.synthesise(items, [], ZH)
    offline = await OfflineAnalyser().synthesise(items, [], ZH)
    assert synthesis.trends == offline.trends
    assert [w.lead for w in synthesis.watch] == ["快照兼容性"]


def _digest(items: list[DigestItem], engine: str = "llm") -> Digest:
    when = datetime(2026, 2, 12, tzinfo=UTC)
    return Digest.model_validate(
        {
            "date": "2026-02-12",
            "profile": "zh",
            "language": "zh",
            "title": "AI 技术深度日报｜2026-02-12",
            "tagline": "",
            "tags": [],
            "categories": [],
            "published_at": when,
            "items": items,
            "synthesis": {"trends": [], "watch": []},
            "engine": engine,
            "window_start": when,
            "window_end": when,
            "generated_at": when,
        }
    )


async def test_prompts_are_versioned_and_sent_with_requests(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    from deepdaily.analyse.prompts import PROMPT_VERSION
    from deepdaily.analyse.providers.cache import cache_key

    assert PROMPT_VERSION
    server.script(GOOD)
    seen: list[Any] = []
    provider = chain(server, log=log)
    original = provider.complete

    async def spy(request: Any, **kw: Any) -> Any:
        seen.append(request)
        return await original(request, **kw)

    provider.complete = spy  # type: ignore[method-assign]
    await analyser(provider, log).analyse(flint_event(), ZH)
    assert seen[0].prompt_version == PROMPT_VERSION and seen[0].sources_hash
    assert seen[0].purpose == "analyse:ev-1"
    assert json.dumps(seen[0].json_schema)
    assert cache_key(seen[0], "m") != cache_key(
        seen[0].model_copy(update={"prompt_version": "old"}), "m"
    )


async def test_schema_invalid_after_reasks_passes_to_the_next_provider(
    server: ScriptedLLMServer, log: CallLog
) -> None:
    """Regression: an answer still invalid after the re-asks used to send the item offline even
    when the chain had another provider."""
    with ScriptedLLMServer(default=answer({"title": "no other fields"})) as stubborn:
        server.script(GOOD)
        llm = analyser(chain(stubborn, server, log=log), log)
        item = await llm.analyse(flint_event(), ZH)
    assert item.engine == "llm" and item.model == "p1/model-1"
    assert stubborn.request_count == REASKS + 1
    assert server.request_count == 1
    assert any("another provider answered" in r for r in llm.reports["ev-1"].reasons)
