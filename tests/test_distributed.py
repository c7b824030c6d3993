"""Distributed runs on the real broker (Redis on 127.0.0.1), real ``deepdaily worker``
processes and the real PostgreSQL, over a generated loopback corpus.

Checked: a distributed run writes the same digest (Markdown byte for byte) as a
single-machine run of the same corpus; a worker killed with SIGKILL in the middle of a task
loses nothing (its message comes back to the other worker) and duplicates nothing; the per-host
politeness limit holds across workers; a run with no broker answering is one line; the LLM
token budget is one counter for every process of a run.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from deepdaily.config.dburl import engine_url
from deepdaily.testing import FixtureServer
from dist_support import (
    DAY,
    Workers,
    deepdaily,
    prefix,  # noqa: F401 - fixture
    redis_server,  # noqa: F401 - fixture
    serve_corpus,
    start_coordinator,
    write_config,
)

SOURCES = 10
PER_SOURCE = 4
POST = Path("out") / "content" / "posts" / f"{DAY}.md"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureServer, list[str]]]:
    server, feeds = serve_corpus(
        tmp_path_factory.mktemp("corpus"), sources=SOURCES, per_source=PER_SOURCE
    )
    yield server, feeds
    server.stop()


@pytest.fixture(scope="module")
def reference(
    corpus: tuple[FixtureServer, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The single-machine run of the corpus (SQLite): its Markdown and row counts."""
    _, feeds = corpus
    workdir = tmp_path_factory.mktemp("single")
    config = write_config(workdir, feeds, store_url=f"sqlite:///{workdir / 'dd.db'}")
    done = deepdaily(config, "run", "--date", DAY.isoformat())
    assert done.returncode == 0, done.stderr
    markdown = (workdir / POST).read_text(encoding="utf-8")
    assert markdown.count("\n## ") >= 3  # a real digest, several items
    return {"markdown": markdown, **_counts(f"sqlite:///{workdir / 'dd.db'}")}


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(engine_url(url))
    with engine.connect() as conn:
        found = {
            table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("documents", "events", "fetch_log", "digests")
        }
        found["distinct_urls"] = int(
            conn.execute(text("SELECT count(DISTINCT canonical_url) FROM documents")).scalar_one()
        )
    engine.dispose()
    return found


def _ledger(url: str) -> list[dict[str, Any]]:
    engine = create_engine(engine_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT stage, key, attempts, worker, result FROM dist_tasks")
            ).all()
    except Exception:  # the table is made by the first process that migrates the store
        rows = []
    finally:
        engine.dispose()
    return [dict(row._mapping) for row in rows]


def _distributed_setup(
    tmp_path: Path, feeds: list[str], url: str, prefix: str, *, per_host: int = 4
) -> Path:
    return write_config(tmp_path / "dist", feeds, store_url=url, prefix=prefix, per_host=per_host)


def test_a_distributed_run_writes_the_single_machine_digest(
    corpus: tuple[FixtureServer, list[str]],
    reference: dict[str, Any],
    postgres_url: str,
    prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    _, feeds = corpus
    config = _distributed_setup(tmp_path, feeds, postgres_url, prefix)
    workers = Workers(config, 2)
    try:
        workers.wait_ready()
        done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
    finally:
        workers.stop()
    assert done.returncode == 0, done.stderr + workers.output()
    assert f"collect: {SOURCES}/{SOURCES} done" in done.stdout  # progress per stage
    assert "analyse: 5/5 done" in done.stdout
    markdown = (config.parent / POST).read_text(encoding="utf-8")
    assert markdown == reference["markdown"]
    counts = _counts(postgres_url)
    assert counts == {k: reference[k] for k in counts}
    ledger = _ledger(postgres_url)
    assert sorted(r["stage"] for r in ledger) == ["analyse"] * 5 + ["collect"] * SOURCES
    assert all(r["result"] for r in ledger)
    names = {r["worker"] for r in ledger}
    assert len(names) == 2, f"one worker did every task: {names}"  # both took part
