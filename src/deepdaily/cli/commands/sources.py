"""``deepdaily sources``: list, add, remove, check and import sources."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deepdaily.cli.app import CONTEXT, app, console, state
from deepdaily.errors import ConfigError, DeepdailyError

if TYPE_CHECKING:
    from deepdaily.config import Settings, SourceSpec

__all__ = ["sources_app"]

sources_app = typer.Typer(
    help="Manage the sources a digest is built from.",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")


def _config_path(settings: Settings) -> Path:
    from deepdaily.config.settings import CONFIG_FILENAME

    return settings.config_path or state.config or Path(CONFIG_FILENAME)


@sources_app.command("list")
def list_sources() -> None:
    """Show the configured sources and how their last fetch went."""
    from rich.table import Table
    from rich.text import Text

    settings = state.settings()
    with state.store(settings) as store:
        states = store.source_states()
    table = Table(title=f"{len(settings.sources)} sources")
    for column in ("name", "type", "auth", "url", "last fetch", "status"):
        table.add_column(column, overflow="fold")
    for spec in settings.sources:
        row: dict[str, Any] = states.get(spec.name) or {}
        last = row.get("last_fetched_at")
        status = row.get("last_error") or (str(row.get("last_status") or "") or "–")
        table.add_row(
            Text(spec.name + ("" if spec.enabled else " (off)")),
            spec.type,
            f"{spec.authority:.2f}",
            Text(spec.url),
            f"{last:%Y-%m-%d %H:%M}" if last else "never",
            Text(status),
        )
    console().print(table)


@sources_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Feed, page, forum JSON, file:// URL or local path.")],
    name: Annotated[
        str | None, typer.Option(help="Unique name (default: derived from URL).")
    ] = None,
    type_: Annotated[
        str, typer.Option("--type", help="auto, feed, html, discourse or jsonl.")
    ] = "auto",
    authority: Annotated[float, typer.Option(help="Source authority weight, 0 to 1.")] = 0.5,
    tag: Annotated[list[str] | None, typer.Option(help="A tag; repeat for several.")] = None,
    check_first: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Fetch the source once first; add it only if it yields entries.",
        ),
    ] = False,
) -> None:
    """Add a source to the settings file (its URL is checked; --check also fetches it)."""
    import asyncio

    from pydantic import ValidationError
    from rich.markup import escape

    from deepdaily.config import SourceSpec
    from deepdaily.config.editing import add_sources
    from deepdaily.sources.location import check_location

    settings = state.settings()
    check_location(url)
    try:
        spec = SourceSpec(
            name=name or _name_from(url),
            url=url,
            type=type_,  # type: ignore[arg-type]
            authority=authority,
            tags=tag or [],
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(f"source {url}: {first['loc'][0]}: {first['msg']}") from None
    if check_first:
        [(_, ok, entries, ms, detail)] = asyncio.run(_check(settings, [spec]))
        if not ok or not entries:
            problem = detail if not ok else "no entries found"
            raise DeepdailyError(f"source {spec.name} ({url}): {problem}; not added")
        console().print(
            f"checked {escape(spec.name)}: {entries} entries in {ms} ms ({escape(detail)})",
            highlight=False,
        )
    path = _config_path(settings)
    added, skipped = add_sources(path, [spec])
    for line in skipped:
        console().print(f"skipped {escape(str(line))}", highlight=False)
    if added:
        console().print(f"added {escape(str(added[0]))} to {escape(str(path))}", highlight=False)


@sources_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The source's name.")]) -> None:
    """Remove a source from the settings file (its stored documents are kept)."""
    from rich.markup import escape

    from deepdaily.config.editing import remove_source

    settings = state.settings()
    path = _config_path(settings)
    remove_source(path, name)
    console().print(f"removed {escape(str(name))} from {escape(str(path))}", highlight=False)


@sources_app.command("import-opml")
def import_opml(
    file: Annotated[Path, typer.Argument(help="An OPML export from a feed reader.")],
) -> None:
    """Add every feed of an OPML file (folders become tags); say why any is skipped."""
    from deepdaily.config.editing import add_sources
    from deepdaily.sources.location import check_location
    from deepdaily.sources.opml import parse_opml

    settings = state.settings()
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror}") from None
    specs = parse_opml(text)
    readable: list[SourceSpec] = []
    skipped: list[str] = []
    for spec in specs:
        try:
            check_location(spec.url)
        except ConfigError as exc:
            skipped.append(f"{spec.name}: {exc}")
            continue
        readable.append(spec)
    path = _config_path(settings)
    added, already = add_sources(path, readable)
    skipped.extend(already)
    console().print(
        f"imported {len(added)} sources into {path}, skipped {len(skipped)}",
        markup=False,
    )
    for line in skipped:
        console().print(f"  skipped {line}", markup=False, soft_wrap=True)


@sources_app.command("check")
def check(
    names: Annotated[list[str] | None, typer.Argument(help="Source names (default: all).")] = None,
) -> None:
    """Fetch each source once, without storing anything, and report what it yields."""
    import asyncio

    from rich.table import Table
    from rich.text import Text

    settings = state.settings()
    specs = [settings.source(n) for n in names] if names else settings.sources
    results = asyncio.run(_check(settings, specs))
    table = Table(title="source check")
    for column in ("name", "result", "entries", "ms", "detail"):
        table.add_column(column, overflow="fold")
    failed = 0
    for spec, ok, entries, ms, detail in results:
        failed += not ok
        table.add_row(
            Text(spec.name),
            "[green]ok[/]" if ok else "[red]failed[/]",
            str(entries),
            str(ms),
            Text(detail),
        )
    console().print(table)
    if failed:
        raise typer.Exit(1)


async def _check(
    settings: Settings, specs: list[SourceSpec]
) -> list[tuple[SourceSpec, bool, int, int, str]]:
    import asyncio

    from deepdaily.fetch import Fetcher
    from deepdaily.sources import Validators, collect_source

    async with Fetcher(settings.fetch) as fetcher:

        async def one(spec: SourceSpec) -> tuple[SourceSpec, bool, int, int, str]:
            started = time.perf_counter()
            try:
                collected = await collect_source(spec, fetcher, Validators())
            except DeepdailyError as exc:
                return spec, False, 0, _ms(started), str(exc)
            return spec, True, len(collected.entries), _ms(started), f"HTTP {collected.status}"

        return list(await asyncio.gather(*(one(spec) for spec in specs)))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _name_from(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    base = parts.netloc or Path(parts.path).stem or url
    return base.removeprefix("www.")
