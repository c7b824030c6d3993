"""``deepdaily serve``: the review UI of a day's digest in the browser (:mod:`deepdaily.web`).

Binds 127.0.0.1:8765 by default. Any other address needs a token (``--token`` or
``DEEPDAILY_SERVE_TOKEN``), refused in one line otherwise; the token is never printed or
logged (uvicorn's access log, which would show a ``?token=`` login, is off). Starlette and
uvicorn are imported only when the command runs (the CLI's start-up is benchmarked); without
the ``web`` extra the command says, in one line, what to install.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from deepdaily.cli.app import app, console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import DeepdailyError, UsageError

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (beyond 127.0.0.1 needs a token).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to bind.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Every request must carry this token (default: $DEEPDAILY_SERVE_TOKEN). "
            "Required beyond 127.0.0.1.",
            show_default=False,
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="Digest date YYYY-MM-DD, 'today' or 'yesterday' (default: the latest stored).",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", "-p", help="Profile to review (as the global -p)."),
    ] = None,
) -> None:
    """Review a day's draft in the browser: pin, drop, reorder, edit, re-analyse, publish."""
    from deepdaily.web.security import TOKEN_ENV, check_binding

    token = token or os.environ.get(TOKEN_ENV) or None
    check_binding(host, token)
    try:
        import uvicorn

        from deepdaily.web.app import create_app
        from deepdaily.web.security import Guard, is_loopback
    except ImportError as exc:
        raise DeepdailyError(
            f"deepdaily serve needs the web extra ({exc.name or exc} is missing): "
            "pip install 'deepdaily[web]'"
        ) from None
    if profile:
        state.profile = profile
    settings = state.settings()
    store = state.store(settings)
    try:
        if day is None:
            latest = store.digest(settings.profile.name)
            target = (
                parse_day(latest["date"], settings.profile.timezone, allow_future=True)
                if latest
                else parse_day(None, settings.profile.timezone)
            )
        else:
            target = parse_day(day, settings.profile.timezone, allow_future=True)
        guard = Guard(token=token, loopback_only=is_loopback(host))
        review_app = create_app(settings, store, target, guard=guard)
        shown = f"[{host}]" if ":" in host else host
        login = " (log in once with ?token=YOUR_TOKEN)" if token else ""
        console().print(
            f"reviewing {settings.profile.name} {target} at http://{shown}:{port}/{login}; "
            "Ctrl-C stops",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        config = uvicorn.Config(
            review_app, host=host, port=port, access_log=False, log_level="warning"
        )
        try:
            uvicorn.Server(config).run()
        except OSError as exc:
            raise UsageError(f"--host {host} --port {port}: cannot bind: {exc.strerror}") from None
    finally:
        store.close()
