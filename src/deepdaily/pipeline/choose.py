"""The select stage of a run: what the store remembers, then the ranking.

Reads the day's history (events earlier digests carried: updates or repeats), the open
watch-list topics (boosts and follow-up lines) and, with an LLM chain and
``analysis.judge_relevance``, the chain's relevance judgement of the top candidates
(``rank/judge.py``); without an answer it selects as if no LLM were configured. The editor's
pins, drops and order for the day (``deepdaily serve``) are laid over the ranking last
(:mod:`deepdaily.pipeline.edits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from deepdaily.analyse.factory import Engine
from deepdaily.config import Profile, Settings
from deepdaily.models import Event, Selection
from deepdaily.pipeline.edits import Review
from deepdaily.pipeline.history import History, read_history
from deepdaily.rank import select_events
from deepdaily.rank.judge import judge_relevance
from deepdaily.rank.score import Boost, merge_boosts
from deepdaily.store import Store
from deepdaily.store.edits import EditLog
from deepdaily.watch import plan_follow_ups
from deepdaily.watch.follow import FollowUps

__all__ = ["Choice", "choose"]


@dataclass
class Choice:
    selections: list[Selection]  # one per candidate event
    history: History  # for analysing updates from their new documents
    follow_ups: FollowUps  # for the follow-up lines and recording matches
    review: Review = field(default_factory=Review)  # the editor's edits of the day, applied

    @property
    def chosen(self) -> list[Selection]:
        """The selected events in rank order."""
        return sorted((s for s in self.selections if s.selected), key=lambda s: s.rank or 0)


async def choose(
    store: Store,
    settings: Settings,
    day: date,
    events: Sequence[Event],
    window: tuple[datetime, datetime],
    engine: Engine,
) -> Choice:
    """Score and select ``events`` for the settings' profile on ``day``."""
    profile = settings.profile
    history = read_history(store, settings, day, events)  # updates and repeats
    follow_ups = plan_follow_ups(store, settings, day, events)  # the watch list

    def select(boosts: dict[str, Boost]) -> list[Selection]:
        return select_events(
            events,
            profile,
            window,
            published=history.published,
            published_on=history.published_on,
            boosts=boosts,
            newness=history.newness,
        )

    boosts = follow_ups.boosts
    if engine.provider is not None and settings.analysis.judge_relevance:
        judged = await _judge(engine, events, select(boosts), profile)
        boosts = merge_boosts(boosts, judged)
    review = Review(EditLog(store).state(profile.name, day.isoformat()))
    return Choice(review.select(select(boosts)), history, follow_ups, review)


async def _judge(
    engine: Engine, events: Sequence[Event], first: list[Selection], profile: Profile
) -> dict[str, Boost]:
    """The LLM relevance boosts for the candidates of ``first`` (a selection without them).

    Candidates are the events still in play: inside the window and not already published
    (novelty above 0), ranked by their total with the watch-list boosts.
    """
    totals = {
        s.event_id: s.score.total for s in first if s.score.recency > 0 and s.score.novelty > 0
    }
    return await judge_relevance(
        engine.provider, events, profile, totals=totals, notes=engine.notes
    )
