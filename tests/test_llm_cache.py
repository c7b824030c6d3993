"""The response cache (re-running a day costs zero tokens), its migration, and the budget."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from deepdaily.analyse.providers import (
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
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'deepdaily.db'}") as db:
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
