"""The record of every LLM attempt in a run, for the run manifest.

Each attempt (a retry or a re-ask is an attempt, a cache hit is one too, marked ``cached``)
becomes a :class:`CallRecord`: provider, model, purpose, outcome, error class, one-line message
and short reason, HTTP status, tokens, cost, latency and how many providers were passed over
before it. An answer that arrived but was unusable (empty, a refusal, schema-invalid, the wrong
language) is a failed attempt too. When a provider gives a request up and the chain moves on,
:meth:`CallLog.give_up` notes why ("schema-invalid after 2 re-asks", "timed out after 20 s").
Providers disabled for the run are kept with their reason. :meth:`CallLog.summary` is the
JSON-able dict the pipeline puts in the manifest under ``llm``: per provider, its calls,
failures, error classes and the reasons it gave requests up. Attempts are charged to the run's
:class:`~deepdaily.analyse.providers.budget.Budget` when one is attached; the run's
:class:`~deepdaily.analyse.providers.deadline.Deadline` (``[analysis] deadline_s``) travels
with the log too, so every chain of the run shares one clock.

Messages come from the providers, which strip API keys from them; the log never sees a key.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from deepdaily.analyse.providers.base import Usage
from deepdaily.analyse.providers.budget import Budget, PriceTable
from deepdaily.analyse.providers.deadline import Deadline
from deepdaily.config import LLMSpec, Settings

__all__ = ["CallLog", "CallRecord"]

logger = logging.getLogger("deepdaily.llm")


@dataclass(frozen=True)
class CallRecord:
    provider: str
    model: str
    purpose: str
    ok: bool
    error: str = ""  # exception class name
    message: str = ""  # one line
    reason: str = ""  # a few words, without the provider's label ("empty answer")
    status: int | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    latency_ms: int = 0
    fallbacks: int = 0  # providers passed over for this request before this attempt
    attempt: int = 1  # 1 for the first try of a provider, 2.. for its retries
    cached: bool = False
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class CallLog:
    """Every attempt of a run, the providers disabled in it, and the budget they draw on."""

    def __init__(
        self,
        *,
        budget: Budget | None = None,
        prices: PriceTable | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.budget = budget
        self.prices = prices or (budget.prices if budget else PriceTable())
        self.deadline = deadline
        self.records: list[CallRecord] = []
        self.disabled: dict[str, str] = {}
        self.given_up: list[tuple[str, str, str]] = []  # (provider, purpose, reason)
        self._unpriced: set[str] = set()

    @classmethod
    def for_settings(cls, settings: Settings) -> CallLog:
        """A log whose budget is ``analysis.budget_*``, prices the ``[[llm]]`` entries' and
        deadline ``analysis.deadline_s``."""
        prices = PriceTable.from_settings(settings)
        seconds = settings.analysis.deadline_s
        return cls(
            budget=Budget.from_settings(settings.analysis, prices),
            prices=prices,
            deadline=Deadline(seconds) if seconds > 0 else None,
        )

    def record(
        self,
        *,
        provider: str,
        model: str,
        purpose: str = "",
        ok: bool,
        error: BaseException | None = None,
        status: int | None = None,
        usage: Usage | None = None,
        spec: LLMSpec | None = None,
        latency_ms: int = 0,
        fallbacks: int = 0,
        attempt: int = 1,
        cached: bool = False,
    ) -> CallRecord:
        usage = usage or Usage()
        cost = 0.0
        if usage.total and not cached:
            if self.prices.price(model, spec) is None:
                self._unpriced.add(model)
            cost = self.prices.cost(usage, model, spec)
            if self.budget is not None:
                self.budget.charge(usage, cost=cost)
        message = " ".join(str(error).split()) if error is not None else ""
        entry = CallRecord(
            provider=provider,
            model=model,
            purpose=purpose,
            ok=ok,
            error=type(error).__name__ if error is not None else "",
            message=message,
            reason=str(getattr(error, "reason", "") or message)[:160] if error is not None else "",
            status=status if status is not None else getattr(error, "status", None),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost=cost,
            latency_ms=latency_ms,
            fallbacks=fallbacks,
            attempt=attempt,
            cached=cached,
        )
        self.records.append(entry)
        if error is not None:
            logger.info("llm call failed: %s", message)
        return entry

    def give_up(self, provider: str, purpose: str, reason: str) -> None:
        """``provider`` gave up on the request ``purpose`` (the chain moves on); ``reason`` is
        a few words for the manifest."""
        self.given_up.append((provider, purpose, reason))
        logger.info("llm provider %s gave up on %s: %s", provider, purpose or "a request", reason)

    def disable(self, provider: str, reason: str) -> None:
        """Take ``provider`` out of the run; ``reason`` is one line for the manifest."""
        if provider not in self.disabled:
            self.disabled[provider] = reason
            logger.warning("llm provider disabled for this run: %s", reason)

    def summary(self) -> dict[str, Any]:
        """Totals for the run manifest (JSON-able)."""
        providers: dict[str, dict[str, Any]] = {}
        for rec in self.records:
            entry = providers.setdefault(
                rec.provider,
                {
                    "model": rec.model,
                    "calls": 0,
                    "ok": 0,
                    "failures": 0,
                    "cache_hits": 0,
                    "tokens_in": 0,
                    "tokens_out": 0,
                    "cost": 0.0,
                    "errors": {},
                    "gave_up": 0,
                    "reasons": {},
                },
            )
            if rec.cached:
                entry["cache_hits"] += 1
                continue
            entry["calls"] += 1
            entry["ok" if rec.ok else "failures"] += 1
            entry["tokens_in"] += rec.input_tokens
            entry["tokens_out"] += rec.output_tokens
            entry["cost"] += rec.cost
            if rec.error:
                entry["errors"][rec.error] = entry["errors"].get(rec.error, 0) + 1
        for name, _purpose, reason in self.given_up:
            if name in providers:
                entry = providers[name]
                entry["gave_up"] += 1
                entry["reasons"][reason] = entry["reasons"].get(reason, 0) + 1
        for entry in providers.values():
            entry["cost"] = round(entry["cost"], 6)
        live = [r for r in self.records if not r.cached]
        return {
            "calls": len(live),
            "failures": sum(1 for r in live if not r.ok),
            "cache_hits": sum(1 for r in self.records if r.cached),
            "tokens_in": sum(r.input_tokens for r in live),
            "tokens_out": sum(r.output_tokens for r in live),
            "cost": round(sum(r.cost for r in live), 6),
            "answered_by_fallback": sum(1 for r in live if r.ok and r.fallbacks),
            "providers": providers,
            "disabled": dict(self.disabled),
            "unpriced_models": sorted(self._unpriced),
            "budget": self.budget.summary() if self.budget else None,
            "deadline": self.deadline.summary() if self.deadline else None,
        }

    def as_records(self) -> list[dict[str, Any]]:
        """Every attempt as a dict, e.g. for a detailed manifest or a debug dump."""
        return [asdict(rec) for rec in self.records]
