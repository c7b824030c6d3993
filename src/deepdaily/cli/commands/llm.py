"""``deepdaily llm``: check the configured LLM providers."""

from __future__ import annotations

import typer

from deepdaily.cli.app import CONTEXT, app, console, state

__all__ = ["llm_app"]

llm_app = typer.Typer(
    help="LLM providers ([[llm]] chain).", context_settings=CONTEXT, no_args_is_help=True
)
app.add_typer(llm_app, name="llm")


@llm_app.command("check")
def check() -> None:
    """Call each configured provider once with a tiny prompt and report what works."""
    import asyncio

    from deepdaily.analyse.providers import check_providers

    settings = state.settings()
    if not settings.llm:
        console().print(
            "no [[llm]] entries configured: runs use the offline engine",
            highlight=False,
            markup=False,
        )
        return
    results = asyncio.run(check_providers(settings))
    for result in results:
        console().print(result.line(), highlight=False, markup=False, soft_wrap=True)
    if any(not r.ok and not r.skipped for r in results):
        raise typer.Exit(1)
