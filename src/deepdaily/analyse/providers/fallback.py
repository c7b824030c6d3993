"""A provider made of providers: try each in order until one gives a usable answer.

For each request the members are tried in order, and each failure decides what happens next:

============================  ==============================================================
``ProviderAuthError``         disable the member for the run (key missing, wrong or out of
                              credit: a configuration problem), try the next
``ProviderGone``              disable the member for the run (model retired or route gone)
``ProviderRateLimited``       wait ``min(retry_after, max_retry_after)`` (or the backoff) and
                              retry the member up to ``retries`` times, then the next
``ProviderUnavailable``       retry with exponential backoff up to ``retries`` times, then next
(5xx, connection, timeout)
``ProviderBadOutput``         the next member; with an :class:`~.usable.AnswerCheck`, a
(empty, ``{}``, a refusal,    reaskable answer (not JSON, schema-invalid) is first sent back
not JSON; and whatever the    to the same member ``check.reasks`` times; an answer the check
caller's check rejects:       rejects counts like any other failure
schema, language)
any other error               the next member
============================  ==============================================================

**Time.** One request to one member, its retries and back-off waits included, must be answered
within the member's ``timeout`` (the ``[[llm]]`` entry's; a re-ask is a new request with a
new allowance): an attempt that outlives it is abandoned as "timed out after N s", and a wait
that would outlive it is not started. On top of that, the run's
:class:`~.deadline.Deadline` (``[analysis] deadline_s``, carried by the :class:`CallLog`)
bounds everything: past it, requests are refused with :class:`DeadlineExceeded` and attempts
in flight are cut, so a run whose only provider hangs ends, offline, within the deadline plus
the time it takes to cancel (well under a second).

**Circuit breaker.** Every failed *attempt* counts (a retry or a re-ask is an attempt; so are
an empty answer, a schema-invalid one after its re-asks, the wrong language, a timeout);
``breaker_threshold`` failed attempts in a row, across all requests, open the member for the
rest of the run. Opening it also cuts the attempts and back-off waits in flight to that member
(and disabling it after a 401 does the same), so concurrent requests move to the next member
at once instead of each waiting out its own retries; requests that come later skip it.

When every member fails, :class:`AllProvidersFailed` lists each one's last error on one line.
Every attempt goes to the :class:`CallLog` with its reason, and each request a member gives up
is noted there (:meth:`CallLog.give_up`), so the manifest names the provider and why. Once the
log's budget is exhausted the chain refuses with :class:`BudgetExhausted` without calling
anyone.

Governed by the ``[[llm]]`` entries (order, and each entry's ``timeout`` and ``max_retries``,
which a member exposes as ``spec.timeout`` and ``max_retries``; the latter overrides
``retries``) and by ``[analysis] deadline_s``. The design follows pydantic-ai's
``FallbackModel``: the chain is itself a :class:`Provider`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from deepdaily.analyse.providers._common import one_line, timed_out
from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    BudgetExhausted,
    ChatRequest,
    ChatResponse,
    DeadlineExceeded,
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
from deepdaily.analyse.providers.usable import AnswerCheck, complete_usable

__all__ = ["FallbackProvider"]

Sleep = Callable[[float], Awaitable[object]]
T = TypeVar("T")


class _Stopped(Exception):
    """Internal: the member was opened or disabled while an attempt or a wait was pending."""


class _OutOfTime(Exception):
    """Internal: the bound given to :func:`_within` ran out."""


async def _within(work: Awaitable[T], limit: float | None, stop: asyncio.Event) -> T:
    """``work``'s result, or :class:`_OutOfTime` after ``limit`` seconds, or :class:`_Stopped`
    as soon as ``stop`` is set; the abandoned work is cancelled and awaited."""
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait(
            {task, waiter}, timeout=limit, return_when=asyncio.FIRST_COMPLETED
        )
    finally:
        for pending in (task, waiter):
            if not pending.done():
                pending.cancel()
        await asyncio.gather(task, waiter, return_exceptions=True)
    if task in done:
        return task.result()
    if waiter in done:
        raise _Stopped
    raise _OutOfTime


@dataclass
class _Member:
    provider: Provider
    retries: int
    timeout: float | None  # bound on one request (retries and waits included); None: none
    disabled: str = ""  # why it is out of the run
    failures: int = 0  # consecutive failed attempts
    open: bool = False
    last_error: ProviderError | None = field(default=None, repr=False)
    _stop: asyncio.Event | None = field(default=None, repr=False)
    _stop_loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def label(self) -> str:
        return str(getattr(self.provider, "label", self.provider.name))

    @property
    def out(self) -> bool:
        return bool(self.disabled) or self.open

    def stop_event(self) -> asyncio.Event:
        """Set once the member is out of the run (one event per event loop)."""
        loop = asyncio.get_running_loop()
        if self._stop is None or self._stop_loop is not loop:
            self._stop, self._stop_loop = asyncio.Event(), loop
            if self.out:
                self._stop.set()
        return self._stop

    def take_out(self) -> None:
        """Wake every attempt and wait in flight to this member: it is out."""
        if self._stop is not None:
            self._stop.set()


def _timeout_of(provider: Provider, default: float | None) -> float | None:
    spec = getattr(provider, "spec", None)
    value = getattr(spec, "timeout", None)
    return float(value) if isinstance(value, int | float) and value > 0 else default


class FallbackProvider:
    """Try ``providers`` in order; see the module docstring for what each failure does.

    ``request_timeout`` bounds a request to a member whose entry gives no ``timeout`` (a bare
    test provider, say); ``None`` leaves it to the run's deadline.
    """

    name = "fallback"
    checks_answers = True  # complete() takes an AnswerCheck

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
        request_timeout: float | None = None,
    ) -> None:
        if not providers:
            raise ValueError("FallbackProvider needs at least one provider")
        self._members = [
            _Member(
                p,
                retries=int(getattr(p, "max_retries", retries)),
                timeout=_timeout_of(p, request_timeout),
            )
            for p in providers
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
        return any(not m.out for m in self._members)

    def state(self) -> dict[str, str]:
        """Each member's state: ``ok``, ``open`` or ``disabled: <reason>``."""
        return {
            m.name: (f"disabled: {m.disabled}" if m.disabled else "open" if m.open else "ok")
            for m in self._members
        }

    def count_remembered(self, name: str, error: ProviderError) -> None:
        """A failure of member ``name`` remembered from an earlier run (the response cache
        replays it instead of calling) counts toward its breaker, as it did then."""
        for member in self._members:
            if member.name == name and not member.out:
                member.last_error = error
                self._count_failure(member)

    async def aclose(self) -> None:
        for member in self._members:
            closer = getattr(member.provider, "aclose", None)
            if closer is not None:
                await closer()

    async def complete(
        self,
        request: ChatRequest,
        *,
        only: str | None = None,
        check: AnswerCheck | None = None,
    ) -> ChatResponse:
        """Answer ``request`` with the first member that can; ``only`` names one member (a
        judge, say) to use alone, with the same retries, breaker and logging. With ``check``,
        only an answer it accepts counts as one (see :mod:`.usable`)."""
        budget = self.log.budget
        if budget is not None and budget.exhausted:
            raise BudgetExhausted(f"LLM budget exhausted: {budget.describe()}")
        deadline = self.log.deadline
        if deadline is not None:
            deadline.start()
            if deadline.passed:
                deadline.refused += 1
                raise DeadlineExceeded(deadline.describe(), reason="analysis deadline passed")
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
                return await self._ask(member, request, fallbacks=len(errors), check=check)
            except DeadlineExceeded:
                raise
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
            return self._open_error(member, "skipped")
        return None

    def _open_error(self, member: _Member, what: str) -> ProviderError:
        last = member.last_error.reason if member.last_error else "?"
        return ProviderError(
            f"{member.label}: {what}, circuit open after {member.failures} consecutive failed "
            f"attempts (last: {last})",
            provider=member.label,
            reason="circuit open",
        )

    async def _ask(
        self,
        member: _Member,
        request: ChatRequest,
        *,
        fallbacks: int,
        check: AnswerCheck | None,
    ) -> ChatResponse:
        """One member's answer to ``request``, re-asked as ``check`` allows; a failure is
        noted as the member giving the request up."""

        own: list[str] = []  # this request's failures before a cut

        async def call(current: ChatRequest) -> ChatResponse:
            try:
                return await self._attempt(member, current, fallbacks=fallbacks, check=check)
            except ProviderError as exc:
                own.append(exc.reason)
                raise

        try:
            if check is None:
                return await call(request)
            return await complete_usable(call, request, check)
        except DeadlineExceeded:
            raise
        except ProviderError as exc:
            reason = exc.reason
            if reason == "circuit open" and len(own) > 1:
                reason = f"{own[-2]}, then circuit open"
            self.log.give_up(member.name, request.purpose, reason)
            if check is not None:
                check.gave_up(member.label, reason)
            raise

    def _bounds(self, member: _Member, started: float) -> tuple[float | None, bool]:
        """Seconds the next attempt or wait may take, and whether the run's deadline (rather
        than the member's per-request timeout) is the tighter bound."""
        request_left = None if member.timeout is None else member.timeout - _since(started)
        deadline = self.log.deadline
        run_left = deadline.remaining() if deadline is not None else None
        if run_left is not None and (request_left is None or run_left <= request_left):
            return run_left, True
        return request_left, False

    def _cut_error(self, member: _Member) -> ProviderError:
        """The error of an attempt or wait cut because the member went out meanwhile."""
        if member.disabled:
            return ProviderError(
                f"{member.label}: cut, disabled for this run: {member.disabled}",
                provider=member.label,
                reason="disabled for this run",
            )
        return self._open_error(member, "cut")

    def _deadline_error(self, member: _Member) -> DeadlineExceeded:
        deadline = self.log.deadline
        what = deadline.describe() if deadline is not None else "the analysis deadline passed"
        return DeadlineExceeded(
            f"{member.label}: stopped: {what}",
            provider=member.label,
            reason="analysis deadline passed",
        )

    async def _attempt(
        self,
        member: _Member,
        request: ChatRequest,
        *,
        fallbacks: int,
        check: AnswerCheck | None,
    ) -> ChatResponse:
        """One request to one member: attempts and back-off waits within its bounds."""
        provider = member.provider
        spec = getattr(provider, "spec", None)
        stop = member.stop_event()
        began = time.perf_counter()
        attempt = 0
        while True:
            if member.out:
                raise self._skip_reason(member) or self._open_error(member, "skipped")
            limit, run_bound = self._bounds(member, began)
            if limit is not None and limit <= 0:
                if run_bound:
                    raise self._deadline_error(member)
                raise timed_out(member.label, member.timeout or 0.0)
            attempt += 1
            started = time.perf_counter()
            exc: ProviderError
            try:
                response = await _within(provider.complete(request), limit, stop)
            except _Stopped:
                exc = self._cut_error(member)
                self._record(member, request, exc, started, fallbacks, attempt, spec)
                raise exc from None
            except _OutOfTime:
                if run_bound:
                    exc = self._deadline_error(member)
                    self._record(member, request, exc, started, fallbacks, attempt, spec)
                    deadline = self.log.deadline
                    if deadline is not None:
                        deadline.cut += 1
                    raise exc from None
                exc = timed_out(member.label, member.timeout or 0.0)
            except ProviderError as raised:
                exc = raised
            except Exception as raised:  # a provider's bug costs this request, not the run
                exc = ProviderError(
                    f"{member.label}: {type(raised).__name__}: {one_line(raised)}",
                    provider=member.label,
                )
            else:
                bad = check.problem(response) if check is not None else None
                if bad is None:
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
                exc = _labelled(bad, member.label, response)
            self._record(member, request, exc, started, fallbacks, attempt, spec)
            member.last_error = exc
            if isinstance(exc, ProviderAuthError | ProviderGone):
                member.disabled = one_line(exc, limit=300)
                self.log.disable(member.name, member.disabled)
                member.take_out()
                raise exc from None
            self._count_failure(member)
            delay = self._retry_delay(exc, attempt)
            if member.out or delay is None or attempt > member.retries:
                raise exc from None
            limit, run_bound = self._bounds(member, began)
            if limit is not None and delay >= limit:
                raise exc from None  # the wait would outlive the request's (or run's) time
            try:
                await _within(self._sleep(delay), None, stop)
            except _Stopped:
                raise self._cut_error(member) from None

    def _record(
        self,
        member: _Member,
        request: ChatRequest,
        exc: ProviderError,
        started: float,
        fallbacks: int,
        attempt: int,
        spec: Any,
    ) -> None:
        self.log.record(
            provider=member.name,
            model=member.provider.model,
            purpose=request.purpose,
            ok=False,
            error=exc,
            usage=exc.usage if isinstance(exc, ProviderBadOutput) else Usage(),
            spec=spec,
            latency_ms=_ms_since(started),
            fallbacks=fallbacks,
            attempt=attempt,
        )

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
            last = member.last_error.reason if member.last_error else "?"
            self.log.disable(
                member.name,
                f"{member.label}: circuit open after {member.failures} consecutive failed "
                f"attempts (last: {last})",
            )
            member.take_out()


def _labelled(bad: ProviderBadOutput, label: str, response: ChatResponse) -> ProviderBadOutput:
    """A check's rejection of ``response``, named after the member and carrying its text and
    the tokens it cost."""
    message = str(bad)
    return ProviderBadOutput(
        message if message.startswith(f"{label}: ") else f"{label}: {message}",
        provider=label,
        status=bad.status,
        text=bad.text or response.text,
        usage=response.usage,
        reason=bad.reason,
        reaskable=bad.reaskable,
    )


def _since(started: float) -> float:
    return time.perf_counter() - started


def _ms_since(started: float) -> int:
    return int(_since(started) * 1000)
