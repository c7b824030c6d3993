"""Any OpenAI-compatible chat-completions endpoint, through the official ``openai`` SDK.

OpenAI itself, DeepSeek, Qwen (DashScope), Kimi (Moonshot), GLM (Zhipu), OpenRouter, and local
servers (Ollama, vLLM, LM Studio, llama.cpp) all speak this protocol; :mod:`.presets` knows their
URLs. Governed by one ``[[llm]]`` entry: ``model``, ``base_url``/``preset``, ``api_key_env``,
``timeout`` and ``json_schema``.

JSON answers: with a schema and an endpoint that supports it, ``response_format`` is
``json_schema`` (``strict: false``, so optional fields stay optional); otherwise it is JSON mode
(``json_object``) and the schema is added to the system prompt, since JSON mode alone does not
convey it. The SDK's own retries are off (``max_retries=0``): retrying and falling back are the
chain's job (:mod:`.fallback`).
"""

from __future__ import annotations

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
    Usage,
)
from deepdaily.analyse.providers.presets import Endpoint
from deepdaily.config import LLMSpec

__all__ = ["OpenAICompatProvider"]


class OpenAICompatProvider(EndpointIdentity):
    """One OpenAI-compatible endpoint and model.

    ``api_key`` is ``None`` for endpoints without authentication; a placeholder is then sent so
    that the SDK never picks up ``OPENAI_API_KEY`` by itself and hands it to another service.
    ``http_client`` (an ``httpx2.AsyncClient``, the SDK's transport) is for tests and proxies.
    """

    def __init__(
        self,
        spec: LLMSpec | Endpoint,
        api_key: str | None,
        *,
        http_client: Any = None,
        index: int = 0,
    ) -> None:
        import openai  # the optional 'llm' extra

        self._bind(spec, api_key, index)
        self._sdk = openai
        self._client = openai.AsyncOpenAI(
            base_url=self.endpoint.base_url,
            api_key=api_key or KEYLESS,
            max_retries=0,
            timeout=self.spec.timeout,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"OpenAICompatProvider({self.label}, {self.endpoint.base_url})"

    async def aclose(self) -> None:
        await self._client.close()

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        messages = [m.model_dump() for m in request.messages]
        params: dict[str, Any] = {
            "model": self.model,
            "temperature": request.temperature,
            self.endpoint.max_tokens_field: request.max_tokens,
        }
        if request.json_schema is not None:
            if self.endpoint.json_schema:
                params["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {
                        "name": tool_name(request.schema_name),
                        "schema": request.json_schema,
                        "strict": False,
                    },
                }
            else:
                params["response_format"] = {"type": "json_object"}
                messages = _with_system_note(messages, schema_instruction(request.json_schema))
        params["messages"] = messages
        return params

    async def complete(self, request: ChatRequest) -> ChatResponse:
        try:
            response = await self._client.chat.completions.create(**self._params(request))
        except self._sdk.OpenAIError as exc:
            raise translate_sdk_error(
                exc,
                self._sdk,
                label=self.label,
                api_key_env=self.api_key_env,
                secret=self._secret,
                timeout=self.spec.timeout,
            ) from None
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):
            raise ProviderBadOutput(
                f"{self.label}: the answer is not a chat completion (a proxy's page?)",
                provider=self.label,
                text=str(response)[:500],
                reason="not a chat completion",
            )
        raw_usage = getattr(response, "usage", None)
        usage = Usage(
            input_tokens=getattr(raw_usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(raw_usage, "completion_tokens", 0) or 0,
        )
        if not choices:
            raise ProviderBadOutput(
                f"{self.label}: the answer has no choices",
                provider=self.label,
                usage=usage,
                reason="empty answer",
            )
        message, finish = choices[0].message, choices[0].finish_reason
        text = message.content or ""
        if not text.strip():
            refused = getattr(message, "refusal", None)
            why = f"refused: {refused}" if refused else f"finish_reason={finish}"
            raise ProviderBadOutput(
                f"{self.label}: empty answer ({why})",
                provider=self.label,
                usage=usage,
                reason="refused" if refused else "empty answer",
            )
        if request.json_schema is not None:
            cut = " (cut off at max_tokens)" if finish == "length" else ""
            text = json_answer(text, label=self.label, usage=usage, cut=cut)
        return ChatResponse(text=text, usage=usage, provider=self.name, model=self.model)


def _with_system_note(messages: list[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    """Append ``note`` to the first system message, or start with one."""
    for i, message in enumerate(messages):
        if message["role"] == "system":
            updated = {**message, "content": f"{message['content']}\n\n{note}"}
            return [*messages[:i], updated, *messages[i + 1 :]]
    return [{"role": "system", "content": note}, *messages]
