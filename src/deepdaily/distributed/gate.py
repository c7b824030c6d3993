"""Per-host fetch slots shared by every worker: leases in a Redis sorted set.

Each origin has ``[fetch] per_host`` slots. Taking one is one Lua script run atomically by
Redis: drop leases past their end, and if fewer than ``per_host`` remain add one ending
``[distributed] host_lease_s`` from now (Redis's own clock, so the workers' clocks do not
matter); otherwise wait a little and try again. Releasing removes the lease. A worker killed
while holding a slot leaves a lease that ends by itself, so the slot is never lost for good
(Dramatiq's ``ConcurrentRateLimiter`` keeps a counter instead, which a killed holder would
leave raised until the key expires, and it cannot be awaited).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["RedisHostGate"]

_TAKE = """
local now = redis.call('time')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('zremrangebyscore', KEYS[1], '-inf', ms)
if redis.call('zcard', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('zadd', KEYS[1], ms + tonumber(ARGV[1]), ARGV[3])
  redis.call('pexpire', KEYS[1], tonumber(ARGV[1]))
  return 1
end
return 0
"""


class RedisHostGate:
    """``per_host`` slots per origin across every process using the same Redis and prefix.

    Use inside one event loop; :meth:`aclose` the gate at its end."""

    def __init__(
        self, url: str, prefix: str, per_host: int, lease_s: float, *, poll_s: float = 0.02
    ) -> None:
        import redis.asyncio

        self.client: Any = redis.asyncio.Redis.from_url(url, socket_connect_timeout=3.0)
        self.prefix = prefix
        self.per_host = per_host
        self.lease_ms = int(lease_s * 1000)
        self.poll_s = poll_s
        self._take = self.client.register_script(_TAKE)

    @asynccontextmanager
    async def slot(self, origin: str) -> AsyncIterator[None]:
        key = f"{self.prefix}:host:{origin}"
        token = uuid.uuid4().hex
        while not await self._take(keys=[key], args=[self.lease_ms, self.per_host, token]):
            await asyncio.sleep(self.poll_s * (0.5 + random.random()))
        try:
            yield
        finally:
            await asyncio.shield(self.client.zrem(key, token))

    async def aclose(self) -> None:
        await self.client.aclose()
