"""Helpers of the review UI tests: the demo's two digests made once, copied for each test.

The bundled demo snapshot (``deepdaily.demo``) gives a realistic day: 29 candidate events,
8 selected, with sources and claims, all offline. It is built once per test session (the
first run fetches from the snapshot); each test gets its own copy of the output directory and
database, so edits never leak from one test into another.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from importlib import resources
from pathlib import Path

from deepdaily.config import Settings
from deepdaily.demo.runner import demo_settings, run_demo

DAY = date(2026, 11, 27)  # the demo's second day: the first counts as its history
PROFILE = "zh"  # the demo settings' profile


def demo_sources() -> Path:
    return Path(str(resources.files("deepdaily.demo").joinpath("sources.toml")))


def build_demo(folder: Path) -> None:
    """The demo's digests of 2026-11-26 and 2026-11-27 under ``folder``."""
    asyncio.run(run_demo(demo_settings(folder)))


def copy_demo(built: Path, folder: Path) -> Settings:
    """A private copy of a built demo; the settings pointing at it."""
    shutil.copytree(built, folder)
    return demo_settings(folder)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(app: object) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        app,  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
