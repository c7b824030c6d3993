"""Crash safety, measured: files written whole or not at all, the database updated after the
files in one transaction, extraction workers that die with their run, and ``deepdaily run``
killed with SIGKILL at random points and then run again.

The kill test runs ``DDTEST_KILL_TRIALS`` trials (default 6, the CI sample; 24 for the full
local measure) on the busy loopback site of ``busy_site``, each in a fresh work directory:
one or two ``kill -9`` of a real ``deepdaily run`` process at a random moment (stratified over
the length of an uninterrupted run; a trial whose run ended before its moment is aimed again
in a fresh directory at the run's new length), then a run to completion. After each
it checks the database's integrity, unique rows, whole files (the post's TOML front matter and
the JSON parse), no temporary file left, no process of the killed run's group alive after a
few seconds, no run left ``running``, and a digest identical to the uninterrupted run's.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from busy_site import DAY, busy_config, serve_busy_site
from deepdaily.cli.app import console
from deepdaily.cli.main import main
from deepdaily.fileio import write_atomic
from deepdaily.testing import FixtureServer
from proc_support import (
    duplicates,
    front_matter,
    integrity,
    run_statuses,
    start,
    wait_for_no_group,
)

KILL_TRIALS = int(os.environ.get("DDTEST_KILL_TRIALS", "6"))
KILL_SEED = int(os.environ.get("DDTEST_KILL_SEED", "20261127"))
POST = Path("out") / "content" / "posts" / f"{DAY}.md"


# -- write_atomic ------------------------------------------------------------------------------


def test_write_atomic_replaces_the_whole_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "post.md"
    write_atomic(target, "first\n")
    assert target.read_text(encoding="utf-8") == "first\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    target.chmod(0o640)
    write_atomic(target, "second, longer\n")
    assert target.read_text(encoding="utf-8") == "second, longer\n"
    assert target.stat().st_mode & 0o777 == 0o640  # a user's chmod survives a rewrite
    assert sorted(p.name for p in target.parent.iterdir()) == ["post.md"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_a_write_that_fails_midway_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a run killed while writing left a 0-byte .json and a truncated .md."""
    target = tmp_path / "post.json"
    target.write_text('{"old": true}', encoding="utf-8")
    real_write = os.write
    calls = 0

    def dying_write(fd: int, data: bytes | memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise OSError(28, "No space left on device")
        return real_write(fd, bytes(data[:10]))  # a short write, then the disk is full

    monkeypatch.setattr(os, "write", dying_write)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, json.dumps({"new": "x" * 1000}))
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["post.json"]  # no temporary file left


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from deepdaily.fileio import write_atomic
    target = Path(sys.argv[1])
    versions = [b"A" * 3_000_000, b"B" * 2_000_000]
    print("ready", flush=True)
    n = 0
    while True:
        write_atomic(target, versions[n % 2])
        n += 1
    """
)


def test_a_writer_killed_at_any_moment_leaves_an_old_or_new_file_never_half(
    tmp_path: Path,
) -> None:
    target = tmp_path / "post.md"
    target.write_bytes(b"A" * 3_000_000)
    rng = random.Random(7)
    for _ in range(8):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.3))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        data = target.read_bytes()
        assert data in (b"A" * 3_000_000, b"B" * 2_000_000)
    # A killed writer may leave its temporary file; the next write of the target removes it.
    write_atomic(target, b"final")
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]
    assert target.read_bytes() == b"final"


# -- the extraction pool -----------------------------------------------------------------------


POOL_OWNER = textwrap.dedent(
    """
    import asyncio, time
    from deepdaily.extract import documents

    def busy():
        time.sleep(120)

    async def main():
        pool = documents._pool(2)
        loop = asyncio.get_running_loop()
        jobs = [loop.run_in_executor(pool, busy) for _ in range(3)]
        await asyncio.sleep(1.5)  # the workers are up and busy
        print("ready", flush=True)
        await asyncio.gather(*jobs)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def test_extraction_workers_die_with_a_killed_run(tmp_path: Path) -> None:
    """Regression: a run killed during collect left its extraction workers (and the
    forkserver) alive for over ten minutes."""
    script = tmp_path / "owner.py"
    script.write_text(POOL_OWNER, encoding="utf-8")
    owner = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the orphaned resource tracker's notes about semaphores
        text=True,
        start_new_session=True,
    )
    try:
        assert owner.stdout is not None and owner.stdout.readline() == "ready\n"
        from proc_support import live_in_group

        assert len(live_in_group(owner.pid)) >= 3  # the owner, the forkserver, workers
        owner.send_signal(signal.SIGKILL)
        owner.wait()
        assert wait_for_no_group(owner.pid, seconds=5.0) == []
    finally:
        if owner.poll() is None:
            owner.kill()


# -- files first, then one transaction ---------------------------------------------------------


@pytest.fixture
def busy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FixtureServer, list[str]]]:
    server, feeds = serve_busy_site(tmp_path_factory.mktemp("busy-site"), outlets=3, per_outlet=4)
    yield server, feeds
    server.stop()


def test_a_crash_between_the_files_and_the_database_is_repaired_by_the_next_run(
    tmp_path: Path,
    busy: tuple[FixtureServer, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The digest row, its watch topics and the run's end are one transaction after the
    files: a crash inside it stores none of them, and the next run stores what the files say."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()
    busy_config(tmp_path, busy[1])
    import deepdaily.pipeline.run as run_module

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process stops after save_digest ran in the transaction

    monkeypatch.setattr(run_module, "open_listed_topics", crash)
    assert main(["run", "--date", DAY.isoformat()]) == 130
    post = tmp_path / POST
    assert post.is_file() and front_matter(post.read_text(encoding="utf-8"))
    with sqlite3.connect(tmp_path / "dd.db") as conn:
        assert conn.execute("SELECT count(*) FROM digests").fetchone()[0] == 0  # rolled back
        assert conn.execute("SELECT count(*) FROM digest_events").fetchone()[0] == 0
    assert run_statuses(tmp_path / "dd.db") == ["interrupted"]
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["run", "--date", DAY.isoformat()]) == 0
    with sqlite3.connect(tmp_path / "dd.db") as conn:
        stored, path = conn.execute("SELECT markdown, path FROM digests").fetchone()
    assert stored == post.read_text(encoding="utf-8") and Path(path) == post.resolve()
    assert run_statuses(tmp_path / "dd.db") == ["interrupted", "ok"]


# -- kill -9 at random points ------------------------------------------------------------------


def _without_time(json_text: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(json_text)
    data.pop("generated_at", None)
    return data


def _finish(workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deepdaily", "run", "--date", DAY.isoformat()],
        cwd=workdir,
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _left_by_kill(workdir: Path) -> str:
    """What the killed runs left, in a few words, for the trial's line."""
    database = workdir / "dd.db"
    if not database.exists():
        return "no database"
    with sqlite3.connect(database) as conn:
        try:
            docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            digests = conn.execute("SELECT count(*) FROM digests").fetchone()[0]
            runs = [r[0] for r in conn.execute("SELECT status FROM runs")]
        except sqlite3.OperationalError:
            return "database without tables"
    post = "post" if (workdir / POST).exists() else "no post"
    return f"{docs} docs, {events} events, {digests} digests, runs {runs}, {post}"


@pytest.mark.slow
def test_kill_9_at_random_points_then_rerun(tmp_path: Path) -> None:
    server, feeds = serve_busy_site(tmp_path / "site")
    try:
        spans, digests = [], []
        for name in ("baseline", "baseline-again"):  # the second, warm, sets the kill span
            baseline = tmp_path / name
            baseline.mkdir()
            busy_config(baseline, feeds)
            started = time.monotonic()
            done = _finish(baseline)
            spans.append(time.monotonic() - started)
            assert done.returncode == 0, done.stderr
            digests.append(
                (
                    (baseline / POST).read_text(encoding="utf-8"),
                    _without_time((baseline / POST.with_suffix(".json")).read_text("utf-8")),
                )
            )
        assert digests[0] == digests[1]  # uninterrupted runs agree: the reference is sound
        want_md, want_json = digests[0]
        assert want_md.count("\n## ") >= 3
        span = min(spans)

        rng = random.Random(KILL_SEED)
        passed: list[int] = []
        landed = 0
        print(f"\nkill trials: {KILL_TRIALS}, seed {KILL_SEED}, uninterrupted run {span:.2f} s")
        for trial in range(KILL_TRIALS):
            # The first kill is stratified over the last three quarters of a run (the first
            # quarter is mostly Python starting up); the second, in every third trial, kills
            # the first re-run anywhere, start-up included.
            share = 0.25 + 0.75 * (trial + rng.random()) / KILL_TRIALS
            shares = [share] if trial % 3 != 2 else [share, rng.random()]
            for attempt in range(4):  # the machine may be faster now: then aim again
                workdir = tmp_path / f"trial-{trial}-{attempt}"
                workdir.mkdir()
                busy_config(workdir, feeds)
                left, first_landed = [], False
                for number, fraction in enumerate(shares):
                    moment = span * fraction
                    proc = start(["run", "--date", DAY.isoformat()], workdir)
                    began = time.monotonic()
                    try:
                        proc.wait(timeout=moment)
                    except subprocess.TimeoutExpired:
                        proc.send_signal(signal.SIGKILL)
                        proc.wait()
                        landed += 1
                        first_landed = first_landed or number == 0
                    else:
                        if number == 0:  # finished before the kill: a run takes this long now
                            span = time.monotonic() - began
                    leftovers = wait_for_no_group(proc.pid, seconds=5.0)
                    assert leftovers == [], (
                        f"trial {trial}: processes outlived the kill: {leftovers}"
                    )
                    state = _left_by_kill(workdir)
                    left.append(f"at {moment:.2f} s (exit {proc.returncode}): {state}")
                if first_landed:
                    break
            final = _finish(workdir)
            assert final.returncode == 0, f"trial {trial}: {final.stderr}"
            assert "Traceback" not in final.stderr
            database = workdir / "dd.db"
            assert integrity(database) == "ok"
            assert duplicates(database) == dict.fromkeys(duplicates(database), 0)
            statuses = run_statuses(database)
            assert statuses[-1] == "ok" and set(statuses) <= {"ok", "interrupted"}
            post = workdir / POST
            markdown = post.read_text(encoding="utf-8")
            assert front_matter(markdown)["title"]
            assert markdown == want_md, f"trial {trial}: digest differs from the uninterrupted run"
            got_json = _without_time(post.with_suffix(".json").read_text(encoding="utf-8"))
            assert got_json == want_json
            assert [p.name for p in post.parent.iterdir() if p.name.endswith(".tmp")] == []
            with sqlite3.connect(database) as conn:
                stored = conn.execute("SELECT markdown FROM digests").fetchall()
                docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            assert stored == [(markdown,)]  # the database agrees with the file
            assert docs == 48
            passed.append(trial)
            print(f"  trial {trial:2}: passed; killed " + "; then ".join(left))
        print(
            f"kill trials passed: {len(passed)} of {KILL_TRIALS} "
            f"({landed} SIGKILLs landed before the run ended)"
        )
        assert len(passed) == KILL_TRIALS
    finally:
        server.stop()


def test_sigterm_stops_a_run_cleanly_and_records_it_interrupted(tmp_path: Path) -> None:
    """A cron ``timeout`` or a service stop sends SIGTERM: exit 143, the run recorded
    ``interrupted`` (not left ``running``), its lock free, no worker left."""
    server, feeds = serve_busy_site(tmp_path / "site", delay=(0.1, 0.2))
    try:
        workdir = tmp_path / "work"
        workdir.mkdir()
        busy_config(workdir, feeds)
        proc = start(["run", "--date", DAY.isoformat()], workdir)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (workdir / "dd.db").exists() and run_statuses(workdir / "dd.db") == ["running"]:
                break
            time.sleep(0.02)
        time.sleep(0.5)  # well into collecting
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143, err
        assert err.strip().splitlines() == ["terminated"]  # no traceback, from any process
        assert run_statuses(workdir / "dd.db") == ["interrupted"]
        assert (workdir / "dd.db.lock-en").read_text(encoding="utf-8") == ""
        assert wait_for_no_group(proc.pid, seconds=5.0) == []
    finally:
        server.stop()


def test_write_atomic_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    """A settings file kept elsewhere and linked in stays linked after ``sources add``."""
    real = tmp_path / "dotfiles" / "deepdaily.toml"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "deepdaily.toml"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"
