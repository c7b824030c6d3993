"""``deepdaily doctor``: check the installation, settings, store and tools.

Besides Python, settings, sources, output and tools it reports the database's integrity
(SQLite ``PRAGMA quick_check``) and whether other users can read its file, the run lock of each
profile (free, held by pid N since …, or stale: left by a run that died), runs left ``running``
by a crash (marked ``interrupted`` here when their profile's lock is free, as the next run would
do) and how many runs were interrupted, failing or silent sources, the LLM keys and whether
the keys file is private.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.errors import DeepdailyError

if TYPE_CHECKING:
    from deepdaily.config import LLMSpec, Settings
    from deepdaily.store import Store

__all__ = ["doctor", "run_checks"]

Check = tuple[str, str, str]  # (status ok|warn|fail, name, detail)


def run_checks(settings: Settings, *, days: int = 3) -> list[Check]:
    """Every check, in order; ``days`` is how long a source may fail or stay silent."""
    checks: list[Check] = []

    def add(name: str, fn: Callable[[], str], *, warn_only: bool = False) -> None:
        try:
            checks.append(("ok", name, fn()))
        except (DeepdailyError, OSError, ValueError) as exc:
            checks.append(("warn" if warn_only else "fail", name, str(exc).splitlines()[0]))

    add("python", lambda: _python())
    add("settings", lambda: str(settings.config_path or "packaged defaults (no deepdaily.toml)"))
    add("sources", lambda: _sources(settings))
    add("store", lambda: _store(settings))
    checks.extend(_database(settings, days))
    checks.extend(_source_health(settings, days))
    add("output", lambda: _writable(settings.output_dir))
    add("hugo", _hugo, warn_only=True)
    for index, spec in enumerate(settings.llm):
        add(f"llm[{index}]", partial(_key, spec, index))
    checks.extend(_keys_file())
    from deepdaily.deliver.doctor import channel_checks

    checks.extend(channel_checks(settings))
    return checks


def _python() -> str:
    return sys.version.split()[0]


def _sources(settings: Settings) -> str:
    enabled = [s for s in settings.sources if s.enabled]
    if not enabled:
        raise ValueError("no sources configured: `deepdaily sources add URL`")
    return f"{len(enabled)} enabled of {len(settings.sources)}"


def _store(settings: Settings) -> str:
    from deepdaily.store import Store

    with Store(settings.store.resolved_url()) as store:
        docs = store.count("documents")
    return f"{settings.store.describe()}: migrated, {docs} documents"


def _database(settings: Settings, days: int) -> list[Check]:
    """Integrity, file mode, run locks and interrupted runs of the store."""
    from deepdaily.store import Store

    try:
        store = Store(settings.store.resolved_url())
    except DeepdailyError:
        return []  # the store check already says why
    with store:
        checks: list[Check] = []
        found = store.integrity()
        checks.append(
            ("ok", "integrity", "quick_check ok")
            if found == "ok"
            else ("fail", "integrity", f"database damaged: {found}")
        )
        checks.extend(_database_file(store.url))
        checks.extend(_locks(store, settings))
        checks.extend(_interrupted(store, days))
    return checks


def _database_file(url: str) -> list[Check]:
    import stat

    from deepdaily.store.lock import sqlite_path

    path = sqlite_path(url)
    if path is None or not path.exists():
        return []
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        return [
            (
                "warn",
                "db file",
                f"{path} is open to other users (mode {mode:04o}): run: chmod 600 {path}",
            )
        ]
    return []


def _locks(store: Store, settings: Settings) -> list[Check]:
    states = store.run_lock_states(settings.profile_names())
    checks: list[Check] = []
    for lock in states:
        if lock.state == "held":
            checks.append(("ok", "lock", lock.describe()))
        elif lock.state == "stale":
            checks.append(("warn", "lock", lock.describe()))
    if not checks:
        names = ", ".join(lock.profile for lock in states)
        checks.append(("ok", "lock", f"no run in progress (profiles {names})"))
    return checks


def _interrupted(store: Store, days: int) -> list[Check]:
    """Mark runs a crash left ``running`` (their lock being free) and count interrupted runs."""
    from datetime import UTC, datetime, timedelta

    from deepdaily.errors import RunInProgress

    for profile in sorted({run["profile"] for run in store.runs_with_status("running")}):
        try:
            with store.run_lock(profile):
                store.mark_interrupted(profile)
        except RunInProgress:
            continue  # that run is alive
    stopped = store.runs_with_status("interrupted")
    if not stopped:
        return [("ok", "runs", "no interrupted run")]
    latest = stopped[0]
    recent = datetime.now(UTC) - latest["started_at"] < timedelta(days=days)
    return [
        (
            "warn" if recent else "ok",
            "runs",
            f"{len(stopped)} interrupted run(s); latest: profile {latest['profile']} for "
            f"{latest['digest_date']}, started {latest['started_at']:%Y-%m-%d %H:%M} UTC "
            "(killed before it finished; the next run of the day redoes it)",
        )
    ]


def _keys_file() -> list[Check]:
    from deepdaily.analyse.providers.chain import KEYS_FILE, keys_file_problem

    if not KEYS_FILE.is_file():
        return []
    problem = keys_file_problem(KEYS_FILE)
    return (
        [("warn", "keys file", problem)]
        if problem
        else [("ok", "keys file", f"{KEYS_FILE}: private")]
    )


def _source_health(settings: Settings, days: int) -> list[Check]:
    """A line for every enabled source that has been failing, or silent for ``days`` days."""
    from datetime import UTC, datetime, timedelta

    from deepdaily.store import Store
    from deepdaily.store.health import source_health

    names = [s.name for s in settings.sources if s.enabled]
    try:
        with Store(settings.store.resolved_url()) as store:
            health = source_health(store, names)
    except DeepdailyError:
        return []  # the store check already says why
    now, limit = datetime.now(UTC), timedelta(days=days)
    checks: list[Check] = []
    for source in health:
        failing, silent = source.failing_for(now), source.silent_for(now)
        if failing is not None:
            never = ", never succeeded" if source.last_ok is None else ""
            detail = (
                f"{source.name}: failing since {source.failing_since:%Y-%m-%d %H:%M} UTC "
                f"({source.failures_in_a_row} fetches in a row{never}): {source.last_error}"
            )
            checks.append(("fail" if failing >= limit else "warn", "source", detail))
        elif silent is not None and silent >= limit:
            last = source.last_new_document
            when = f"since {last:%Y-%m-%d}" if last else "ever since it was added"
            checks.append(
                (
                    "warn",
                    "source",
                    f"{source.name}: answers, but no new document {when} "
                    f"({silent.days} days, {source.fetches} fetches)",
                )
            )
    return checks


def _writable(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path):
        pass
    return str(path.resolve())


def _hugo() -> str:
    found = shutil.which("hugo")
    if not found:
        raise ValueError("hugo not found on PATH (needed only to build the site: apt install hugo)")
    return found


def _key(spec: LLMSpec, index: int) -> str:
    """Whether the entry's key is set, in the environment or the keys file (never its value)."""
    from deepdaily.analyse.providers.chain import KEYS_FILE, read_keys_file
    from deepdaily.analyse.providers.presets import resolve

    endpoint = resolve(spec, index)
    env = endpoint.api_key_env
    if not env:
        return f"{endpoint.label}: no key needed"
    if os.environ.get(env):
        return f"{endpoint.label}: key in ${env}"
    keys, notes = read_keys_file()
    if keys.get(env):
        return f"{endpoint.label}: key {env} in {KEYS_FILE}" + "".join(f" ({n})" for n in notes)
    if endpoint.key_required:
        raise ValueError(
            f"{endpoint.label}: no key: set ${env} or add {env} to {KEYS_FILE}"
            + "".join(f" ({n})" for n in notes)
        )
    return f"{endpoint.label}: optional key {env} not set"


@app.command()
def doctor(
    days: Annotated[
        int,
        typer.Option(
            "--days",
            min=1,
            help="Flag sources failing, or silent (no new document), for this many days.",
        ),
    ] = 3,
) -> None:
    """Check Python, settings, sources and their health, the database, output and tools.

    The database: integrity, run locks (held or stale), interrupted runs; the keys file's
    permissions.

    Exit 1 when a check fails: settings, database (unusable or damaged) or output unusable, an
    LLM key or a [[deliver]] channel's variable missing, or a source failing for --days days
    or more; warnings (a source failing
    since its last fetch, or silent for --days days; a stale lock, a recent interrupted run, a
    keys file others can read) keep exit 0.
    """
    from rich.markup import escape

    settings = state.settings()
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    checks = run_checks(settings, days=days)
    for status, name, detail in checks:
        console().print(
            f"{marks[status]} {name:10} {escape(detail)}",
            highlight=False,
        )
    if any(status == "fail" for status, _, _ in checks):
        raise typer.Exit(1)
