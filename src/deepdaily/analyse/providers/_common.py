"""Helpers shared by the SDK-backed providers: status mapping, one-line scrubbed messages,
``Retry-After`` parsing, lenient JSON extraction and the answers that carry nothing
(:func:`json_answer`: empty JSON such as ``{}``, or a refusal instead of JSON).

Nothing here knows an SDK: each provider turns its SDK's exception into ``(status, headers,
body)`` and lets :func:`error_for_status` choose the :class:`ProviderError` the fallback chain
acts on. Every message goes through :func:`one_line`, which removes the API key (and anything
shaped like one) so a key can never reach a log, an exception or the run manifest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from deepdaily.analyse.providers.base import (
    ProviderAuthError,
    ProviderBadOutput,
    ProviderError,
    ProviderGone,
    ProviderRateLimited,
    ProviderUnavailable,
)

__all__ = [
    "KEYLESS",
    "error_for_status",
    "extract_json",
    "is_contentless",
    "json_answer",
    "one_line",
    "refusal",
    "retry_after_seconds",
    "schema_instruction",
    "server_message",
    "timed_out",
    "tool_name",
    "translate_sdk_error",
]

KEYLESS = "not-needed"
"""Placeholder key for endpoints without authentication.

Passing it explicitly stops the SDKs from reading ``OPENAI_API_KEY``/``ANTHROPIC_API_KEY`` on
their own, which would send one service's key to another (a local Ollama, say)."""

_KEY_SHAPES = re.compile(r"\b(sk|pk|rk|key|ak)-[A-Za-z0-9_\-*.]{6,}", re.IGNORECASE)
_MAX_MESSAGE = 240


def one_line(text: object, *, secret: str | None = None, limit: int = _MAX_MESSAGE) -> str:
    """``text`` on one line, without ``secret`` or key-shaped tokens, at most ``limit`` chars."""
    value = str(text)
    if secret and secret != KEYLESS:
        value = value.replace(secret, "***")
    value = _KEY_SHAPES.sub(lambda m: f"{m.group(1)}-***", value)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def server_message(body: object) -> str:
    """The human message inside an OpenAI- or Anthropic-shaped error body, if any."""
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
        if body.get("message"):
            return str(body["message"])
    return "" if body is None else str(body)


def _error_code(body: object) -> str:
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping):
            return str(inner.get("code") or inner.get("type") or "")
    return ""


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``, in seconds."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_for_status(
    status: int,
    *,
    label: str,
    api_key_env: str,
    body: object,
    headers: Mapping[str, str] | None,
    secret: str | None,
) -> ProviderError:
    """The provider error for an HTTP error answer, with a one-line message."""
    detail = one_line(server_message(body), secret=secret, limit=160)
    suffix = f": {detail}" if detail else ""
    code = _error_code(body)
    if status in (401, 403):
        where = (
            f"; check the key in environment variable {api_key_env}"
            if api_key_env
            else "; this endpoint needs a key: set api_key_env"
        )
        word = "authentication failed" if status == 401 else "permission denied"
        return ProviderAuthError(
            f"{label}: {word} (HTTP {status}){where}",
            provider=label,
            status=status,
            reason=f"{word} (HTTP {status})",
        )
    if status == 402 or code == "insufficient_quota":
        return ProviderAuthError(
            f"{label}: quota or spending limit reached (HTTP {status}); check the account's "
            f"billing{suffix}",
            provider=label,
            status=status,
            reason=f"quota or spending limit reached (HTTP {status})",
        )
    if status in (404, 410):
        return ProviderGone(
            f"{label}: model retired or route gone (HTTP {status}){suffix}",
            provider=label,
            status=status,
            reason=f"model retired or route gone (HTTP {status})",
        )
    if status == 429:
        wait = retry_after_seconds(headers)
        hint = f", retry after {wait:g}s" if wait is not None else ""
        return ProviderRateLimited(
            f"{label}: rate limited (HTTP 429{hint}){suffix}",
            provider=label,
            status=status,
            retry_after=wait,
            reason=f"rate limited (HTTP 429{hint})",
        )
    if status == 408 or status >= 500:
        return ProviderUnavailable(
            f"{label}: server error (HTTP {status}){suffix}",
            provider=label,
            status=status,
            reason=f"server error (HTTP {status})",
        )
    return ProviderError(
        f"{label}: request refused (HTTP {status}){suffix}",
        provider=label,
        status=status,
        reason=f"request refused (HTTP {status})",
    )


_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n?(.*?)\n?```\s*$", re.DOTALL)


def extract_json(text: str) -> str | None:
    """The JSON value in a model's answer, as compact text, or ``None``.

    Tolerates a Markdown code fence and prose around a single top-level object, which some
    JSON-mode-less endpoints add; anything else is left for the caller to reject.
    """
    candidate = text.strip()
    fenced = _FENCE.match(candidate)
    if fenced:
        candidate = fenced.group(1).strip()
    for attempt in (candidate, _outer_object(candidate)):
        if not attempt:
            continue
        try:
            value: Any = json.loads(attempt)
        except json.JSONDecodeError:
            continue
        return json.dumps(value, ensure_ascii=False)
    return None


def _outer_object(text: str) -> str:
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else ""


def is_contentless(value: Any) -> bool:
    """Whether a JSON value says nothing: ``null``, blank strings, and lists or objects made
    only of those (``{}``, ``[]``, ``{"title": ""}``). ``false`` and ``0`` are content."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(is_contentless(v) for v in value)
    if isinstance(value, dict):
        return all(is_contentless(v) for v in value.values())
    return False


_REFUSAL = re.compile(
    r"^\W*(?:"
    r"(?:i'?m|i am) sorry|sorry,|i apologi[sz]e|unfortunately,? i\b|as an ai\b|"
    r"i (?:can'?t|cannot|won'?t|will not) (?:help|assist|comply|provide|do|fulfil|complete)|"
    r"(?:i'?m|i am) (?:unable|not able) to|"
    r"(?:很)?抱歉|对不起|作为一?个?\s*(?:ai|人工智能|语言模型)|"
    r"我(?:无法|不能)(?:帮助|协助|提供|完成|回答))",
    re.IGNORECASE,
)


def refusal(text: str) -> bool:
    """Whether prose (not JSON) opens like a model declining the task."""
    return bool(_REFUSAL.match(text.strip()))


def json_answer(text: str, *, label: str, usage: Any, cut: str = "") -> str:
    """The JSON of a model's answer as compact text, or the :class:`ProviderBadOutput` that
    says why there is none: a refusal or empty JSON (``{}``) goes to the next provider, text
    that is not JSON may be re-asked."""
    parsed = extract_json(text)
    if parsed is None:
        if refusal(text):
            raise ProviderBadOutput(
                f"{label}: refused: {one_line(text, limit=120)}",
                provider=label,
                text=text,
                usage=usage,
                reason="refused",
            )
        raise ProviderBadOutput(
            f"{label}: the answer is not JSON{cut}",
            provider=label,
            text=text,
            usage=usage,
            reason=f"not JSON{cut}",
            reaskable=True,
        )
    if is_contentless(json.loads(parsed)):
        raise ProviderBadOutput(
            f"{label}: empty answer ({one_line(parsed, limit=60)})",
            provider=label,
            text=text,
            usage=usage,
            reason="empty answer",
        )
    return parsed


def tool_name(name: str) -> str:
    """``name`` as the APIs accept a schema or tool name: ``[a-zA-Z0-9_-]{1,64}``."""
    cleaned = re.sub(r"[^a-zA-Z0-9_-]+", "_", name).strip("_")[:64]
    return cleaned or "answer"


def schema_instruction(schema: Mapping[str, Any]) -> str:
    """The instruction added when an endpoint cannot enforce a JSON schema itself."""
    compact = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    return (
        "Reply with one JSON object only, no prose and no code fence. "
        f"It must match this JSON schema: {compact}"
    )


def timed_out(label: str, seconds: float) -> ProviderUnavailable:
    """The error of a request that got no answer within ``seconds``."""
    return ProviderUnavailable(
        f"{label}: timed out after {seconds:g} s (timeout)",
        provider=label,
        reason=f"timed out after {seconds:g} s",
    )


def translate_sdk_error(
    exc: Exception,
    sdk: Any,
    *,
    label: str,
    api_key_env: str,
    secret: str | None,
    timeout: float,
) -> ProviderError:
    """Map an exception of a Stainless-generated SDK (``openai`` or ``anthropic``, passed as
    ``sdk``; both name their classes alike) to the provider error the chain acts on."""
    if isinstance(exc, sdk.APIStatusError):
        return error_for_status(
            exc.status_code,
            label=label,
            api_key_env=api_key_env,
            body=exc.body,
            headers=dict(exc.response.headers),
            secret=secret,
        )
    if isinstance(exc, sdk.APITimeoutError):
        return timed_out(label, timeout)
    if isinstance(exc, sdk.APIConnectionError):
        cause = exc.__cause__ or exc
        return ProviderUnavailable(
            f"{label}: connection failed: {one_line(cause, secret=secret, limit=160)}",
            provider=label,
            reason="connection failed",
        )
    if isinstance(exc, sdk.APIResponseValidationError):
        return ProviderBadOutput(
            f"{label}: the answer does not follow the API's format",
            provider=label,
            reason="answer not in the API's format",
        )
    return ProviderError(
        f"{label}: {type(exc).__name__}: {one_line(exc, secret=secret)}", provider=label
    )


class EndpointIdentity:
    """What every endpoint provider records about its ``[[llm]]`` entry (never the key's
    value outside ``_secret``, which only error scrubbing reads)."""

    def _bind(self, spec: Any, api_key: str | None, index: int) -> None:
        from deepdaily.analyse.providers.presets import Endpoint, resolve

        self.endpoint: Endpoint = spec if isinstance(spec, Endpoint) else resolve(spec, index)
        self.spec = self.endpoint.spec
        self.name = self.endpoint.name
        self.model = self.endpoint.model
        self.label = self.endpoint.label
        self.api_key_env = self.endpoint.api_key_env
        self.max_retries = self.spec.max_retries
        self._secret = api_key
