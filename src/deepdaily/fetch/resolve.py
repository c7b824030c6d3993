"""The network layer under the fetcher: resolve, check, then connect to the checked address.

Why a network backend and not a check before the request: a guard that resolves a name and
then lets the HTTP client resolve it again checks one answer and connects to another (a DNS
answer that changes between the two, "DNS rebinding", walks straight past it). So the check
sits where the connection is made. :class:`GuardedBackend` is an ``httpcore`` network backend;
httpcore calls its :meth:`~GuardedBackend.connect_tcp` with the host exactly as httpx sends it
(punycode, no brackets) for every new connection, of the first request and of every redirect
hop alike. It

1. resolves the host with ``getaddrinfo`` in a worker thread (or an injected resolver), within
   the request's connect timeout; an IP literal, shorthand IPv4 forms included (``2130706433``),
   is read as the C resolver reads it, without any lookup;
2. checks *every* address with :func:`~deepdaily.fetch.guard.check_addresses` when the pool is
   guarded, keeping only those that pass (none: :class:`~deepdaily.errors.BlockedURL`);
3. connects to one of the kept addresses, handed to the socket layer as an IP literal, so
   nothing is resolved again: the address checked is the address connected to. TLS still uses
   the host name (httpcore starts TLS with the origin's host as SNI and for certificate
   checks) and the ``Host`` header is the request's.

A wrapper around the httpx transport that resolved and checked before passing the request on
could not promise that (httpx would resolve again); hence a backend. httpx offers no public
way to give its transport a backend, so :class:`GuardedTransport` builds the httpcore pool
itself and puts it where ``httpx.AsyncHTTPTransport`` keeps its own, failing loudly if httpx
ever stops keeping one there (and ``tests/test_ssrf.py`` sees every connection go through it).

:class:`GuardedTransport` is an ``httpx.AsyncHTTPTransport`` whose connection pool uses that
backend. The fetcher keeps two of them: a trusted one for configured URLs (resolved the same
way, never refused) and a guarded one for discovered links, so a kept-alive connection opened
for a trusted request is never reused by a discovered one. Proxies from the environment are
not used: through a proxy the address connected to would be the proxy's, and no check could
hold (certificate settings from the environment, ``SSL_CERT_FILE``/``SSL_CERT_DIR``, still
apply). The ``[fetch] allow_private`` list (:class:`~deepdaily.fetch.guard.AllowList`) governs
what a guarded pool accepts. The fetcher's transports keep one small pool per site
(:class:`SitePools`, ``[fetch] per_host`` connections each), so a site's next request reuses
its kept-alive connection.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence

import anyio
import anyio.to_thread
import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

from deepdaily.fetch.guard import AllowList, check_addresses, ip_literal

__all__ = ["GuardedBackend", "GuardedTransport", "Resolver", "SitePools", "system_resolver"]

Resolver = Callable[[str, int], Sequence[str]]
"""Resolve ``(host, port)`` to IP address strings; blocking (run in a worker thread)."""

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``getaddrinfo`` gives for ``host`` (TCP), in its order, once each."""
    found: list[str] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    ):
        address = str(sockaddr[0])
        if address not in found:
            found.append(address)
    return found


class GuardedBackend(AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks and connects to the checked address.

    ``allow`` is ``None`` for a trusted pool (resolve and connect, refuse nothing) or the
    :class:`AllowList` of a guarded pool. ``resolver`` replaces ``getaddrinfo`` (tests answer
    ``.example`` names without DNS); ``inner`` is the backend that opens sockets (httpcore's
    anyio backend by default).
    """

    def __init__(
        self,
        *,
        allow: AllowList | None,
        resolver: Resolver | None = None,
        inner: AsyncNetworkBackend | None = None,
    ) -> None:
        self.allow = allow
        self.resolver: Resolver = resolver or system_resolver
        self.inner: AsyncNetworkBackend = inner or httpcore.AnyIOBackend()

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The addresses of ``host``, within ``timeout`` seconds (httpcore's connect errors)."""
        literal = ip_literal(host)  # 127.0.0.1, ::1, 2130706433, 0x7f.1: read, not resolved
        if literal is not None:
            return [str(literal)]
        try:
            with anyio.fail_after(timeout):
                found = await anyio.to_thread.run_sync(
                    self.resolver, host, port, abandon_on_cancel=True
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout:g}s") from None
        except OSError as exc:  # socket.gaierror: no such name
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        return list(found)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        started = time.monotonic()
        addresses = await self.resolve(host, port, timeout)
        if self.allow is not None:
            checked = [str(a) for a in check_addresses(host, addresses, self.allow)]
        else:
            checked = [str(ipaddress.ip_address(a)) for a in addresses]
        if not checked:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        failure: Exception | None = None
        for address in checked:  # the checked addresses, as literals: nothing is resolved again
            left = None if timeout is None else max(0.0, timeout - (time.monotonic() - started))
            try:
                return await self.inner.connect_tcp(
                    address,
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by deepdaily's fetcher")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """An httpx transport whose connections are made by a :class:`GuardedBackend`.

    With ``sites`` set, each site (scheme, host, port) gets a pool of its own sized by
    ``limits`` (:class:`SitePools`), and the idle pools of at most ``sites`` sites stay open.
    """

    def __init__(
        self,
        *,
        allow: AllowList | None,
        limits: httpx.Limits,
        resolver: Resolver | None = None,
        inner: AsyncNetworkBackend | None = None,
        sites: int | None = None,
    ) -> None:
        super().__init__(limits=limits)
        if not isinstance(self._pool, httpcore.AsyncConnectionPool):  # httpx changed: fail loudly
            raise RuntimeError("httpx.AsyncHTTPTransport no longer keeps an httpcore pool")
        self.backend = GuardedBackend(allow=allow, resolver=resolver, inner=inner)
        ssl_context = httpx.create_ssl_context()  # SSL_CERT_FILE/SSL_CERT_DIR apply

        def pool() -> httpcore.AsyncConnectionPool:
            return httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=self.backend,
            )

        # httpx only calls the pool's handle_async_request and aclose (and the context hooks).
        self._pool = pool() if sites is None else SitePools(pool, sites)  # type: ignore[assignment]


class SitePools:
    """httpcore connection pools, one per site (scheme, host, port), the least recently used
    idle ones closed beyond ``keep``.

    One pool for every site, capped at the fetcher's concurrency, closes an idle connection
    of one site to open one to another whenever there are more sites than slots, so nearly
    every request paid a new connection (on the ingest benchmark, connecting and closing were
    half the run's own CPU); one pool with room for every site's idle connections scans them
    all on each request and gets slower than that. A pool per site keeps each site's
    connections for its next request and each scan short; in-flight requests are bounded by
    the fetcher's semaphores, not here.
    """

    def __init__(self, make: Callable[[], httpcore.AsyncConnectionPool], keep: int) -> None:
        self._make = make
        self._keep = max(1, keep)
        self._pools: dict[tuple[bytes, bytes, int | None], httpcore.AsyncConnectionPool] = {}
        self._busy: dict[tuple[bytes, bytes, int | None], int] = {}

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        url = request.url
        key = (url.scheme, url.host, url.port)
        pool = self._pools.pop(key, None) or self._make()
        self._pools[key] = pool  # the most recently used last
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            if len(self._pools) > self._keep:
                await self._trim()
            response = await pool.handle_async_request(request)
        except BaseException:
            self._done(key)
            raise
        response.stream = _Tracked(response.stream, lambda: self._done(key))
        return response

    def _done(self, key: tuple[bytes, bytes, int | None]) -> None:
        self._busy[key] -= 1
        if not self._busy[key]:
            del self._busy[key]

    async def _trim(self) -> None:
        """Close the pools of the least recently used sites with nothing in flight."""
        excess = len(self._pools) - self._keep
        idle = [key for key in self._pools if key not in self._busy][:excess]
        for key in idle:
            # Another request may have taken the site up, or another trim closed it, while
            # this one awaited an earlier close.
            pool = None if key in self._busy else self._pools.pop(key, None)
            if pool is not None:
                await pool.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            await pool.aclose()

    async def __aenter__(self) -> SitePools:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Tracked:
    """A response body stream that reports when it is closed (its request is then over)."""

    def __init__(self, stream: Iterable[bytes] | AsyncIterable[bytes], done: Callable[[], None]):
        self._stream = stream
        self._done: Callable[[], None] | None = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, AsyncIterable)
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            done, self._done = self._done, None
            if done is not None:
                done()
