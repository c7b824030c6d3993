"""``deepdaily doctor``: check the installation, settings, store and tools."""

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
    checks.extend(_source_health(settings, days))
    add("output", lambda: _writable(settings.output_dir))
    add("hugo", _hugo, warn_only=True)
    for index, spec in enumerate(settings.llm):
        add(f"llm[{index}]", partial(_key, spec, index))
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

    Exit 1 when a check fails: settings, database or output unusable, an LLM key missing, or a
    source failing for --days days or more; warnings (a source failing since its last fetch,
    or silent for --days days) keep exit 0.
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
