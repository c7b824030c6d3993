"""What LLM calls cost, and the run's budget.

Prices are per million tokens. An ``[[llm]]`` entry's ``price_in``/``price_out`` win; otherwise
the built-in table below is used, matched on the longest model-name prefix ending at a ``-``.
The built-in prices are *indicative* list prices in USD, copied by hand and soon out of date:
set ``price_in`` and ``price_out`` for the models you pay for (in any currency, as long as it is
the one ``analysis.budget_cost`` is written in). A model in neither place costs 0 and is reported as
unpriced in the run manifest.

The budget is ``analysis.budget_tokens`` and ``analysis.budget_cost`` (0 = unlimited). Every
attempt the call log records is charged to it, failed attempts that still consumed tokens
included; cache hits cost nothing. The analyser asks :meth:`Budget.allows` before a call to
degrade gracefully (fewer revision rounds, then the offline engine); the fallback chain refuses
further calls once the budget is :attr:`~Budget.exhausted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deepdaily.analyse.providers.base import Usage
from deepdaily.config import AnalysisSettings, LLMSpec, Settings

__all__ = ["BUILTIN_PRICES", "Budget", "Price", "PriceTable", "Remaining"]


@dataclass(frozen=True)
class Price:
    """Currency units per million input and output tokens."""

    input: float
    output: float

    def cost(self, usage: Usage) -> float:
        return (usage.input_tokens * self.input + usage.output_tokens * self.output) / 1_000_000


BUILTIN_PRICES: dict[str, Price] = {
    # Indicative USD list prices per million tokens; override with price_in/price_out.
    "gpt-4o-mini": Price(0.15, 0.60),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1": Price(2.00, 8.00),
    "deepseek-chat": Price(0.27, 1.10),
    "deepseek-reasoner": Price(0.55, 2.19),
    "qwen-turbo": Price(0.05, 0.20),
    "qwen-plus": Price(0.40, 1.20),
    "qwen-max": Price(1.60, 6.40),
    "claude-3-5-haiku": Price(0.80, 4.00),
    "claude-haiku-4-5": Price(1.00, 5.00),
    "claude-sonnet-4": Price(3.00, 15.00),
    "claude-opus-4": Price(15.00, 75.00),
}


class PriceTable:
    """Prices by model name: explicit entries first, then (optionally) the built-in table."""

    def __init__(self, prices: Mapping[str, Price] | None = None, *, builtin: bool = True) -> None:
        self._explicit = dict(prices or {})
        self._builtin = BUILTIN_PRICES if builtin else {}

    @classmethod
    def from_settings(cls, settings: Settings) -> PriceTable:
        return cls(
            {
                spec.model: Price(spec.price_in, spec.price_out)
                for spec in settings.llm
                if spec.price_in or spec.price_out
            }
        )

    def price(self, model: str, spec: LLMSpec | None = None) -> Price | None:
        if spec is not None and (spec.price_in or spec.price_out):
            return Price(spec.price_in, spec.price_out)
        for table in (self._explicit, self._builtin):
            found = _lookup(table, model)
            if found is not None:
                return found
        return None

    def cost(self, usage: Usage, model: str, spec: LLMSpec | None = None) -> float:
        price = self.price(model, spec)
        return price.cost(usage) if price else 0.0


def _lookup(table: Mapping[str, Price], model: str) -> Price | None:
    """Exact name, else the longest entry the name extends at a separator (``gpt-4o-mini``
    covers ``gpt-4o-mini-2024-07-18`` but ``m`` never covers ``mystery``); a routing prefix
    such as OpenRouter's ``openai/`` is ignored."""
    for name in dict.fromkeys((model, model.rsplit("/", 1)[-1])):
        if name in table:
            return table[name]
        prefixes = [p for p in table if name.startswith(p) and name[len(p)] in "-:@."]
        if prefixes:
            return table[max(prefixes, key=len)]
    return None


@dataclass(frozen=True)
class Remaining:
    """What is left of the budget; ``None`` means unlimited."""

    tokens: int | None
    cost: float | None


class Budget:
    """A token and cost allowance for one run; 0 means unlimited."""

    def __init__(
        self, max_tokens: int = 0, max_cost: float = 0.0, *, prices: PriceTable | None = None
    ) -> None:
        self.max_tokens = max_tokens
        self.max_cost = max_cost
        self.prices = prices or PriceTable()
        self.tokens_used = 0
        self.cost_used = 0.0

    @classmethod
    def from_settings(cls, analysis: AnalysisSettings, prices: PriceTable | None = None) -> Budget:
        return cls(analysis.budget_tokens, analysis.budget_cost, prices=prices)

    def price(self, usage: Usage, spec: LLMSpec | str | None = None) -> float:
        """What ``usage`` costs, priced by ``spec`` or a model name (0 without either)."""
        if isinstance(spec, str):
            return self.prices.cost(usage, spec)
        if spec is not None:
            return self.prices.cost(usage, spec.model, spec)
        return 0.0

    def charge(
        self, usage: Usage, spec: LLMSpec | str | None = None, *, cost: float | None = None
    ) -> float:
        """Count ``usage`` (priced by ``spec``, or a model name) and return its cost."""
        cost = self.price(usage, spec) if cost is None else cost
        self.tokens_used += usage.total
        self.cost_used += cost
        return cost

    @property
    def remaining(self) -> Remaining:
        return Remaining(
            tokens=max(0, self.max_tokens - self.tokens_used) if self.max_tokens else None,
            cost=max(0.0, self.max_cost - self.cost_used) if self.max_cost else None,
        )

    @property
    def exhausted(self) -> bool:
        return bool(
            (self.max_tokens and self.tokens_used >= self.max_tokens)
            or (self.max_cost and self.cost_used >= self.max_cost)
        )

    def allows(self, estimated_tokens: int, spec: LLMSpec | str | None = None) -> bool:
        """Whether a call of about ``estimated_tokens`` (input plus output) fits what is left.

        With a model (``spec``) whose price is known, the cost is estimated pessimistically at
        the higher of its two prices.
        """
        if self.exhausted:
            return False
        left = self.remaining
        if left.tokens is not None and estimated_tokens > left.tokens:
            return False
        if left.cost is not None and spec is not None:
            model = spec if isinstance(spec, str) else spec.model
            price = self.prices.price(model, None if isinstance(spec, str) else spec)
            if price and estimated_tokens * max(price.input, price.output) / 1e6 > left.cost:
                return False
        return True

    def describe(self) -> str:
        """One line: what was used out of what was allowed."""
        tokens = f"{self.tokens_used} of {self.max_tokens or 'unlimited'} tokens"
        cost = f"{self.cost_used:.4f} of {self.max_cost or 'unlimited'} cost"
        return f"{tokens}, {cost}"

    def summary(self) -> dict[str, Any]:
        return {
            "max_tokens": self.max_tokens,
            "max_cost": self.max_cost,
            "tokens_used": self.tokens_used,
            "cost_used": round(self.cost_used, 6),
            "exhausted": self.exhausted,
        }
