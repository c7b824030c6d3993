"""A scripted LLM server on 127.0.0.1: a test double, never a provider.

:class:`ScriptedLLMServer` is a real HTTP server (a thread, an ephemeral port on the loopback
interface) that speaks enough of two wire protocols for the official SDKs to talk to it:

* the OpenAI chat-completions API, ``POST .../chat/completions`` (base URL :attr:`openai_url`);
* the Anthropic Messages API, ``POST .../v1/messages`` (base URL :attr:`anthropic_url`),
  answering a forced tool call with a ``tool_use`` block when the scripted answer is a JSON
  object.

It answers from a queue of :class:`Reply` objects, or from a *responder* function that computes
the reply from the :class:`ScriptedRequest`. A reply is either an answer with token usage or a
fault: an HTTP status with an optional ``Retry-After`` header and error body (:func:`fault`), a
stall longer than the client's timeout (:func:`stall`), a dropped connection (:func:`hang_up`)
or a body that is not JSON at all (:func:`garbage`). The server records every request body and
counts requests and tokens; prompt tokens are estimated as ``len(text) // 4`` unless the script
says otherwise.

It lives in :mod:`deepdaily.testing` so that users can test their own configuration offline; it
is deliberately absent from the provider presets and can never be selected by a setting.
:func:`loopback_only` makes a test fail fast if anything tries to resolve a public host name.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = [
    "Reply",
    "Responder",
    "ScriptedLLMServer",
    "ScriptedRequest",
    "answer",
    "fault",
    "garbage",
    "hang_up",
    "loopback_only",
    "stall",
]


@dataclass(frozen=True)
class Reply:
    """One scripted reply. Build it with :func:`answer`, :func:`fault`, :func:`stall`,
    :func:`hang_up` or :func:`garbage` rather than by hand."""

    content: str = ""  # the model's answer text (JSON answers are JSON text)
    input_tokens: int | None = None  # None: estimated from the prompt
    output_tokens: int | None = None  # None: estimated from the answer
    finish_reason: str = "stop"
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    error: str = ""  # error message sent with a status >= 400
    error_type: str = ""
    delay: float = 0.0  # seconds to wait before answering
    disconnect: bool = False  # close the connection without a response
    raw: bytes | None = None  # send this body verbatim instead of a protocol answer


ReplyLike = Reply | str | Mapping[str, Any] | list[Any]


def answer(
    content: str | Mapping[str, Any] | list[Any],
    *,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    finish_reason: str = "stop",
    delay: float = 0.0,
) -> Reply:
    """A successful answer; a dict or list is sent as JSON text."""
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return Reply(
        content=text,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        finish_reason=finish_reason,
        delay=delay,
    )


def fault(
    status: int,
    message: str = "",
    *,
    retry_after: float | str | None = None,
    error_type: str = "",
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An HTTP error with a protocol-shaped error body and an optional ``Retry-After``."""
    all_headers = dict(headers or {})
    if retry_after is not None:
        value = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
        all_headers["Retry-After"] = value
    return Reply(
        status=status,
        error=message or f"scripted error {status}",
        error_type=error_type,
        headers=all_headers,
    )


def stall(seconds: float, then: Reply | None = None) -> Reply:
    """Wait ``seconds`` (longer than the client timeout, typically), then send ``then``."""
    return replace(then or answer("{}"), delay=seconds)


def hang_up() -> Reply:
    """Close the connection without sending a response."""
    return Reply(disconnect=True)


def garbage(text: str = "<html><body>502 Bad Gateway</body></html>", status: int = 200) -> Reply:
    """A body that is not JSON at all (a proxy's error page, say), sent as ``text/html``."""
    return Reply(
        status=status,
        raw=text.encode("utf-8"),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


@dataclass(frozen=True)
class ScriptedRequest:
    """One request as the server received it."""

    api: str  # "openai" or "anthropic"
    path: str
    headers: Mapping[str, str]  # lower-case names
    body: Mapping[str, Any]

    @property
    def model(self) -> str:
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def prompt(self) -> str:
        """Every message's text (and the Anthropic system prompt), joined by newlines."""
        parts: list[str] = []
        system = self.body.get("system")
        if system:
            parts.append(_text_of(system))
        parts.extend(_text_of(m.get("content", "")) for m in self.messages)
        return "\n".join(parts)

    @property
    def forced_tool(self) -> str:
        """The tool an Anthropic request forces, or ``""``."""
        choice = self.body.get("tool_choice") or {}
        return str(choice.get("name", "")) if choice.get("type") == "tool" else ""


Responder = Callable[[ScriptedRequest], ReplyLike]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(str(block.get("text", "")) for block in content if isinstance(block, dict))
    return str(content)


def _as_reply(value: ReplyLike) -> Reply:
    return value if isinstance(value, Reply) else answer(value)


def _estimate(text: str) -> int:
    return max(1, len(text) // 4)


class ScriptedLLMServer:
    """A loopback HTTP server answering chat requests from a script.

    Use it as a context manager. ``replies`` are served in order; ``responder`` (when given)
    answers once the queue is empty; ``default`` answers after that. With none of them left the
    server answers ``500`` with "script exhausted", so a test that asks more than it scripted
    fails loudly.
    """

    def __init__(
        self,
        replies: Iterable[ReplyLike] = (),
        *,
        responder: Responder | None = None,
        default: ReplyLike | None = None,
    ) -> None:
        self._queue: deque[Reply] = deque(_as_reply(r) for r in replies)
        self.responder = responder
        self.default = None if default is None else _as_reply(default)
        self.requests: list[ScriptedRequest] = []
        self.tokens_in = 0
        self.tokens_out = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> ScriptedLLMServer:
        handler = type("_BoundHandler", (_Handler,), {"scripted": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), name="scripted-llm-server", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedLLMServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- addresses ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("ScriptedLLMServer is not running; use it as a context manager")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_url(self) -> str:
        """Base URL for the OpenAI SDK (``.../v1``)."""
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        """Base URL for the Anthropic SDK (it appends ``/v1/messages`` itself)."""
        return self.url

    # -- script ---------------------------------------------------------------------------

    def script(self, *replies: ReplyLike) -> None:
        """Append replies to the queue."""
        with self._lock:
            self._queue.extend(_as_reply(r) for r in replies)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    @property
    def bodies(self) -> list[Mapping[str, Any]]:
        with self._lock:
            return [r.body for r in self.requests]

    def _next(self, request: ScriptedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        if self.responder is not None:
            return _as_reply(self.responder(request))
        if self.default is not None:
            return self.default
        return fault(500, "ScriptedLLMServer: script exhausted", error_type="server_error")

    def _count(self, tokens_in: int, tokens_out: int) -> None:
        with self._lock:
            self.tokens_in += tokens_in
            self.tokens_out += tokens_out

    def _wait(self, seconds: float) -> bool:
        """Sleep, unless the server is closing; return False when it is."""
        return not self._stopping.wait(seconds)


class _Server(ThreadingHTTPServer):
    """The HTTP server: a listen queue deep enough for many concurrent clients (the default
    of 5 resets connections under a benchmark's load), and quiet about clients that hang up
    (a timed-out request, a closed keep-alive connection)."""

    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    scripted: ScriptedLLMServer
    protocol_version = "HTTP/1.1"
    server_version = "ScriptedLLMServer/1"
    disable_nagle_algorithm = True  # headers and body go out at once: no delayed-ACK stalls

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path.endswith("/chat/completions"):
            api = "openai"
        elif path.endswith("/messages"):
            api = "anthropic"
        else:
            self._send(404, {"error": {"message": f"no route {path}", "type": "not_found"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(400, _error_body(api, 400, "request body is not JSON", ""))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = ScriptedRequest(api=api, path=path, headers=headers, body=body)
        reply = self.scripted._next(request)
        if reply.delay and not self.scripted._wait(reply.delay):
            return
        if reply.disconnect:
            self.close_connection = True
            return
        if reply.raw is not None:
            self._send_bytes(reply.status, reply.raw, reply.headers)
            return
        if reply.status >= 400:
            self._send(
                reply.status,
                _error_body(api, reply.status, reply.error, reply.error_type),
                reply.headers,
            )
            return
        tokens_in = (
            reply.input_tokens if reply.input_tokens is not None else _estimate(request.prompt)
        )
        tokens_out = (
            reply.output_tokens if reply.output_tokens is not None else _estimate(reply.content)
        )
        self.scripted._count(tokens_in, tokens_out)
        n = self.scripted.request_count
        if api == "openai":
            payload = _openai_answer(request, reply, tokens_in, tokens_out, n)
        else:
            payload = _anthropic_answer(request, reply, tokens_in, tokens_out, n)
        self._send(200, payload, reply.headers)

    def _send(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        merged = {"Content-Type": "application/json", **(headers or {})}
        self._send_bytes(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), merged)

    def _send_bytes(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if not any(name.lower() == "content-type" for name in headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout): nothing to do


_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def _error_body(api: str, status: int, message: str, error_type: str) -> dict[str, Any]:
    if api == "anthropic":
        kind = error_type or _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
    kind = error_type or ("server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": error_type or None}}


def _openai_answer(
    request: ScriptedRequest, reply: Reply, tokens_in: int, tokens_out: int, n: int
) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-scripted-{n}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }


def _anthropic_answer(
    request: ScriptedRequest, reply: Reply, tokens_in: int, tokens_out: int, n: int
) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": reply.content}
    stop_reason = "max_tokens" if reply.finish_reason == "length" else "end_turn"
    tool = request.forced_tool
    if tool:
        try:
            value = json.loads(reply.content)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            block = {"type": "tool_use", "id": f"toolu_scripted_{n}", "name": tool, "input": value}
            stop_reason = "tool_use"
    return {
        "id": f"msg_scripted_{n}",
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": [block],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
    }


_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@contextmanager
def loopback_only() -> Iterator[None]:
    """Refuse to resolve any host name but the loopback ones while the block runs.

    Every client connection starts with ``socket.getaddrinfo``, so a test that would reach the
    internet (a default public base URL, say) fails at once with ``socket.gaierror`` instead.
    """
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in _LOOPBACK:
            raise socket.gaierror(socket.EAI_NONAME, f"loopback_only: refused to resolve {name}")
        return real(host, *args, **kwargs)

    socket.getaddrinfo = guarded
    try:
        yield
    finally:
        socket.getaddrinfo = real
