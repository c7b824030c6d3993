"""Helpers for tests that run ``deepdaily`` as a real process and kill it: start it in a
session of its own, list the live processes of that session's group from ``/proc``, wait for
a lock file to name its holder, and check what a run left on disk and in the database."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import tomllib
from pathlib import Path

DEEPDAILY = [sys.executable, "-m", "deepdaily"]


def start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``deepdaily ARGS`` in ``cwd``, leading a new session (its pid is its process group)."""
    return subprocess.Popen(
        [*DEEPDAILY, *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def live_in_group(pgid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process of group ``pgid`` that is not a zombie."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        state, group = fields[0], int(fields[2])
        if group == pgid and state not in ("Z", "X"):
            found.append((int(entry.name), name))
    return found


def wait_for_no_group(pgid: int, seconds: float = 5.0) -> list[tuple[int, str]]:
    """Wait up to ``seconds`` for group ``pgid`` to have no live process; return those left."""
    deadline = time.monotonic() + seconds
    left = live_in_group(pgid)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = live_in_group(pgid)
    return left


def wait_for_holder(lock_file: Path, seconds: float = 30.0) -> dict[str, object]:
    """The JSON a run writes into its lock file, once it is there."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            text = lock_file.read_text(encoding="utf-8")
        except OSError:
            text = ""
        if text.strip():
            data: dict[str, object] = json.loads(text)
            return data
        time.sleep(0.02)
    raise AssertionError(f"nobody took {lock_file} within {seconds} s")


def front_matter(markdown: str) -> dict[str, object]:
    """The TOML front matter of a Hugo post (between ``+++`` lines), parsed."""
    match = re.match(r"\A\+\+\+\n(.*?)\n\+\+\+\n", markdown, re.S)
    assert match, "no TOML front matter"
    return tomllib.loads(match.group(1))


def duplicates(database: Path) -> dict[str, int]:
    """Rows that repeat a key that must be unique, by table (0 everywhere when sound)."""
    queries = {
        "documents": "SELECT count(*) - count(DISTINCT canonical_url) FROM documents",
        "documents_id": "SELECT count(*) - count(DISTINCT id) FROM documents",
        "events": "SELECT count(*) - count(DISTINCT id) FROM events",
        "digests": "SELECT count(*) - count(DISTINCT profile || ' ' || date) FROM digests",
        "sources": "SELECT count(*) - count(DISTINCT name) FROM sources",
    }
    with sqlite3.connect(database) as conn:
        return {name: int(conn.execute(sql).fetchone()[0]) for name, sql in queries.items()}


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return "; ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))


def run_statuses(database: Path) -> list[str]:
    """The status of every run, oldest first ([] while the database is still being made)."""
    try:
        with sqlite3.connect(database) as conn:
            query = "SELECT status FROM runs ORDER BY started_at"
            return [row[0] for row in conn.execute(query)]
    except sqlite3.OperationalError:
        return []
