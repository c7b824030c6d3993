"""``deepdaily run``: one day's digest from the configured sources.

One run of a profile at a time per store: the run takes its profile's run lock
(:mod:`deepdaily.store.lock`) before fetching anything, and a second run of the same profile
exits 1 at once with "another run of profile P is in progress since …, pid N", or waits for it
with ``--wait`` (``--wait-timeout`` bounds the wait). ``--all-profiles`` takes every profile's
lock at once, in name order (so two waiting runs never hold one each), before fetching once for
all of them. Runs of the profile that a crash left ``running`` are then marked ``interrupted``
and named on the console. A keys file other users can read is a warning on stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, err_console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import ConfigError, DeepdailyError, UsageError

if TYPE_CHECKING:
    from deepdaily.config import Settings
    from deepdaily.distributed.coordinator import Distribution
    from deepdaily.store import Store
    from deepdaily.store.lock import Holder

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
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="If another run of the profile is in progress, wait for it instead of exiting.",
        ),
    ] = False,
    wait_timeout: Annotated[
        float | None,
        typer.Option(
            "--wait-timeout",
            min=0,
            help="Wait at most this many seconds for another run of the profile, then exit 1 "
            "(implies --wait).",
        ),
    ] = None,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="Stop at a draft: nothing is published until `deepdaily serve` or "
            "`deepdaily publish --approve DATE` releases it.",
        ),
    ] = False,
    deliver: Annotated[
        bool,
        typer.Option(
            "--deliver",
            help="After the digest is published, send it to the [[deliver]] channels (a "
            "failed channel exits 1; the digest stays).",
        ),
    ] = False,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Hand fetching, extraction and analysis to `deepdaily worker` processes "
            "([distributed] broker_url) and wait for them, showing each stage's progress.",
        ),
    ] = False,
) -> None:
    """Collect, group, select, analyse, render and publish one day's digest.

    Exit 0 with the digest written, also when some sources failed (the summary names them);
    exit 1 with no digest written when every source failed or no document falls in the
    window (a broken day is not a quiet day); with --strict, exit 1 on any source failure;
    exit 1 at once when another run of the profile is in progress (unless --wait).
    """
    import asyncio
    from contextlib import ExitStack

    from deepdaily.cli.report import print_summary, progress_hooks
    from deepdaily.errors import NothingToPublish
    from deepdaily.pipeline import CollectReport, RunResult, run_digest

    if deliver and review:
        raise UsageError("--deliver sends a published digest; --review leaves a draft")
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
    if settings.llm and not offline:
        _warn_about_keys_file()
    results: list[RunResult] = []
    collected: CollectReport | None = None
    try:
        with state.store(settings) as store, ExitStack() as held:
            waits = wait or wait_timeout is not None
            for name in sorted({chosen.profile.name for chosen, _ in plans}):  # one order for
                # every run, so two runs waiting for each other's locks never hold one each
                held.enter_context(_locked(store, name, wait=waits, timeout=wait_timeout))
            hooks = held.enter_context(progress_hooks(console()))
            for chosen, target in plans:
                spread = _distribution(chosen, store, offline) if distributed else None
                if spread is not None:
                    held.callback(spread.close)
                result = asyncio.run(
                    run_digest(
                        chosen,
                        store,
                        target,
                        fetch=fetch and collected is None,
                        offline=offline,
                        hooks=hooks,
                        collected=collected,
                        review=review,
                        distributed=spread,
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
        if review:  # the draft waits for its editor
            when, name = result.manifest.digest_date, result.manifest.profile
            cli = "deepdaily" if name == settings.default_profile.name else f"deepdaily -p {name}"
            console().print(
                f"draft stored for {when} (profile {name}), nothing published: review it with "
                f"`{cli} serve`, or release it with `{cli} publish --approve {when}`",
                markup=False,
                soft_wrap=True,
            )
    console().print(f"database: {settings.store.describe()}", markup=False, soft_wrap=True)
    undelivered: list[str] = []
    if deliver:
        from deepdaily.cli.commands.deliver import deliver_after_run

        undelivered = deliver_after_run(settings, plans)
    failed = {o.source for r in results for o in r.manifest.sources_failed}
    if strict and failed:
        raise DeepdailyError(
            f"--strict: {len(failed)} source(s) failed: {', '.join(sorted(failed))} "
            "(the digest was written)"
        )
    if undelivered:
        raise DeepdailyError(
            f"--deliver: {len(undelivered)} channel(s) failed (the digest is published): "
            + "; ".join(undelivered)
        )


@contextmanager
def _locked(store: Store, profile: str, *, wait: bool, timeout: float | None) -> Iterator[None]:
    """Hold ``profile``'s run lock; say so while waiting, and name the runs a crash left."""
    from rich.markup import escape

    def waiting(holder: Holder | None) -> None:
        who = holder.describe() if holder else "(holder unknown)"
        limit = f" for up to {timeout:g} s" if timeout is not None else ""
        err_console().print(
            f"waiting{limit}: another run of profile {escape(profile)} is in progress {who}",
            highlight=False,
            soft_wrap=True,
        )

    with store.run_lock(profile, wait=wait, timeout=timeout, on_wait=waiting) as lock:
        if lock.took_over is not None:
            err_console().print(
                f"took over the lock of profile {escape(profile)} left by pid "
                f"{lock.took_over.pid}, which ended without releasing it",
                highlight=False,
                soft_wrap=True,
            )
        stopped = store.mark_interrupted(profile)
        if stopped:
            latest = stopped[-1]
            err_console().print(
                f"marked {len(stopped)} run(s) of profile {escape(profile)} interrupted "
                f"(left running by a crash; latest for {latest['digest_date']}, started "
                f"{latest['started_at']:%Y-%m-%d %H:%M:%S} UTC)",
                highlight=False,
                soft_wrap=True,
            )
        yield


def _distribution(settings: Settings, store: Store, offline: bool) -> Distribution:
    """The coordinator of a distributed run, printing each stage's done/total."""
    from deepdaily.distributed.coordinator import Distribution

    def progress(stage: str, done: int, total: int) -> None:
        console().print(f"  {stage}: {done}/{total} done", highlight=False)

    return Distribution(settings, store, offline=offline, progress=progress)


def _warn_about_keys_file() -> None:
    """Once per run: a keys file other users can read is worth a line on stderr."""
    from deepdaily.analyse.providers.chain import keys_file_problem

    problem = keys_file_problem()
    if problem:
        err_console().print(f"warning: {problem}", highlight=False, markup=False, soft_wrap=True)


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
