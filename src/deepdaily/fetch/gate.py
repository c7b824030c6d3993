"""A seam for per-host limits shared beyond one process.

The fetcher's own ``[fetch] per_host`` semaphores hold within one process. A distributed worker
sets :data:`HOST_GATE` (a context variable, so every task started inside inherits it) to a gate
that holds across every worker, e.g. :class:`deepdaily.distributed.gate.RedisHostGate`; the
fetcher then takes a slot of that gate too, around each request to an origin, after its local
slots. Unset (single-machine mode), nothing changes.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, nullcontext
from contextvars import ContextVar
from typing import Protocol

__all__ = ["HOST_GATE", "HostGate", "host_slot"]


class HostGate(Protocol):
    def slot(self, origin: str) -> AbstractAsyncContextManager[None]:
        """Hold one of the origin's request slots for the block."""
        ...


HOST_GATE: ContextVar[HostGate | None] = ContextVar("deepdaily_host_gate", default=None)


def host_slot(origin: str) -> AbstractAsyncContextManager[None]:
    """A slot of the current gate for ``origin``, or nothing to wait for without one."""
    gate = HOST_GATE.get()
    return gate.slot(origin) if gate is not None else nullcontext()
