"""The fallback chain and its call log, through real SDK clients against scripted servers on
127.0.0.1: 401/410 disable a provider for the run, 429 waits for ``Retry-After``, 5xx and
timeouts retry then fall through, the circuit breaker opens, and no key ever leaks."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deepdaily.analyse.providers import (
    AllProvidersFailed,
    CachingProvider,
    CallLog,
    ChatMessage,
    ChatRequest,
    FallbackProvider,
    OpenAICompatProvider,
    ProviderBadOutput,
    build_chain,
)
from deepdaily.analyse.providers.anthropic_provider import AnthropicProvider
from deepdaily.config import LLMSpec, Settings
from deepdaily.testing.llm_server import (
    ScriptedLLMServer,
    answer,
    fault,
    hang_up,
    loopback_only,
    stall,
)

KEY_A = "sk-alpha-SECRET-0123456789abcdef"
KEY_B = "sk-beta-SECRET-fedcba9876543210"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real keys or base URLs from the environment, and no public host name resolves."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    with loopback_only():
        yield


class Sleeps(list[float]):
    """An injected ``sleep`` that records how long the chain wanted to wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def a() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


@pytest.fixture
def b() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


def _spec(name: str, server: ScriptedLLMServer | str, env: str, **kw: Any) -> LLMSpec:
    url = server if isinstance(server, str) else server.openai_url
    return LLMSpec(
        name=name,
        model=f"{name}-model",
        base_url=url,
        api_key_env=env,
        timeout=kw.pop("timeout", 2.0),
        **kw,
    )


def _provider(
    name: str, server: ScriptedLLMServer | str, env: str, key: str, *, index: int, **kw: Any
) -> OpenAICompatProvider:
    return OpenAICompatProvider(_spec(name, server, env, **kw), key, index=index)


def _chain(
    a: ScriptedLLMServer | str,
    b: ScriptedLLMServer | str,
    *,
    retries: int = 2,
    breaker: int = 3,
    timeout: float = 2.0,
) -> tuple[FallbackProvider, CallLog, Sleeps]:
    log, sleeps = CallLog(), Sleeps()
    chain = FallbackProvider(
        [
            _provider(
                "alpha", a, "ALPHA_KEY", KEY_A, index=0, max_retries=retries, timeout=timeout
            ),
            _provider("beta", b, "BETA_KEY", KEY_B, index=1, max_retries=retries, timeout=timeout),
        ],
        log=log,
        retries=retries,
        backoff=0.5,
        max_retry_after=10.0,
        breaker_threshold=breaker,
        sleep=sleeps,
    )
    return chain, log, sleeps


def _request(text: str = "Summarise the event.") -> ChatRequest:
    return ChatRequest(
        messages=[ChatMessage(role="user", content=text)],
        json_schema={"type": "object"},
        purpose="analyse:e1",
    )


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_first_provider_answers(a: ScriptedLLMServer, b: ScriptedLLMServer) -> None:
    a.script(answer({"x": 1}, input_tokens=100, output_tokens=10))
    chain, log, _ = _chain(a, b)
    response = await chain.complete(_request())
    await chain.aclose()
    assert (response.provider, json.loads(response.text)) == ("alpha", {"x": 1})
    assert b.request_count == 0
    summary = log.summary()
    assert (summary["calls"], summary["failures"], summary["tokens_in"]) == (1, 0, 100)
    assert summary["providers"]["alpha"]["ok"] == 1


async def test_401_disables_the_provider_and_the_next_answers(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(fault(401, "invalid api key"))
    b.script(answer({"x": 1}), answer({"x": 2}))
    chain, log, sleeps = _chain(a, b)
    first = await chain.complete(_request("one"))
    second = await chain.complete(_request("two"))
    await chain.aclose()
    assert (first.provider, second.provider) == ("beta", "beta")
    assert a.request_count == 1, "a disabled provider is not asked again in the run"
    assert sleeps == []
    reason = log.disabled["alpha"]
    assert "llm[0] alpha (alpha-model)" in reason and "ALPHA_KEY" in reason
    assert "authentication failed" in reason
    assert log.summary()["answered_by_fallback"] == 2
    assert chain.state()["alpha"].startswith("disabled")


async def test_410_disables_as_retired_and_the_next_answers(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(fault(410, "this model has been retired"))
    b.script(answer({"x": 1}))
    chain, log, _ = _chain(a, b)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "beta"
    assert "retired" in log.disabled["alpha"]


async def test_429_waits_for_retry_after_then_retries_the_same_provider(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(fault(429, "slow down", retry_after=1), answer({"x": 1}))
    chain, log, sleeps = _chain(a, b)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "alpha"
    assert sleeps == [1.0]
    assert a.request_count == 2 and b.request_count == 0
    assert [(r.ok, r.attempt, r.status) for r in log.records] == [(False, 1, 429), (True, 2, None)]


async def test_retry_after_is_capped(a: ScriptedLLMServer, b: ScriptedLLMServer) -> None:
    a.script(fault(429, retry_after=3600), answer({"x": 1}))
    chain, _, sleeps = _chain(a, b, timeout=20.0)  # the capped wait fits the request's time
    await chain.complete(_request())
    await chain.aclose()
    assert sleeps == [10.0]


async def test_500_retries_with_backoff_then_falls_through(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.default = fault(500, "internal error")
    b.script(answer({"x": 1}))
    chain, log, sleeps = _chain(a, b, retries=2)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "beta"
    assert a.request_count == 3, "one try and two retries"
    assert sleeps == [0.5, 1.0]
    assert log.summary()["providers"]["alpha"]["errors"] == {"ProviderUnavailable": 3}
    assert log.records[-1].fallbacks == 1


async def test_timeout_falls_through(a: ScriptedLLMServer, b: ScriptedLLMServer) -> None:
    a.script(stall(2.0))
    b.script(answer({"x": 1}))
    chain, log, _ = _chain(a, b, retries=0, timeout=0.2)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "beta"
    assert "timeout" in log.records[0].message


async def test_connection_refused_falls_through(b: ScriptedLLMServer) -> None:
    b.script(answer({"x": 1}))
    chain, log, _ = _chain(f"http://127.0.0.1:{_unused_port()}/v1", b, retries=0)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "beta"
    assert log.records[0].error == "ProviderUnavailable"


async def test_dropped_connection_falls_through(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(hang_up())
    b.script(answer({"x": 1}))
    chain, _, _ = _chain(a, b, retries=0)
    assert (await chain.complete(_request())).provider == "beta"
    await chain.aclose()


async def test_bad_output_falls_through_to_the_next(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(answer("Sure! Here is my analysis in prose."))
    b.script(answer({"x": 1}))
    chain, log, sleeps = _chain(a, b)
    response = await chain.complete(_request())
    await chain.aclose()
    assert response.provider == "beta"
    assert sleeps == [] and a.request_count == 1, "bad output is not retried on the same one"
    assert log.records[0].error == "ProviderBadOutput"


async def test_bad_output_is_surfaced_when_nobody_does_better(a: ScriptedLLMServer) -> None:
    a.script(answer("not json", input_tokens=40, output_tokens=3))
    log = CallLog()
    chain = FallbackProvider(
        [_provider("alpha", a, "ALPHA_KEY", KEY_A, index=0)], log=log, sleep=Sleeps()
    )
    with pytest.raises(AllProvidersFailed) as caught:
        await chain.complete(_request())
    await chain.aclose()
    [error] = caught.value.errors
    assert isinstance(error, ProviderBadOutput) and error.text == "not json"
    assert log.summary()["tokens_in"] == 40, "tokens spent on a bad answer are still counted"


async def test_circuit_breaker_opens_after_consecutive_failures(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.default = fault(503, "overloaded")
    b.default = answer({"x": 1})
    chain, log, _ = _chain(a, b, retries=0, breaker=2)
    for n in range(4):
        assert (await chain.complete(_request(f"event {n}"))).provider == "beta"
    await chain.aclose()
    assert a.request_count == 2, "open after two failed requests: not asked again"
    assert b.request_count == 4
    assert "circuit open after 2 consecutive failed attempts" in log.disabled["alpha"]
    assert "(last: server error (HTTP 503))" in log.disabled["alpha"]
    assert chain.state()["alpha"] == "open"


async def test_success_resets_the_breaker(a: ScriptedLLMServer, b: ScriptedLLMServer) -> None:
    a.script(fault(500), answer({"x": 1}), fault(500), answer({"x": 2}))
    b.default = answer({"x": 0})
    chain, _, _ = _chain(a, b, retries=0, breaker=2)
    providers = [(await chain.complete(_request(f"e{n}"))).provider for n in range(4)]
    await chain.aclose()
    assert providers == ["beta", "alpha", "beta", "alpha"]
    assert chain.usable


async def test_all_failing_raises_all_providers_failed_on_one_line(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(fault(401, "bad key"))
    b.default = fault(500, "down")
    chain, log, _ = _chain(a, b, retries=1)
    with pytest.raises(AllProvidersFailed) as caught:
        await chain.complete(_request())
    await chain.aclose()
    message = str(caught.value)
    assert "\n" not in message
    assert "all 2 LLM provider(s) failed" in message
    assert "llm[0] alpha (alpha-model): authentication failed" in message
    assert "llm[1] beta (beta-model): server error (HTTP 500)" in message
    assert b.request_count == 2
    assert log.summary()["failures"] == 3


async def test_only_asks_one_named_provider(a: ScriptedLLMServer, b: ScriptedLLMServer) -> None:
    b.script(answer({"judge": True}))
    chain, _, _ = _chain(a, b)
    response = await chain.complete(_request(), only="beta")
    with pytest.raises(AllProvidersFailed, match="no usable LLM provider named 'gamma'"):
        await chain.complete(_request(), only="gamma")
    await chain.aclose()
    assert response.provider == "beta" and a.request_count == 0


async def test_mixed_chain_falls_back_from_openai_to_anthropic(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
) -> None:
    a.script(fault(410))
    b.script(answer({"x": "from claude"}))
    claude = AnthropicProvider(
        LLMSpec(
            name="claude",
            kind="anthropic",
            model="claude-test",
            base_url=b.anthropic_url,
            timeout=2.0,
        ),
        KEY_B,
        index=1,
    )
    log = CallLog()
    chain = FallbackProvider(
        [_provider("alpha", a, "ALPHA_KEY", KEY_A, index=0), claude], log=log, sleep=Sleeps()
    )
    response = await chain.complete(_request())
    await chain.aclose()
    assert (response.provider, json.loads(response.text)) == ("claude", {"x": "from claude"})


async def test_the_key_never_leaks(
    a: ScriptedLLMServer,
    b: ScriptedLLMServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Keys stay out of log records (ours and the SDKs'), exceptions and the call log, even
    when a server echoes the key back in its error message."""
    caplog.set_level(logging.DEBUG)
    a.script(fault(401, f"Incorrect API key provided: {KEY_A}"))
    b.script(
        fault(429, f"rate limited for key {KEY_B}", retry_after=0),
        fault(500, f"key {KEY_B} broke us"),
        hang_up(),
    )
    chain, log, _ = _chain(a, b, retries=2)
    with pytest.raises(AllProvidersFailed) as caught:
        await chain.complete(_request())
    await chain.aclose()
    texts = [r.getMessage() for r in caplog.records]
    texts += [str(caught.value), repr(caught.value), *map(str, caught.value.errors)]
    texts += [json.dumps(log.summary()), json.dumps(log.as_records())]
    for text in texts:
        assert KEY_A not in text and KEY_B not in text
        assert "SECRET" not in text


# -- build_chain ----------------------------------------------------------------------------


async def test_build_chain_skips_an_entry_without_its_key(
    b: ScriptedLLMServer,
    tmp_path: Path,
) -> None:
    b.script(answer({"x": 1}))
    settings = Settings(
        llm=[
            LLMSpec(preset="openai", model="gpt-4o-mini"),
            _spec("beta", b, "BETA_KEY"),
        ]
    )
    log = CallLog()
    provider, notes = build_chain(
        settings,
        environ={"BETA_KEY": KEY_B},
        log=log,
        store=None,
        keys_file=tmp_path / "absent.toml",
    )
    assert notes == ["llm[0] openai (gpt-4o-mini): environment variable OPENAI_API_KEY is not set"]
    assert log.disabled["openai"] == notes[0]
    assert isinstance(provider, FallbackProvider)
    assert [p.name for p in provider.providers] == ["beta"]
    assert (await provider.complete(_request())).provider == "beta"
    await provider.aclose()
    assert log.summary()["disabled"] == {"openai": notes[0]}


def test_build_chain_returns_none_when_nothing_is_usable(tmp_path: Path) -> None:
    settings = Settings(
        llm=[
            LLMSpec(preset="deepseek", model="deepseek-chat"),
            LLMSpec(preset="nonsense", model="m"),
        ]
    )
    provider, notes = build_chain(
        settings, environ={}, log=CallLog(), store=None, keys_file=tmp_path / "absent.toml"
    )
    assert provider is None
    assert notes[0].startswith("llm[1]: unknown preset 'nonsense'")
    assert "DEEPSEEK_API_KEY is not set" in notes[1]
    assert "offline engine" in notes[-1]
    assert build_chain(Settings(), environ={}, log=CallLog(), store=None) == (None, [])


async def test_build_chain_reads_the_keys_file_and_prefers_the_environment(
    a: ScriptedLLMServer,
    tmp_path: Path,
) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text(f'ALPHA_KEY = "{KEY_A}"\n', encoding="utf-8")
    keys.chmod(0o644)
    a.script(answer({"x": 1}), answer({"x": 2}))
    settings = Settings(llm=[_spec("alpha", a, "ALPHA_KEY")])
    provider, notes = build_chain(settings, environ={}, log=CallLog(), store=None, keys_file=keys)
    assert provider is not None
    await provider.complete(_request())
    await provider.aclose()
    assert a.requests[0].headers["authorization"] == f"Bearer {KEY_A}"
    assert any("chmod 600" in note for note in notes)
    assert all(KEY_A not in note for note in notes)
    provider, _ = build_chain(
        settings,
        environ={"ALPHA_KEY": "sk-from-env-000000"},
        log=CallLog(),
        store=None,
        keys_file=keys,
    )
    assert provider is not None
    await provider.complete(_request("again"))
    await provider.aclose()
    assert a.requests[1].headers["authorization"] == "Bearer sk-from-env-000000"


def test_build_chain_with_a_store_caches(tmp_path: Path, a: ScriptedLLMServer) -> None:
    from deepdaily.store import Store

    settings = Settings(llm=[_spec("alpha", a, "ALPHA_KEY")])
    with Store(f"sqlite:///{tmp_path / 'd.db'}") as store:
        provider, _ = build_chain(
            settings,
            environ={"ALPHA_KEY": KEY_A},
            log=CallLog(),
            store=store,
            keys_file=tmp_path / "absent.toml",
        )
    assert isinstance(provider, CachingProvider)
    assert isinstance(provider.inner, FallbackProvider)
