"""``deepdaily digest``: show stored digests and why their items were chosen."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from deepdaily.cli.app import CONTEXT, app, console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import DeepdailyError

__all__ = ["digest_app"]

digest_app = typer.Typer(
    help="Show stored digests.", context_settings=CONTEXT, no_args_is_help=True
)
app.add_typer(digest_app, name="digest")


@digest_app.command("show")
def show(
    day: Annotated[
        str | None,
        typer.Option(
            "--date", "-d", help="YYYY-MM-DD, 'today' or 'yesterday' (default: the latest)."
        ),
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
    if day is not None:
        day = parse_day(day, settings.profile.timezone, allow_future=True).isoformat()
    with state.store(settings) as store:
        stored = store.digest(settings.profile.name, day)
        if stored is None:
            where = f" for {day}" if day else ""
            raise DeepdailyError(
                f"no digest stored for profile {settings.profile.name!r}{where}; "
                "run `deepdaily run` or `deepdaily demo` first"
            )
        if why:
            from rich.markup import escape

            from deepdaily.cli.report import print_selections

            run = store.run(stored["run_id"]) or {}
            print_selections(console(), store.selections(stored["run_id"]), all_rows=rejected)
            manifest = run.get("manifest") or {}
            _print_engine(manifest)
            _print_items(manifest, stored.get("json") or "")
            failures = manifest.get("extraction_failures") or []
            for line in failures:
                console().print(f"[yellow]not extracted[/] {escape(str(line))}", highlight=False)
            for line in manifest.get("merged_entries") or []:
                console().print(f"[dim]merged[/] {escape(str(line))}", highlight=False)
            for source in manifest.get("sources") or []:
                for warning in source.get("warnings") or []:
                    console().print(f"[yellow]warning[/] {escape(str(warning))}", highlight=False)
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
        console().print(
            f"{row['date']}  {row['engine']:8}  {row['path']}",
            markup=False,
        )


def _print_engine(manifest: dict[str, Any]) -> None:
    """The run's engine, LLM calls and verification counts, from its manifest."""
    from rich.markup import escape

    llm = manifest.get("llm") or {}
    line = f"engine: {manifest.get('engine', 'offline')}"
    if llm.get("calls") is not None:
        line += (
            f" · {llm['calls']} calls, {llm.get('failures', 0)} failed, "
            f"{llm.get('cache_hits', 0)} cached · tokens {llm.get('tokens_in', 0)} in / "
            f"{llm.get('tokens_out', 0)} out · cost {llm.get('cost', 0)}"
        )
    console().print(line, highlight=False, soft_wrap=True)
    for name, reason in (llm.get("disabled") or {}).items():
        console().print(
            f"  provider {escape(str(name))} skipped: {escape(str(reason))}",
            highlight=False,
            soft_wrap=True,
        )
    verification = llm.get("verification") or {}
    if verification:
        for kind in ("sentences", "claims"):
            console().print(f"{kind} {_counts(verification, kind)}", markup=False, highlight=False)
    for note in llm.get("notes") or []:
        console().print(f"  note: {note}", markup=False, soft_wrap=True)


def _counts(report: dict[str, Any], kind: str) -> str:
    """``12: 10 passed (1 revised), 0 marked, 2 dropped`` for ``sentences`` or ``claims``."""

    def get(name: str) -> int:
        return int(report.get(f"{kind}_{name}", 0) or 0)

    return (
        f"{get('checked')}: {get('passed')} passed ({get('revised')} revised), "
        f"{get('marked')} marked, {get('dropped')} dropped"
    )


def _print_items(manifest: dict[str, Any], digest_json: str) -> None:
    """What verification did to each item, in the digest's order (fits 80 columns)."""
    import json

    reports = ((manifest.get("llm") or {}).get("verification") or {}).get("events") or {}
    if not reports:
        return
    try:
        items = json.loads(digest_json).get("items") or []
    except ValueError:
        items = []
    out = console()
    out.print("verification per item:", highlight=False)
    for number, item in enumerate(items, start=1):
        report = reports.get(item.get("event_id", ""))
        if not report:
            continue
        head = f"{number:>3}) {report.get('engine', 'llm'):<7} "
        pad = " " * len(head)
        out.print(f"{head}sentences {_counts(report, 'sentences')}", markup=False, highlight=False)
        out.print(f"{pad}claims {_counts(report, 'claims')}", markup=False, highlight=False)
        lost = report.get("sentences_lost_in_revision", 0), report.get("sentences_lost_to_links", 0)
        if any(lost):
            out.print(
                f"{pad}dropped: {lost[0]} lost in revision, {lost[1]} lost to links",
                markup=False,
                highlight=False,
            )
    synthesis = ((manifest.get("llm") or {}).get("verification") or {}).get("synthesis")
    if synthesis:
        out.print(
            f"  synthesis sentences {_counts(synthesis, 'sentences')}",
            markup=False,
            highlight=False,
        )
