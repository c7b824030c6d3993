"""``deepdaily watch``: list, add and close the tracked watch topics of the profile."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from deepdaily.cli.app import CONTEXT, app, console, state

if TYPE_CHECKING:
    from deepdaily.config import Settings
    from deepdaily.watch.topics import WatchTopic

__all__ = ["watch_app"]

watch_app = typer.Typer(
    help="Track the watch list: topics later events follow up.",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")


def _today(settings: Settings) -> date:
    return datetime.now(settings.profile.tz).date()


def _line(topic: WatchTopic) -> str:
    matched = topic.last_matched_on.isoformat() if topic.last_matched_on else "-"
    origin = "by hand" if topic.manual else "listed"
    keys = ", ".join([*topic.terms, *topic.entities][:6])
    reason = f"  ({topic.closed_reason})" if topic.closed_reason else ""
    return (
        f"{topic.id}  {topic.status:7}  opened {topic.opened_on} ({origin})  "
        f"matched {matched}  {topic.lead}  [{keys}]{reason}"
    )


@watch_app.command("list")
def list_topics(
    show_all: Annotated[
        bool, typer.Option("--all", "-a", help="Closed and expired topics too.")
    ] = False,
) -> None:
    """List the open watch topics (expiring those past watch.horizon_days)."""
    from deepdaily.watch.store import WatchStore

    settings = state.settings()
    with state.store(settings) as store:
        book = WatchStore(store)
        book.expire(settings.profile.name, _today(settings), settings.watch.horizon_days)
        topics = book.topics(settings.profile.name, None if show_all else ["open"])
    if not topics:
        console().print("no watch topics" if show_all else "no open watch topics", highlight=False)
    for topic in topics:
        console().print(_line(topic), highlight=False, soft_wrap=True)


@watch_app.command("add")
def add(
    lead: Annotated[str, typer.Argument(help="What to watch, as a short phrase.")],
    terms: Annotated[
        list[str] | None,
        typer.Option("--term", "-t", help="A name or phrase a matching event mentions."),
    ] = None,
    text: Annotated[str, typer.Option("--text", help="A longer description.")] = "",
) -> None:
    """Add a watch topic by hand, opened today in the profile's timezone."""
    from deepdaily.watch.store import WatchStore
    from deepdaily.watch.topics import manual_topic

    settings = state.settings()
    try:
        topic = manual_topic(settings.profile.name, lead, terms or [], _today(settings), text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="LEAD") from exc
    with state.store(settings) as store:
        stored = WatchStore(store).add(topic, settings.watch.horizon_days)
    console().print(_line(stored), highlight=False, soft_wrap=True)


@watch_app.command("close")
def close(
    topic_id: Annotated[
        str, typer.Argument(metavar="ID", help="Topic id (or its first 4+ characters).")
    ],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why it is closed.")] = "",
) -> None:
    """Close a watch topic: it no longer boosts or flags events."""
    from deepdaily.watch.store import WatchStore

    settings = state.settings()
    with state.store(settings) as store:
        book = WatchStore(store)
        topic = book.find(settings.profile.name, topic_id)
        closed = book.close(topic.id, reason.strip() or "closed by hand")
    console().print(_line(closed), highlight=False, soft_wrap=True)
