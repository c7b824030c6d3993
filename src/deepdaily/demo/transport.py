"""Serve the bundled demo snapshot to httpx, so ``deepdaily demo`` never leaves the machine.

:class:`SnapshotTransport` is an ``httpx.AsyncBaseTransport``: inject it into the fetcher and
every request for a fictional host is answered from files under ``<root>/web/<host>/<path>``.

- A path that is empty, ends in ``/`` or names a directory is served from its ``index.html``.
- A query string first looks for ``<stem>@<sorted query><suffix>`` (``latest.json?page=2`` ->
  ``latest@page=2.json``); without such a file the query is ignored, except that a ``page``
  beyond the first is a 404, so a paginating collector always stops.
- ``Content-Type`` comes from the extension, with feeds sniffed (RSS vs Atom); ``ETag`` is a hash
  of the bytes and ``Last-Modified`` is fixed, so conditional requests get ``304 Not Modified``.
- Requests for loopback hosts (``127.0.0.1``, ``localhost``, ``::1``) go to the passthrough
  transport, a real ``httpx.AsyncHTTPTransport`` by default: a closed port really fails.
- Any other host that is not in the snapshot is a 404. The network is never used.
"""

from __future__ import annotations

import hashlib
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote

import httpx

__all__ = ["LAST_MODIFIED", "LOOPBACK_HOSTS", "SnapshotTransport"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: One fixed modification time for every file: the end of the snapshot's second day.
LAST_MODIFIED = "Fri, 27 Nov 2026 00:00:00 GMT"

_TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".opml": "text/x-opml",
    ".css": "text/css",
}
_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})


def _feed_type(body: bytes) -> str:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if b"<feed" in head and b"http://www.w3.org/2005/Atom" in head:
        return "application/atom+xml"
    return "application/rss+xml"


def _sniff(body: bytes) -> str:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"{", b"[")):
        return "application/json"
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return _feed_type(body)
    return "application/octet-stream"


def content_type(path: Path, body: bytes) -> str:
    """The ``Content-Type`` header for a snapshot file, always with ``charset=utf-8``."""
    suffix = path.suffix.lower()
    if suffix in _FEED_SUFFIXES:
        kind = _feed_type(body)
    elif suffix in _TEXT_TYPES:
        kind = _TEXT_TYPES[suffix]
    else:
        kind = _sniff(body)
    return f"{kind}; charset=utf-8"


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _etag_matches(header: str, tag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = (part.strip().removeprefix("W/") for part in header.split(","))
    return tag in candidates


def _not_modified_since(header: str) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    return since >= parsedate_to_datetime(LAST_MODIFIED)


class SnapshotTransport(httpx.AsyncBaseTransport):
    """Answer requests from a directory of files laid out as ``web/<host>/<path>``."""

    def __init__(
        self, root: Path | str, *, passthrough: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.root = Path(root)
        self.web = (self.root / "web").resolve()
        self._passthrough = passthrough
        self._owns_passthrough = passthrough is None

    def hosts(self) -> list[str]:
        """The hosts the snapshot serves, sorted."""
        return sorted(p.name for p in self.web.iterdir() if p.is_dir())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = (request.url.host or "").lower()
        if host in LOOPBACK_HOSTS:
            return await self._loopback().handle_async_request(request)
        if request.method not in ("GET", "HEAD"):
            return self._plain(request, 405, "method not allowed", {"Allow": "GET, HEAD"})
        path = self.resolve(request.url)
        if path is None:
            return self._plain(request, 404, f"not in the demo snapshot: {request.url}")
        body = path.read_bytes()
        tag = etag(body)
        headers = {
            "Content-Type": content_type(path, body),
            "ETag": tag,
            "Last-Modified": LAST_MODIFIED,
            "Cache-Control": "max-age=300",
        }
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            fresh = _etag_matches(if_none_match, tag)
        else:
            since = request.headers.get("If-Modified-Since")
            fresh = since is not None and _not_modified_since(since)
        if fresh:
            del headers["Content-Type"]
            return httpx.Response(304, headers=headers, request=request)
        content = b"" if request.method == "HEAD" else body
        if request.method == "HEAD":
            headers["Content-Length"] = str(len(body))
        return httpx.Response(200, headers=headers, content=content, request=request)

    def resolve(self, url: httpx.URL) -> Path | None:
        """The snapshot file for ``url``, or ``None`` when there is none."""
        host = (url.host or "").lower()
        if not host or host.startswith("."):
            return None
        base = self.web / host
        if not base.is_dir():
            return None
        relative = url.path.lstrip("/")
        if not relative or relative.endswith("/"):
            relative += "index.html"
        target = self._inside(base / relative)
        if target is not None and target.is_dir():
            target = self._inside(target / "index.html")
        if target is None:
            return None
        query = parse_qsl(url.query.decode("ascii", "replace"), keep_blank_values=True)
        if query:
            variant = self._inside(target.with_name(_query_name(target, query)))
            if variant is not None and variant.is_file():
                return variant
            page = dict(query).get("page", "")
            if page not in ("", "0", "1"):
                return None
        return target if target.is_file() else None

    def _inside(self, candidate: Path) -> Path | None:
        resolved = candidate.resolve()
        return resolved if resolved.is_relative_to(self.web) else None

    def _loopback(self) -> httpx.AsyncBaseTransport:
        if self._passthrough is None:
            self._passthrough = httpx.AsyncHTTPTransport()
        return self._passthrough

    @staticmethod
    def _plain(
        request: httpx.Request, status: int, text: str, extra: dict[str, str] | None = None
    ) -> httpx.Response:
        headers = {"Content-Type": "text/plain; charset=utf-8", **(extra or {})}
        return httpx.Response(status, headers=headers, text=text + "\n", request=request)

    async def aclose(self) -> None:
        if self._owns_passthrough and self._passthrough is not None:
            await self._passthrough.aclose()
            self._passthrough = None


def _query_name(target: Path, query: list[tuple[str, str]]) -> str:
    """``latest.json`` with ``?page=2`` becomes ``latest@page=2.json``."""
    encoded = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(query))
    return f"{target.stem}@{encoded}{target.suffix}"
