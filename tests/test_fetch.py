"""The fetcher and the SSRF guard, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from deepdaily.config import FetchSettings
from deepdaily.errors import (
    BlockedURL,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    TooLarge,
    TooManyRedirects,
)
from deepdaily.fetch import Fetcher, check_url, decode_lines, decode_text, parse_retry_after
from deepdaily.testing import FixtureServer, Request


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# plain fetches and validators -----------------------------------------------------------------


async def test_get_returns_body_headers_and_validators(
    fixture_server: FixtureServer, fast_fetch: FetchSettings, web_root: Path
) -> None:
    url = fixture_server.url("feeds/rss20.xml")
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(url)
    assert response.status == 200
    assert response.url == response.final_url == url
    assert response.body == (web_root / "feeds/rss20.xml").read_bytes()
    assert response.etag and response.last_modified
    assert response.headers["content-type"] == "application/xml"
    assert all(name == name.lower() for name in response.headers)
    assert not response.not_modified
    assert response.charset is None
    assert response.elapsed_ms >= 0
    method, path, headers = fixture_server.requests[0]
    assert (method, path) == ("GET", "/feeds/rss20.xml")
    assert headers["user-agent"] == "deepdaily-tests/1"


async def test_charset_comes_from_content_type(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    body = "Café".encode("latin-1")
    fixture_server.route("/latin", body=body, content_type="text/plain; charset=ISO-8859-1")
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(fixture_server.url("latin"))
    assert response.charset == "iso-8859-1"
    assert response.text == "Café"


async def test_conditional_get_with_etag_and_last_modified(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    url = fixture_server.url("feeds/atom.xml")
    async with Fetcher(fast_fetch) as fetcher:
        first = await fetcher.get(url)
        by_etag = await fetcher.get(url, etag=first.etag)
        by_date = await fetcher.get(url, last_modified=first.last_modified)
    assert by_etag.not_modified and by_etag.status == 304 and by_etag.body == b""
    assert by_etag.etag == first.etag
    assert by_date.not_modified and by_date.last_modified == first.last_modified
    sent = [headers for _, _, headers in fixture_server.requests]
    assert "if-none-match" not in sent[0]
    assert sent[1]["if-none-match"] == first.etag
    assert sent[2]["if-modified-since"] == first.last_modified


async def test_changed_resource_is_fetched_again(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    url = fixture_server.url("feeds/atom.xml")
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(url, etag='"an-old-etag"')
    assert response.status == 200 and not response.not_modified and response.body


# HTTP errors and retries ----------------------------------------------------------------------


async def test_404_is_not_retried(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    url = fixture_server.url("missing.xml")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: HTTP 404 Not Found"
    assert caught.value.status == 404
    assert len(fixture_server.requests) == 1


async def test_500_fails_after_retries(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.route("/broken", status=500, body="oops")
    url = fixture_server.url("broken")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: HTTP 500 Internal Server Error after 3 attempts"
    assert caught.value.status == 500
    assert fixture_server.paths() == ["/broken"] * (fast_fetch.retries + 1)


async def test_503_then_success_backs_off(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    answers = iter([503, 503, 200])

    def flaky(request: Request) -> tuple[int, dict[str, str], str]:
        status = next(answers)
        return status, {}, "ok" if status == 200 else "busy"

    fixture_server.route("/flaky", handler=flaky)
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(fixture_server.url("flaky"))
    assert response.body == b"ok"
    assert len(fixture_server.requests) == 3


async def test_429_waits_for_retry_after(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    calls: list[float] = []

    def limited(request: Request) -> tuple[int, dict[str, str], str]:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 429, {"Retry-After": "1"}, "slow down"
        return 200, {"Content-Type": "text/plain"}, "welcome back"

    fixture_server.route("/limited", handler=limited)
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(fixture_server.url("limited"))
    assert response.body == b"welcome back"
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9


async def test_retry_after_is_capped(fixture_server: FixtureServer) -> None:
    settings = FetchSettings(retries=1, backoff=0.0, max_retry_after=0.05, timeout=1.0)
    fixture_server.route("/cap", status=429, headers={"Retry-After": "3600"})
    started = time.monotonic()
    async with Fetcher(settings) as fetcher:
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(fixture_server.url("cap"))
    assert time.monotonic() - started < 2
    assert caught.value.status == 429
    assert str(caught.value).endswith("HTTP 429 Too Many Requests after 2 attempts")


def test_parse_retry_after() -> None:
    now = datetime(2026, 2, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now)
        == 30.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    )
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


# timeouts, size limits, redirects, connections --------------------------------------------------


async def test_read_timeout(fixture_server: FixtureServer) -> None:
    settings = FetchSettings(timeout=0.2, connect_timeout=0.5, retries=0)
    fixture_server.stall("/stall", seconds=10, before_headers=True)
    url = fixture_server.url("stall")
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: read timeout after 0.2s"


async def test_read_timeouts_are_not_retried(fixture_server: FixtureServer) -> None:
    """Regression: a body that stalled after its first bytes was fetched again (retries x
    timeout of waiting); a server that went silent once is given up on at once."""
    settings = FetchSettings(timeout=0.2, retries=2, backoff=0.0)
    fixture_server.stall("/stall-body", seconds=10)  # headers arrive, the body never ends
    url = fixture_server.url("stall-body")
    async with Fetcher(settings) as fetcher:
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: read timeout after 0.2s, 12 bytes of body received"
    assert len(fixture_server.requests) == 1


async def test_oversized_body_with_content_length(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.stream("/huge", size=50_000_000)
    url = fixture_server.url("huge")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(TooLarge) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: body over 200000 bytes (Content-Length 50000000)"


async def test_oversized_body_counted_while_streaming(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.stream("/endless", size=50_000_000, chunked=True)
    url = fixture_server.url("endless")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(TooLarge) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: body over 200000 bytes"


async def test_redirects_are_followed(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.route("/old-feed", status=301, headers={"Location": "/moved"})
    fixture_server.route("/moved", status=302, headers={"Location": "/feeds/atom.xml"})
    url = fixture_server.url("old-feed")
    async with Fetcher(fast_fetch) as fetcher:
        response = await fetcher.get(url)
    assert response.url == url
    assert response.final_url == fixture_server.url("feeds/atom.xml")
    assert b"Open Weights Log" in response.body


async def test_redirect_loop(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    fixture_server.route("/ping", status=302, headers={"Location": "/pong"})
    fixture_server.route("/pong", status=302, headers={"Location": "/ping"})
    url = fixture_server.url("ping")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(TooManyRedirects) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: redirect loop at {url}"
    assert fixture_server.paths() == ["/ping", "/pong"]


async def test_too_many_redirects(fixture_server: FixtureServer) -> None:
    settings = FetchSettings(max_redirects=2)

    def onward(request: Request) -> tuple[int, dict[str, str], str]:
        step = int(request.path.rsplit("/", 1)[1])
        return 302, {"Location": f"/hop/{step + 1}"}, ""

    for step in range(5):
        fixture_server.route(f"/hop/{step}", handler=onward)
    url = fixture_server.url("hop/0")
    async with Fetcher(settings) as fetcher:
        with pytest.raises(TooManyRedirects) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: more than 2 redirects"
    assert len(fixture_server.requests) == 3


async def test_redirect_to_a_file_is_refused(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.route("/sneaky", status=302, headers={"Location": "file:///etc/passwd"})
    url = fixture_server.url("sneaky")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(BlockedURL) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: redirect to file:///etc/passwd refused (not http/https)"


async def test_redirect_inward_is_refused(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """A configured URL is trusted, but where its server redirects to is not."""
    fixture_server.route("/bounce", status=307, headers={"Location": "http://localhost:1/admin"})
    url = fixture_server.url("bounce")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(BlockedURL) as caught:
            await fetcher.get(url)
    assert str(caught.value) == (
        f"http://localhost:1/admin: host localhost refused for a link found in {url}"
    )


async def test_connection_refused(fast_fetch: FetchSettings) -> None:
    url = f"http://127.0.0.1:{_unused_port()}/feed.xml"
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: connection refused (after 3 attempts)"


async def test_connection_reset_is_named(fast_fetch: FetchSettings) -> None:
    """Regression: a TCP reset was reported as 'ReadError: ReadError'."""
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/reset.xml"

    def reset_once() -> None:
        connection, _ = listener.accept()
        connection.recv(4096)
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()  # with a zero linger: RST instead of FIN

    thread = threading.Thread(target=reset_once, daemon=True)
    thread.start()
    try:
        async with Fetcher(fast_fetch) as fetcher:
            with pytest.raises(FetchError) as caught:
                await fetcher.get(url)
    finally:
        thread.join(timeout=5)
        listener.close()
    assert str(caught.value) == f"{url}: connection reset by the server"


async def test_per_host_limit(fixture_server: FixtureServer) -> None:
    settings = FetchSettings(per_host=2, concurrency=10)
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(request: Request) -> tuple[int, dict[str, str], str]:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return 200, {}, "done"

    fixture_server.route("/slow", handler=slow)
    async with Fetcher(settings) as fetcher:
        await asyncio.gather(*(fetcher.get(fixture_server.url(f"slow?n={i}")) for i in range(6)))
    assert state["peak"] == 2


async def test_injected_transport_replaces_the_network() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="from the mock", headers={"ETag": '"m1"'})

    async with Fetcher(FetchSettings(), transport=httpx.MockTransport(answer)) as fetcher:
        response = await fetcher.get("https://snapshot.invalid/feed.xml")
    assert response.body == b"from the mock" and response.etag == '"m1"'


# local files --------------------------------------------------------------------------------


async def test_local_paths_and_file_urls(fast_fetch: FetchSettings, web_root: Path) -> None:
    path = web_root / "feeds/rss10.rdf"
    async with Fetcher(fast_fetch) as fetcher:
        by_path = await fetcher.get(str(path))
        by_url = await fetcher.get(path.as_uri())
        again = await fetcher.get(str(path), etag=by_path.etag)
    assert by_path.body == by_url.body == path.read_bytes()
    assert by_path.final_url == path.resolve().as_uri()
    assert by_path.status == 200 and by_path.etag
    assert again.not_modified and again.body == b""


async def test_missing_local_file(fast_fetch: FetchSettings, tmp_path: Path) -> None:
    missing = tmp_path / "nope.xml"
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get(missing.as_uri())
    assert str(caught.value) == f"file not found: {missing}"


async def test_local_file_over_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_bytes(b"x" * 2048)
    async with Fetcher(FetchSettings(max_bytes=1024)) as fetcher:
        with pytest.raises(TooLarge) as caught:
            await fetcher.get(str(big))
    assert str(caught.value) == f"{big}: file over 1024 bytes (2048)"


async def test_a_local_path_with_a_nul_byte_is_a_fetch_error(fast_fetch: FetchSettings) -> None:
    """Regression: a NUL in a configured path escaped as a raw ValueError from the OS layer."""
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("feeds/a\x00b.xml")
    assert str(caught.value) == "feeds/a\\x00b.xml: a path may not contain a NUL character"


# the SSRF guard -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1/admin", "loopback address 127.0.0.1"),
        ("http://10.1.2.3/", "private address 10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "metadata address 169.254.169.254"),
        ("http://169.254.1.1/", "link-local address 169.254.1.1"),
        ("http://[fd00:ec2::254]/", "metadata address fd00:ec2::254"),
        ("http://[::1]:8080/", "loopback address ::1"),
        ("http://[::ffff:192.168.0.1]/", "private address 192.168.0.1"),
        ("http://2130706433/", "loopback address 127.0.0.1"),
        ("http://0x7f.1/", "loopback address 127.0.0.1"),
        ("http://224.0.0.1/", "multicast address 224.0.0.1"),
        ("http://0.0.0.0/", "unspecified address 0.0.0.0"),
        ("http://100.64.0.1/", "non-global address 100.64.0.1"),
    ],
)
def test_guard_refuses_private_addresses_in_discovered_links(url: str, problem: str) -> None:
    origin = "https://news.example/feed.xml"
    with pytest.raises(BlockedURL) as caught:
        check_url(url, discovered_from=origin)
    assert str(caught.value) == f"{url}: {problem} refused for a link found in {origin}"


def test_guard_refuses_localhost_files_and_schemes() -> None:
    origin = "https://news.example/feed.xml"
    with pytest.raises(BlockedURL) as caught:
        check_url("http://localhost:9000/", discovered_from=origin)
    assert str(caught.value) == (
        f"http://localhost:9000/: host localhost refused for a link found in {origin}"
    )
    with pytest.raises(BlockedURL) as caught:
        check_url("file:///etc/passwd", discovered_from=origin)
    assert str(caught.value) == (
        f"file:///etc/passwd: local file refused for a link found in {origin}"
    )
    with pytest.raises(BlockedURL) as caught:
        check_url("/etc/passwd", discovered_from=origin)
    assert "local file refused" in str(caught.value)
    with pytest.raises(BlockedURL) as caught:
        check_url("ftp://files.example/x")
    assert str(caught.value) == (
        "ftp://files.example/x: scheme 'ftp' not allowed (http, https, file)"
    )
    with pytest.raises(BlockedURL) as caught:
        check_url("javascript:alert(1)", discovered_from=origin)
    assert "scheme 'javascript' not allowed" in str(caught.value)


def test_guard_allows_configured_urls_same_host_and_public_links() -> None:
    check_url("http://127.0.0.1:8080/feed.xml")  # configured by the user
    check_url("file:///srv/feeds/a.xml")
    check_url("relative/path.jsonl")
    check_url("http://127.0.0.1:8080/post/1", discovered_from="http://127.0.0.1:8080/feed.xml")
    check_url("https://8.8.8.8/x", discovered_from="https://news.example/")
    check_url("https://blog.example/post", discovered_from="https://news.example/")
    check_url("file:///srv/b.html", discovered_from="file:///srv/a.xml")


async def test_fetcher_applies_the_guard_before_any_request(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    url = fixture_server.url("pages/article.html")
    async with Fetcher(fast_fetch) as fetcher:
        with pytest.raises(BlockedURL):
            await fetcher.get(url, discovered_from="https://news.example/feed.xml")
        same_host = await fetcher.get(url, discovered_from=fixture_server.url("feeds/rss20.xml"))
    assert same_host.status == 200
    assert len(fixture_server.requests) == 1


# helpers ------------------------------------------------------------------------------------


def test_decode_text_falls_back_sensibly() -> None:
    assert decode_text("naïve".encode()) == "naïve"
    assert decode_text("naïve".encode("cp1252")) == "naïve"
    assert decode_text('<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1")).endswith(
        "café</p>"
    )
    assert decode_text("x".encode("utf-16")) == "x"
    assert decode_text(b"abc", "no-such-codec") == "abc"


def test_jsonl_mixing_utf8_gbk_and_cp1252_lines_reads_every_line() -> None:
    """Regression (issue 9, hostile corpus): with two lines of three not UTF-8, the file was
    taken for one legacy charset and read as windows-1252, garbling the UTF-8 and GBK lines.
    A UTF-8 line with non-ASCII text says the file is mixed: each line keeps its charset."""
    records = [
        ("utf-8", "大模型推理：显存带宽才是瓶颈", "测试显示显存带宽决定了解码阶段的速度。"),
        ("gbk", "国产加速卡适配开源推理框架", "适配后长上下文场景的吞吐达到同级显卡的九成。"),
        ("cp1252", "Réseaux de neurones à moitié prix", "Une équipe réduit le coût d'inférence."),
    ]
    lines = [
        json.dumps({"title": title, "text": text * 3}, ensure_ascii=False)
        for _, title, text in records
    ]
    body = b"\n".join(
        line.encode(codec) for line, (codec, _, _) in zip(lines, records, strict=True)
    )
    decoded = decode_lines(body)
    assert decoded.text.split("\n") == lines
    assert decoded.warning == (
        "2 lines not UTF-8, decoded one by one: line 2 (gb18030), line 3 (windows-1252)"
    )


async def test_fixture_server_stop_ends_stalled_responses(web_root: Path) -> None:
    server = FixtureServer(web_root).start()
    server.stall("/forever", seconds=60, before_headers=True)
    settings = FetchSettings(timeout=5.0, retries=0)
    async with Fetcher(settings) as fetcher:
        task = asyncio.create_task(fetcher.get(server.url("forever")))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await asyncio.to_thread(server.stop)
        with pytest.raises(FetchError):
            await task
    assert time.monotonic() - started < 3


async def test_fixture_server_latency_and_request_log(web_root: Path) -> None:
    with FixtureServer(web_root, delay=(0.05, 0.06)) as server:
        async with Fetcher(FetchSettings()) as fetcher:
            started = time.monotonic()
            response = await fetcher.get(server.url("items.jsonl"))
            elapsed = time.monotonic() - started
    assert response.status == 200 and elapsed >= 0.05
    assert server.requests[0][:2] == ("GET", "/items.jsonl")
