"""The fetcher: one polite, bounded async HTTP client for every stage.

Governed by ``[fetch]`` settings (:class:`~deepdaily.config.FetchSettings`):

- ``concurrency`` requests in flight at most, ``per_host`` of them on one host;
- ``connect_timeout`` and ``timeout`` (read, per chunk) per request; one attempt may take at
  most ``4 x timeout`` in all;
- ``source_deadline_s`` bounds the fetch of a configured URL (a source's feed, list or file):
  every attempt, every wait between attempts and every redirect hop, counted from the moment
  the first attempt holds its connection slot (time queued behind other sources on the
  ``per_host``/``concurrency`` limits is not the source's fault and is not counted);
  ``page_deadline_s`` does the same for each discovered URL (an entry's page, a forum topic),
  each on its own, so one slow page costs at most that much and never holds its source or the
  run. :meth:`Fetcher.deadline` adds an enclosing wall-clock bound (queueing included) around
  any block of fetches. A body still arriving at the deadline (a server dripping bytes just
  fast enough to dodge the read timeout) is cut there, with the bytes received in the reason;
- ``max_bytes`` of body, counted while streaming (decoded), else :class:`TooLarge`;
- ``max_redirects`` followed by hand, loops refused; every hop is a link discovered in the
  redirecting response and passes the SSRF guard (:mod:`deepdaily.fetch.guard`) again;
- ``retries`` more attempts on 429, 500, 502, 503, 504 and connection errors, waiting
  ``backoff x 2**n`` seconds or what ``Retry-After`` says (capped at ``max_retry_after``), but
  only when the wait ends before the deadline. Timeouts are not retried blindly: a connect
  timeout gets at most one more attempt, and a read timeout, a response slower than
  ``4 x timeout`` or a deadline none (a server that accepted the request and went silent, or
  dripped its body, would most likely do it again, and a retry would double the wait);
- ``allow_private``: the private networks and hosts discovered links may reach anyway;
- ``user_agent`` on every request.

The SSRF guard works in two places: :func:`~deepdaily.fetch.guard.check_url` judges each URL
before any request, and the connection layer (:mod:`deepdaily.fetch.resolve`) checks the
addresses a discovered URL resolves to and connects to the checked one.

Conditional GET: pass the ``etag``/``last_modified`` of the previous run and a ``304`` comes back
as ``not_modified=True``. ``file://`` URLs and plain paths are read from disk
(:mod:`deepdaily.fetch.local`). Every error is a :class:`~deepdaily.errors.FetchError` whose
message is one line, ``"<url>: <problem>"``; nothing else escapes :meth:`Fetcher.get`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from deepdaily.config import FetchSettings
from deepdaily.errors import (
    BlockedURL,
    ConfigError,
    DeepdailyError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from deepdaily.fetch.deadline import Deadline, earliest, within
from deepdaily.fetch.deadline import current as current_deadline
from deepdaily.fetch.decode import Decoded, charset_of, decode_body
from deepdaily.fetch.gate import host_slot
from deepdaily.fetch.guard import AllowList, Target, check_url, shown
from deepdaily.fetch.local import read_local
from deepdaily.fetch.resolve import GuardedTransport, Resolver

__all__ = [
    "REDIRECT_STATUSES",
    "RETRY_STATUSES",
    "FetchResponse",
    "Fetcher",
    "decode_text",
    "parse_retry_after",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEADLINE_FACTOR = 4
_ATTEMPT = "attempt"  # the name of an attempt's own time limit
_SITES_PER_SLOT = 4  # sites whose idle connections stay open, per concurrency slot


@dataclass(frozen=True)
class FetchResponse:
    """A completed fetch. ``headers`` has lower-case names; ``body`` is decoded transfer-wise
    (gzip undone) but not charset-wise: see :attr:`text`."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed_ms: int
    charset: str | None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-case (``""`` when unknown)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def decoded(self) -> Decoded:
        """The body as text with the charset used and any warning (:mod:`.decode`)."""
        return decode_body(self.body, self.charset)

    @property
    def text(self) -> str:
        """The body as text: BOM, ``<meta>``/XML declaration, header charset, UTF-8, detection."""
        return self.decoded.text


def decode_text(body: bytes, charset: str | None = None) -> str:
    """Decode ``body`` with the best available encoding (:func:`decode_body`); never raises."""
    return decode_body(body, charset).text


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= 300 else line[:299] + "…"


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str


@dataclass
class _Call:
    """One :meth:`Fetcher.get`: its deadline and what the attempt in progress has seen."""

    url: str
    budget: float
    what: str
    own: Deadline | None = None  # starts when the first attempt holds its slot
    limit: Deadline | None = None  # the deadline bounding the attempt in progress
    waiting: bool = False  # the attempt in progress is queued for a connection slot
    received: int = 0  # body bytes the attempt in progress has read
    reading_since: float = 0.0
    earlier: str = ""  # what the previous attempt got ("HTTP 503"), for a later timeout's reason

    def deadline(self) -> Deadline | None:
        """The deadline that applies now: this call's own or an enclosing one."""
        return earliest(self.own, current_deadline())

    def room_for(self, wait: float) -> bool:
        """True when a wait of ``wait`` seconds still ends before the deadline."""
        deadline = self.deadline()
        return deadline is None or deadline.remaining() > wait


class Fetcher:
    """Fetch URLs within the limits of :class:`FetchSettings`.

    Use as ``async with Fetcher(settings) as fetcher``. ``transport`` replaces the network
    (httpx ``MockTransport``, the demo's snapshot transport; the address check of the guard
    then has nothing to check). ``resolver`` replaces ``getaddrinfo`` and ``network`` the
    httpcore backend that opens sockets (:mod:`deepdaily.fetch.resolve`), for tests.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        network: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.settings = settings
        try:
            self.allow = AllowList.parse(settings.allow_private)
        except ValueError as exc:  # settings built without validation (model_copy)
            raise ConfigError(f"[fetch] allow_private: {exc}") from None
        self._transport = transport
        self._resolver = resolver
        self._network = network
        self._clients: dict[bool, httpx.AsyncClient] = {}
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        self._client(trusted=True)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client(self, *, trusted: bool) -> httpx.AsyncClient:
        """The client for trusted requests (anywhere) or for guarded ones (checked addresses).

        Two pools, so a connection kept alive for a trusted request is never reused by a
        discovered link to the same host name (which would skip the address check)."""
        key = trusted or self._transport is not None  # an injected transport: one client
        client = self._clients.get(key)
        if client is None:
            s = self.settings
            # A pool per site (see deepdaily.fetch.resolve.SitePools), the idle connections of
            # a few sites per concurrency slot kept open for their next request.
            limits = httpx.Limits(max_connections=s.per_host, max_keepalive_connections=s.per_host)
            transport = self._transport or GuardedTransport(
                allow=None if trusted else self.allow,
                limits=limits,
                resolver=self._resolver,
                inner=self._network,
                sites=s.concurrency * _SITES_PER_SLOT,
            )
            client = httpx.AsyncClient(
                transport=transport,
                headers={"User-Agent": s.user_agent},
                timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout),
                limits=limits,
                follow_redirects=False,
                trust_env=False,
            )
            self._clients[key] = client
        return client

    def deadline(self, seconds: float, what: str = "deadline") -> AbstractContextManager[Deadline]:
        """A block within which every fetch ends by ``seconds`` from now, queueing included:
        ``with fetcher.deadline(120, "collect deadline"): ...``."""
        return within(seconds, what)

    # the seam ------------------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        discovered_from: str | None = None,
    ) -> FetchResponse:
        """Fetch ``url``; ``discovered_from`` (the page the link was found in) arms the guard.

        Raises only :class:`~deepdaily.errors.FetchError` (and its kinds), with one line.
        """
        try:
            return await self._get(url, etag, last_modified, discovered_from)
        except DeepdailyError:
            raise
        except Exception as exc:  # whatever a library raises, the caller gets one FetchError
            raise FetchError(f"{shown(url)}: {_describe(exc)}", url=url) from None

    async def _get(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        discovered_from: str | None,
    ) -> FetchResponse:
        started = time.monotonic()
        target = check_url(url, discovered_from=discovered_from, allow=self.allow)
        if target.local:
            return await self._get_local(url, etag, last_modified, started)
        s = self.settings
        call = (
            _Call(url, s.source_deadline_s, "source deadline")
            if discovered_from is None
            else _Call(url, s.page_deadline_s, "page deadline")
        )
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        answer, attempts, note = await self._follow(call, target, conditional, discovered_from)
        status = answer.status
        if status >= 400 or (status >= 300 and status != 304):
            where = f" at {shown(answer.url)}" if answer.url != url else ""
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            raise HTTPStatusError(
                f"{shown(url)}: HTTP {_phrase(status)}{where}{tries}{note}", url=url, status=status
            )
        not_modified = status == 304
        headers = answer.headers
        return FetchResponse(
            url=url,
            final_url=answer.url,
            status=status,
            headers=headers,
            body=answer.body,
            etag=headers.get("etag") or (etag if not_modified else None),
            last_modified=headers.get("last-modified") or (last_modified if not_modified else None),
            not_modified=not_modified,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            charset=charset_of(headers.get("content-type", "")),
        )

    # internals -----------------------------------------------------------------------------

    async def _get_local(
        self, url: str, etag: str | None, last_modified: str | None, started: float
    ) -> FetchResponse:
        local = await asyncio.to_thread(
            read_local,
            url,
            max_bytes=self.settings.max_bytes,
            etag=etag,
            last_modified=last_modified,
        )
        media_type = (
            _LOCAL_TYPES.get(local.path.suffix.lower()) or mimetypes.guess_type(local.path.name)[0]
        )
        return FetchResponse(
            url=url,
            final_url=local.path.resolve().as_uri(),
            status=304 if local.not_modified else 200,
            headers={"content-type": media_type} if media_type else {},
            body=local.body,
            etag=local.etag,
            last_modified=local.last_modified,
            not_modified=local.not_modified,
            elapsed_ms=int((time.monotonic() - started) * 1000),
            charset=None,
        )

    async def _follow(
        self,
        call: _Call,
        target: Target,
        headers: Mapping[str, str],
        discovered_from: str | None,
    ) -> tuple[_Answer, int, str]:
        url = call.url
        current = target
        found_in = discovered_from
        visited = {url}
        for _ in range(self.settings.max_redirects + 1):
            try:
                answer, attempts, note = await self._with_retries(call, current, headers)
            except BlockedURL as exc:
                if exc.url is not None:
                    raise
                where = f", refused for a link found in {shown(found_in)}" if found_in else ""
                raise BlockedURL(
                    f"{shown(current.url)}: {exc}{where} (not in [fetch] allow_private)",
                    url=current.url,
                ) from None
            location = answer.headers.get("location", "").strip()
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer, attempts, note
            try:
                hop = urljoin(current.url, location)
                scheme = urlsplit(hop).scheme.lower()
            except ValueError as exc:
                raise FetchError(
                    f"{shown(url)}: redirect to an invalid URL: {_one_line(str(exc))}", url=url
                ) from None
            if scheme not in ("http", "https"):
                raise BlockedURL(
                    f"{shown(url)}: redirect to {shown(hop)} refused (not http/https)", url=url
                )
            if hop in visited:
                raise TooManyRedirects(f"{shown(url)}: redirect loop at {shown(hop)}", url=url)
            # A redirect target is a link the server handed us: guard it like one. It inherits
            # trust only from a trusted hop on the same site (see deepdaily.fetch.guard).
            current = check_url(
                hop, discovered_from=current.url, allow=self.allow, found_trusted=current.trusted
            )
            found_in = answer.url
            visited.add(hop)
        raise TooManyRedirects(
            f"{shown(url)}: more than {self.settings.max_redirects} redirects", url=url
        )

    async def _with_retries(
        self, call: _Call, target: Target, headers: Mapping[str, str]
    ) -> tuple[_Answer, int, str]:
        s = self.settings
        attempt = 0
        connect_timeouts = 0
        while True:
            attempt += 1
            wait = s.backoff * 2 ** (attempt - 1)
            try:
                answer = await self._attempt(call, target, headers)
            except httpx.ConnectTimeout as exc:
                connect_timeouts += 1  # a host that did not answer once gets one more chance
                if connect_timeouts > 1 or attempt > s.retries or not call.room_for(wait):
                    raise self._translate(call, exc, attempt) from None
            except httpx.ConnectError as exc:
                if attempt > s.retries or not call.room_for(wait):
                    raise self._translate(call, exc, attempt) from None
            except (httpx.HTTPError, TimeoutError) as exc:  # read timeouts and deadlines too
                raise self._translate(call, exc, attempt) from None
            else:
                if answer.status not in RETRY_STATUSES or attempt > s.retries:
                    return answer, attempt, ""
                call.earlier = f"HTTP {answer.status}"
                hinted = parse_retry_after(answer.headers.get("retry-after"))
                if hinted is not None:
                    wait = hinted
                wait = min(wait, s.max_retry_after)
                if not call.room_for(wait):
                    past = f" (no retry: a {wait:g}s wait would pass the {call.deadline()})"
                    return answer, attempt, past
            await asyncio.sleep(wait)

    async def _attempt(self, call: _Call, target: Target, headers: Mapping[str, str]) -> _Answer:
        client = self._client(trusted=target.trusted)
        per_host = asyncio.Semaphore(self.settings.per_host)
        host_limit = self._hosts.setdefault(target.origin, per_host)
        enclosing = current_deadline()
        call.limit, call.waiting, call.received = enclosing, True, 0
        async with asyncio.timeout(_seconds_left(enclosing)) as scope:
            async with host_limit, self._global, host_slot(target.origin):  # fetch/gate.py
                call.waiting = False
                if call.own is None:
                    call.own = Deadline.starting_now(call.budget, call.what)
                cap = self.settings.timeout * _DEADLINE_FACTOR
                call.limit = earliest(call.own, enclosing, Deadline.starting_now(cap, _ATTEMPT))
                scope.reschedule(_when(call.limit))
                assert target.parsed is not None
                async with client.stream("GET", target.parsed, headers=dict(headers)) as response:
                    status = response.status_code
                    found = {name.lower(): value for name, value in response.headers.items()}
                    if not 200 <= status < 300:
                        return _Answer(status, found, b"", target.url)
                    body = await self._read_body(call, response, found)
                    return _Answer(status, found, body, target.url)

    async def _read_body(
        self, call: _Call, response: httpx.Response, headers: Mapping[str, str]
    ) -> bytes:
        url = shown(call.url)
        limit = self.settings.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in headers:
            raise TooLarge(
                f"{url}: body over {limit} bytes (Content-Length {declared})", url=call.url
            )
        chunks: list[bytes] = []
        call.reading_since = time.monotonic()
        async for chunk in response.aiter_bytes():
            call.received += len(chunk)
            if call.received > limit:
                raise TooLarge(f"{url}: body over {limit} bytes", url=call.url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _translate(self, call: _Call, exc: BaseException, attempts: int) -> FetchError:
        url = call.url
        head = shown(url)
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        if call.earlier and attempts > 1:
            tries = f" (after {attempts} attempts; the earlier ones got {call.earlier})"
        s = self.settings
        got = f", {call.received} bytes of body received" if call.received else ""
        if isinstance(exc, httpx.ConnectTimeout):
            return FetchTimeout(
                f"{head}: connect timeout after {s.connect_timeout:g}s{tries}", url=url
            )
        if isinstance(exc, httpx.ReadTimeout):
            return FetchTimeout(f"{head}: read timeout after {s.timeout:g}s{got}{tries}", url=url)
        if isinstance(exc, TimeoutError):
            limit = call.limit
            if limit is None or limit.what == _ATTEMPT:
                cap = s.timeout * _DEADLINE_FACTOR
                return FetchTimeout(
                    f"{head}: no complete response within {cap:g}s{got}{tries}", url=url
                )
            if call.waiting:
                return FetchTimeout(
                    f"{head}: {limit} reached while waiting for a connection slot{tries}", url=url
                )
            if call.received:
                took = time.monotonic() - call.reading_since
                return FetchTimeout(
                    f"{head}: body cut at the {limit}: still arriving after {took:.1f}s "
                    f"({call.received} bytes, {call.received / max(took, 0.001):.0f} bytes/s)"
                    f"{tries}",
                    url=url,
                )
            return FetchTimeout(f"{head}: {limit} reached before a response{tries}", url=url)
        if isinstance(exc, httpx.TimeoutException):
            return FetchTimeout(f"{head}: timed out{got}{tries}", url=url)
        message = _one_line(str(exc)) or type(exc).__name__
        if isinstance(exc, httpx.ConnectError):
            causes = list(_causes(exc))
            if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in (
                message.lower()
            ):
                return FetchError(f"{head}: connection refused{tries}", url=url)
            if any(isinstance(c, socket.gaierror) for c in causes):
                return FetchError(f"{head}: cannot resolve host{tries}", url=url)
            return FetchError(f"{head}: cannot connect: {message}{tries}", url=url)
        if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
            causes = list(_causes(exc))
            what = "reading the answer" if isinstance(exc, httpx.ReadError) else "sending"
            if any(isinstance(c, ConnectionResetError) for c in causes):
                return FetchError(f"{head}: connection reset by the server{got}", url=url)
            if any(isinstance(c, (BrokenPipeError, ConnectionAbortedError)) for c in causes):
                return FetchError(f"{head}: connection closed by the server{got}", url=url)
            detail = next((_one_line(str(c)) for c in causes if str(c)), "") or message
            return FetchError(f"{head}: network error while {what}: {detail}{got}", url=url)
        if isinstance(exc, httpx.RemoteProtocolError):
            return FetchError(f"{head}: protocol error: {message}", url=url)
        if isinstance(exc, httpx.DecodingError):
            return FetchError(f"{head}: cannot decode body: {message}", url=url)
        if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return FetchError(f"{head}: invalid URL: {message}", url=url)
        return FetchError(f"{head}: {type(exc).__name__}: {message}", url=url)


def _describe(exc: BaseException) -> str:
    message = _one_line(str(exc))
    return f"unexpected {type(exc).__name__}" + (f": {message}" if message else "")


def _seconds_left(deadline: Deadline | None) -> float | None:
    return None if deadline is None else deadline.remaining()


def _when(deadline: Deadline | None) -> float | None:
    """``deadline`` in the event loop's clock, for :meth:`asyncio.Timeout.reschedule`."""
    if deadline is None:
        return None
    return asyncio.get_running_loop().time() + deadline.remaining()


_LOCAL_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".ndjson": "application/x-ndjson",
    ".opml": "text/x-opml",
    ".html": "text/html",
    ".htm": "text/html",
}


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__
