"""``deepdaily run``: one day's digest from the configured sources."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from deepdaily.config import Settings

__all__ = ["parse_day", "parse_llm_flag", "run"]


def parse_day(value: str | None, timezone: str) -> date:
    """``YYYY-MM-DD``, ``today`` or None (today in the profile's timezone)."""
    from zoneinfo import ZoneInfo

    if value in (None, "", "today"):
        return datetime.now(ZoneInfo(timezone)).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date: expected YYYY-MM-DD or 'today', got {value!r}") from None


def parse_llm_flag(value: str) -> dict[str, str]:
    """``PRESET:MODEL`` (the model may itself contain colons) as an ``[[llm]]`` entry."""
    preset, _, model = value.partition(":")
    if not preset or not model:
        raise UsageError(f"--llm: expected PRESET:MODEL such as ollama:qwen2.5:14b, got {value!r}")
    return {"preset": preset, "model": model}


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
    llm: Annotated[
        list[str] | None,
        typer.Option(
            "--llm",
            help="Replace the [[llm]] chain: PRESET:MODEL, e.g. ollama:qwen2.5:14b (repeatable, "
            "tried in order).",
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Use the offline engine even when [[llm]] entries are configured.",
        ),
    ] = False,
    all_profiles: Annotated[
        bool,
        typer.Option(
            "--all-profiles",
            help="One digest per profile; sources are fetched once, for the first.",
        ),
    ] = False,
) -> None:
    """Collect, group, select, analyse and render one day's digest."""
    import asyncio

    from deepdaily.cli.report import print_summary, progress_hooks
    from deepdaily.pipeline import run_digest

    overrides: dict[str, object] = {}
    if llm:
        overrides["llm"] = [parse_llm_flag(value) for value in llm]
    settings = state.settings(**overrides)
    if fetch and not settings.sources:
        raise ConfigError(
            f"{settings.config_path or 'deepdaily.toml'}: sources: none configured; "
            "add one with `deepdaily sources add URL` or run `deepdaily demo`"
        )
    names = settings.profile_names() if all_profiles else [settings.profile.name]
    flags: dict[str, object] = {
        k: v for k, v in (("items", items), ("language", language)) if v is not None
    }
    with state.store(settings) as store, progress_hooks(console) as hooks:
        results = []
        for index, name in enumerate(names):
            chosen = _with_flags(settings.for_profile(name), flags)
            target = parse_day(day, chosen.profile.timezone)
            results.append(
                asyncio.run(
                    run_digest(
                        chosen,
                        store,
                        target,
                        fetch=fetch and index == 0,
                        offline=offline,
                        hooks=hooks,
                    )
                )
            )
    for result in results:
        print_summary(console, result.manifest)


def _with_flags(settings: Settings, flags: dict[str, object]) -> Settings:
    """The settings with ``--items``/``--language`` laid over the chosen profile."""
    if not flags:
        return settings
    from pydantic import ValidationError

    try:  # a new --language makes a new profile ("en", "NAME-en"): its own post and state
        return settings.with_profile_changes(flags)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(f"--{first['loc'][0]}: {first['msg']}") from None
