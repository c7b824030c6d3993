"""A real HTTP server on 127.0.0.1 for tests and benchmarks.

:class:`FixtureServer` serves the files under ``root`` (with ``ETag`` and ``Last-Modified``,
answering ``304`` to matching conditional requests) and any number of programmed routes: fixed
responses, stateful handlers (redirect loops, ``429`` then ``200``...), endless streamed bodies
for size limits, stalled responses for timeouts, bodies dripped a byte at a time, raw bytes
written as they are (a lying ``Content-Length``, a garbage status line) and connections reset
mid-answer. It binds an ephemeral port on a loopback address only (``127.0.0.1`` unless another
``127.x.y.z`` is asked for), so tests never leave the machine. Every request is recorded in
:attr:`FixtureServer.requests` as ``(method, path, headers)`` with lower-case header names, and
the most requests it ever answered at once per ``Host`` header in :attr:`FixtureServer.peak`
(politeness limits are checked against it).

:class:`SilentServer` is lower still: a loopback TCP listener that accepts connections and never
answers, for clients that must give up on their own.
"""

from __future__ import annotations

import hashlib
import ipaddress
import mimetypes
import random
import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["FixtureServer", "Handler", "Request", "Response", "SilentServer"]

Response = tuple[int, Mapping[str, str], bytes | str]
"""What a route handler returns: ``(status, headers, body)``."""

_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".opml": "text/x-opml",
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
}


@dataclass(frozen=True)
class Request:
    """One request as a route handler sees it."""

    method: str
    path: str  # without the query string
    query: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes = b""


Handler = Callable[[Request], Response]


@dataclass
class _Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    handler: Handler | None = None
    stream_bytes: int = 0  # > 0: stream this many bytes in chunks
    chunked: bool = False  # stream without Content-Length
    stall: float = 0.0  # > 0: send headers and a first chunk, then wait this long
    drip: float = 0.0  # > 0: send headers, then one byte of ``body`` per this many seconds
    raw: bytes | None = None  # written as it is (status line included), then the socket closes
    reset: bool = False  # read the request, then reset the connection (TCP RST)


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, size limits) are expected here, not errors.

    The listen backlog is deep enough for a run that opens dozens of connections at once (the
    default of 5 drops connections, which clients see as connect timeouts).
    """

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class FixtureServer:
    """A threaded HTTP/1.1 server on ``127.0.0.1`` with an ephemeral port.

    ``root`` is a directory served as static files; ``delay`` adds a random latency between the
    two bounds (seconds) to every response, which benchmarks use to mimic real servers.
    """

    def __init__(
        self,
        root: Path | None = None,
        delay: tuple[float, float] | None = None,
        *,
        host: str = "127.0.0.1",
    ) -> None:
        self.root = Path(root).resolve() if root is not None else None
        self.delay = delay
        self.host = _loopback(host)
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.in_flight: dict[str, int] = {}  # Host header -> requests being answered now
        self.peak: dict[str, int] = {}  # Host header -> the most ever answered at once
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> FixtureServer:
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _QuietServer((self.host, 0), _make_handler(self))
        httpd.daemon_threads = True
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._stopping.set()  # wakes stalled and delayed responses
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # addresses -----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FixtureServer is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    # programming responses -----------------------------------------------------------------

    def route(
        self,
        path: str,
        *,
        status: int = 200,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        content_type: str | None = None,
        handler: Handler | None = None,
    ) -> None:
        """Answer ``path`` (query string ignored unless the route includes one).

        A ``handler`` receives the :class:`Request` and returns ``(status, headers, body)``;
        it wins over the fixed ``status``/``body``.
        """
        route = _Route(
            status=status,
            body=_as_bytes(body),
            headers=_with_type(path, headers, content_type),
            delay=delay,
            handler=handler,
        )
        with self._lock:
            self._routes[_key(path)] = route

    def stream(
        self, path: str, *, size: int, chunked: bool = False, content_type: str = "text/plain"
    ) -> None:
        """Answer ``path`` with ``size`` bytes, sent in 64 KiB pieces.

        With ``chunked`` the length is not announced, so a client must count while reading.
        """
        route = _Route(headers={"Content-Type": content_type}, stream_bytes=size, chunked=chunked)
        with self._lock:
            self._routes[_key(path)] = route

    def stall(self, path: str, *, seconds: float = 10.0, before_headers: bool = False) -> None:
        """Answer ``path`` slowly: wait ``seconds`` before the headers or after the first bytes.

        Stalls end early when the server stops, so a test never waits for them.
        """
        route = _Route(
            headers={"Content-Type": "text/plain"},
            delay=seconds if before_headers else 0.0,
            stall=0.0 if before_headers else seconds,
            body=b"first bytes\n",
        )
        with self._lock:
            self._routes[_key(path)] = route

    def drip(
        self,
        path: str,
        *,
        interval: float = 0.5,
        body: bytes | str = b"<",
        content_type: str = "application/rss+xml",
    ) -> None:
        """Answer ``path`` at once with headers, then one byte every ``interval`` seconds.

        ``body`` is repeated for as long as the client reads (a slow-drip server: every read
        gets a byte before a per-read timeout); the length is not announced. The drip ends
        when the client hangs up or the server stops.
        """
        route = _Route(
            headers={"Content-Type": content_type}, drip=interval, body=_as_bytes(body) or b" "
        )
        with self._lock:
            self._routes[_key(path)] = route

    def raw(self, path: str, data: bytes | str, *, hold: float = 0.0) -> None:
        """Answer ``path`` with ``data`` exactly as given (status line and headers included),
        keep the connection open ``hold`` seconds, then close it.

        For answers no well-behaved server sends: a ``Content-Length`` larger than the body, a
        garbage status line, headers without end.
        """
        route = _Route(raw=_as_bytes(data), stall=hold)
        with self._lock:
            self._routes[_key(path)] = route

    def reset(self, path: str) -> None:
        """Answer ``path`` by resetting the connection (TCP RST) once the request is read."""
        with self._lock:
            self._routes[_key(path)] = _Route(reset=True)

    def clear(self) -> None:
        """Forget programmed routes and recorded requests."""
        with self._lock:
            self._routes.clear()
            self.requests.clear()

    def paths(self, method: str = "GET") -> list[str]:
        """Paths requested with ``method``, in order."""
        return [path for meth, path, _ in list(self.requests) if meth == method]

    # internals -----------------------------------------------------------------------------

    def _find_route(self, raw_path: str) -> _Route | None:
        with self._lock:
            return self._routes.get(raw_path) or self._routes.get(urlsplit(raw_path).path)

    def _record(self, method: str, raw_path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((method, raw_path, headers))

    def _enter(self, host: str) -> None:
        with self._lock:
            now = self.in_flight[host] = self.in_flight.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), now)

    def _leave(self, host: str) -> None:
        with self._lock:
            self.in_flight[host] -= 1

    def _sleep(self, seconds: float) -> bool:
        """Wait; False when the server is stopping."""
        return not self._stopping.wait(seconds) if seconds > 0 else True


def _loopback(host: str) -> str:
    """``host`` if it is a loopback IP literal; a fixture server never listens elsewhere."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"fixture servers listen on a loopback IP literal, not {host!r}") from None
    if not address.is_loopback or address.version != 4:
        raise ValueError(f"fixture servers listen on 127.0.0.0/8 only, not {host}")
    return host


def _rst(connection: socket.socket) -> None:
    """Close ``connection`` with a TCP reset instead of an orderly shutdown."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def _key(path: str) -> str:
    return "/" + path.lstrip("/")


def _as_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def _guess_type(path: str) -> str:
    suffix = Path(urlsplit(path).path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "text/plain; charset=utf-8"


def _with_type(
    path: str, headers: Mapping[str, str] | None, content_type: str | None
) -> dict[str, str]:
    merged = dict(headers or {})
    if content_type is not None:
        merged["Content-Type"] = content_type
    elif not any(name.lower() == "content-type" for name in merged):
        merged["Content-Type"] = _guess_type(path)
    return merged


def _file_response(server: FixtureServer, request: Request) -> Response | None:
    if server.root is None:
        return None
    relative = unquote(request.path).lstrip("/")
    target = (server.root / relative).resolve()
    if not target.is_relative_to(server.root):
        return 403, {}, b"forbidden"
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return None
    body = target.read_bytes()
    stat = target.stat()
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    last_modified = formatdate(int(stat.st_mtime), usegmt=True)
    headers = {
        "Content-Type": _guess_type(target.name),
        "ETag": etag,
        "Last-Modified": last_modified,
    }
    if _not_modified(request.headers, etag, int(stat.st_mtime)):
        return 304, headers, b""
    return 200, headers, body


def _not_modified(headers: Mapping[str, str], etag: str, mtime: int) -> bool:
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in tags or "*" in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False
    return False


def _make_handler(server: FixtureServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FixtureServer/1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            self._serve()

        def do_HEAD(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server._record(self.command, self.path, headers)
            length = int(headers.get("content-length") or 0)
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parts.query,
                headers=headers,
                body=self.rfile.read(length) if length else b"",
            )
            host = headers.get("host", "")
            server._enter(host)
            try:
                if server.delay is not None and not server._sleep(random.uniform(*server.delay)):
                    return
                self._answer(request)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                server._leave(host)

        def _answer(self, request: Request) -> None:
            route = server._find_route(self.path)
            if route is None:
                response = _file_response(server, request) or (404, {}, b"not found")
                self._send(*response)
                return
            if not server._sleep(route.delay):
                self.close_connection = True
                return
            if route.reset:
                self.close_connection = True
                _rst(self.connection)
            elif route.raw is not None:
                self._raw(route)
            elif route.handler is not None:
                try:
                    status, headers, body = route.handler(request)
                except Exception as exc:  # a broken test handler must not hang the client
                    status, headers, body = 500, {}, f"handler failed: {exc}"
                self._send(status, {**route.headers, **headers}, body)
            elif route.stream_bytes:
                self._stream(route)
            elif route.drip:
                self._drip(route)
            elif route.stall:
                self._stall(route)
            else:
                self._send(route.status, route.headers, route.body)

        def _send(self, status: int, headers: Mapping[str, str], body: bytes | str) -> None:
            data = _as_bytes(body)
            self.send_response(status, _reason(status))
            names = {name.lower() for name in headers}
            for name, value in headers.items():
                self.send_header(name, value)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD" and status not in (204, 304):
                self.wfile.write(data)

        def _stream(self, route: _Route) -> None:
            self.send_response(200)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(route.stream_bytes))
            self.end_headers()
            piece = b"x" * 65536
            left = route.stream_bytes
            while left > 0 and not server._stopping.is_set():
                data = piece[: min(left, len(piece))]
                if route.chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    self.wfile.write(data)
                left -= len(data)
            if route.chunked:
                self.wfile.write(b"0\r\n\r\n")

        def _stall(self, route: _Route) -> None:
            self.send_response(200)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body) + 1024))
            self.end_headers()
            self.wfile.write(route.body)
            self.wfile.flush()
            server._sleep(route.stall)
            self.close_connection = True

        def _drip(self, route: _Route) -> None:
            self.send_response(200)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()  # no length: the body ends when the connection does
            self.wfile.flush()
            at = 0
            while not server._stopping.is_set():
                self.wfile.write(route.body[at : at + 1])
                self.wfile.flush()
                at = (at + 1) % len(route.body)
                if not server._sleep(route.drip):
                    break
            self.close_connection = True

        def _raw(self, route: _Route) -> None:
            self.wfile.write(route.raw or b"")
            self.wfile.flush()
            server._sleep(route.stall)
            self.close_connection = True

    return _Handler


class SilentServer:
    """A TCP listener on a loopback address that accepts every connection and never answers.

    Accepted sockets are held open (nothing read, nothing written) until :meth:`stop`, so a
    client sees its request go out and then waits for an answer that never comes.
    :attr:`accepted` counts the connections.
    """

    def __init__(self, *, host: str = "127.0.0.1") -> None:
        self.host = _loopback(host)
        self.accepted = 0
        self._socket: socket.socket | None = None
        self._held: list[socket.socket] = []
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> SilentServer:
        if self._socket is not None:
            return self
        self._stopping.clear()
        listener = socket.create_server((self.host, 0), backlog=64)
        listener.settimeout(0.05)
        self._socket = listener
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()
        return self

    def _accept(self) -> None:
        listener = self._socket
        while listener is not None and not self._stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._held.append(connection)
            self.accepted += 1

    def stop(self) -> None:
        if self._socket is None:
            return
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for connection in self._held:
            connection.close()
        self._held.clear()
        self._socket.close()
        self._socket = None
        self._thread = None

    def __enter__(self) -> SilentServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("SilentServer is not running")
        return int(self._socket.getsockname()[1])

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}/{path.lstrip('/')}"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
