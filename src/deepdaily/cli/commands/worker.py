"""``deepdaily worker``: a worker of distributed runs (:mod:`deepdaily.distributed.worker`).

It reads the same settings as every command: ``[distributed] broker_url`` names the broker and
``[store] url`` (or ``--db``) the store, which must be the one the coordinator
(``deepdaily run --distributed``) uses. The runs' own settings (sources, fetch limits, the
profile, the LLM chain) come with each run through the store; API keys are read from the
worker's environment.
"""

from __future__ import annotations

from typing import Annotated

import typer

from deepdaily.cli.app import app, state

__all__ = ["worker"]


@app.command()
def worker(
    processes: Annotated[
        int, typer.Option("--processes", "-p", min=1, help="Worker processes to start.")
    ] = 1,
    threads: Annotated[
        int, typer.Option("--threads", "-t", min=1, help="Tasks run at once per process.")
    ] = 2,
) -> None:
    """Run collect and analyse tasks of distributed runs until stopped (Ctrl-C, SIGTERM)."""
    from deepdaily.distributed.worker import serve

    settings = state.settings()
    serve(settings, settings.store.resolved_url(), processes=processes, threads=threads)
