"""``deepdaily eval``: measure selection and clustering on labelled days, and gate on floors.

The work is in :mod:`deepdaily.eval`; this module parses options and prints. Figures always
come from the packaged default profile (``--config`` does not apply), so they are comparable
from one machine and one change to the next.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from deepdaily.cli.app import app
from deepdaily.errors import UsageError

__all__ = ["eval_command"]


def _echo(output: str | object) -> None:
    """Text as is; anything else as indented JSON."""
    typer.echo(
        output if isinstance(output, str) else json.dumps(output, ensure_ascii=False, indent=2)
    )


def _check_modes(datasets: list[Path], gate: bool, update: bool, allow_lower: bool) -> None:
    if gate and update:
        raise UsageError("use --gate or --update-floors, not both")
    if (gate or update) and datasets:
        raise UsageError("--gate and --update-floors take the datasets from the floors file")
    if allow_lower and not update:
        raise UsageError("--allow-lower only goes with --update-floors")
    if not (gate or update or datasets):
        raise UsageError("name at least one DATASET, or use --gate or --update-floors")


@app.command("eval")
def eval_command(
    datasets: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="DATASET",
            help="Labelled day files (JSONL), e.g. eval/data/corpus/day-2026-02-12.jsonl.",
        ),
    ] = None,
    k: Annotated[
        int | None,
        typer.Option("--k", min=1, help="Picks to score (default: the digest's 8 items)."),
    ] = None,
    window_hours: Annotated[
        int | None,
        typer.Option(
            "--window-hours",
            min=1,
            max=24 * 14,
            help="Digest window length (default: the dataset header's, else 24).",
        ),
    ] = None,
    history: Annotated[
        list[Path] | None,
        typer.Option(
            "--history",
            help="An earlier labelled day replayed first (repeatable; "
            "replaces the header's history).",
        ),
    ] = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Replay without the header's history days.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    gate: Annotated[
        bool,
        typer.Option("--gate", help="Replay the floors file's datasets; exit 1 below a floor."),
    ] = False,
    update: Annotated[
        bool, typer.Option("--update-floors", help="Pin the measured figures in the floors file.")
    ] = False,
    allow_lower: Annotated[
        bool, typer.Option("--allow-lower", help="With --update-floors, accept worse figures.")
    ] = False,
    floors: Annotated[
        Path | None,
        typer.Option("--floors", help="The floors file (default: eval/floors.toml)."),
    ] = None,
) -> None:
    """Replay labelled days through clustering and selection and score the picks.

    Per dataset: gold recall in the top k, precision at k, duplicate rate, clustering pairwise
    precision and recall, and whether an adversarial item was selected. --gate replays the
    datasets of the floors file and exits 1 below a floor; --update-floors pins new figures.
    """
    from deepdaily.eval import load_labelled_day, replay, run_gate, update_floors
    from deepdaily.eval.floors import DEFAULT_FLOORS
    from deepdaily.eval.replay import DEFAULT_K
    from deepdaily.eval.report import (
        gate_json,
        gate_text,
        replay_json,
        replay_text,
        update_json,
        update_text,
    )

    k = k or DEFAULT_K
    floors = floors or DEFAULT_FLOORS
    paths = list(datasets or [])
    _check_modes(paths, gate, update, allow_lower)
    if gate:
        result = run_gate(floors)
        _echo(gate_json(result) if as_json else gate_text(result))
        if not result.passed:
            raise typer.Exit(1)
        return
    if update:
        outcome = update_floors(floors, allow_lower=allow_lower)
        _echo(update_json(outcome) if as_json else update_text(outcome))
        if not outcome.written:
            raise typer.Exit(1)
        return
    if history and no_history:
        raise UsageError("use --history or --no-history, not both")
    earlier = [] if no_history else [load_labelled_day(p) for p in history] if history else None
    runs = [
        replay(load_labelled_day(path), k=k, window_hours=window_hours, history=earlier)
        for path in paths
    ]
    if as_json:
        _echo([replay_json(run) for run in runs])
    else:
        _echo("\n\n".join(replay_text(run) for run in runs))
