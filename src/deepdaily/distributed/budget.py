"""The LLM budget of a distributed run, one counter in Redis for every worker.

``[analysis] budget_tokens`` and ``budget_cost`` bound a whole run, but its analyses run in
several processes. :func:`share` turns a run's :class:`~deepdaily.analyse.providers.Budget`
(the one object the analyser, its asker and the provider chain all hold) into a view of two
Redis counters per run: what is used is read from Redis whenever it is checked, and a charge is
one atomic ``INCRBY``/``INCRBYFLOAT``, so the calls of every worker (and the coordinator's
synthesis) add up against the same limit. A call already under way when another worker spends
the last tokens still completes, as within one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from deepdaily.analyse.providers.budget import Budget
from deepdaily.config.distributed import DistributedSettings

__all__ = ["SharedBudget", "share", "shared_budget"]

#: How long a run's counters outlive their last charge.
_KEEP_S = 7 * 24 * 3600


class SharedBudget(Budget):
    """A :class:`Budget` whose usage lives in Redis (made by :func:`share`, not directly)."""

    _redis: Any
    _key: str

    @property
    def tokens_used(self) -> int:
        return int(self._redis.get(f"{self._key}:tokens") or 0)

    @tokens_used.setter
    def tokens_used(self, value: int) -> None:  # Budget.__init__ sets 0: the counter stays
        pass

    @property
    def cost_used(self) -> float:
        return float(self._redis.get(f"{self._key}:cost") or 0.0)

    @cost_used.setter
    def cost_used(self, value: float) -> None:
        pass

    def charge(self, usage: Any, spec: Any = None, *, cost: float | None = None) -> float:
        cost = self.price(usage, spec) if cost is None else cost
        with self._redis.pipeline() as pipe:
            pipe.incrby(f"{self._key}:tokens", int(usage.total))
            pipe.incrbyfloat(f"{self._key}:cost", float(cost))
            pipe.expire(f"{self._key}:tokens", _KEEP_S)
            pipe.expire(f"{self._key}:cost", _KEEP_S)
            pipe.execute()
        return cost


def share(budget: Budget, client: Any, key: str) -> SharedBudget:
    """Make ``budget`` (in place: every holder sees it) count in Redis under ``key``."""
    budget.__dict__.pop("tokens_used", None)
    budget.__dict__.pop("cost_used", None)
    budget.__class__ = SharedBudget
    shared: SharedBudget = budget  # type: ignore[assignment]
    shared._redis = client
    shared._key = key
    return shared


def budget_key(settings: DistributedSettings, dist_id: str) -> str:
    return f"{settings.queue_prefix}:budget:{dist_id}"


def budget_of(engine_or_analyser: Any) -> Budget | None:
    """The budget an engine (or analyser) draws on, if any."""
    log = getattr(engine_or_analyser, "log", None)
    found = getattr(log, "budget", None) or getattr(engine_or_analyser, "budget", None)
    return found if isinstance(found, Budget) else None


@contextmanager
def shared_budget(engine: Any, settings: DistributedSettings, dist_id: str) -> Iterator[None]:
    """Within the block, the engine's budget (if it has one) is the run's shared one."""
    budget = budget_of(engine)
    if budget is None:
        yield
        return
    from deepdaily.distributed.connection import redis_client

    client = redis_client(settings)
    try:
        share(budget, client, budget_key(settings, dist_id))
        yield
    finally:
        client.close()
