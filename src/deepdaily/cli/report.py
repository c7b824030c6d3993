"""Progress display and the closing run summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # the pipeline is loaded by the commands that run it, not by `digest show`
    from deepdaily.models import Selection, SourceOutcome
    from deepdaily.pipeline import Hooks, Manifest

__all__ = ["print_selections", "print_summary", "progress_hooks"]


@contextmanager
def progress_hooks(console: Console) -> Iterator[Hooks]:
    """Hooks that drive a rich progress display for one run."""
    from deepdaily.pipeline import Hooks

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    stage = progress.add_task("starting", total=None)
    sources = progress.add_task("sources", total=0, visible=False)

    def on_stage(name: str) -> None:
        progress.update(stage, description=name)

    def on_total(total: int) -> None:
        progress.update(sources, total=total, visible=True)

    def on_source(outcome: SourceOutcome) -> None:
        progress.advance(sources)
        if not outcome.ok:
            progress.console.print(
                f"  [yellow]source failed[/] {escape(outcome.source)}: {escape(outcome.error)}",
                highlight=False,
                soft_wrap=True,
            )

    with progress:
        yield Hooks(stage=on_stage, source_done=on_source, sources_total=on_total)


def print_summary(console: Console, manifest: Manifest) -> None:
    failed = manifest.sources_failed
    table = Table(
        title=f"deepdaily run {manifest.run_id} · {manifest.profile} · {manifest.digest_date}",
        show_header=False,
        title_justify="left",
    )
    table.add_column(style="bold")
    table.add_column()
    if manifest.sources:
        unchanged = sum(1 for s in manifest.sources if s.not_modified)
        table.add_row(
            "sources", f"{manifest.sources_ok} ok ({unchanged} unchanged), {len(failed)} failed"
        )
        table.add_row(
            "entries",
            f"{manifest.entries} listed: {manifest.documents_new} new, "
            f"{manifest.documents_seen} already stored",
        )
    else:
        table.add_row("sources", "not fetched (--no-fetch)")
    table.add_row(
        "window",
        f"{manifest.window_start:%Y-%m-%d %H:%M} – "
        f"{manifest.window_end:%Y-%m-%d %H:%M} UTC, "
        f"{manifest.documents_in_window} documents",
    )
    table.add_row("events", str(manifest.events))
    table.add_row("selected", f"{len(manifest.selected)} (rejected {manifest.rejected})")
    table.add_row("engine", manifest.engine)
    table.add_row(
        "time",
        f"{manifest.seconds:.2f} s ("
        + ", ".join(f"{t.stage} {t.seconds:.2f}" for t in manifest.timings)
        + ")",
    )
    table.add_row("digest", Text(manifest.digest_path))
    console.print(table)
    for outcome in failed:
        console.print(
            f"[red]✗[/] {escape(outcome.source)}: {escape(outcome.error)}",
            highlight=False,
            soft_wrap=True,
        )
    if manifest.extraction_failures:
        console.print(
            f"[yellow]{len(manifest.extraction_failures)} entries could not be "
            "extracted[/] (see `deepdaily digest show --why`)"
        )


def print_selections(console: Console, selections: list[Selection], *, all_rows: bool) -> None:
    """The score breakdown and reason of every selected (and, with all_rows, rejected) event."""
    rows = sorted(selections, key=lambda s: (not s.selected, s.rank or 0, -s.score.total))
    table = Table(title="why these items", title_justify="left")
    for column in ("#", "event", "total", "auth", "cov", "rel", "rec", "nov", "div", "reason"):
        table.add_column(column, overflow="fold")
    for sel in rows:
        if not sel.selected and not all_rows:
            continue
        s = sel.score
        table.add_row(
            str(sel.rank) if sel.selected else "–",
            Text(sel.title[:60]),
            f"{s.total:.2f}",
            f"{s.authority:.2f}",
            f"{s.coverage:.2f}",
            f"{s.relevance:.2f}",
            f"{s.recency:.2f}",
            f"{s.novelty:.2f}",
            f"{s.diversity_penalty:.2f}",
            Text(sel.reason),
        )
    console.print(table)
