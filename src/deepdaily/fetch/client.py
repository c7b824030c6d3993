"""The fetcher: one polite, bounded async HTTP client for every stage.

Governed by ``[fetch]`` settings (:class:`~deepdaily.config.FetchSettings`):

- ``concurrency`` requests in flight at most, ``per_host`` of them on one host;
- ``connect_timeout`` and ``timeout`` (read) per request; one attempt may take at most
  ``4 x timeout`` in all, so a server that drips bytes cannot hold a worker forever;
- ``max_bytes`` of body, counted while streaming (decoded), else :class:`TooLarge`;
- ``max_redirects`` followed by hand, loops refused; each target is checked by the SSRF guard as
  a link discovered in the redirecting response, so a public server cannot bounce us inward;
- ``retries`` more attempts on 429, 500, 502, 503, 504, connect errors and timeouts, waiting
  ``backoff x 2**n`` seconds or what ``Retry-After`` says (capped at ``max_retry_after``);
- ``user_agent`` on every request.

Conditional GET: pass the ``etag``/``last_modified`` of the previous run and a ``304`` comes back
as ``not_modified=True``. ``file://`` URLs and plain paths are read from disk
(:mod:`deepdaily.fetch.local`). Every error is a :class:`~deepdaily.errors.FetchError` whose
message is one line, ``"<url>: <problem>"``.
"""

from __future__ import annotations

import asyncio
import mimetypes
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from deepdaily.config import FetchSettings
from deepdaily.errors import (
    BlockedURL,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from deepdaily.fetch.decode import Decoded, charset_of, decode_body
from deepdaily.fetch.guard import check_url, is_local
from deepdaily.fetch.local import read_local

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
    return " ".join(str(text).split())


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


class Fetcher:
    """Fetch URLs within the limits of :class:`FetchSettings`.

    Use as ``async with Fetcher(settings) as fetcher``. ``transport`` replaces the network
    (httpx ``MockTransport``, the demo's snapshot transport).
    """

    def __init__(
        self, settings: FetchSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(settings.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        self._ensure_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _ensure_client(self) -> httpx.AsyncClient:
        if self._client is None:
            s = self.settings
            self._client = httpx.AsyncClient(
                transport=self._transport,
                headers={"User-Agent": s.user_agent},
                timeout=httpx.Timeout(s.timeout, connect=s.connect_timeout),
                limits=httpx.Limits(
                    max_connections=s.concurrency, max_keepalive_connections=s.concurrency
                ),
                follow_redirects=False,
            )
        return self._client

    # the seam ------------------------------------------------------------------------------

    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        discovered_from: str | None = None,
    ) -> FetchResponse:
        """Fetch ``url``; ``discovered_from`` (the page the link was found in) arms the guard."""
        started = time.monotonic()
        check_url(url, discovered_from=discovered_from)
        if is_local(url):
            return await self._get_local(url, etag, last_modified, started)
        conditional: dict[str, str] = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        answer, attempts = await self._follow(url, conditional, discovered_from)
        status = answer.status
        if status >= 400 or (status >= 300 and status != 304):
            where = f" at {answer.url}" if answer.url != url else ""
            tries = f" after {attempts} attempts" if attempts > 1 else ""
            raise HTTPStatusError(
                f"{url}: HTTP {_phrase(status)}{where}{tries}", url=url, status=status
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
        self, url: str, headers: Mapping[str, str], discovered_from: str | None
    ) -> tuple[_Answer, int]:
        current = url
        visited = {url}
        for _ in range(self.settings.max_redirects + 1):
            answer, attempts = await self._with_retries(url, current, headers)
            location = answer.headers.get("location", "").strip()
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer, attempts
            target = urljoin(current, location)
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise BlockedURL(f"{url}: redirect to {target} refused (not http/https)", url=url)
            if target in visited:
                raise TooManyRedirects(f"{url}: redirect loop at {target}", url=url)
            # A redirect target is a link the server handed us: guard it like one.
            check_url(target, discovered_from=discovered_from or current)
            visited.add(target)
            current = target
        raise TooManyRedirects(f"{url}: more than {self.settings.max_redirects} redirects", url=url)

    async def _with_retries(
        self, url: str, current: str, headers: Mapping[str, str]
    ) -> tuple[_Answer, int]:
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            wait = s.backoff * 2 ** (attempt - 1)
            try:
                answer = await self._attempt(url, current, headers)
            except (httpx.ConnectError, httpx.TimeoutException, TimeoutError) as exc:
                if attempt > s.retries:
                    raise self._translate(url, exc, attempt) from None
            except httpx.HTTPError as exc:
                raise self._translate(url, exc, attempt) from None
            else:
                if answer.status not in RETRY_STATUSES or attempt > s.retries:
                    return answer, attempt
                hinted = parse_retry_after(answer.headers.get("retry-after"))
                if hinted is not None:
                    wait = hinted
            await asyncio.sleep(min(wait, s.max_retry_after))

    async def _attempt(self, url: str, current: str, headers: Mapping[str, str]) -> _Answer:
        client = self._ensure_client()
        host = urlsplit(current).netloc.lower()
        host_limit = self._hosts.setdefault(host, asyncio.Semaphore(self.settings.per_host))
        async with (
            host_limit,
            self._global,
            asyncio.timeout(self.settings.timeout * _DEADLINE_FACTOR),
            client.stream("GET", current, headers=dict(headers)) as response,
        ):
            status = response.status_code
            found = {name.lower(): value for name, value in response.headers.items()}
            if not 200 <= status < 300:
                return _Answer(status, found, b"", current)
            body = await self._read_body(url, response, found)
            return _Answer(status, found, body, current)

    async def _read_body(
        self, url: str, response: httpx.Response, headers: Mapping[str, str]
    ) -> bytes:
        limit = self.settings.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and "content-encoding" not in headers:
            raise TooLarge(f"{url}: body over {limit} bytes (Content-Length {declared})", url=url)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"{url}: body over {limit} bytes", url=url)
            chunks.append(chunk)
        return b"".join(chunks)

    def _translate(self, url: str, exc: BaseException, attempts: int) -> FetchError:
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        s = self.settings
        if isinstance(exc, httpx.ConnectTimeout):
            return FetchTimeout(
                f"{url}: connect timeout after {s.connect_timeout:g}s{tries}", url=url
            )
        if isinstance(exc, httpx.ReadTimeout):
            return FetchTimeout(f"{url}: read timeout after {s.timeout:g}s{tries}", url=url)
        if isinstance(exc, TimeoutError):
            limit = s.timeout * _DEADLINE_FACTOR
            return FetchTimeout(f"{url}: no complete response within {limit:g}s{tries}", url=url)
        if isinstance(exc, httpx.TimeoutException):
            return FetchTimeout(f"{url}: timed out{tries}", url=url)
        message = _one_line(str(exc)) or type(exc).__name__
        if isinstance(exc, httpx.ConnectError):
            causes = list(_causes(exc))
            if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in (
                message.lower()
            ):
                return FetchError(f"{url}: connection refused{tries}", url=url)
            if any(isinstance(c, socket.gaierror) for c in causes):
                return FetchError(f"{url}: cannot resolve host{tries}", url=url)
            return FetchError(f"{url}: cannot connect: {message}{tries}", url=url)
        if isinstance(exc, httpx.RemoteProtocolError):
            return FetchError(f"{url}: protocol error: {message}", url=url)
        if isinstance(exc, httpx.DecodingError):
            return FetchError(f"{url}: cannot decode body: {message}", url=url)
        if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
            return FetchError(f"{url}: invalid URL: {message}", url=url)
        return FetchError(f"{url}: {type(exc).__name__}: {message}", url=url)


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
