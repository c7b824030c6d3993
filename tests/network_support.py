"""A network backend for fetch tests: real connections to loopback addresses only, each
request to connect recorded (how many, and where)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterable

import httpcore

__all__ = ["Tripwire"]


class Tripwire(httpcore.AsyncNetworkBackend):
    """Opens TCP connections to loopback IP literals only; records every request to connect."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.calls.append((host, port))
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:  # a name: the guard must never hand one down to be resolved again
            loopback = False
        if not loopback:
            raise httpcore.ConnectError(f"tripwire: no connection to {host}")
        return await self.inner.connect_tcp(host, port, timeout=timeout)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: object = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("tripwire: no unix sockets")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
