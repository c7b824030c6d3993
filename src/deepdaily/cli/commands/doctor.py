"""``deepdaily doctor``: check the installation, settings, store and tools."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.errors import DeepdailyError

if TYPE_CHECKING:
    from deepdaily.config import LLMSpec, Settings

__all__ = ["doctor", "run_checks"]

Check = tuple[str, str, str]  # (status ok|warn|fail, name, detail)


def run_checks(settings: Settings) -> list[Check]:
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
    return f"{settings.store.resolved_url()} (migrated, {docs} documents)"


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
    """Whether the entry's key variable is set (its value is never shown)."""
    from deepdaily.analyse.providers.presets import resolve

    endpoint = resolve(spec, index)
    env = endpoint.api_key_env
    if endpoint.key_required and not os.environ.get(env):
        raise ValueError(f"{endpoint.label}: environment variable {env} is not set")
    return f"{endpoint.label}: " + (f"key in ${env}" if env else "no key needed")


@app.command()
def doctor() -> None:
    """Check Python, settings, sources, the database, the output directory and tools."""
    from rich.markup import escape

    settings = state.settings()
    marks = {"ok": "[green]✓[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
    checks = run_checks(settings)
    for status, name, detail in checks:
        console.print(
            f"{marks[status]} {name:10} {escape(detail)}",
            highlight=False,
        )
    if any(status == "fail" for status, _, _ in checks):
        raise typer.Exit(1)
