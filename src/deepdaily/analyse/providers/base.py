"""The LLM seam: one request in, one response out.

A provider turns a :class:`ChatRequest` into a :class:`ChatResponse` with token usage, or raises
one of the :class:`ProviderError` subclasses below, which the fallback chain acts on::

    AnalysisError
    └── ProviderError
        ├── ProviderAuthError      401/403: configuration error, skip for the run
        ├── ProviderGone           404/410: model or route retired, skip for the run
        ├── ProviderRateLimited    429: honour retry_after, then fall through
        ├── ProviderUnavailable    5xx, timeout, connection error: retry, then fall through
        ├── ProviderBadOutput      unusable: empty, a refusal, not JSON, JSON that fails the
        │                          schema, the wrong language (re-ask when ``reaskable``)
        ├── BudgetExhausted        the run's token or cost budget is spent
        ├── DeadlineExceeded       the run's analysis deadline (``[analysis] deadline_s``) passed
        └── AllProvidersFailed     the whole chain failed for one request

Every error carries ``reason``: a short phrase without the provider's label ("timed out after
20 s", "empty answer", "rate limited (HTTP 429)"), which the call log counts per provider and
the run manifest shows.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from deepdaily.errors import AnalysisError

__all__ = [
    "AllProvidersFailed",
    "BudgetExhausted",
    "ChatMessage",
    "ChatRequest",
    "ChatResponse",
    "DeadlineExceeded",
    "Provider",
    "ProviderAuthError",
    "ProviderBadOutput",
    "ProviderError",
    "ProviderGone",
    "ProviderRateLimited",
    "ProviderUnavailable",
    "Usage",
]


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    messages: list[ChatMessage]
    json_schema: dict[str, Any] | None = None  # ask for JSON matching this schema
    schema_name: str = "answer"
    max_tokens: int = 2000
    temperature: float = 0.2
    purpose: str = ""  # e.g. "analyse:<event id>", for the manifest
    # Cache key parts (see providers/cache.py); the request body is part of the key anyway.
    sources_hash: str = ""  # content hash of the sources the prompt was built from
    prompt_version: str = ""  # bump to invalidate cached answers of an older prompt


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def total(self) -> int:
        return self.input_tokens + self.output_tokens


class ChatResponse(BaseModel):
    text: str
    usage: Usage = Field(default_factory=Usage)
    provider: str
    model: str
    cached: bool = False  # served from the response cache: usage is zero new tokens


@runtime_checkable
class Provider(Protocol):
    """Anything that can answer a chat request: one endpoint, or a chain of them."""

    name: str
    model: str

    async def complete(self, request: ChatRequest) -> ChatResponse: ...


class ProviderError(AnalysisError):
    """A provider could not answer; ``reason`` says why in a few words, without its label."""

    def __init__(
        self, message: str, *, provider: str = "", status: int | None = None, reason: str = ""
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.status = status
        self.reason = reason or _short_reason(message, provider)


def _short_reason(message: str, provider: str) -> str:
    text = " ".join(message.split())
    if provider:
        text = text.removeprefix(f"{provider}: ")
    return text if len(text) <= 120 else text[:119] + "…"


class ProviderAuthError(ProviderError):
    pass


class ProviderGone(ProviderError):
    pass


class ProviderRateLimited(ProviderError):
    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = 429,
        retry_after: float | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(message, provider=provider, status=status, reason=reason)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    pass


class ProviderBadOutput(ProviderError):
    """The endpoint answered, but not with usable output; ``text`` is what it said.

    ``reaskable`` answers (not JSON, JSON that fails the schema) may be sent back to the same
    provider with the error; the others (empty, a refusal, the wrong language) go to the next.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        text: str = "",
        usage: Usage | None = None,
        reason: str = "",
        reaskable: bool = False,
    ) -> None:
        super().__init__(message, provider=provider, status=status, reason=reason)
        self.text = text
        self.usage = usage or Usage()  # tokens spent on the unusable answer
        self.reaskable = reaskable


class BudgetExhausted(ProviderError):
    """The token or cost budget of the run (``analysis.budget_*``) is spent."""


class DeadlineExceeded(ProviderError):
    """The run's analysis deadline (``[analysis] deadline_s``) has passed: no more calls."""


class AllProvidersFailed(ProviderError):
    """Every provider of a chain failed one request; ``errors`` holds each one's last error."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        errors: list[ProviderError] | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status=status, reason="every provider failed")
        self.errors = list(errors or [])
