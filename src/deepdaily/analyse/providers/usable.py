"""An answer must be usable, not merely delivered: the check a caller hands the chain, and the
bounded re-ask loop around one provider.

A caller that knows what a usable answer is (the analyser: JSON for its schema, in the
profile's language) passes an :class:`AnswerCheck` to
:meth:`~deepdaily.analyse.providers.fallback.FallbackProvider.complete`. Each provider of the
chain then gets the request in turn, through :func:`complete_usable`:

- an answer the check rejects is a failed attempt of that provider, like an HTTP error;
- a *reaskable* rejection (not JSON, JSON that fails the schema) is sent back to the same
  provider with the error, at most ``check.reasks`` times, in a conversation built from the
  original request (:meth:`AnswerCheck.reask`); still unusable after that, the provider gives
  the request up with the reason "schema-invalid after 2 re-asks";
- any other rejection (empty, a refusal, the wrong language) gives the request up at once;

and the next provider answers the same request. Endpoints reject what they can tell without
the caller (an empty answer, ``{}``, a refusal, text that is not JSON) by raising
:class:`~deepdaily.analyse.providers.base.ProviderBadOutput` themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from deepdaily.analyse.providers.base import (
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderBadOutput,
)

__all__ = ["AnswerCheck", "Call", "checked", "complete_usable", "given_up"]

Call = Callable[[ChatRequest], Awaitable[ChatResponse]]


class AnswerCheck(Protocol):
    """What the caller says about answers; see the module docstring."""

    reasks: int  # how many times a reaskable rejection is sent back to the same provider

    def problem(self, response: ChatResponse) -> ProviderBadOutput | None:
        """Why ``response`` cannot be used (``reason`` in a few words), or ``None``."""
        ...

    def reask(self, request: ChatRequest, bad: ProviderBadOutput) -> ChatRequest | None:
        """The request that sends ``bad`` back with its error (``None``: do not re-ask).

        May raise to stop everything (the analyser's ``BudgetTight``)."""
        ...

    def gave_up(self, provider: str, reason: str) -> None:
        """``provider`` (its label) gave the request up for ``reason``; another may answer."""
        ...


def given_up(bad: ProviderBadOutput, reasks: int) -> ProviderBadOutput:
    """The error of a provider whose answer was still ``bad`` after ``reasks`` re-asks."""
    plural = "" if reasks == 1 else "s"
    reason = f"{bad.reason} after {reasks} re-ask{plural}"
    label = bad.provider
    detail = str(bad).removeprefix(f"{label}: ") if label else str(bad)
    return ProviderBadOutput(
        f"{label}: {reason}: {detail}" if label else f"{reason}: {detail}",
        provider=label,
        status=bad.status,
        text=bad.text,
        usage=bad.usage,
        reason=reason,
    )


async def complete_usable(call: Call, request: ChatRequest, check: AnswerCheck) -> ChatResponse:
    """``call(request)``, re-asking a reaskable rejection up to ``check.reasks`` times.

    ``call`` asks one provider and raises ``ProviderBadOutput`` for an unusable answer (see
    :func:`checked`); any other error propagates as it is.
    """
    current = request
    asked = 0
    while True:
        try:
            return await call(current)
        except ProviderBadOutput as bad:
            if bad.reaskable and asked < check.reasks:
                follow = check.reask(request, bad)
                if follow is not None:
                    asked += 1
                    current = follow
                    continue
            if bad.reaskable and asked:
                raise given_up(bad, asked) from None
            raise


def checked(provider: Provider, check: AnswerCheck) -> Call:
    """A call to one bare provider that raises the check's rejection of its answer."""

    async def call(request: ChatRequest) -> ChatResponse:
        response = await provider.complete(request)
        bad = check.problem(response)
        if bad is not None:
            raise bad
        return response

    return call
