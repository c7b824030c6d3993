"""``deepdaily demo``: the whole pipeline on the bundled snapshot, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deepdaily.cli.app import app, console, state

__all__ = ["demo"]


@app.command()
def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="Where the demo site and its database go.",
        ),
    ] = Path("deepdaily-demo"),
) -> None:
    """Build the demo digests from the bundled snapshot (no network, no LLM)."""
    import asyncio

    from rich.markup import escape

    from deepdaily.cli.report import print_summary, progress_hooks
    from deepdaily.demo.runner import demo_settings, run_demo
    from deepdaily.publish import targets_for

    settings = demo_settings(state.out or out)
    with progress_hooks(console()) as hooks:
        results = asyncio.run(run_demo(settings, hooks=hooks))
    for result in results:
        print_summary(console(), result.manifest)
    latest = results[-1]
    console().print(
        f"\n[bold green]Digest written:[/] {escape(str(latest.path))}",
        highlight=False,
        soft_wrap=True,
    )
    published = targets_for(settings, latest.digest)
    console().print(
        f"Feeds: {escape(str(published.rss))}, {escape(str(published.atom))}  ·  "
        f"page: {escape(str(published.html))}",
        highlight=False,
        soft_wrap=True,
    )
    console().print(
        f"Database: {escape(str(settings.store.resolved_url()))}  ·  "
        f"see why: deepdaily --db {settings.store.resolved_url()} digest show --why",
        highlight=False,
        soft_wrap=True,
    )
