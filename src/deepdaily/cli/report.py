"""Progress display and the closing run summary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
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


#: Warnings printed per source in the summary; the manifest keeps them all.
WARNINGS_SHOWN = 3


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
        counts = f"{manifest.sources_ok} ok ({unchanged} unchanged), {len(failed)} failed"
        if manifest.collected_earlier:
            table.add_row("sources", f"{counts}: collected once, for the first profile")
        else:
            table.add_row("sources", counts)
            table.add_row(
                "entries",
                f"{manifest.entries} listed: {manifest.documents_new} new, "
                f"{manifest.documents_seen} already stored"
                + (f", {manifest.documents_updated} updated" if manifest.documents_updated else "")
                + (
                    f", {len(manifest.merged_entries)} merged into others"
                    if manifest.merged_entries
                    else ""
                ),
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
    table.add_row("engine", Text(_engine_line(manifest)))
    table.add_row(
        "time",
        f"{manifest.seconds:.2f} s ("
        + ", ".join(f"{t.stage} {t.seconds:.2f}" for t in manifest.timings)
        + ")",
    )
    table.add_row("digest", Text(manifest.digest_path or "none written"))
    console.print(table)
    for outcome in failed:
        console.print(
            f"[red]✗[/] {escape(outcome.source)}: {escape(outcome.error)}",
            highlight=False,
            soft_wrap=True,
        )
    for outcome in manifest.sources:
        for warning in outcome.warnings[:WARNINGS_SHOWN]:
            console.print(
                f"[yellow]![/] {escape(outcome.source)}: {escape(warning)}",
                highlight=False,
                soft_wrap=True,
            )
        if len(outcome.warnings) > WARNINGS_SHOWN:
            more = len(outcome.warnings) - WARNINGS_SHOWN
            console.print(
                f"[yellow]![/] {escape(outcome.source)}: and {more} more warnings "
                "(`deepdaily digest show --why`)",
                highlight=False,
                soft_wrap=True,
            )
    if manifest.extraction_failures:
        console.print(
            f"[yellow]{len(manifest.extraction_failures)} entries could not be "
            "extracted[/] (see `deepdaily digest show --why`)"
        )


def _engine_line(manifest: Manifest) -> str:
    """The engine, and for every configured LLM provider its address and what became of it:
    an unreachable LLM is named with its reason, not left as a bare "offline"."""
    llm = manifest.llm or {}
    endpoints: dict[str, dict[str, str]] = llm.get("endpoints") or {}
    if not endpoints:
        return manifest.engine
    providers: dict[str, dict[str, object]] = llm.get("providers") or {}
    disabled: dict[str, str] = llm.get("disabled") or {}
    lines = [
        manifest.engine + (" (no LLM provider answered)" if manifest.engine == "offline" else "")
    ]
    for name, where in endpoints.items():
        label = where.get("label", name)
        used = providers.get(name) or {}
        calls, ok = int(str(used.get("calls", 0))), int(str(used.get("ok", 0)))
        state = f"{ok} of {calls} calls answered" if calls else "not called"
        reasons = used.get("reasons") or {}
        if name in disabled:
            state += f"; disabled: {disabled[name].removeprefix(label + ': ')}"
        elif isinstance(reasons, dict) and reasons:  # requests it gave up, and why
            state += f"; gave up {sum(reasons.values())}: {max(reasons, key=reasons.__getitem__)}"
        elif calls and not ok:
            errors = used.get("errors") or {}
            if isinstance(errors, dict) and errors:
                state += f"; {max(errors, key=lambda e: errors[e])}"
        lines.append(f"{label} at {where.get('address', '?')}: {state}")
    return "\n".join(lines)


#: Below this many columns the score table's reason column would wrap letter by letter, so
#: each event becomes a block of lines instead.
WIDE_ENOUGH = 120


def print_selections(console: Console, selections: list[Selection], *, all_rows: bool) -> None:
    """The score breakdown and reason of every selected (and, with all_rows, rejected) event:
    a table on a wide terminal, one block per event on a narrow one."""
    rows = sorted(selections, key=lambda s: (not s.selected, s.rank or 0, -s.score.total))
    rows = [sel for sel in rows if sel.selected or all_rows]
    if console.width < WIDE_ENOUGH:
        _print_blocks(console, rows)
        return
    table = Table(title="why these items", title_justify="left")
    for column in ("#", "event", "total", "auth", "cov", "rel", "rec", "nov", "div", "reason"):
        table.add_column(column, overflow="fold")
    for sel in rows:
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


def _print_blocks(console: Console, rows: list[Selection]) -> None:
    console.print(Text("why these items", style="bold"))
    for sel in rows:
        s = sel.score
        head = Text(f"{sel.rank if sel.selected else '–':>2} ")
        head.append(f"{s.total:.2f} ", style="bold")
        head.append(sel.title, style="bold" if sel.selected else "")
        console.print(Padding(head, (1, 0, 0, 0)))
        parts = (
            f"auth {s.authority:.2f} · cov {s.coverage:.2f} · rel {s.relevance:.2f} · "
            f"rec {s.recency:.2f} · nov {s.novelty:.2f} · div −{s.diversity_penalty:.2f}"
        )
        console.print(Padding(Text(parts), (0, 0, 0, 8)))
        console.print(Padding(Text(sel.reason), (0, 0, 0, 8)))
