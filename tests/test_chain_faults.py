"""A provider chain that routes around useless answers, through the real ``openai`` SDK talking
to scripted servers on 127.0.0.1.

In a two-provider chain, each fault of the first provider (schema-invalid JSON after the
re-asks, the wrong language, empty content, a refusal, a hang longer than the timeout, 401,
429 with ``Retry-After``, 5xx) is a failure of that provider: the second one answers the same
request, the circuit breaker counts every failed attempt, and the call log (the manifest's
``llm`` section) names the first provider and why it gave the request up. Attempts in flight
to a provider whose breaker opens are cut at once; one request's retries stay within the
entry's ``timeout``; the run's ``[analysis] deadline_s`` bounds a chain that only hangs.
The same faults are then played through whole runs (``run_digest``) on the pipeline test site.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from deepdaily.analyse.llm_ask import REASKS, JsonAsker
from deepdaily.analyse.prompts import prompts_for
from deepdaily.analyse.providers import (
    AllProvidersFailed,
    AnthropicProvider,
    CachingProvider,
    CallLog,
    ChatMessage,
    ChatRequest,
    Deadline,
    DeadlineExceeded,
    FallbackProvider,
    OpenAICompatProvider,
    ProviderBadOutput,
    ResponseCache,
)
from deepdaily.cli.report import _engine_line
from deepdaily.config import LLMSpec, Settings, load_settings
from deepdaily.pipeline import RunResult, run_digest
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deepdaily.testing.llm_server import (
    Reply,
    ScriptedLLMServer,
    ScriptedRequest,
    answer,
    fault,
    loopback_only,
    stall,
)
from deepdaily.verify.report import VerificationReport
from site_support import DAY


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real keys or base URLs from the environment, and no public host name resolves."""
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with loopback_only():
        yield


@pytest.fixture
def a() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


@pytest.fixture
def b() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


class Brief(BaseModel):
    """A small answer schema of the tests' own, so these tests follow the chain, not the
    analyser's schema."""

    model_config = ConfigDict(extra="forbid")
    title: str
    points: list[str]


GOOD = {
    "title": "Flint 2.0 把 70B 模型的恢复时间压到约 2 秒",
    "points": [
        "快照包含权重、编译后的 kernel 和 KV cache 分配器状态。",
        "快照与驱动和运行时版本绑定，升级驱动会让快照失效。",
    ],
}
ENGLISH = {
    "title": "Flint 2.0 restores a 70B model in about two seconds",
    "points": [
        "Snapshots capture the weights, the compiled kernels and the allocator state.",
        "Snapshots are tied to the driver and runtime version, so upgrades invalidate them.",
    ],
}
TIMEOUT = 0.3

# fault of the first provider -> (what it answers, reason the manifest gives, requests it gets)
FAULTS: dict[str, tuple[Reply, str, int]] = {
    "schema-invalid": (answer({"title": "only a title"}), "schema-invalid after 2 re-asks", 3),
    "not JSON": (answer("Flint is great, in prose."), "not JSON after 2 re-asks", 3),
    "wrong language": (answer(ENGLISH), "answered in English, expected Chinese", 1),
    "empty string": (answer(""), "empty answer", 1),
    "whitespace": (answer("  \n  "), "empty answer", 1),
    "empty object": (answer({}), "empty answer", 1),
    "refusal": (answer("I'm sorry, but I can't help with that request."), "refused", 1),
    "hanging": (stall(5.0), f"timed out after {TIMEOUT:g} s", 1),
    "401": (fault(401, "invalid api key"), "authentication failed (HTTP 401)", 1),
    "429": (
        fault(429, "slow down", retry_after=0.05),
        "rate limited (HTTP 429, retry after 0.05s)",
        2,
    ),
    "503": (fault(503, "overloaded"), "server error (HTTP 503)", 2),
}


def _member(server: ScriptedLLMServer, name: str, **kw: Any) -> OpenAICompatProvider:
    spec = LLMSpec(
        name=name,
        model=f"{name}-model",
        base_url=server.openai_url,
        timeout=kw.pop("timeout", TIMEOUT),
        max_retries=kw.pop("max_retries", 1),
        **kw,
    )
    return OpenAICompatProvider(spec, None)


def _chain(
    *servers: ScriptedLLMServer, log: CallLog, breaker: int = 3, **kw: Any
) -> FallbackProvider:
    members = [_member(s, f"p{i}", **kw) for i, s in enumerate(servers)]
    return FallbackProvider(members, log=log, backoff=0.01, breaker_threshold=breaker)


async def _ask(
    chain: FallbackProvider, text: str = "Flint 2.0", report: VerificationReport | None = None
) -> tuple[Brief, str]:
    asker = JsonAsker(chain, None, 500)
    messages = [
        ChatMessage(role="system", content="Answer in Chinese."),
        ChatMessage(role="user", content=f"Summarise: {text}"),
    ]
    brief, response = await asker.ask(
        messages,
        Brief,
        prompts_for("zh"),
        report or VerificationReport(event_id="e1"),
        purpose=f"analyse:{text}",
        sources_hash="h",
    )
    return brief, response.provider


@pytest.mark.parametrize("kind", list(FAULTS))
async def test_each_fault_of_the_first_provider_is_its_failure_and_the_second_answers(
    a: ScriptedLLMServer, b: ScriptedLLMServer, kind: str
) -> None:
    """Regression: schema-invalid answers never counted against the provider (the manifest
    said 0 failures), and a wrong-language answer went to the offline engine without the next
    provider being asked."""
    reply, reason, requests = FAULTS[kind]
    a.default = reply
    b.default = answer(GOOD)
    log = CallLog()
    chain = _chain(a, b, log=log)
    report = VerificationReport(event_id="e1")
    started = time.perf_counter()
    brief, provider = await _ask(chain, report=report)
    elapsed = time.perf_counter() - started
    await chain.aclose()

    assert (provider, brief.title) == ("p1", GOOD["title"])
    assert a.request_count == requests and b.request_count == 1
    summary = log.summary()
    first = summary["providers"]["p0"]
    assert first["gave_up"] == 1 and first["reasons"] == {reason: 1}
    assert first["ok"] == 0 and first["failures"] == requests
    assert summary["providers"]["p1"]["ok"] == 1
    assert summary["answered_by_fallback"] == 1
    assert any(f"llm[0] p0 (p0-model) gave up: {reason}" in r for r in report.reasons)
    assert any("another provider answered (p1)" in r for r in report.reasons)
    assert elapsed < 2.0, "no fault may cost more than the entry's timeout and a little"


async def test_a_wrong_language_tool_call_from_anthropic_goes_to_the_next_provider(
    a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """The check applies whatever the protocol: a forced tool call in English is as unusable as
    a chat completion in English."""
    a.default = answer(ENGLISH)
    b.default = answer(GOOD)
    claude = AnthropicProvider(
        LLMSpec(
            name="claude",
            kind="anthropic",
            model="claude-test",
            base_url=a.anthropic_url,
            timeout=TIMEOUT,
            max_retries=0,
        ),
        "test-key",
    )
    log = CallLog()
    chain = FallbackProvider([claude, _member(b, "p1")], log=log)
    brief, provider = await _ask(chain)
    await chain.aclose()
    assert a.requests[0].forced_tool == "Brief"
    assert (provider, brief.title) == ("p1", GOOD["title"])
    assert log.summary()["providers"]["claude"]["reasons"] == {
        "answered in English, expected Chinese": 1
    }


async def test_schema_invalid_retries_count_toward_the_breaker(
    a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """Regression: 37 calls to a provider whose JSON never matched the schema; every re-ask is
    an attempt, so one request's three failed attempts open the breaker and the rest of the run
    goes straight to the next provider."""
    a.default = answer({"title": "only a title"})
    b.default = answer(GOOD)
    log = CallLog()
    chain = _chain(a, b, log=log)
    for n in range(6):
        _, provider = await _ask(chain, f"event {n}")
        assert provider == "p1"
    await chain.aclose()
    assert a.request_count == REASKS + 1
    assert b.request_count == 6
    assert chain.state()["p0"] == "open"
    assert log.disabled["p0"] == (
        "llm[0] p0 (p0-model): circuit open after 3 consecutive failed attempts "
        "(last: schema-invalid)"
    )
    assert log.summary()["providers"]["p0"]["failures"] == 3


async def test_retries_are_attempts_for_the_breaker(
    a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """Regression: only whole requests counted, so a dead provider cost 3 requests x 3 tries
    before the breaker opened; now three failed attempts in a row open it."""
    a.default = fault(503, "overloaded")
    b.default = answer({"x": 1})
    log = CallLog()
    chain = _chain(a, b, log=log, max_retries=2, timeout=2.0)

    for n in range(4):
        request = ChatRequest(
            messages=[ChatMessage(role="user", content=f"event {n}")], json_schema={}
        )
        assert (await chain.complete(request)).provider == "p1"
    await chain.aclose()
    assert a.request_count == 3, "one request, one try and two retries, then open"
    assert "3 consecutive failed attempts" in log.disabled["p0"]


async def test_a_wrong_language_answer_is_never_cached_and_the_rerun_costs_nothing(
    tmp_path: Path, a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """Regression: an unusable answer could be replayed from the cache on the re-run; only the
    answer the check accepted is stored, so the re-run asks nobody."""

    a.default = answer(ENGLISH)
    b.default = answer(GOOD)
    with Store(f"sqlite:///{tmp_path / 'cache.db'}") as store:
        cache = ResponseCache(store)
        for run in range(2):
            log = CallLog()
            chain = _chain(a, b, log=log)
            cached = CachingProvider(chain, cache, log=log)
            asker = JsonAsker(cached, None, 500)

            brief, response = await asker.ask(
                [ChatMessage(role="user", content="Summarise Flint 2.0")],
                Brief,
                prompts_for("zh"),
                VerificationReport(event_id="e1"),
                purpose="analyse:e1",
                sources_hash="h",
            )
            await chain.aclose()
            assert brief.title == GOOD["title"] and response.provider == "p1"
            assert response.cached is (run == 1)
        assert len(cache) == 1
    assert (a.request_count, b.request_count) == (1, 1)
    assert log.summary()["tokens_in"] == 0


async def test_a_breaker_opening_cuts_the_attempts_in_flight(
    a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """Regression: four requests in flight to a hanging provider each waited out their own
    timeout and retries after the breaker had opened; now opening it moves them on at once."""

    def respond(request: ScriptedRequest) -> Reply:
        if "slow" in request.prompt:
            return stall(10.0)
        return stall(0.2, fault(503, "overloaded"))

    a.responder = respond
    b.default = answer(GOOD)
    log = CallLog()
    chain = _chain(a, b, log=log, timeout=5.0, max_retries=0)
    started = time.perf_counter()
    slow = [asyncio.create_task(_ask(chain, f"slow {n}")) for n in range(2)]
    await asyncio.sleep(0.05)  # the slow ones are in flight first
    fast = [asyncio.create_task(_ask(chain, f"fast {n}")) for n in range(3)]
    results = await asyncio.gather(*slow, *fast)
    elapsed = time.perf_counter() - started
    await chain.aclose()
    assert [provider for _, provider in results] == ["p1"] * 5
    assert elapsed < 1.5, f"cut at once, not after the 5 s timeout ({elapsed:.2f} s)"
    cut = [r for r in log.records if r.provider == "p0" and r.reason == "circuit open"]
    assert len(cut) == 2 and all("cut, circuit open" in r.message for r in cut)
    assert log.summary()["providers"]["p0"]["reasons"] == {
        "server error (HTTP 503)": 3,
        "circuit open": 2,
    }


async def test_retries_of_one_request_stay_within_its_timeout(a: ScriptedLLMServer) -> None:
    """Regression: the timeout bounded each try, so retries multiplied it (3 x 60 s); now the
    entry's timeout bounds the whole request, waits for Retry-After included."""
    a.default = fault(429, "slow down", retry_after=0.4)
    log = CallLog()
    chain = _chain(a, log=log, timeout=1.0, max_retries=5, breaker=10)

    request = ChatRequest(messages=[ChatMessage(role="user", content="hi")], json_schema={})
    started = time.perf_counter()
    with pytest.raises(AllProvidersFailed):
        await chain.complete(request)
    elapsed = time.perf_counter() - started
    await chain.aclose()
    assert a.request_count == 3, "tries at 0, 0.4 and 0.8 s; a fourth would end past 1 s"
    assert 0.75 < elapsed < 1.0


async def test_a_hanging_attempt_is_not_retried_past_the_timeout(a: ScriptedLLMServer) -> None:
    a.default = stall(5.0)
    log = CallLog()
    chain = _chain(a, log=log, timeout=TIMEOUT, max_retries=2, breaker=10)

    request = ChatRequest(messages=[ChatMessage(role="user", content="hi")], json_schema={})
    started = time.perf_counter()
    with pytest.raises(AllProvidersFailed, match=r"timed out after 0\.3 s"):
        await chain.complete(request)
    elapsed = time.perf_counter() - started
    await chain.aclose()
    assert a.request_count == 1
    assert TIMEOUT <= elapsed < TIMEOUT + 0.5


async def test_the_run_deadline_cuts_a_hanging_chain_and_refuses_the_rest(
    a: ScriptedLLMServer, b: ScriptedLLMServer
) -> None:
    """Regression: a chain whose providers hang held the run for minutes; past
    ``[analysis] deadline_s`` no attempt is left running and no new one starts."""
    a.default = stall(30.0)
    b.default = stall(30.0)
    deadline = Deadline(0.5)
    log = CallLog(deadline=deadline)
    chain = _chain(a, b, log=log, timeout=10.0, breaker=10)
    started = time.perf_counter()
    outcomes = await asyncio.gather(
        *(_ask(chain, f"event {n}") for n in range(6)), return_exceptions=True
    )
    elapsed = time.perf_counter() - started
    await chain.aclose()
    assert all(isinstance(o, DeadlineExceeded) for o in outcomes)
    assert 0.5 <= elapsed < 1.0, f"{elapsed:.2f} s for a 0.5 s deadline"
    assert b.request_count == 0, "the deadline is not the first provider's failure"
    assert deadline.summary() == {"seconds": 0.5, "passed": True, "refused": 0, "cut": 6}
    assert log.summary()["providers"]["p0"]["failures"] == 6
    assert chain.state()["p0"] == "ok", "a cut by the deadline is not counted by the breaker"
    with pytest.raises(DeadlineExceeded, match=r"analysis deadline of 0\.5 s"):
        await _ask(chain, "late")
    assert deadline.refused == 1


async def test_only_json_failures_are_reported_as_bad_output(a: ScriptedLLMServer) -> None:
    """With one provider, JSON that never matches the schema says so; an answer in the wrong
    language says every provider failed, with the reason."""
    a.default = answer({"title": "only"})
    log = CallLog()
    chain = _chain(a, log=log, breaker=10)
    with pytest.raises(ProviderBadOutput, match="no valid JSON after 2 re-asks"):
        await _ask(chain, "one")
    a.default = answer(ENGLISH)
    with pytest.raises(AllProvidersFailed, match="answered in English, expected Chinese"):
        await _ask(chain, "two")
    await chain.aclose()


# -- whole runs -----------------------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]")


def _first_source(prompt: str) -> tuple[str, str]:
    """(url, first sentence) of SOURCE 1 in an analysis prompt, or empty strings."""
    if "<<<SOURCE 1" not in prompt:
        return "", ""
    block = prompt.split("<<<SOURCE 1", 1)[1].split("<<<END SOURCE 1", 1)[0]
    url = re.search(r"^URL: (\S+)$", block, re.M)
    text = block.split("\nText:\n", 1)[-1]
    sentences = [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 30]
    return (url.group(1) if url else ""), (sentences[0] if sentences else "")


def _instance(schema: dict[str, Any], defs: dict[str, Any], key: str, fill: dict[str, str]) -> Any:
    """A value valid for ``schema`` (whatever the analyser's schema is today): strings are
    ``fill["url"]`` for URL fields and ``fill["text"]`` otherwise."""
    if "$ref" in schema:
        return _instance(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, key, fill)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            options = [s for s in schema[union] if s.get("type") != "null"]
            return _instance(options[0], defs, key, fill)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        return {
            name: _instance(sub, defs, name, fill)
            for name, sub in (schema.get("properties") or {}).items()
        }
    if kind == "array":
        return [
            _instance(schema.get("items") or {}, defs, key, fill)
            for _ in range(max(1, schema.get("minItems", 1)))
        ]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    return fill["url"] if "url" in key.lower() else fill["text"]


def _answer_in(language: str) -> Any:
    """A responder that answers any request with a schema-valid answer in ``language``: the
    first source's first sentence (English), or one Chinese sentence."""

    def respond(request: ScriptedRequest) -> Reply:
        schema = request.body.get("response_format", {}).get("json_schema", {}).get("schema")
        if not schema:
            return answer({"judgements": []})
        url, sentence = _first_source(request.prompt)
        text = sentence or "Quill-7 Turbo ships with its serving numbers and weights today."
        if language == "zh":
            text = "这个版本公开了权重和推理服务，并给出了吞吐量数字，工程团队可以直接复现。"
        fill = {"url": url or "https://wire.example/quill", "text": text}
        return answer(_instance(schema, schema.get("$defs") or {}, "", fill))

    return respond


def _settings(
    site: FixtureServer,
    tmp_path: Path,
    servers: list[ScriptedLLMServer],
    *,
    timeout: float = TIMEOUT,
    deadline: float = 0.0,
) -> Settings:
    return load_settings(
        None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "profile": {"name": "en", "language": "en", "title": "Deep dive | {date}"},
            "sources": [
                {"name": "wire", "url": site.url("/wire.xml"), "authority": 0.7},
                {"name": "dispatch", "url": site.url("/dispatch.atom"), "authority": 0.6},
            ],
            "analysis": {"deadline_s": deadline, "revision_rounds": 0},
            "llm": [
                {
                    "name": f"llm{i}",
                    "base_url": srv.openai_url,
                    "model": f"model-{i}",
                    "timeout": timeout,
                    "max_retries": 1,
                }
                for i, srv in enumerate(servers)
            ],
        },
    )


def _run(settings: Settings) -> tuple[RunResult, float]:
    started = time.perf_counter()
    with Store(settings.store.resolved_url()) as store:
        result = asyncio.run(run_digest(settings, store, DAY, fetch=True, workers=0))
    return result, time.perf_counter() - started


# fault of the first provider -> (its reply, the words its reason in the manifest has). With two
# items in flight, a provider whose breaker opens mid-request gives "<reason>, then circuit open".
RUN_FAULTS: dict[str, tuple[Reply | None, str]] = {
    "schema-invalid": (answer({"unexpected": "shape"}), "schema-invalid"),
    "wrong language": (None, "answered in Chinese, expected English"),
    "empty": (answer(""), "empty answer"),
    "hanging": (stall(5.0), f"timed out after {TIMEOUT:g} s"),
    "401": (fault(401, "invalid api key"), "authentication failed (HTTP 401)"),
    "429": (fault(429, "slow down", retry_after=0.05), "rate limited (HTTP 429, retry after"),
    "503": (fault(503, "overloaded"), "server error (HTTP 503)"),
}


@pytest.mark.parametrize("kind", list(RUN_FAULTS))
def test_a_run_routes_around_each_fault_of_the_first_provider(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The run finishes, the second provider answers the analysis, and the manifest names the
    first provider, its failure and the reason."""
    monkeypatch.chdir(tmp_path)
    reply, reason = RUN_FAULTS[kind]
    with (
        ScriptedLLMServer(default=reply, responder=None if reply else _answer_in("zh")) as bad,
        ScriptedLLMServer(responder=_answer_in("en")) as good,
    ):
        result, elapsed = _run(_settings(site, tmp_path, [bad, good]))
    llm = result.manifest.llm
    first, second = llm["providers"]["llm0"], llm["providers"]["llm1"]
    assert result.path.is_file() and result.digest.items
    # the relevance judgement carries no answer check, so the first provider may answer it
    assert first["ok"] <= 1 and first["failures"] >= 1
    assert any(reason in why for why in first["reasons"]), first["reasons"]
    assert second["ok"] >= len(result.digest.items), "the second provider answered each item"
    assert llm["answered_by_fallback"] >= len(result.digest.items)
    models = [(item.engine, item.model) for item in result.digest.items]
    assert models == [("llm", "llm1/model-1")] * len(models), models
    assert reason.split(" (")[0] in llm["disabled"]["llm0"]
    assert reason.split(" (")[0] in _engine_line(result.manifest), "the run's summary says why"
    assert elapsed < 20.0
    print(f"\n{kind}: run {elapsed:.2f} s; llm0 {first['reasons']}; {llm['disabled']['llm0']}")


def test_a_provider_that_gave_up_once_is_named_with_its_reason_in_the_summary(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One empty answer sends one item to the second provider; the first provider stays in the
    run (a success resets its breaker), and the summary says what it gave up and why."""
    monkeypatch.chdir(tmp_path)
    honest = _answer_in("en")
    seen = {"analyses": 0}

    def once_empty(request: ScriptedRequest) -> Reply:
        if "<<<SOURCE 1" in request.prompt:
            seen["analyses"] += 1
            if seen["analyses"] == 1:
                return answer("")
        return honest(request)

    with (
        ScriptedLLMServer(responder=once_empty) as flaky,
        ScriptedLLMServer(responder=_answer_in("en")) as good,
    ):
        result, _ = _run(_settings(site, tmp_path, [flaky, good]))
    llm = result.manifest.llm
    assert llm["providers"]["llm0"]["reasons"] == {"empty answer": 1}
    assert "llm0" not in llm["disabled"] and llm["providers"]["llm0"]["ok"] >= 1
    assert llm["providers"]["llm1"]["ok"] >= 1 and good.request_count >= 1
    line = _engine_line(result.manifest)
    assert "gave up 1: empty answer" in line, line


def _llm_seconds(result: RunResult) -> float:
    return sum(t.seconds for t in result.manifest.timings if t.stage in ("select", "analyse"))


def test_a_run_whose_only_provider_hangs_ends_offline_within_the_deadline(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a hanging provider cost ~6 minutes (3 x 60 s per request, 4 requests in
    flight). With a per-request timeout longer than ``[analysis] deadline_s``, the deadline
    ends the LLM work: the select and analyse stages together take less than 2 x the deadline,
    and every item says why it came from the offline engine."""
    monkeypatch.chdir(tmp_path)
    deadline = 1.5
    with ScriptedLLMServer(default=stall(30.0)) as hanging:
        result, elapsed = _run(
            _settings(site, tmp_path, [hanging], timeout=10.0, deadline=deadline)
        )
    llm_seconds = _llm_seconds(result)
    print(
        f"\nonly provider hangs, deadline {deadline:g} s: select+analyse {llm_seconds:.2f} s, "
        f"whole run {elapsed:.2f} s"
    )
    assert result.path.is_file()
    assert result.digest.engine == "offline"
    notes = [item.note for item in result.digest.items]
    assert notes and all("the analysis deadline passed" in note for note in notes), notes
    assert deadline <= llm_seconds < 2 * deadline
    assert result.manifest.llm["deadline"]["passed"] is True
    markdown = result.path.read_text(encoding="utf-8")
    assert "the analysis deadline passed" in markdown


def test_a_run_whose_only_provider_hangs_ends_offline_by_timeout_and_breaker(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a deadline, the per-request timeout and the breaker bound the hang: each
    request gives up after one timeout (no retry past it), the concurrent ones together, and
    the open breaker sends the rest offline at once."""
    monkeypatch.chdir(tmp_path)
    with ScriptedLLMServer(default=stall(30.0)) as hanging:
        result, elapsed = _run(_settings(site, tmp_path, [hanging], timeout=TIMEOUT))
    llm_seconds = _llm_seconds(result)
    print(
        f"\nonly provider hangs, timeout {TIMEOUT:g} s, no deadline: select+analyse "
        f"{llm_seconds:.2f} s, whole run {elapsed:.2f} s, {hanging.request_count} requests"
    )
    assert result.digest.engine == "offline"
    assert all("every provider failed" in item.note for item in result.digest.items)
    llm = result.manifest.llm
    assert "circuit open after 3 consecutive failed attempts" in llm["disabled"]["llm0"]
    assert llm["providers"]["llm0"]["ok"] == 0
    assert hanging.request_count <= 1 + 4, "the judge, then at most one request per slot"
    assert llm_seconds < 4 * TIMEOUT + 1.0


def test_the_manifest_of_a_failed_over_run_is_json(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with (
        ScriptedLLMServer(default=answer("")) as bad,
        ScriptedLLMServer(responder=_answer_in("en")) as good,
    ):
        result, _ = _run(_settings(site, tmp_path, [bad, good]))
    text = json.dumps(result.manifest.model_dump(mode="json"))
    assert '"reasons": {"empty answer":' in text
