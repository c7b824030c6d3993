"""The typer application object and the options every command shares.

Start-up is kept to typer itself: this module and every command module import nothing heavier
at module level (no pydantic settings, no SQLAlchemy, no rich console, no pipeline); each
command imports what it needs when it runs. ``tests/test_cli_startup.py`` holds that line and
``benchmarks/startup.py`` measures it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from deepdaily import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from deepdaily.config import Settings
    from deepdaily.store import Store

__all__ = ["State", "app", "console", "err_console", "state"]

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="deepdaily",
    help="A daily technical deep-dive digest: collect, group, select, analyse, verify, render.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@functools.cache
def console() -> Console:
    """The console commands print to, created on first use (importing rich costs as much as
    typer itself)."""
    from rich.console import Console

    return Console()


@functools.cache
def err_console() -> Console:
    """The console for errors (stderr), created on first use."""
    from rich.console import Console

    return Console(stderr=True)


@dataclass
class State:
    config: Path | None = None
    db: str | None = None
    out: Path | None = None
    profile: str | None = None

    def settings(self, **overrides: Any) -> Settings:
        """The layered settings, with ``--profile`` applied when given."""
        layer: dict[str, Any] = {}
        if self.db:
            layer["store"] = {"url": self.db}
        if self.out:
            layer["output_dir"] = str(self.out)
        layer.update(overrides)
        from deepdaily.config import load_settings

        settings = load_settings(self.config, overrides=layer)
        return settings.for_profile(self.profile) if self.profile else settings

    def store(self, settings: Settings) -> Store:
        from deepdaily.store import Store

        return Store(settings.store.resolved_url())


state = State()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"deepdaily {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Settings file (default: $DEEPDAILY_CONFIG or ./deepdaily.toml).",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL, e.g. sqlite:///deepdaily.db (overrides store.url).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output directory (overrides output_dir).",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Profile to use: [profile] (default) or a [profiles.NAME] table.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            callback=_print_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """deepdaily: only the key updates, with verifiable analysis and next steps."""
    state.config, state.db, state.out, state.profile = config, db, out, profile
