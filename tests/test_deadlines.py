"""Deadlines of the fetcher (issue 9): a slow source costs its deadline, not attempts x timeout.

Everything runs against servers on 127.0.0.1: :class:`FixtureServer` and :class:`DripServer`,
a raw loopback socket server that answers headers at once and then one byte per interval,
just fast enough that no read ever times out.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import httpcore
import pytest

from deepdaily.config import FetchSettings
from deepdaily.errors import FetchTimeout, HTTPStatusError
from deepdaily.fetch import Fetcher
from deepdaily.testing import FixtureServer


class DripServer:
    """Answers every request on 127.0.0.1 with headers, then a byte every ``interval``
    seconds until the client hangs up; counts the connections it was asked to serve."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def url(self, path: str = "feed.xml") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> DripServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                request += chunk
            try:
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                    b"Connection: close\r\n\r\n<?xml"
                )
                while not self._stop.wait(self.interval):
                    connection.sendall(b" ")
            except OSError:
                return  # the client hung up: what a deadline does


def _settings(**update: object) -> FetchSettings:
    base = {
        "timeout": 1.0,
        "connect_timeout": 0.5,
        "retries": 2,
        "backoff": 0.01,
        "max_retry_after": 30.0,
        "source_deadline_s": 1.5,
        "page_deadline_s": 1.5,
    }
    return FetchSettings.model_validate({**base, **update})


SLACK = 0.6  # seconds a deadline may be overrun on a busy machine (threads, scheduling)

_CUT = re.compile(
    r"body cut at the (source|page) deadline of ([\d.]+)s: still arriving after [\d.]+s "
    r"\((\d+) bytes, \d+ bytes/s\)$"
)


async def test_a_dripping_source_is_cut_at_its_deadline_once() -> None:
    """Regression: a server dripping one byte a second never trips the read timeout, so each
    of 3 attempts ran to the 60 s attempt limit (3 minutes for one source). Now the source
    deadline cuts the body, with a reason, and a drip is not retried."""
    with DripServer(interval=0.1) as drip:
        async with Fetcher(_settings()) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchTimeout) as caught:
                await fetcher.get(drip.url())
            took = time.monotonic() - started
    match = _CUT.search(str(caught.value))
    assert match is not None, str(caught.value)
    assert match.group(1, 2) == ("source", "1.5")
    assert int(match.group(3)) >= 5  # bytes did arrive: it was a drip, not a silence
    assert 1.5 <= took < 1.5 + SLACK
    assert drip.connections == 1


async def test_one_dripping_source_costs_the_run_its_deadline(
    fixture_server: FixtureServer,
) -> None:
    """Fetching N sources with one drip among them takes about the deadline, and the others
    are not held up by it."""
    for n in range(6):
        fixture_server.route(f"/feed{n}.xml", body=f"<rss>{n}</rss>", content_type="text/xml")
    with DripServer(interval=0.1) as drip:
        async with Fetcher(_settings(source_deadline_s=1.0)) as fetcher:

            async def timed(url: str) -> float:
                begun = time.monotonic()
                with contextlib.suppress(FetchTimeout):
                    await fetcher.get(url)
                return time.monotonic() - begun

            started = time.monotonic()
            times = await asyncio.gather(
                timed(drip.url()), *(timed(fixture_server.url(f"feed{n}.xml")) for n in range(6))
            )
            total = time.monotonic() - started
    assert 1.0 <= total < 1.0 + SLACK
    assert max(times[1:]) < 0.5
    assert len(fixture_server.requests) == 6 and drip.connections == 1


async def test_pages_have_their_own_deadline(fixture_server: FixtureServer) -> None:
    with DripServer(interval=0.1) as drip:
        async with Fetcher(_settings(source_deadline_s=10.0, page_deadline_s=0.6)) as fetcher:
            started = time.monotonic()
            with pytest.raises(FetchTimeout) as caught:
                await fetcher.get(drip.url("post.html"), discovered_from=drip.url("feed.xml"))
            took = time.monotonic() - started
    match = _CUT.search(str(caught.value))
    assert match is not None and match.group(1, 2) == ("page", "0.6")
    assert 0.6 <= took < 0.6 + SLACK


async def test_a_silent_server_is_not_asked_again(fixture_server: FixtureServer) -> None:
    """A read timeout (the server accepted and never answered) is not retried: it would most
    likely stay silent again, doubling the wait."""
    fixture_server.stall("/silent", seconds=10, before_headers=True)
    url = fixture_server.url("silent")
    async with Fetcher(_settings(timeout=0.3, retries=3)) as fetcher:
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.get(url)
    assert str(caught.value) == f"{url}: read timeout after 0.3s"
    assert fixture_server.paths() == ["/silent"]


async def test_a_connect_timeout_gets_one_more_attempt_only() -> None:
    """Connecting (here: resolving, which counts as connecting) that times out is tried once
    more, not ``retries`` more times."""
    asked: list[str] = []

    def slow_dns(host: str, port: int) -> Sequence[str]:
        asked.append(host)
        time.sleep(1.0)
        return ["127.0.0.1"]

    settings = _settings(connect_timeout=0.2, retries=5, source_deadline_s=10.0)
    async with Fetcher(settings, resolver=slow_dns, network=httpcore.AnyIOBackend()) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.get("http://slow.invalid/feed.xml")
        took = time.monotonic() - started
    assert str(caught.value) == (
        "http://slow.invalid/feed.xml: connect timeout after 0.2s (after 2 attempts)"
    )
    assert asked == ["slow.invalid", "slow.invalid"]
    assert took < 0.9


async def test_a_retry_after_past_the_deadline_is_not_waited_for(
    fixture_server: FixtureServer,
) -> None:
    fixture_server.route("/busy", status=503, headers={"Retry-After": "5"})
    url = fixture_server.url("busy")
    async with Fetcher(_settings(source_deadline_s=2.0, retries=3)) as fetcher:
        started = time.monotonic()
        with pytest.raises(HTTPStatusError) as caught:
            await fetcher.get(url)
        took = time.monotonic() - started
    assert str(caught.value) == (
        f"{url}: HTTP 503 Service Unavailable (no retry: a 5s wait would pass the source "
        "deadline of 2s)"
    )
    assert fixture_server.paths() == ["/busy"] and took < 1.0


async def test_the_deadline_covers_every_redirect_hop(fixture_server: FixtureServer) -> None:
    for n in range(8):
        fixture_server.route(
            f"/hop{n}", status=302, headers={"Location": f"/hop{n + 1}"}, delay=0.3
        )
    url = fixture_server.url("hop0")
    async with Fetcher(_settings(source_deadline_s=1.0, max_redirects=10)) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchTimeout) as caught:
            await fetcher.get(url)
        took = time.monotonic() - started
    assert str(caught.value) == f"{url}: source deadline of 1s reached before a response"
    assert 1.0 <= took < 1.0 + SLACK
    assert 3 <= len(fixture_server.requests) <= 4


async def test_time_queued_behind_other_fetches_is_not_counted(
    fixture_server: FixtureServer,
) -> None:
    """With one connection per host, the third of three 0.35 s fetches waits 0.7 s for its
    slot; its 0.6 s deadline starts when it gets the slot, so it still succeeds."""
    fixture_server.route("/slowish", body="ok", content_type="text/plain", delay=0.35)
    settings = _settings(per_host=1, source_deadline_s=0.6)
    async with Fetcher(settings) as fetcher:
        started = time.monotonic()
        answers = await asyncio.gather(
            *(fetcher.get(fixture_server.url(f"slowish?n={n}")) for n in range(3))
        )
        took = time.monotonic() - started
    assert [a.body for a in answers] == [b"ok"] * 3
    assert took >= 1.0


async def test_an_enclosing_deadline_bounds_a_whole_block(fixture_server: FixtureServer) -> None:
    """``Fetcher.deadline`` bounds everything inside it, time queued for a slot included."""
    fixture_server.stall("/stuck", seconds=10)
    settings = _settings(per_host=1, timeout=5.0, source_deadline_s=30.0)
    async with Fetcher(settings) as fetcher:
        started = time.monotonic()
        with fetcher.deadline(0.5, "collect deadline"):
            results = await asyncio.gather(
                fetcher.get(fixture_server.url("stuck")),
                fetcher.get(fixture_server.url("stuck?again")),
                return_exceptions=True,
            )
        took = time.monotonic() - started
        after = await fetcher.get(fixture_server.url("feeds/atom.xml"))  # the block is over
    assert all(isinstance(r, FetchTimeout) for r in results)
    first, second = (str(r) for r in results)
    assert "body cut at the collect deadline of 0.5s" in first  # it held the host's one slot
    assert second.endswith("collect deadline of 0.5s reached while waiting for a connection slot")
    assert 0.5 <= took < 0.5 + SLACK
    assert after.status == 200


async def test_the_collect_stage_has_one_deadline_over_every_source(tmp_path: object) -> None:
    """A source whose every page is slow (a forum of many topics, say) cannot hold the run:
    ``collect_deadline_s`` bounds the whole stage, and what ran out is a reason, not a crash."""
    from pathlib import Path

    from deepdaily.config import load_settings
    from deepdaily.pipeline.collect import collect
    from deepdaily.store import Store

    root = Path(str(tmp_path))
    with DripServer(interval=0.1) as drip:
        items = "".join(
            f"<item><title>Topic {n}</title><link>{drip.url(f'topic-{n}.html')}</link>"
            f"<description>Topic {n}.</description></item>"
            for n in range(8)
        )
        (root / "forum.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}'
            "</channel></rss>",
            encoding="utf-8",
        )
        settings = load_settings(
            None,
            environ={},
            overrides={
                "store": {"url": f"sqlite:///{root / 'dd.db'}"},
                "sources": [{"name": "forum", "url": str(root / "forum.xml"), "type": "feed"}],
                "fetch": {
                    **_settings(page_deadline_s=30.0).model_dump(),
                    "per_host": 1,
                    "collect_deadline_s": 1.0,
                    "allow_private": ["127.0.0.1"],
                },
            },
        )
        with Store(settings.store.resolved_url()) as store:
            store.start_run("run-1", settings.profile.name, "2026-11-27")
            started = time.monotonic()
            report = await collect(settings, store, "run-1", workers=0)
            took = time.monotonic() - started
    assert took < 1.0 + 2 * SLACK  # not 8 pages x 30 s one after another
    assert report.outcomes and report.outcomes[0].source == "forum"
    outcome = report.outcomes[0]
    reasons = " ".join([*report.extraction_failures, outcome.error, *outcome.warnings])
    assert "collect deadline" in reasons, (took, report)
    assert "kept the entry's summary" in reasons  # each topic lives on, on its feed summary
