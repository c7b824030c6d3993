"""The typer application object and the options every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from deepdaily.config import Settings, load_settings
from deepdaily.store import Store

__all__ = ["State", "app", "console", "err_console", "state"]

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="deepdaily",
    help="A daily technical deep-dive digest: collect, group, select, analyse, verify, render.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)


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
        settings = load_settings(self.config, overrides=layer)
        return settings.for_profile(self.profile) if self.profile else settings

    def store(self, settings: Settings) -> Store:
        return Store(settings.store.resolved_url())


state = State()


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
) -> None:
    """deepdaily: only the key updates, with verifiable analysis and next steps."""
    state.config, state.db, state.out, state.profile = config, db, out, profile
