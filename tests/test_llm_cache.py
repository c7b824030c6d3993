"""The response cache (re-running a day costs zero tokens), its migration, and the budget."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from deepdaily.analyse.providers import (
    AllProvidersFailed,
    Budget,
    BudgetExhausted,
    CachingProvider,
    CallLog,
    ChatMessage,
    ChatRequest,
    ChatResponse,
    FallbackProvider,
    OpenAICompatProvider,
    Price,
    PriceTable,
    ProviderBadOutput,
    ResponseCache,
    Usage,
    build_chain,
    cache_key,
)
from deepdaily.config import AnalysisSettings, LLMSpec, Settings
from deepdaily.store import Store
from deepdaily.testing.llm_server import ScriptedLLMServer, answer, fault, loopback_only

KEY = "sk-cache-test-0000000000"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    with loopback_only():
        yield


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, on SQLite and on PostgreSQL."""
    with Store(store_url) as db:
        yield db


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


def _spec(name: str, server: ScriptedLLMServer, **kw: object) -> LLMSpec:
    return LLMSpec(
        name=name,
        model=f"{name}-model",
        base_url=server.openai_url,
        api_key_env="TEST_KEY",
        timeout=2.0,
        max_retries=0,
        **kw,
    )  # type: ignore[arg-type]


def _request(text: str = "Analyse event e1.", version: str = "v1") -> ChatRequest:
    return ChatRequest(
        messages=[ChatMessage(role="user", content=text)],
        json_schema={"type": "object"},
        purpose="analyse:e1",
        sources_hash="abc123",
        prompt_version=version,
    )


async def _nothing(_: float) -> None:
    return None


def test_migration_creates_the_cache_table(store: Store) -> None:
    assert "m002_llm_cache" in store.migrations_applied
    columns = {c["name"] for c in inspect(store.engine).get_columns("llm_cache")}
    assert columns == {
        "key",
        "provider",
        "model",
        "purpose",
        "response",
        "input_tokens",
        "output_tokens",
        "created_at",
    }


def test_cache_key_covers_sources_prompt_version_model_and_body() -> None:
    base = cache_key(_request(), "m")
    assert len(base) == 64 and base == cache_key(_request(), "m")
    assert base != cache_key(_request(version="v2"), "m")
    assert base != cache_key(_request(), "other-model")
    assert base != cache_key(_request("Analyse event e2."), "m")
    assert base != cache_key(_request().model_copy(update={"sources_hash": "def"}), "m")
    assert base == cache_key(_request().model_copy(update={"purpose": "judge:e1"}), "m")


def test_response_cache_round_trip(store: Store) -> None:
    cache = ResponseCache(store)
    response = ChatResponse(
        text='{"a": 1}', usage=Usage(input_tokens=5, output_tokens=2), provider="p", model="m"
    )
    cache.put("k1", response, "purpose")
    cache.put("k1", response, "purpose")  # a concurrent duplicate is not an error
    hit = cache.get("k1")
    assert hit is not None and (hit.text, hit.input_tokens, hit.provider) == ('{"a": 1}', 5, "p")
    assert hit.created_at.tzinfo is not None
    assert len(cache) == 1 and cache.get("k2") is None
    assert cache.prune(datetime.now(UTC) - timedelta(days=1)) == 0
    cache.delete("k1")
    assert len(cache) == 0


async def test_second_identical_request_costs_zero_tokens(
    server: ScriptedLLMServer,
    store: Store,
) -> None:
    server.script(answer({"title": "t"}, input_tokens=500, output_tokens=100))
    log = CallLog()
    chain = FallbackProvider([OpenAICompatProvider(_spec("alpha", server), KEY)], log=log)
    provider = CachingProvider(chain, ResponseCache(store), log=log)
    first = await provider.complete(_request())
    second = await provider.complete(_request())
    await provider.aclose()
    assert server.request_count == 1, "the server sees no new request"
    assert first.text == second.text and not first.cached
    assert second.cached and second.usage.total == 0
    summary = log.summary()
    assert (summary["calls"], summary["cache_hits"]) == (1, 1)
    assert (summary["tokens_in"], summary["tokens_out"]) == (500, 100)
    assert log.records[-1].cached


async def test_rerunning_a_day_costs_zero_even_when_a_fallback_answered(
    store: Store,
    tmp_path: Path,
) -> None:
    """Regression: answers are found under the model that gave them, so a re-run does not
    first ask the provider that was down during the original run."""
    with (
        ScriptedLLMServer(default=fault(503)) as down,
        ScriptedLLMServer([answer({"x": 1}, input_tokens=300, output_tokens=50)]) as up,
    ):
        settings = Settings(llm=[_spec("alpha", down), _spec("beta", up)])

        async def run_day() -> tuple[ChatResponse, CallLog]:
            log = CallLog()
            provider, _ = build_chain(
                settings,
                environ={"TEST_KEY": KEY},
                log=log,
                store=store,
                keys_file=tmp_path / "absent.toml",
                sleep=_nothing,
            )
            assert provider is not None
            response = await provider.complete(_request())
            await provider.aclose()  # type: ignore[attr-defined]
            return response, log

        first, first_log = await run_day()
        calls_before = (down.request_count, up.request_count)
        second, second_log = await run_day()
    assert first.provider == "beta" and json.loads(second.text) == {"x": 1}
    assert (down.request_count, up.request_count) == calls_before
    assert first_log.summary()["tokens_in"] == 300
    rerun = second_log.summary()
    assert (rerun["calls"], rerun["tokens_in"], rerun["tokens_out"], rerun["cost"]) == (0, 0, 0, 0)
    assert rerun["cache_hits"] == 1


async def test_a_new_prompt_version_asks_again(server: ScriptedLLMServer, store: Store) -> None:
    server.script(answer({"v": 1}), answer({"v": 2}))
    log = CallLog()
    provider = CachingProvider(
        FallbackProvider([OpenAICompatProvider(_spec("alpha", server), KEY)], log=log),
        ResponseCache(store),
        log=log,
    )
    await provider.complete(_request(version="v1"))
    again = await provider.complete(_request(version="v2"))
    await provider.aclose()
    assert server.request_count == 2 and json.loads(again.text) == {"v": 2}


async def test_failed_answers_are_not_cached(server: ScriptedLLMServer, store: Store) -> None:
    server.script(answer("not json"), answer({"ok": True}))
    log = CallLog()
    provider = CachingProvider(
        FallbackProvider([OpenAICompatProvider(_spec("alpha", server), KEY)], log=log),
        ResponseCache(store),
        log=log,
    )
    with pytest.raises(Exception, match="not JSON"):
        await provider.complete(_request())
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"ok": True} and not response.cached


# -- prices and budget ----------------------------------------------------------------------


def test_price_table_prefers_the_entry_then_the_longest_builtin_prefix() -> None:
    table = PriceTable()
    assert table.price("gpt-4o-mini-2024-07-18") == Price(0.15, 0.60)
    assert table.price("gpt-4o-2024-08-06") == Price(2.50, 10.00)
    assert table.price("my-local-model") is None
    spec = LLMSpec(model="gpt-4o-mini", price_in=1.0, price_out=2.0)
    assert table.price("gpt-4o-mini", spec) == Price(1.0, 2.0)
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000)
    assert table.cost(usage, "gpt-4o-mini", spec) == pytest.approx(2.0)
    settings = Settings(llm=[LLMSpec(model="local", price_in=0.5, price_out=0.5)])
    assert PriceTable.from_settings(settings).price("local") == Price(0.5, 0.5)


def test_budget_counts_tokens_and_cost() -> None:
    budget = Budget(max_tokens=1000, max_cost=0.01)
    assert budget.remaining.tokens == 1000 and budget.allows(900)
    cost = budget.charge(
        Usage(input_tokens=400, output_tokens=100),
        LLMSpec(model="m", price_in=10.0, price_out=20.0),
    )
    assert cost == pytest.approx(0.006)
    assert budget.remaining.tokens == 500
    assert budget.remaining.cost == pytest.approx(0.004)
    assert not budget.allows(600), "more tokens than are left"
    assert budget.allows(100)
    assert not budget.allows(400, LLMSpec(model="m", price_in=10.0, price_out=20.0)), (
        "400 tokens at up to 20 per million cost more than 0.004"
    )
    budget.charge(Usage(input_tokens=500), "unpriced-model")
    assert budget.exhausted and not budget.allows(1)
    unlimited = Budget.from_settings(AnalysisSettings())
    unlimited.charge(Usage(input_tokens=10**9), "gpt-4o")
    assert not unlimited.exhausted and unlimited.remaining.tokens is None


async def test_exhausted_budget_stops_calls_but_not_cached_answers(
    server: ScriptedLLMServer,
    store: Store,
) -> None:
    server.script(answer({"n": 1}, input_tokens=800, output_tokens=300))
    log = CallLog(budget=Budget(max_tokens=1000))
    provider = CachingProvider(
        FallbackProvider([OpenAICompatProvider(_spec("alpha", server), KEY)], log=log),
        ResponseCache(store),
        log=log,
    )
    await provider.complete(_request("event one"))
    assert log.budget is not None and log.budget.exhausted
    with pytest.raises(BudgetExhausted, match="1100 of 1000 tokens"):
        await provider.complete(_request("event two"))
    cached = await provider.complete(_request("event one"))
    await provider.aclose()
    assert cached.cached and server.request_count == 1
    assert log.summary()["budget"]["exhausted"] is True


def test_call_log_for_settings_uses_the_analysis_budget() -> None:
    settings = Settings(
        analysis=AnalysisSettings(budget_tokens=5000, budget_cost=1.5),
        llm=[LLMSpec(model="m", price_in=1.0, price_out=2.0)],
    )
    log = CallLog.for_settings(settings)
    assert log.budget is not None
    assert (log.budget.max_tokens, log.budget.max_cost) == (5000, 1.5)
    record = log.record(
        provider="p", model="m", ok=True, usage=Usage(input_tokens=1_000_000, output_tokens=0)
    )
    assert record.cost == pytest.approx(1.0)
    assert log.budget.cost_used == pytest.approx(1.0)
    log.record(provider="q", model="mystery", ok=True, usage=Usage(input_tokens=1))
    assert log.summary()["unpriced_models"] == ["mystery"]


# -- answers a caller's check accepts or rejects ---------------------------------------------


class _TitleCheck:
    """An answer check of the tests' own: a ``title`` is required (reaskable), and ``lang``
    must be ``zh`` (not reaskable)."""

    reasks = 1

    def __init__(self) -> None:
        self.given_up: list[str] = []

    def problem(self, response: ChatResponse) -> ProviderBadOutput | None:
        data = json.loads(response.text)
        if "title" not in data:
            return ProviderBadOutput(
                "title: Field required", reason="schema-invalid", reaskable=True
            )
        if data.get("lang") != "zh":
            return ProviderBadOutput("wrong language", reason="answered in English")
        return None

    def reask(self, request: ChatRequest, bad: ProviderBadOutput) -> ChatRequest:
        turns = [*request.messages, ChatMessage(role="user", content=f"Fix: {bad}")]
        return request.model_copy(update={"messages": turns})

    def gave_up(self, provider: str, reason: str) -> None:
        self.given_up.append(f"{provider}: {reason}")


def _cached_chain(store: Store, *servers: ScriptedLLMServer) -> tuple[CachingProvider, CallLog]:
    log = CallLog()
    members = [
        OpenAICompatProvider(_spec(f"m{i}", srv), KEY, index=i) for i, srv in enumerate(servers)
    ]
    chain = FallbackProvider(members, log=log, sleep=_nothing)
    return CachingProvider(chain, ResponseCache(store), log=log), log


async def test_an_answer_that_took_a_reask_is_cached_under_the_original_request(
    server: ScriptedLLMServer, store: Store
) -> None:
    """The re-run gets the final answer at once: no re-ask is replayed, no token spent."""
    server.script(answer({"lang": "zh"}), answer({"title": "快照", "lang": "zh"}))
    for run in range(2):
        provider, log = _cached_chain(store, server)
        response = await provider.complete(_request(), check=_TitleCheck())
        await provider.aclose()
        assert json.loads(response.text)["title"] == "快照"
        assert response.cached is (run == 1)
    assert server.request_count == 2
    assert len(ResponseCache(store)) == 1
    assert log.summary()["calls"] == 0


async def test_a_stored_answer_the_check_rejects_is_forgotten_and_asked_again(
    server: ScriptedLLMServer, store: Store
) -> None:
    """Regression guard: an answer stored before the check existed (or under an older schema)
    is not served for ever."""
    stale = ChatResponse(text='{"title": "old", "lang": "en"}', provider="m0", model="m0-model")
    ResponseCache(store).put(cache_key(_request(), "m0-model"), stale, "analyse:e1")
    server.script(answer({"title": "新", "lang": "zh"}))
    provider, _ = _cached_chain(store, server)
    response = await provider.complete(_request(), check=_TitleCheck())
    await provider.aclose()
    assert json.loads(response.text)["title"] == "新" and not response.cached
    hit = ResponseCache(store).get(cache_key(_request(), "m0-model"))
    assert hit is not None and json.loads(hit.text)["title"] == "新"


async def test_when_nobody_answers_usably_the_rerun_replays_the_outcome_for_free(
    store: Store,
) -> None:
    """An unchanged re-run costs 0 tokens even when every provider's answer was unusable: the
    outcome is remembered (not the answers), replayed with its reasons, and counted by the
    breaker as it was the first time."""
    with ScriptedLLMServer(default=answer({"title": "t", "lang": "en"})) as english:
        for run in range(2):
            provider, log = _cached_chain(store, english)
            said = []
            for n in range(5):
                with pytest.raises(AllProvidersFailed) as caught:
                    await provider.complete(_request(f"event {n}"), check=_TitleCheck())
                said.append("wrong language" if "wrong language" in str(caught.value) else "open")
            await provider.aclose()
            assert said == ["wrong language"] * 3 + ["open"] * 2
            summary = log.summary()
            assert summary["providers"]["m0"]["reasons"] == {"answered in English": 3}
            assert "circuit open after 3" in summary["disabled"]["m0"]
            if run == 0:
                assert english.request_count == 3
            else:
                assert english.request_count == 3, "the re-run called nobody"
                assert summary["calls"] == 0 and summary["cache_hits"] == 3


async def test_a_timeout_is_never_remembered(store: Store) -> None:
    """Only unusable answers are remembered; a provider that could not answer is asked again."""
    with ScriptedLLMServer(default=fault(503, "down")) as down:
        for _ in range(2):
            provider, _ = _cached_chain(store, down)
            with pytest.raises(AllProvidersFailed):
                await provider.complete(_request(), check=_TitleCheck())
            await provider.aclose()
    assert down.request_count == 2
    assert len(ResponseCache(store)) == 0
