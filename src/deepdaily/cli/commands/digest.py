"""``deepdaily digest``: show stored digests and why their items were chosen."""

from __future__ import annotations

from typing import Annotated

import typer

from deepdaily.cli.app import CONTEXT, app, console, state
from deepdaily.cli.report import print_selections
from deepdaily.errors import DeepdailyError

__all__ = ["digest_app"]

digest_app = typer.Typer(
    help="Show stored digests.", context_settings=CONTEXT, no_args_is_help=True
)
app.add_typer(digest_app, name="digest")


@digest_app.command("show")
def show(
    day: Annotated[
        str | None, typer.Option("--date", "-d", help="YYYY-MM-DD (default: latest).")
    ] = None,
    why: Annotated[
        bool, typer.Option("--why", help="Print the score and reason of each pick.")
    ] = False,
    rejected: Annotated[
        bool, typer.Option("--rejected", help="With --why, rejected events too.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON rendering.")] = False,
) -> None:
    """Print a stored digest, or with --why the reasons behind its selection."""
    settings = state.settings()
    with state.store(settings) as store:
        stored = store.digest(settings.profile.name, day)
        if stored is None:
            where = f" for {day}" if day else ""
            raise DeepdailyError(
                f"no digest stored for profile {settings.profile.name!r}{where}; "
                "run `deepdaily run` or `deepdaily demo` first"
            )
        if why:
            run = store.run(stored["run_id"]) or {}
            print_selections(console, store.selections(stored["run_id"]), all_rows=rejected)
            failures = (run.get("manifest") or {}).get("extraction_failures") or []
            for line in failures:
                console.print(f"[yellow]not extracted[/] {line}", highlight=False)
            return
    if as_json:
        typer.echo(stored["json"])
    else:
        typer.echo(stored["markdown"], nl=False)


@digest_app.command("list")
def list_digests() -> None:
    """List the stored digests of the profile."""
    settings = state.settings()
    with state.store(settings) as store:
        rows = store.digests(settings.profile.name)
    for row in rows:
        console.print(f"{row['date']}  {row['engine']:8}  {row['path']}", highlight=False)
