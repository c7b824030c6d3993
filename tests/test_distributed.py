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
    REDIS_URL,
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


def _free_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _distributed_setup(
    tmp_path: Path, feeds: list[str], url: str, namespace: str, *, per_host: int = 4
) -> Path:
    return write_config(
        tmp_path / "dist", feeds, store_url=url, prefix=namespace, per_host=per_host
    )


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
        started = time.monotonic()
        done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
        print(f"\ndistributed run, 2 workers: {time.monotonic() - started:.1f} s")
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


def test_a_worker_killed_mid_task_loses_nothing_and_duplicates_nothing(
    corpus: tuple[FixtureServer, list[str]],
    reference: dict[str, Any],
    postgres_url: str,
    prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """SIGKILL one of two workers while it holds a collect task: the broker gives the message
    to the other worker after the heartbeat timeout, the run completes with the same digest,
    and every row is there once (documents, events, one fetch log row per source)."""
    import socket

    _, feeds = corpus
    config = _distributed_setup(tmp_path, feeds, postgres_url, prefix)
    workers = Workers(config, 2)
    victim = workers.procs[0]
    name = f"{socket.gethostname()}:{victim.pid}"
    try:
        workers.wait_ready()
        started = time.monotonic()
        coordinator = start_coordinator(config, "--distributed", "--date", DAY.isoformat())
        killed: dict[str, Any] | None = None
        deadline = time.monotonic() + 60
        while killed is None and time.monotonic() < deadline and coordinator.poll() is None:
            busy = [
                row
                for row in _ledger(postgres_url)
                if row["stage"] == "collect" and row["worker"] == name and row["result"] is None
            ]
            if busy:
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed = busy[0]
            time.sleep(0.02)
        assert killed is not None, "the victim never held a task: nothing was tested"
        try:
            _out, err = coordinator.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            coordinator.kill()
            raise AssertionError(f"the run did not finish:\n{workers.output()}") from None
        print(f"\nrun with a SIGKILL: {time.monotonic() - started:.1f} s")
    finally:
        workers.stop()
    assert coordinator.returncode == 0, err + workers.output()
    markdown = (config.parent / POST).read_text(encoding="utf-8")
    assert markdown == reference["markdown"], "the digest differs from the single-machine run"
    counts = _counts(postgres_url)
    assert counts == {k: reference[k] for k in counts}  # documents, events, fetch log: once
    assert counts["documents"] == counts["distinct_urls"] == SOURCES * PER_SOURCE
    rows = {(r["stage"], r["key"]): r for r in _ledger(postgres_url)}
    again = rows[("collect", killed["key"])]
    print(f"\nkilled worker {name} in {killed['key']}: taken again by {again['worker']}")
    assert again["attempts"] >= 2, "the killed task was not delivered again"
    assert again["worker"] != name and again["result"]
    assert len(rows) == SOURCES + 5 and all(r["result"] for r in rows.values())


def test_the_per_host_limit_holds_across_workers(
    postgres_url: str,
    prefix: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Two workers of three threads each, every source on one host: with ``per_host = 2`` the
    server never answers more than two requests at once; with ``per_host = 8`` (the control)
    it does, so the measure can see a breach."""
    peaks = {}
    for per_host in (2, 8):
        server, feeds = serve_corpus(
            tmp_path / f"corpus-{per_host}", sources=8, per_source=4, delay=(0.08, 0.15)
        )
        config = write_config(
            tmp_path / f"dist-{per_host}",
            feeds,
            store_url=f"sqlite:///{tmp_path / f'dd-{per_host}.db'}"
            if per_host == 8
            else postgres_url,
            prefix=f"{prefix}-{per_host}",
            per_host=per_host,
        )
        workers = Workers(config, 2, threads=3)
        try:
            workers.wait_ready()
            done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
        finally:
            workers.stop()
            server.stop()
        assert done.returncode == 0, done.stderr + workers.output()
        assert len(server.requests) == 8 * 5  # every feed and page, once
        peaks[per_host] = max(server.peak.values())
    print(f"\nbusiest moment per host: per_host=2 -> {peaks[2]}, per_host=8 -> {peaks[8]}")
    assert peaks[2] == 2, peaks
    assert peaks[8] > 2, peaks


def test_a_distributed_run_without_a_broker_is_one_line(
    corpus: tuple[FixtureServer, list[str]], tmp_path: Path
) -> None:
    server, feeds = corpus
    port = _free_port()
    config = write_config(
        tmp_path,
        feeds,
        store_url=f"sqlite:///{tmp_path / 'dd.db'}",
        broker_url=f"redis://127.0.0.1:{port}/0",
    )
    before = len(server.requests)
    done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
    worker = deepdaily(config, "worker")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"redis://127.0.0.1:{port}/0: no broker answering" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout
    assert len(server.requests) == before  # nothing fetched
    assert not (tmp_path / POST).exists()
    assert worker.returncode == 1 and len(worker.stderr.strip().splitlines()) == 1


def test_the_llm_budget_is_one_counter_for_every_process(
    redis_server: str,  # noqa: F811
    prefix: str,  # noqa: F811
) -> None:
    """Budgets of different processes (here: threads with their own clients) sharing a run's
    key see every charge: the sum is exact under concurrent charges and all of them see it
    exhausted once the whole run has spent it."""
    import threading

    import redis

    from deepdaily.analyse.providers.base import Usage
    from deepdaily.analyse.providers.budget import Budget
    from deepdaily.distributed.budget import share

    budgets = [Budget(max_tokens=10_000) for _ in range(4)]
    clients = [redis.Redis.from_url(redis_server) for _ in budgets]
    for budget, client in zip(budgets, clients, strict=True):
        share(budget, client, f"{prefix}:budget:run1")

    def spend(budget: Budget) -> None:
        for _ in range(50):
            budget.charge(Usage(input_tokens=30, output_tokens=20))

    threads = [threading.Thread(target=spend, args=(b,)) for b in budgets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [b.tokens_used for b in budgets] == [4 * 50 * 50] * 4
    assert all(b.exhausted for b in budgets)  # 10,000 of 10,000 spent by the four together
    alone = Budget(max_tokens=10_000)
    spend(alone)
    assert alone.tokens_used == 2500 and not alone.exhausted  # what one of them spent
    for client in clients:
        client.close()


def test_a_task_failing_on_its_last_attempt_leaves_a_failed_result(
    tmp_path: Path,
    prefix: str,  # noqa: F811
) -> None:
    """Regression guard: a task that raises on its last attempt must still write a result,
    or the coordinator would wait for it until ``stage_timeout_s``. A collect task for a
    source the run does not have becomes that source's failure, with the worker named."""
    import json

    from deepdaily.config import Settings
    from deepdaily.distributed import ledger, tasks
    from deepdaily.store import Store

    settings = Settings.model_validate(
        {"distributed": {"queue_prefix": prefix}, "sources": [{"name": "a", "url": "file:///x"}]}
    )
    with Store(f"sqlite:///{tmp_path / 'dd.db'}") as store:
        record = ledger.RunRecord("d1", "r1", settings.model_dump_json(), offline=True)
        ledger.open_run(store, record)
        ledger.add_tasks(store, "d1", "collect", [ledger.Task("ghost", "")])
        tasks.configure(tasks.WorkerContext(settings=settings, store=store, name="w1"))
        try:
            tasks.collect_task("d1", "ghost")  # outside a worker: this is its last attempt
        finally:
            tasks.configure(None)
        assert ledger.progress(store, "d1", "collect") == (1, 1)
        [(key, result)] = ledger.results(store, "d1", "collect")
    assert result is not None
    outcome = json.loads(result)["outcome"]
    assert (key, outcome["ok"]) == ("ghost", False)
    assert outcome["error"].startswith("worker w1: DistributedError: source 'ghost' is not")


def test_a_task_longer_than_the_heartbeat_timeout_is_not_given_to_another_worker(
    tmp_path: Path,
    prefix: str,  # noqa: F811
) -> None:
    """Regression guard: Dramatiq's consumer beats only when it fetches, which it stops doing
    while every thread is busy; without the worker's own heartbeat thread a task longer than
    ``heartbeat_timeout_s`` (1.5 s here) would be taken from a live worker and done twice."""
    server, feeds = serve_corpus(tmp_path / "corpus", sources=2, per_source=2, delay=(0.01, 0.02))
    slow = (tmp_path / "corpus" / "outlet00.xml").read_text(encoding="utf-8")
    server.route("/outlet00.xml", body=slow, delay=4.0, content_type="application/rss+xml")
    config = write_config(
        tmp_path / "dist", feeds, store_url=f"sqlite:///{tmp_path / 'dd.db'}", prefix=prefix
    )
    workers = Workers(config, 2, threads=1)
    try:
        workers.wait_ready()
        done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
    finally:
        workers.stop()
        server.stop()
    assert done.returncode == 0, done.stderr + workers.output()
    rows = {r["key"]: r for r in _ledger(f"sqlite:///{tmp_path / 'dd.db'}")}
    assert rows["outlet00"]["attempts"] == 1, rows["outlet00"]
    assert [p for _m, p, _h in server.requests].count("/outlet00.xml") == 1


def test_worker_processes_start_together_and_die_with_their_parent(
    tmp_path: Path,
    prefix: str,  # noqa: F811
) -> None:
    """``deepdaily worker --processes 2`` starts two worker processes; killing the parent with
    SIGKILL (which it cannot pass on) still ends them: a worker never outlives its command."""
    import os
    import sys

    from dist_support import env
    from proc_support import live_in_group, wait_for_no_group

    config = write_config(tmp_path, [], store_url=f"sqlite:///{tmp_path / 'dd.db'}", prefix=prefix)
    log = tmp_path / "worker.log"
    args = ["--config", str(config), "worker", "--processes", "2", "--threads", "1"]
    with log.open("wb") as handle:
        parent = subprocess.Popen(
            [sys.executable, "-m", "deepdaily", *args],
            cwd=tmp_path,
            env=env(),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while log.read_text(errors="replace").count(" ready:") < 2:
        assert parent.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    ready = [line for line in log.read_text().splitlines() if " ready:" in line]
    pids = {int(line.split(":")[1].split()[0]) for line in ready}
    assert len(pids) == 2 and parent.pid not in pids
    assert len(live_in_group(parent.pid)) >= 3  # the parent and its two workers
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    assert wait_for_no_group(parent.pid, seconds=20.0) == []


def test_a_stage_no_worker_completes_fails_the_run_in_one_line(
    corpus: tuple[FixtureServer, list[str]],
    tmp_path: Path,
    prefix: str,  # noqa: F811
) -> None:
    """With no worker running, the coordinator does not wait forever: past
    ``stage_timeout_s`` the run fails (exit 1, recorded failed) naming the missing tasks."""
    import sqlite3

    _, feeds = corpus
    config = write_config(
        tmp_path,
        feeds[:3],
        store_url=f"sqlite:///{tmp_path / 'dd.db'}",
        prefix=prefix,
        stage_timeout_s=2,
    )
    started = time.monotonic()
    done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
    assert done.returncode == 1
    assert time.monotonic() - started < 30
    [line] = done.stderr.strip().splitlines()
    assert "collect: 3 of 3 tasks not done within [distributed] stage_timeout_s = 2 s" in line
    assert "outlet00, outlet01, outlet02" in line and "deepdaily worker" in line
    with sqlite3.connect(tmp_path / "dd.db") as conn:
        assert conn.execute("SELECT status FROM runs").fetchall() == [("failed",)]
    assert not (tmp_path / POST).exists()


def test_the_llm_budget_holds_across_worker_processes(
    corpus: tuple[FixtureServer, list[str]],
    tmp_path: Path,
    prefix: str,  # noqa: F811
) -> None:
    """Two worker processes analyse a run's events with an LLM (a scripted loopback server
    charging 4,000 tokens a call) under ``budget_tokens = 12000``: together they make at most
    one call past the third (the one already under way when the budget ran out), where two
    budgets of their own would have allowed three calls each and the coordinator's synthesis a
    seventh. The run's Redis counter holds exactly what the server charged."""
    import redis

    from deepdaily.testing.llm_server import ScriptedLLMServer, answer

    _, feeds = corpus
    with ScriptedLLMServer(default=answer({}, input_tokens=3000, output_tokens=1000)) as llm:
        config = write_config(
            tmp_path, feeds, store_url=f"sqlite:///{tmp_path / 'dd.db'}", prefix=prefix
        )
        config.write_text(
            config.read_text(encoding="utf-8")
            + "[analysis]\nbudget_tokens = 12000\nrevision_rounds = 0\n"
            "judge_relevance = false\nconcurrency = 1\n"
            f'[[llm]]\nname = "scripted"\nbase_url = "{llm.openai_url}"\n'
            'model = "m"\ntimeout = 5.0\nmax_retries = 0\n',
            encoding="utf-8",
        )
        workers = Workers(config, 2, threads=1)
        try:
            workers.wait_ready()
            done = deepdaily(config, "run", "--distributed", "--date", DAY.isoformat())
        finally:
            workers.stop()
        calls = len(llm.requests)
        charged = llm.tokens_in + llm.tokens_out
    assert done.returncode == 0, done.stderr + workers.output()
    print(f"\nLLM calls under a shared budget of 12,000 tokens: {calls} ({charged} tokens)")
    assert 3 <= calls <= 4, calls
    client = redis.Redis.from_url(REDIS_URL)
    [key] = list(client.scan_iter(f"{prefix}:budget:*:tokens"))
    assert int(client.get(key) or 0) == charged
    client.close()
