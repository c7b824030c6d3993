"""Helpers for the distributed tests: a generated loopback corpus, settings files, real
``deepdaily worker`` processes, the Redis broker the tests need (never skipped: a broker that
does not answer fails the test with the reason), and reading the ledger back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import deepdaily
from deepdaily.testing import FixtureServer

DAY = date(2026, 10, 14)  # window 2026-10-13 00:00 – 2026-10-14 00:00 UTC
REDIS_URL = os.environ.get("DEEPDAILY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SRC = str(Path(deepdaily.__file__).resolve().parents[1])  # this checkout's deepdaily

# (maker, product, kind, figure, unit): invented releases, each told by two or three outlets
RELEASES = [
    ("Larkspan", "Lark Runtime 2.1", "agent runtime", "37", "percent fewer tool errors"),
    ("Quarrydge", "Quarry Index 4.0", "vector index", "3100", "queries per second"),
    ("Brindlecove", "Brindle 9B", "open weights model", "64.2", "points on a coding test"),
    ("Ottersea", "Otter Serve 1.5", "inference server", "48", "milliseconds to first token"),
    ("Mossgate", "Moss Bench 0.6", "evaluation suite", "140", "new tasks"),
    ("Wrenfield", "Wren Compiler 3.3", "kernel compiler", "1.8", "times faster attention"),
    ("Cinderpeak", "Cinder Cache 2.0", "prompt cache", "59", "percent lower cost"),
    ("Hollowmere", "Hollow Guard 1.1", "permission layer", "12", "policy rules"),
]


def write_corpus(root: Path, base: str, *, sources: int = 10, per_source: int = 4) -> list[str]:
    """Feeds and article pages under ``root`` (links to ``base``); return the feed paths."""
    feeds = []
    for s in range(sources):
        outlet = f"outlet{s:02d}"
        (root / outlet).mkdir(parents=True, exist_ok=True)
        items = []
        for i in range(per_source):
            maker, product, kind, figure, unit = RELEASES[(s * 3 + i) % len(RELEASES)]
            hour = 1 + (s * per_source + i) % 22
            slug = f"{product.lower().replace(' ', '-').replace('.', '-')}-{i}"
            text = (
                f"<p>{maker} published {product}, a {kind} for engineering teams.</p>"
                f"<p>{maker} says {product} reaches {figure} {unit} in its own measurements "
                f"against the previous version.</p><p>The {product} release notes describe "
                "the changed defaults, and the source code is available with a migration "
                f"guide.</p><p>{outlet} could not yet confirm the {figure} {unit} figure with "
                "independent users and will report again when outside results appear.</p>"
            )
            (root / outlet / f"{slug}.html").write_text(
                f"<!doctype html><html><head><title>{product} | {outlet}</title>"
                f'<meta property="article:published_time" content="2026-10-13T{hour:02d}:20:00Z">'
                f"</head><body><article><h1>{maker} releases {product}</h1>{text}</article>"
                "</body></html>",
                encoding="utf-8",
            )
            items.append(
                f"<item><title>{maker} releases {product}</title>"
                f"<link>{base}/{outlet}/{slug}.html</link><guid>{base}/{outlet}/{slug}</guid>"
                f"<pubDate>Tue, 13 Oct 2026 {hour:02d}:20:00 GMT</pubDate>"
                f"<description>{product} from {maker}.</description></item>"
            )
        (root / f"{outlet}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{base}/</link><description>releases</description>"
            f"{''.join(items)}</channel></rss>",
            encoding="utf-8",
        )
        feeds.append(f"/{outlet}.xml")
    return feeds


def serve_corpus(
    root: Path, *, sources: int = 10, per_source: int = 4, delay: tuple[float, float] = (0.05, 0.15)
) -> tuple[FixtureServer, list[str]]:
    root.mkdir(parents=True, exist_ok=True)
    server = FixtureServer(root, delay=delay).start()
    paths = write_corpus(root, server.base_url, sources=sources, per_source=per_source)
    return server, [server.url(path) for path in paths]


def write_config(
    workdir: Path,
    feeds: list[str],
    *,
    store_url: str,
    prefix: str = "",
    broker_url: str = REDIS_URL,
    per_host: int = 4,
    stage_timeout_s: float = 90,
) -> Path:
    """A ``deepdaily.toml`` in ``workdir``: the corpus's feeds, English profile, output under
    ``workdir/out``, ``[distributed]`` with short heartbeats so a killed worker's messages come
    back within seconds."""
    workdir.mkdir(parents=True, exist_ok=True)
    lines = [
        'output_dir = "out"',
        "[store]",
        f'url = "{store_url}"',
        "[profile]",
        'language = "en"',
        'timezone = "UTC"',
        "publish_hour = 0",
        "items = 5",
        'interests = ["model", "release", "agent", "inference", "index", "compiler"]',
        "[fetch]",
        "timeout = 5.0",
        "connect_timeout = 2.0",
        "retries = 0",
        f"per_host = {per_host}",
        "[distributed]",
        f'broker_url = "{broker_url}"',
        f'queue_prefix = "{prefix or "unused"}"',
        "heartbeat_timeout_s = 1.5",
        "maintenance_share = 1.0",
        f"stage_timeout_s = {stage_timeout_s:g}",
        "poll_s = 0.1",
        "host_lease_s = 5",
    ]
    for index, url in enumerate(feeds):
        lines += ["[[sources]]", f'name = "outlet{index:02d}"', f'url = "{url}"']
    path = workdir / "deepdaily.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "200", "NO_COLOR": "1"}


def deepdaily(config: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``deepdaily --config CONFIG ARGS`` run to its end in the config's folder."""
    return subprocess.run(
        [sys.executable, "-m", "deepdaily", "--config", str(config), *args],
        cwd=config.parent,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_coordinator(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deepdaily", "--config", str(config), "run", *args],
        cwd=config.parent,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Workers:
    """Real ``deepdaily worker`` processes, each logging to a file of its own."""

    def __init__(self, config: Path, count: int, threads: int = 2) -> None:
        self.config = config
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []
        for n in range(count):
            log = config.parent / f"worker-{n}.log"
            handle = log.open("wb")
            self.procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "deepdaily",
                        "--config",
                        str(config),
                        "worker",
                        "--threads",
                        str(threads),
                    ],
                    cwd=config.parent,
                    env=env(),
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            )
            handle.close()
            self.logs.append(log)

    def wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        for proc, log in zip(self.procs, self.logs, strict=True):
            while " ready:" not in log.read_text(encoding="utf-8", errors="replace"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"worker did not start:\n{self.output()}")
                time.sleep(0.05)

    def output(self) -> str:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace") for log in self.logs)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def redis_server() -> str:
    """The Redis URL the tests use, checked to answer (never skipped)."""
    try:
        import redis
    except ImportError:
        pytest.fail("redis is not installed: pip install -e '.[test]' (it brings [distributed])")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(
            f"Redis at {REDIS_URL} does not answer ({exc}); start it with `bash tools/services` "
            "or set DEEPDAILY_TEST_REDIS_URL"
        )
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def prefix(redis_server: str) -> Iterator[str]:
    """A queue prefix of the test's own; its keys are deleted afterwards."""
    import redis

    name = f"ddtest{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(redis_server)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()
