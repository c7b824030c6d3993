"""Anthropic's Messages API, through the official ``anthropic`` SDK.

Governed by one ``[[llm]]`` entry with ``kind = "anthropic"`` (or ``preset = "anthropic"``):
``model``, ``base_url`` (default ``https://api.anthropic.com``), ``api_key_env`` (default
``ANTHROPIC_API_KEY``), ``timeout`` and ``json_schema``.

System messages go into the separate ``system`` parameter; consecutive turns of one role are
merged, as the API wants alternating turns.

JSON answers use a forced tool call: the request's schema becomes the ``input_schema`` of one
tool named after ``schema_name`` and ``tool_choice`` forces it, so the answer arrives as the
tool's ``input`` object, validated by the service. This works on every current Claude model,
unlike a prefilled ``{`` assistant turn, which newer models refuse. With ``json_schema = false``
(or a schema whose top level is not an object) the schema is stated in the system prompt and
the JSON is taken from the text. ``temperature`` is not sent: the SDK's Messages API no longer
takes it. The SDK's own retries are off; the chain retries.
"""

from __future__ import annotations

import json
from typing import Any

from deepdaily.analyse.providers._common import (
    KEYLESS,
    EndpointIdentity,
    json_answer,
    schema_instruction,
    tool_name,
    translate_sdk_error,
)
from deepdaily.analyse.providers.base import (
    ChatRequest,
    ChatResponse,
    ProviderBadOutput,
    ProviderError,
    Usage,
)
from deepdaily.analyse.providers.presets import Endpoint
from deepdaily.config import LLMSpec

__all__ = ["AnthropicProvider"]


class AnthropicProvider(EndpointIdentity):
    """One Anthropic (or Anthropic-compatible) endpoint and model."""

    def __init__(
        self,
        spec: LLMSpec | Endpoint,
        api_key: str | None,
        *,
        http_client: Any = None,
        index: int = 0,
    ) -> None:
        import anthropic  # the optional 'llm' extra

        self._bind(spec, api_key, index)
        self._sdk = anthropic
        # An explicit key (even the placeholder) stops the SDK from reading credentials from
        # the environment or its own config files.
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key or KEYLESS,
            base_url=self.endpoint.base_url,
            max_retries=0,
            timeout=self.spec.timeout,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"AnthropicProvider({self.label}, {self.endpoint.base_url})"

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, request: ChatRequest) -> tuple[dict[str, Any], str]:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        turns: list[dict[str, Any]] = []
        for message in request.messages:
            if message.role == "system":
                continue
            if turns and turns[-1]["role"] == message.role:
                turns[-1]["content"] += "\n\n" + message.content
            else:
                turns.append({"role": message.role, "content": message.content})
        if not turns or turns[0]["role"] != "user":
            raise ProviderError(
                f"{self.label}: the request has no user turn first", provider=self.label
            )
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": turns,
        }
        tool = ""
        schema = request.json_schema
        if schema is not None:
            if self.endpoint.json_schema and schema.get("type", "object") == "object":
                tool = tool_name(request.schema_name)
                params["tools"] = [
                    {
                        "name": tool,
                        "description": "Give the answer: the tool's input is the answer object.",
                        "input_schema": {"type": "object", **schema},
                    }
                ]
                params["tool_choice"] = {"type": "tool", "name": tool}
            else:
                note = schema_instruction(schema)
                system = f"{system}\n\n{note}" if system else note
        if system:
            params["system"] = system
        return params, tool

    async def complete(self, request: ChatRequest) -> ChatResponse:
        params, tool = self._params(request)
        try:
            response = await self._client.messages.create(**params)
        except self._sdk.AnthropicError as exc:
            raise translate_sdk_error(
                exc,
                self._sdk,
                label=self.label,
                api_key_env=self.api_key_env,
                secret=self._secret,
                timeout=self.spec.timeout,
            ) from None
        blocks = getattr(response, "content", None)
        if not isinstance(blocks, list):
            raise ProviderBadOutput(
                f"{self.label}: the answer is not a Messages API message (a proxy's page?)",
                provider=self.label,
                text=str(response)[:500],
                reason="not a Messages API message",
            )
        raw = getattr(response, "usage", None)
        usage = Usage(
            input_tokens=sum(
                getattr(raw, field, 0) or 0
                for field in (
                    "input_tokens",
                    "cache_creation_input_tokens",
                    "cache_read_input_tokens",
                )
            ),
            output_tokens=getattr(raw, "output_tokens", 0) or 0,
        )
        cut = " (cut off at max_tokens)" if response.stop_reason == "max_tokens" else ""
        if tool:
            for block in blocks:
                if block.type == "tool_use" and block.name == tool:
                    text = json_answer(_json_text(block.input), label=self.label, usage=usage)
                    return self._response(text, usage)
        text = "".join(block.text for block in blocks if block.type == "text")
        if not text.strip():
            raise ProviderBadOutput(
                f"{self.label}: empty answer{cut}",
                provider=self.label,
                usage=usage,
                reason="empty answer",
            )
        if request.json_schema is not None:
            text = json_answer(text, label=self.label, usage=usage, cut=cut)
        return self._response(text, usage)

    def _response(self, text: str, usage: Usage) -> ChatResponse:
        return ChatResponse(text=text, usage=usage, provider=self.name, model=self.model)


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
