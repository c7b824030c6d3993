"""A provider made of providers: try each in order until one answers.

For each request the members are tried in order, and each error decides what happens next:

============================  ==============================================================
``ProviderAuthError``         disable the member for the run (key missing, wrong or out of
                              credit: a configuration problem), try the next
``ProviderGone``              disable the member for the run (model retired or route gone)
``ProviderRateLimited``       wait ``min(retry_after, max_retry_after)`` (or the backoff) and
                              retry the member up to ``retries`` times, then the next
``ProviderUnavailable``       retry with exponential backoff up to ``retries`` times, then next
``ProviderBadOutput``         the next member (the analyser re-asks with validation errors)
any other error               the next member
============================  ==============================================================

A member that fails ``breaker_threshold`` requests in a row is *open* (skipped) for the rest of
the run, so a dead endpoint costs a few timeouts, not one per event. When every member fails,
:class:`AllProvidersFailed` lists each one's last error on one line. Every attempt goes to the
:class:`CallLog`; once the log's budget is exhausted the chain refuses with
:class:`BudgetExhausted` without calling anyone.

Governed by the ``[[llm]]`` entries (order, and each entry's ``max_retries``, which a member
exposes as ``max_retries`` and which overrides ``retries``). The design follows pydantic-ai's
``FallbackModel``: the chain is itself a :class:`Provider`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from deepdaily.analyse.providers._common import one_line
from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    BudgetExhausted,
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderAuthError,
    ProviderBadOutput,
    ProviderError,
    ProviderGone,
    ProviderRateLimited,
    ProviderUnavailable,
    Usage,
)
from deepdaily.analyse.providers.calllog import CallLog

__all__ = ["FallbackProvider"]

Sleep = Callable[[float], Awaitable[object]]


@dataclass
class _Member:
    provider: Provider
    retries: int
    disabled: str = ""  # why it is out of the run
    failures: int = 0  # consecutive failed requests
    open: bool = False
    last_error: ProviderError | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def label(self) -> str:
        return str(getattr(self.provider, "label", self.provider.name))


class FallbackProvider:
    """Try ``providers`` in order; see the module docstring for what each error does."""

    name = "fallback"

    def __init__(
        self,
        providers: Sequence[Provider],
        *,
        log: CallLog,
        retries: int = 2,
        backoff: float = 1.0,
        max_retry_after: float = 30.0,
        breaker_threshold: int = 3,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not providers:
            raise ValueError("FallbackProvider needs at least one provider")
        self._members = [
            _Member(p, retries=int(getattr(p, "max_retries", retries))) for p in providers
        ]
        self.log = log
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.breaker_threshold = max(1, breaker_threshold)
        self._sleep = sleep
        self.model = ",".join(dict.fromkeys(p.model for p in providers))

    @property
    def providers(self) -> list[Provider]:
        """The members, in order."""
        return [m.provider for m in self._members]

    @property
    def usable(self) -> bool:
        """Whether any member is neither disabled nor open."""
        return any(not m.disabled and not m.open for m in self._members)

    def state(self) -> dict[str, str]:
        """Each member's state: ``ok``, ``open`` or ``disabled: <reason>``."""
        return {
            m.name: (f"disabled: {m.disabled}" if m.disabled else "open" if m.open else "ok")
            for m in self._members
        }

    async def aclose(self) -> None:
        for member in self._members:
            closer = getattr(member.provider, "aclose", None)
            if closer is not None:
                await closer()

    async def complete(self, request: ChatRequest, *, only: str | None = None) -> ChatResponse:
        """Answer ``request`` with the first member that can; ``only`` names one member (a
        judge, say) to use alone, with the same retries, breaker and logging."""
        budget = self.log.budget
        if budget is not None and budget.exhausted:
            raise BudgetExhausted(f"LLM budget exhausted: {budget.describe()}")
        members = self._members if only is None else [m for m in self._members if m.name == only]
        if not members:
            raise AllProvidersFailed(f"no usable LLM provider named {only!r}")
        errors: list[ProviderError] = []
        for member in members:
            skipped = self._skip_reason(member)
            if skipped is not None:
                errors.append(skipped)
                continue
            try:
                return await self._attempt(member, request, fallbacks=len(errors))
            except ProviderError as exc:
                errors.append(exc)
        lines = "; ".join(one_line(e, limit=300) for e in errors)
        raise AllProvidersFailed(
            f"all {len(members)} LLM provider(s) failed: {lines}", errors=errors
        )

    def _skip_reason(self, member: _Member) -> ProviderError | None:
        if member.disabled:
            return member.last_error or ProviderError(
                f"{member.label}: disabled for this run: {member.disabled}", provider=member.label
            )
        if member.open:
            return ProviderError(
                f"{member.label}: skipped, circuit open after {member.failures} consecutive "
                f"failures (last: {member.last_error})",
                provider=member.label,
            )
        return None

    async def _attempt(
        self, member: _Member, request: ChatRequest, *, fallbacks: int
    ) -> ChatResponse:
        provider = member.provider
        spec = getattr(provider, "spec", None)
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                response = await provider.complete(request)
            except Exception as raised:
                exc = (
                    raised
                    if isinstance(raised, ProviderError)
                    else ProviderError(
                        f"{member.label}: {type(raised).__name__}: {one_line(raised)}",
                        provider=member.label,
                    )
                )
                usage = exc.usage if isinstance(exc, ProviderBadOutput) else Usage()
                self.log.record(
                    provider=member.name,
                    model=provider.model,
                    purpose=request.purpose,
                    ok=False,
                    error=exc,
                    usage=usage,
                    spec=spec,
                    latency_ms=_ms_since(started),
                    fallbacks=fallbacks,
                    attempt=attempt,
                )
                member.last_error = exc
                if isinstance(exc, ProviderAuthError | ProviderGone):
                    member.disabled = one_line(exc, limit=300)
                    self.log.disable(member.name, member.disabled)
                    raise exc from None
                delay = self._retry_delay(exc, attempt)
                if delay is not None and attempt <= member.retries:
                    await self._sleep(delay)
                    continue
                self._count_failure(member)
                raise exc from None
            self.log.record(
                provider=member.name,
                model=provider.model,
                purpose=request.purpose,
                ok=True,
                usage=response.usage,
                spec=spec,
                latency_ms=_ms_since(started),
                fallbacks=fallbacks,
                attempt=attempt,
            )
            member.failures = 0
            return response

    def _retry_delay(self, exc: ProviderError, attempt: int) -> float | None:
        """Seconds to wait before retrying after ``exc``, or ``None``: do not retry."""
        exponential = min(self.backoff * float(2 ** (attempt - 1)), self.max_retry_after)
        if isinstance(exc, ProviderRateLimited):
            if exc.retry_after is not None:
                return min(float(exc.retry_after), self.max_retry_after)
            return exponential
        if isinstance(exc, ProviderUnavailable):
            return exponential
        return None

    def _count_failure(self, member: _Member) -> None:
        member.failures += 1
        if member.failures >= self.breaker_threshold and not member.open:
            member.open = True
            self.log.disable(
                member.name,
                f"{member.label}: circuit open after {member.failures} consecutive failures "
                f"(last: {one_line(member.last_error, limit=200)})",
            )


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
