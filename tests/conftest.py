"""Shared fixtures: the loopback fixture server and fetch settings tuned for fast tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backends import postgres_server, postgres_url, store_url  # noqa: F401 - fixtures
from deepdaily.config import FetchSettings
from deepdaily.testing import FixtureServer
from site_support import serve_site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def web_root() -> Path:
    """The directory of fixture feeds, pages and forum JSON served over HTTP."""
    return FIXTURES / "web"


@pytest.fixture
def fixture_server(web_root: Path) -> Iterator[FixtureServer]:
    """A running :class:`FixtureServer` on 127.0.0.1 serving ``tests/fixtures/web``."""
    with FixtureServer(web_root) as server:
        yield server


@pytest.fixture
def fast_fetch() -> FetchSettings:
    """Fetch settings with tiny timeouts and backoff, so error paths take milliseconds."""
    return FetchSettings(
        timeout=0.5,
        connect_timeout=0.5,
        retries=2,
        backoff=0.01,
        max_retry_after=2.0,
        max_bytes=200_000,
        user_agent="deepdaily-tests/1",
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[FixtureServer]:
    """The pipeline test site (``site_support``) served from ``tmp_path/site``."""
    server = serve_site(tmp_path / "site")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _no_public_dns() -> Iterator[None]:
    """No test may look up a public host name, not even one that would fail: every lookup in
    the test process but loopback names and addresses raises ``socket.gaierror`` at once."""
    from deepdaily.testing.llm_server import loopback_only

    with loopback_only():
        yield
