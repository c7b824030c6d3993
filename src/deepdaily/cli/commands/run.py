"""``deepdaily run``: one day's digest from the configured sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import ConfigError, DeepdailyError, UsageError

if TYPE_CHECKING:
    from deepdaily.config import Settings

__all__ = ["parse_llm_flag", "run"]


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
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 1 if any source failed (the digest is still written).",
        ),
    ] = False,
) -> None:
    """Collect, group, select, analyse and render one day's digest.

    Exit 0 with the digest written, also when some sources failed (the summary names them);
    exit 1 with no digest written when every source failed or no document falls in the
    window (a broken day is not a quiet day); with --strict, exit 1 on any source failure.
    """
    import asyncio

    from deepdaily.cli.report import print_summary, progress_hooks
    from deepdaily.errors import NothingToPublish
    from deepdaily.pipeline import CollectReport, RunResult, run_digest

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
    plans = []
    for name in names:  # every date and flag is checked before anything is fetched
        chosen = _with_flags(settings.for_profile(name), flags)
        plans.append((chosen, parse_day(day, chosen.profile.timezone)))
    results: list[RunResult] = []
    collected: CollectReport | None = None
    try:
        with state.store(settings) as store, progress_hooks(console()) as hooks:
            for chosen, target in plans:
                result = asyncio.run(
                    run_digest(
                        chosen,
                        store,
                        target,
                        fetch=fetch and collected is None,
                        offline=offline,
                        hooks=hooks,
                        collected=collected,
                    )
                )
                collected = result.collected
                results.append(result)
    except NothingToPublish as exc:
        for result in results:
            print_summary(console(), result.manifest)
        if exc.manifest is not None:
            print_summary(console(), exc.manifest)  # type: ignore[arg-type]
        raise
    for result in results:
        print_summary(console(), result.manifest)
    console().print(f"database: {settings.store.describe()}", markup=False, soft_wrap=True)
    failed = {o.source for r in results for o in r.manifest.sources_failed}
    if strict and failed:
        raise DeepdailyError(
            f"--strict: {len(failed)} source(s) failed: {', '.join(sorted(failed))} "
            "(the digest was written)"
        )


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
