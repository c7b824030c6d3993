"""``deepdaily publish``: write a stored digest into the site, the feeds, its page and JSON.

``--date D`` (default today in the profile's timezone) publishes the digest stored for D; a
draft (``run --review``) is refused until released, by ``--approve D`` here (approve, then
publish) or by the review UI. ``--build/--no-build`` and ``--commit/--no-commit`` override
``[publish] build`` and ``commit`` for this call. It holds the profile's run lock, waiting
up to :data:`LOCK_WAIT_S` for a run in progress, so it never publishes a day while a run is
re-rendering it. See :mod:`deepdaily.publish`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import app, console, err_console, state
from deepdaily.cli.days import parse_day
from deepdaily.errors import UsageError

if TYPE_CHECKING:
    from deepdaily.store.lock import Holder

__all__ = ["publish"]


#: Seconds ``publish`` waits for a run of the same profile to finish (it re-renders the day).
LOCK_WAIT_S = 600.0


def _waiting(profile: str, holder: Holder | None) -> None:
    who = holder.describe() if holder else "(holder unknown)"
    err_console().print(
        f"waiting for up to {LOCK_WAIT_S:g} s: a run of profile {profile} is in progress {who}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def publish(
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help="The digest to publish, YYYY-MM-DD in the profile's timezone (default today).",
        ),
    ] = None,
    approve: Annotated[
        str | None,
        typer.Option(
            "--approve",
            metavar="DATE",
            help="Approve the draft of DATE (made by `run --review`), then publish it.",
        ),
    ] = None,
    build: Annotated[
        bool | None,
        typer.Option(
            "--build/--no-build",
            help="Run hugo in the site afterwards (default: [publish] build).",
        ),
    ] = None,
    commit: Annotated[
        bool | None,
        typer.Option(
            "--commit/--no-commit",
            help="Commit the files written to git, never pushed (default: [publish] commit).",
        ),
    ] = None,
) -> None:
    """Publish a stored digest: the Hugo post, RSS and Atom feeds, an HTML page, the JSON.

    Exit 1 with one line when no digest is stored for the day, when it is a draft not yet
    approved, or when a file cannot be written or hugo/git fails.
    """
    from deepdaily.errors import PublishError, StoreError
    from deepdaily.publish import publish_digest

    settings = state.settings()
    timezone = settings.profile.timezone
    target = parse_day(
        approve if approve is not None else day,
        timezone,
        option="--approve" if approve is not None else "--date",
    )
    if approve is not None and day is not None and parse_day(day, timezone) != target:
        raise UsageError(f"publish: --date {day} and --approve {approve} name different days")
    profile = settings.profile.name
    with (
        state.store(settings) as store,
        store.run_lock(
            profile,
            wait=True,
            timeout=LOCK_WAIT_S,
            on_wait=lambda holder: _waiting(profile, holder),
        ),
    ):
        if approve is not None:
            try:
                store.approve_digest(settings.profile.name, target.isoformat())
            except StoreError as exc:
                raise PublishError(f"--approve: {exc}") from None
        result = publish_digest(settings, store, target, build=build, commit=commit)
    out = console()
    for path in result.paths:
        mark = "wrote" if path in result.written else "unchanged"
        out.print(f"{mark:9} {path}", markup=False, soft_wrap=True, highlight=False)
    if result.built is not None:
        out.print(f"built     {result.built}", markup=False, soft_wrap=True, highlight=False)
    if result.commit:
        out.print(f"committed {result.commit}", markup=False, soft_wrap=True, highlight=False)
    state_line = "published" if result.changed else "already published as it is"
    out.print(
        f"{result.date} (profile {result.profile}): {state_line}",
        markup=False,
        soft_wrap=True,
        highlight=False,
    )
