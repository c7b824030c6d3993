"""``deepdaily deliver``: send a published digest to the ``[[deliver]]`` channels.

``--date`` picks the day (default: today in the profile's timezone), ``--channel`` (repeatable)
narrows the channels by name, ``--force`` sends again to channels that already got it. One
line per channel says what happened; exit 1 when any channel failed (the digest is never
touched), 2 for a channel name that is not configured. ``run --deliver`` calls
:func:`deliver_after_run` once the run has published.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, err_console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import DeepdailyError

if TYPE_CHECKING:
    from deepdaily.config import Settings
    from deepdaily.deliver import DeliveryOutcome

__all__ = ["deliver", "deliver_after_run", "print_outcomes"]


@app.command()
def deliver(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="The digest's date YYYY-MM-DD, 'today' or 'yesterday' (default today).",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Send again to channels that already got this digest."),
    ] = False,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="Only this [[deliver]] channel (by name; repeatable)."),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="The profile whose digest is sent."),
    ] = None,
) -> None:
    """Send the published digest of a day to the [[deliver]] channels, once per channel.

    Exit 0 when every channel got it (now or before), 1 when a channel failed (the others
    still get it; the digest stays as it is), 2 for an unknown channel name.
    """
    from deepdaily.deliver import deliver_digest

    if profile:
        state.profile = profile
    settings = state.settings()
    target = parse_day(day, settings.profile.timezone)
    if not settings.deliver:
        raise DeepdailyError(
            f"{settings.config_path or 'deepdaily.toml'}: deliver: no [[deliver]] channel "
            "configured (see the README, section Delivery)"
        )
    with state.store(settings) as store:
        outcomes = deliver_digest(settings, store, target, force=force, channels=channel)
    if not outcomes:
        console().print(
            f"no enabled [[deliver]] channel for profile {settings.profile.name}",
            markup=False,
        )
        return
    failed = print_outcomes(outcomes)
    if failed:
        raise typer.Exit(1)


def print_outcomes(outcomes: Sequence[DeliveryOutcome]) -> list[str]:
    """One line per channel; returns the lines of the channels that failed."""
    failed: list[str] = []
    for outcome in outcomes:
        line = outcome.describe()
        if outcome.status == "failed":
            failed.append(line)
            err_console().print(f"✗ {line}", markup=False, highlight=False, soft_wrap=True)
        else:
            mark = "✓" if outcome.status == "sent" else "="
            console().print(f"{mark} {line}", markup=False, highlight=False, soft_wrap=True)
    return failed


def deliver_after_run(settings: Settings, plans: Sequence[tuple[Settings, date]]) -> list[str]:
    """``run --deliver``: deliver each planned (profile settings, day) digest the run
    published; return one line per failure (a delivery error never undoes the run)."""
    from deepdaily.deliver import deliver_digest

    failures: list[str] = []
    with state.store(settings) as store:
        for chosen, target in plans:
            try:
                outcomes = deliver_digest(chosen, store, target)
            except DeepdailyError as exc:
                failures.append(str(exc))
                err_console().print(f"✗ {exc}", markup=False, highlight=False, soft_wrap=True)
                continue
            failures.extend(print_outcomes(outcomes))
    return failures
