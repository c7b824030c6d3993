"""``deepdaily schedule print``: a crontab line or systemd units for the daily run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deepdaily.cli.app import CONTEXT, app, state
from deepdaily.errors import UsageError

__all__ = ["schedule_app"]

schedule_app = typer.Typer(
    help="Run the digest every day: cron and systemd examples for these settings.",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")


@schedule_app.command("print")
def print_schedule(
    cron: Annotated[bool, typer.Option("--cron", help="A crontab line (local time).")] = False,
    systemd: Annotated[
        bool, typer.Option("--systemd", help="A systemd service and timer (profile timezone).")
    ] = False,
    write: Annotated[
        Path | None,
        typer.Option(
            "--write",
            help="With --systemd: write the two unit files into this directory "
            "(e.g. ~/.config/systemd/user).",
        ),
    ] = None,
) -> None:
    """Print how to run `deepdaily run` daily, filled in for the current settings."""
    from deepdaily.schedule import cron_entry, schedule_for, systemd_units

    if cron == systemd:
        raise UsageError("schedule print: choose one of --cron or --systemd")
    if write is not None and not systemd:
        raise UsageError("schedule print: --write goes with --systemd")
    schedule = schedule_for(state.settings())
    if cron:
        typer.echo(cron_entry(schedule), nl=False)
        return
    units = systemd_units(schedule)
    if write is None:
        for name, text in units.items():
            typer.echo(f"# {name}\n{text}")
        return
    from deepdaily.fileio import write_atomic

    write.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        write_atomic(write / name, text)
        typer.echo(f"wrote {write / name}")
    typer.echo(
        "then: systemctl --user daemon-reload && systemctl --user enable --now deepdaily.timer"
    )
