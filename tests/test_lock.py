"""One run per store and profile at a time: the run lock, its stale state after ``kill -9``,
``--wait``, and real ``deepdaily run`` processes started together.

Regression guard: two runs on one store used to end in raw SQLAlchemy tracebacks
(``UNIQUE constraint failed: sources.name``, ``events.id``), and a killed run stayed
``running`` for ever.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from busy_site import DAY, busy_config, serve_busy_site
from deepdaily.errors import RunInProgress
from deepdaily.store import Store
from deepdaily.store.lock import (
    FileRunLock,
    Holder,
    advisory_key,
    app_name,
    holder_from_app_name,
    run_lock_for,
)
from deepdaily.testing import FixtureServer
from proc_support import integrity, run_statuses, start, wait_for_holder

IN_PROGRESS = re.compile(
    r"^error: another run of profile (\S+) is in progress since "
    r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, pid (\d+)"
)


# -- the lock itself ---------------------------------------------------------------------------


def test_a_second_holder_is_refused_with_who_holds_it_since_when(tmp_path: Path) -> None:
    database = tmp_path / "dd.db"
    first, second = FileRunLock(database, "zh"), FileRunLock(database, "zh")
    first.acquire()
    path = tmp_path / "dd.db.lock-zh"
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(RunInProgress) as caught:
        second.acquire()
    message = str(caught.value)
    assert re.match(r"another run of profile zh is in progress since .* UTC, pid \d+", message)
    assert caught.value.pid == __import__("os").getpid() and "\n" not in message
    assert first.state().state == "held" and second.state().state == "held"
    FileRunLock(database, "en").acquire()  # another profile is another lock
    first.release()
    assert path.read_text(encoding="utf-8") == ""  # a free lock is an empty file
    assert second.state().state == "free"
    second.acquire()
    assert second.took_over is None  # released properly: nothing to take over
    second.release()


def test_waiting_for_a_lock_ends_when_it_is_released_or_times_out(tmp_path: Path) -> None:
    database = tmp_path / "dd.db"
    holder = FileRunLock(database, "zh")
    holder.acquire()
    waiter = FileRunLock(database, "zh")
    seen: list[Holder | None] = []
    started = time.monotonic()
    with pytest.raises(RunInProgress, match=r"\(waited 0 s\)"):
        waiter.acquire(wait=True, timeout=0.3, on_wait=seen.append)
    assert 0.25 <= time.monotonic() - started < 2.0
    assert len(seen) == 1 and seen[0] is not None and seen[0].pid > 0
    threading.Timer(0.4, holder.release).start()
    started = time.monotonic()
    waiter.acquire(wait=True)
    assert 0.3 <= time.monotonic() - started < 3.0
    waiter.release()


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from deepdaily.store.lock import FileRunLock
    FileRunLock(Path(sys.argv[1]), "zh").acquire()
    print("held", flush=True)
    time.sleep(120)
    """
)


def test_a_lock_left_by_kill_9_is_stale_and_taken_over(tmp_path: Path) -> None:
    database = tmp_path / "dd.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        lock = FileRunLock(database, "zh")
        with pytest.raises(RunInProgress, match=f"pid {proc.pid}"):
            lock.acquire()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = lock.state()
        assert state.state == "stale" and state.holder is not None
        assert state.holder.pid == proc.pid and "takes it over" in state.describe()
        lock.acquire()  # no waiting, no manual clean-up
        assert lock.took_over is not None and lock.took_over.pid == proc.pid
        lock.release()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_the_store_lock_is_reentrant_and_per_profile(store_url: str) -> None:
    """On SQLite (lock files) and PostgreSQL (advisory locks)."""
    url = store_url
    with Store(url) as store, Store(url) as other:
        with store.run_lock("zh"), store.run_lock("zh"):  # run_digest inside the CLI's hold
            assert store.holds_run_lock("zh")
            with pytest.raises(RunInProgress):
                other.acquire_run_lock("zh")
            with other.run_lock("en"):
                states = {s.profile: s.state for s in store.run_lock_states(["zh", "en"])}
                assert states == {"zh": "held", "en": "held"}
        assert not store.holds_run_lock("zh")
        with other.run_lock("zh"):
            pass


def test_an_in_memory_store_locks_within_its_process() -> None:
    with Store("sqlite:///:memory:") as store, store.run_lock("zh"):
        lock = run_lock_for(store.url, store.engine, "zh")
        with pytest.raises(RunInProgress):
            lock.acquire()


def test_postgresql_advisory_keys_and_holder_names_without_a_server() -> None:
    """The PostgreSQL lock itself is tested against a server elsewhere (issue 11); its key
    and the session name that tells who holds it are tested here."""
    keys = {name: advisory_key(name) for name in ("zh", "en", "infra", "infra-zh")}
    assert len(set(keys.values())) == 4
    assert all(-(2**63) <= key < 2**63 for key in keys.values())
    assert advisory_key("zh") == keys["zh"]
    since = datetime(2026, 11, 27, 6, 30, 5, tzinfo=UTC)
    name = app_name(Holder(pid=4242, since=since), "a-profile-with-a-very-long-name" * 3)
    assert len(name) <= 63  # PostgreSQL cuts application_name there
    assert holder_from_app_name(name) == Holder(pid=4242, since=since)
    assert holder_from_app_name("psql") is None and holder_from_app_name(None) is None


PG_HOLDER = textwrap.dedent(
    """
    import sys, time
    from deepdaily.store import Store
    store = Store(sys.argv[1])
    store.acquire_run_lock("zh")
    print("held", flush=True)
    time.sleep(120)
    """
)


def test_a_postgresql_lock_of_a_killed_process_is_freed_by_the_server(postgres_url: str) -> None:
    """The advisory lock lives in the holder's session: SIGKILL ends the session, so the next
    run takes the lock at once, and while it is held the refusal names the holder's pid."""
    proc = subprocess.Popen(
        [sys.executable, "-c", PG_HOLDER, postgres_url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        with Store(postgres_url) as store:
            with pytest.raises(RunInProgress, match=f"pid {proc.pid}"):
                store.acquire_run_lock("zh")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            with store.run_lock("zh", wait=True, timeout=10):
                assert store.holds_run_lock("zh")
    finally:
        if proc.poll() is None:
            proc.kill()


# -- deepdaily run, as processes ---------------------------------------------------------------


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureServer, list[str]]]:
    # Slow enough that a run lasts a couple of seconds: a second process started with it
    # certainly finds it still running.
    server, feeds = serve_busy_site(
        tmp_path_factory.mktemp("busy"), outlets=4, per_outlet=6, delay=(0.15, 0.25)
    )
    yield server, feeds
    server.stop()


def _outcome(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_two_runs_of_one_profile_started_together_one_runs_one_refuses(
    tmp_path: Path, busy: tuple[FixtureServer, list[str]]
) -> None:
    busy_config(tmp_path, busy[1])
    procs = [start(["run", "--date", DAY.isoformat()], tmp_path) for _ in range(2)]
    results = [_outcome(p) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    winner = next(p for p, r in zip(procs, results, strict=True) if r[0] == 0)
    _, _, err = next(r for r in results if r[0] == 1)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    match = IN_PROGRESS.match(lines[0])
    assert match and match.group(1) == "en" and int(match.group(2)) == winner.pid
    assert run_statuses(tmp_path / "dd.db") == ["ok"]  # the refused run recorded nothing
    assert integrity(tmp_path / "dd.db") == "ok"


def test_a_run_killed_with_sigkill_leaves_a_stale_lock_the_next_run_takes_over(
    tmp_path: Path, busy: tuple[FixtureServer, list[str]]
) -> None:
    busy_config(tmp_path, busy[1])
    killed = start(["run", "--date", DAY.isoformat()], tmp_path)
    holder = wait_for_holder(tmp_path / "dd.db.lock-en")
    assert holder["pid"] == killed.pid
    deadline = time.monotonic() + 30
    while run_statuses(tmp_path / "dd.db") != ["running"] and time.monotonic() < deadline:
        time.sleep(0.02)  # until the run is recorded, then kill it mid-collect
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert run_statuses(tmp_path / "dd.db") == ["running"]  # what a kill leaves
    code, _, err = _outcome(start(["run", "--date", DAY.isoformat()], tmp_path))
    assert code == 0, err
    assert f"took over the lock of profile en left by pid {killed.pid}" in err
    assert "marked 1 run(s) of profile en interrupted" in err
    assert run_statuses(tmp_path / "dd.db") == ["interrupted", "ok"]
    assert (tmp_path / "dd.db.lock-en").read_text(encoding="utf-8") == ""


def test_wait_waits_for_the_run_in_progress_and_wait_timeout_gives_up(
    tmp_path: Path, busy: tuple[FixtureServer, list[str]]
) -> None:
    """The lock is held here, by this test's process, for as long as the test wants."""
    import os

    busy_config(tmp_path, busy[1])
    Store(f"sqlite:///{tmp_path / 'dd.db'}").close()
    held = FileRunLock(tmp_path / "dd.db", "en")
    held.acquire()
    try:
        impatient = start(["run", "--wait-timeout", "0.2", "--date", DAY.isoformat()], tmp_path)
        patient = start(["run", "--wait", "--date", DAY.isoformat()], tmp_path)
        code, _, err = _outcome(impatient)
        assert code == 1 and "Traceback" not in err
        assert "another run of profile en is in progress since" in err
        assert f"pid {os.getpid()} (waited 0 s)" in err
        time.sleep(2.0)
        assert patient.poll() is None  # still waiting
    finally:
        held.release()
    code, _, err = _outcome(patient)
    assert code == 0, err
    assert "waiting: another run of profile en is in progress since" in err
    assert f"pid {os.getpid()}" in err
    assert run_statuses(tmp_path / "dd.db") == ["ok"]


def test_two_profiles_run_concurrently_on_a_new_store_without_unique_errors(
    tmp_path: Path, busy: tuple[FixtureServer, list[str]]
) -> None:
    """Both create the schema and upsert the same sources, documents and events at once."""
    busy_config(tmp_path, busy[1], '\n[profiles.second]\npost_path = "content/second/{date}.md"\n')
    procs = [
        start(["run", "--date", DAY.isoformat()], tmp_path),
        start(["-p", "second", "run", "--date", DAY.isoformat()], tmp_path),
    ]
    for code, _, err in (_outcome(p) for p in procs):
        assert code == 0, err
        assert "UNIQUE" not in err and "Traceback" not in err
    database = tmp_path / "dd.db"
    assert integrity(database) == "ok"
    with sqlite3.connect(database) as conn:
        profiles = sorted(r[0] for r in conn.execute("SELECT profile FROM runs"))
        migrations = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        docs = conn.execute("SELECT count(*), count(DISTINCT canonical_url) FROM documents")
        total, distinct = docs.fetchone()
    assert profiles == ["en", "second"]
    assert migrations == len(__import__("deepdaily.store.migrations").store.migrations.MIGRATIONS)
    assert total == distinct == 24
    assert (tmp_path / "out" / "content" / "second" / f"{DAY}.md").is_file()


def test_all_profiles_takes_every_lock_before_fetching_anything(
    tmp_path: Path, busy: tuple[FixtureServer, list[str]]
) -> None:
    """--all-profiles fetches once for every profile, so it needs all their locks first."""
    import os

    server, feeds = busy
    busy_config(tmp_path, feeds, '\n[profiles.second]\npost_path = "content/second/{date}.md"\n')
    Store(f"sqlite:///{tmp_path / 'dd.db'}").close()
    fetched = len(server.paths())
    held = FileRunLock(tmp_path / "dd.db", "second")
    held.acquire()
    try:
        code, _, err = _outcome(
            start(["run", "--all-profiles", "--date", DAY.isoformat()], tmp_path)
        )
    finally:
        held.release()
    assert code == 1
    assert "another run of profile second is in progress since" in err
    assert f"pid {os.getpid()}" in err
    assert len(server.paths()) == fetched  # nothing fetched
    assert run_statuses(tmp_path / "dd.db") == []
    assert (tmp_path / "dd.db.lock-en").read_text(encoding="utf-8") == ""  # en let go again
