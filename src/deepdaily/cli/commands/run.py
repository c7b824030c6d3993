"""``deepdaily run``: one day's digest from the configured sources."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Annotated

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.cli.report import print_summary, progress_hooks
from deepdaily.errors import ConfigError, UsageError
from deepdaily.pipeline import run_digest

__all__ = ["parse_day", "run"]


def parse_day(value: str | None, timezone: str) -> date:
    """``YYYY-MM-DD``, ``today`` or None (today in the profile's timezone)."""
    from zoneinfo import ZoneInfo

    if value in (None, "", "today"):
        return datetime.now(ZoneInfo(timezone)).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD or 'today', got {value!r}") from None


@app.command()
def run(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="Digest date YYYY-MM-DD in the profile's timezone (default today).",
        ),
    ] = None,
    fetch: Annotated[
        bool,
        typer.Option(
            "--fetch/--no-fetch",
            help="Collect sources first, or work from what is stored.",
        ),
    ] = True,
    items: Annotated[int | None, typer.Option(help="Items per digest (profile.items).")] = None,
    language: Annotated[str | None, typer.Option(help="Profile language: zh or en.")] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Use the offline engine even when [[llm]] entries are configured.",
        ),
    ] = False,
) -> None:
    """Collect, group, select, analyse and render one day's digest."""
    profile: dict[str, object] = {}
    if items is not None:
        profile["items"] = items
    if language is not None:
        profile["language"] = language
    settings = state.settings(**({"profile": profile} if profile else {}))
    if fetch and not settings.sources:
        raise ConfigError(
            f"{settings.config_path or 'deepdaily.toml'}: sources: none configured; "
            "add one with `deepdaily sources add URL` or run `deepdaily demo`"
        )
    target = parse_day(day, settings.profile.timezone)
    with state.store(settings) as store, progress_hooks(console) as hooks:
        result = asyncio.run(
            run_digest(settings, store, target, fetch=fetch, offline=offline, hooks=hooks)
        )
    print_summary(console, result.manifest)
