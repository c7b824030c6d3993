"""The SDK-backed providers, presets and ``llm check``, through the real ``openai`` and
``anthropic`` clients talking to a :class:`ScriptedLLMServer` on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from deepdaily.analyse.providers import (
    AnthropicProvider,
    ChatMessage,
    ChatRequest,
    OpenAICompatProvider,
    ProviderAuthError,
    ProviderBadOutput,
    ProviderError,
    ProviderGone,
    ProviderRateLimited,
    ProviderUnavailable,
    check_providers,
    resolve,
)
from deepdaily.analyse.providers.presets import UnknownPreset
from deepdaily.config import LLMSpec, Settings
from deepdaily.testing.llm_server import (
    ScriptedLLMServer,
    ScriptedRequest,
    answer,
    fault,
    garbage,
    hang_up,
    loopback_only,
    stall,
)

KEY = "sk-test-DO-NOT-LEAK-1234567890"
SCHEMA = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No real keys or base URLs from the environment, and no public host name resolves."""
    for var in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_ORG_ID",
        "OPENAI_PROJECT_ID",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    with loopback_only():
        yield


@pytest.fixture
def server() -> Iterator[ScriptedLLMServer]:
    with ScriptedLLMServer() as srv:
        yield srv


def _openai(server: ScriptedLLMServer, **kw: Any) -> OpenAICompatProvider:
    spec = LLMSpec(
        name="primary",
        model="gpt-test",
        base_url=server.openai_url,
        api_key_env="TEST_KEY",
        timeout=kw.pop("timeout", 2.0),
        **kw,
    )
    return OpenAICompatProvider(spec, KEY)


def _anthropic(server: ScriptedLLMServer, **kw: Any) -> AnthropicProvider:
    spec = LLMSpec(
        name="claude",
        kind="anthropic",
        model="claude-test",
        base_url=server.anthropic_url,
        api_key_env="TEST_KEY",
        timeout=kw.pop("timeout", 2.0),
        **kw,
    )
    return AnthropicProvider(spec, KEY)


def _request(schema: dict[str, Any] | None = SCHEMA) -> ChatRequest:
    return ChatRequest(
        messages=[
            ChatMessage(role="system", content="You analyse events."),
            ChatMessage(role="user", content="Summarise the event."),
        ],
        json_schema=schema,
        schema_name="digest item",
        purpose="analyse:e1",
    )


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- presets ------------------------------------------------------------------------------


def test_presets_fill_url_key_env_and_json_mode() -> None:
    deepseek = resolve(LLMSpec(preset="deepseek", model="deepseek-chat"))
    assert deepseek.base_url == "https://api.deepseek.com/v1"
    assert deepseek.api_key_env == "DEEPSEEK_API_KEY"
    assert deepseek.json_schema is False
    kimi = resolve(LLMSpec(preset="kimi", model="moonshot-v1-8k"), 2)
    assert kimi.name == "moonshot" and kimi.label == "llm[2] moonshot (moonshot-v1-8k)"
    assert (
        resolve(LLMSpec(preset="dashscope", model="qwen-plus")).api_key_env == "DASHSCOPE_API_KEY"
    )
    assert resolve(LLMSpec(model="gpt-4o-mini")).base_url == "https://api.openai.com/v1"
    claude = resolve(LLMSpec(kind="anthropic", model="claude-haiku-4-5"))
    assert (claude.kind, claude.api_key_env) == ("anthropic", "ANTHROPIC_API_KEY")
    assert resolve(LLMSpec(preset="anthropic", model="c")).kind == "anthropic"
    ollama = resolve(LLMSpec(preset="ollama", model="qwen2.5"))
    assert ollama.key_required is False and ollama.api_key_env == ""


def test_explicit_settings_override_the_preset() -> None:
    endpoint = resolve(
        LLMSpec(preset="openai", model="m", base_url="http://127.0.0.1:9/v1/", api_key_env="MY_KEY")
    )
    assert endpoint.base_url == "http://127.0.0.1:9/v1"
    assert endpoint.api_key_env == "MY_KEY"
    forced = resolve(LLMSpec(preset="deepseek", model="m", json_schema=True))
    assert forced.json_schema is True
    bare = resolve(LLMSpec(model="m", base_url="http://127.0.0.1:9/v1"))
    assert bare.key_required is False and bare.name == "openai"


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(UnknownPreset, match=r"unknown preset 'nope'.*deepseek"):
        resolve(LLMSpec(preset="nope", model="m"), 3)


# -- OpenAI-compatible ----------------------------------------------------------------------


async def test_openai_success_reports_usage_and_sends_json_schema(
    server: ScriptedLLMServer,
) -> None:
    server.script(answer({"title": "ok"}, input_tokens=120, output_tokens=30))
    provider = _openai(server)
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"title": "ok"}
    assert (response.usage.input_tokens, response.usage.output_tokens) == (120, 30)
    assert (response.provider, response.model, response.cached) == ("primary", "gpt-test", False)
    body = server.bodies[0]
    assert body["model"] == "gpt-test"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "digest_item", "schema": SCHEMA, "strict": False},
    }
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_json_mode_endpoint_gets_json_object_and_the_schema_in_the_prompt(
    server: ScriptedLLMServer,
) -> None:
    server.script(answer({"title": "ok"}))
    provider = _openai(server, json_schema=False)
    await provider.complete(_request())
    await provider.aclose()
    body = server.bodies[0]
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"][0]["role"] == "system"
    assert '"required":["title"]' in body["messages"][0]["content"]


async def test_plain_text_request_has_no_response_format(server: ScriptedLLMServer) -> None:
    server.script(answer("just prose"))
    provider = _openai(server)
    response = await provider.complete(_request(schema=None))
    await provider.aclose()
    assert response.text == "just prose"
    assert "response_format" not in server.bodies[0]


async def test_fenced_json_is_accepted(server: ScriptedLLMServer) -> None:
    server.script(answer('```json\n{"title": "fenced"}\n```'))
    provider = _openai(server)
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"title": "fenced"}


async def test_keyless_endpoint_never_borrows_the_openai_key(
    server: ScriptedLLMServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: the SDK reads OPENAI_API_KEY when given no key, leaking it to Ollama."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.script(answer({"title": "local"}))
    provider = OpenAICompatProvider(
        LLMSpec(preset="ollama", model="qwen2.5", base_url=server.openai_url), None
    )
    await provider.complete(_request())
    await provider.aclose()
    assert KEY not in server.requests[0].headers["authorization"]


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (fault(401, "invalid key"), ProviderAuthError, "environment variable TEST_KEY"),
        (fault(403, "no access"), ProviderAuthError, "permission denied"),
        (fault(429, "quota", error_type="insufficient_quota"), ProviderAuthError, "billing"),
        (fault(404, "no such model"), ProviderGone, "retired"),
        (fault(410, "model retired"), ProviderGone, "retired"),
        (fault(429, "slow down", retry_after=1), ProviderRateLimited, "retry after 1s"),
        (fault(500, "boom"), ProviderUnavailable, "HTTP 500"),
        (fault(503, "overloaded"), ProviderUnavailable, "HTTP 503"),
        (fault(400, "bad request"), ProviderError, r"refused \(HTTP 400\)"),
        (hang_up(), ProviderUnavailable, "connection failed"),
        (garbage(), ProviderBadOutput, "not a chat completion"),
        (answer("I think the answer is yes."), ProviderBadOutput, "not JSON"),
        (answer(""), ProviderBadOutput, "empty answer"),
    ],
)
async def test_openai_errors_map_to_provider_errors(
    server: ScriptedLLMServer,
    reply: Any,
    error: type[ProviderError],
    words: str,
) -> None:
    server.script(reply)
    provider = _openai(server)
    with pytest.raises(error, match=words) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert type(caught.value) is error
    message = str(caught.value)
    assert message.startswith("llm[0] primary (gpt-test): ")
    assert "\n" not in message and KEY not in message


@pytest.mark.parametrize(
    ("reply", "reason", "reaskable"),
    [
        (answer({}), "empty answer", False),
        (answer('{"title": "  ", "tags": []}'), "empty answer", False),
        (answer(" \n\t "), "empty answer", False),
        (answer("I'm sorry, but I can't help with that."), "refused", False),
        (answer("抱歉，我无法完成这个请求。"), "refused", False),
        (answer("Here is my analysis, in prose."), "not JSON", True),
        (answer("The title is", finish_reason="length"), "not JSON (cut off at max_tokens)", True),
        (fault(503, "overloaded"), "server error (HTTP 503)", None),
        (fault(429, "slow down", retry_after=2), "rate limited (HTTP 429, retry after 2s)", None),
        (fault(401, "bad key"), "authentication failed (HTTP 401)", None),
    ],
)
async def test_unusable_answers_carry_a_short_reason(
    server: ScriptedLLMServer, reply: Any, reason: str, reaskable: bool | None
) -> None:
    """Regression: ``{}``, blank text and refusals passed as answers (or were re-asked as "not
    JSON"), and errors had no reason short enough for the manifest's per-provider tally."""
    server.script(reply)
    provider = _openai(server)
    with pytest.raises(ProviderError) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert caught.value.reason == reason
    if reaskable is not None:
        assert isinstance(caught.value, ProviderBadOutput)
        assert caught.value.reaskable is reaskable


async def test_anthropic_empty_tool_input_is_an_empty_answer(server: ScriptedLLMServer) -> None:
    server.script(answer({}))
    provider = _anthropic(server)
    with pytest.raises(ProviderBadOutput, match="empty answer") as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert server.requests[0].forced_tool and caught.value.reason == "empty answer"


async def test_a_timeout_names_its_seconds(server: ScriptedLLMServer) -> None:
    server.script(stall(2.0))
    provider = _openai(server, timeout=0.25)
    with pytest.raises(ProviderUnavailable) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert caught.value.reason == "timed out after 0.25 s"


async def test_rate_limit_carries_retry_after(server: ScriptedLLMServer) -> None:
    server.script(fault(429, retry_after=7))
    provider = _openai(server)
    with pytest.raises(ProviderRateLimited) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert caught.value.retry_after == 7
    assert caught.value.status == 429


async def test_bad_output_keeps_the_text_and_the_tokens_spent(server: ScriptedLLMServer) -> None:
    server.script(answer("not json at all", input_tokens=50, output_tokens=5))
    provider = _openai(server)
    with pytest.raises(ProviderBadOutput) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert caught.value.text == "not json at all"
    assert caught.value.usage.total == 55


async def test_timeout_is_unavailable(server: ScriptedLLMServer) -> None:
    server.script(stall(2.0))
    provider = _openai(server, timeout=0.2)
    with pytest.raises(ProviderUnavailable, match="timeout"):
        await provider.complete(_request())
    await provider.aclose()


async def test_connection_refused_is_unavailable() -> None:
    spec = LLMSpec(model="m", base_url=f"http://127.0.0.1:{_unused_port()}/v1", timeout=1.0)
    provider = OpenAICompatProvider(spec, KEY)
    with pytest.raises(ProviderUnavailable, match="connection failed"):
        await provider.complete(_request())
    await provider.aclose()


async def test_a_key_echoed_by_the_server_is_scrubbed(server: ScriptedLLMServer) -> None:
    server.script(fault(401, f"Incorrect API key provided: {KEY}"))
    provider = _openai(server)
    with pytest.raises(ProviderAuthError) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert KEY not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# -- Anthropic ------------------------------------------------------------------------------


async def test_anthropic_json_via_forced_tool_call(server: ScriptedLLMServer) -> None:
    server.script(answer({"title": "claude"}, input_tokens=80, output_tokens=20))
    provider = _anthropic(server)
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"title": "claude"}
    assert response.usage.total == 100
    body = server.bodies[0]
    assert body["system"] == "You analyse events."
    assert [m["role"] for m in body["messages"]] == ["user"]
    assert body["tool_choice"] == {"type": "tool", "name": "digest_item"}
    assert body["tools"][0]["input_schema"]["required"] == ["title"]
    assert server.requests[0].path == "/v1/messages"


async def test_anthropic_without_tool_mode_reads_json_from_text(
    server: ScriptedLLMServer,
) -> None:
    server.script(answer('Here you are: {"title": "t"}'))
    provider = _anthropic(server, json_schema=False)
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"title": "t"}
    assert "tools" not in server.bodies[0]
    assert "JSON schema" in server.bodies[0]["system"]


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (fault(401), ProviderAuthError),
        (fault(410), ProviderGone),
        (fault(429, retry_after=1), ProviderRateLimited),
        (fault(529, "overloaded"), ProviderUnavailable),
        (hang_up(), ProviderUnavailable),
    ],
)
async def test_anthropic_errors_map_to_provider_errors(
    server: ScriptedLLMServer,
    reply: Any,
    error: type[ProviderError],
) -> None:
    server.script(reply)
    provider = _anthropic(server)
    with pytest.raises(error) as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert KEY not in str(caught.value)


async def test_anthropic_text_instead_of_tool_call_is_bad_output(
    server: ScriptedLLMServer,
) -> None:
    server.script(answer("Here is the title you asked for: claude."))
    provider = _anthropic(server)
    with pytest.raises(ProviderBadOutput, match="not JSON") as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert caught.value.reaskable and caught.value.reason == "not JSON"


async def test_anthropic_refusal_is_unusable_and_not_reaskable(server: ScriptedLLMServer) -> None:
    """Regression: a refusal was re-asked as "not JSON" twice before the next provider got the
    request."""
    server.script(answer("Sorry, I cannot do that."))
    provider = _anthropic(server)
    with pytest.raises(ProviderBadOutput, match="refused") as caught:
        await provider.complete(_request())
    await provider.aclose()
    assert not caught.value.reaskable and caught.value.reason == "refused"


# -- the scripted server itself -------------------------------------------------------------


async def test_many_concurrent_clients_are_all_answered(server: ScriptedLLMServer) -> None:
    """Regression: with the default listen queue of 5, the token benchmark's 16 concurrent
    clients sometimes had their connections reset ("connection failed") under load."""
    server.default = answer({"title": "ok"})
    providers = [_openai(server) for _ in range(48)]
    responses = await asyncio.gather(*(p.complete(_request()) for p in providers))
    for provider in providers:
        await provider.aclose()
    assert len(responses) == 48 and server.request_count == 48


async def test_responder_computes_answers_and_tokens_are_estimated(
    server: ScriptedLLMServer,
) -> None:
    def echo(request: ScriptedRequest) -> dict[str, Any]:
        return {"title": request.messages[-1]["content"].upper()}

    server.responder = echo
    provider = _openai(server)
    response = await provider.complete(_request())
    await provider.aclose()
    assert json.loads(response.text) == {"title": "SUMMARISE THE EVENT."}
    prompt = "You analyse events.\nSummarise the event."
    assert response.usage.input_tokens == len(prompt) // 4
    assert server.tokens_in == len(prompt) // 4 and server.request_count == 1


async def test_exhausted_script_answers_500(server: ScriptedLLMServer) -> None:
    provider = _openai(server)
    with pytest.raises(ProviderUnavailable, match="script exhausted"):
        await provider.complete(_request())
    await provider.aclose()


def test_loopback_only_refuses_public_names() -> None:
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("api.openai.com", 443)


async def test_a_public_preset_url_is_never_reached_in_tests() -> None:
    """The guard sits under the SDK's own resolver: a preset's public URL fails at once."""
    provider = OpenAICompatProvider(LLMSpec(preset="openai", model="gpt-4o-mini"), KEY)
    assert str(provider._client.base_url).startswith("https://api.openai.com/")
    with pytest.raises(ProviderUnavailable, match=r"refused to resolve api\.openai\.com"):
        await provider.complete(_request())
    await provider.aclose()


# -- llm check ------------------------------------------------------------------------------


async def test_check_reports_each_entry() -> None:
    with (
        ScriptedLLMServer([answer({"ok": True})]) as good,
        ScriptedLLMServer([fault(401, "bad key")]) as bad,
    ):
        settings = Settings(
            llm=[
                LLMSpec(name="good", model="m1", base_url=good.openai_url, api_key_env="K1"),
                LLMSpec(name="bad", model="m2", base_url=bad.openai_url, api_key_env="K2"),
                LLMSpec(name="nokey", preset="deepseek", model="deepseek-chat"),
                LLMSpec(name="off", model="m4", base_url=good.openai_url, enabled=False),
            ]
        )
        results = await check_providers(settings, {"K1": KEY, "K2": KEY})
    assert [r.name for r in results] == ["good", "bad", "nokey", "off"]
    ok, failed, nokey, off = results
    assert ok.ok and ok.error == "" and ok.latency_ms >= 0
    assert ok.line().startswith("ok    llm[0] good (m1)")
    assert not failed.ok and "authentication failed (HTTP 401)" in failed.error
    assert "K2" in failed.error and KEY not in failed.line()
    assert nokey.skipped and nokey.error == "environment variable DEEPSEEK_API_KEY is not set"
    assert off.skipped and "disabled" in off.error
    assert good.bodies[0]["response_format"]["type"] == "json_schema"
