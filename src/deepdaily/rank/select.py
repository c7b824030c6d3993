"""Choose the day's items: ``select_events(events, profile, window, published=...)``.

1. Score every event (``score.py``); novelty comes from the published events: the same event
   id, or the same story by the clustering rule, means "already published" (novelty 0, never
   selected); a close relative (cosine >= :data:`FOLLOW_UP_COSINE`) is a follow-up (novelty
   :data:`FOLLOW_UP_NOVELTY`). A published event whose later coverage was assessed
   (``newness``, from :func:`deepdaily.rank.novelty.assess_newness`) is an update of the
   published item (novelty :data:`~deepdaily.rank.novelty.UPDATE_NOVELTY`, the new facts named
   in its reason) or a plain repeat (novelty 0, "repeat of the item published on ...").
2. Reject events with no document inside the window, already published ones, and those whose
   total is below ``profile.min_score`` (so a quiet day yields fewer items).
3. Pick greedily, MMR style, by ``total - MMR_LAMBDA * max similarity to the events already
   picked`` (stored as ``diversity_penalty``), until ``profile.items`` are picked. Similarity is
   the TF-IDF cosine, raised to :data:`SAME_SOURCE_SIMILARITY` times the Jaccard overlap of
   the two events' outlets for events from the same outlet, so one prolific source (a
   preprint server, a changelog feed) cannot fill the digest. A candidate that is the same
   story as a pick is rejected as its near-duplicate and takes no slot.

Every event gets a :class:`~deepdaily.models.Selection` with a one-sentence reason.
``boosts`` (event id -> :class:`~deepdaily.rank.score.Boost`, from the watch list and the LLM
relevance judgement) are added to the totals before step 2, and each one's reason is appended
to its event's reason. Settings: ``profile.items``, ``profile.min_score``, ``profile.interests``,
``profile.weights``, ``profile.timezone``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np

from deepdaily.config.settings import Profile
from deepdaily.models import Event, Selection
from deepdaily.rank import reasons
from deepdaily.rank.novelty import UPDATE_NOVELTY, Newness
from deepdaily.rank.score import Boost, EventScore, apply_boost, score_event
from deepdaily.rank.similar import EventSpace

__all__ = [
    "FOLLOW_UP_COSINE",
    "FOLLOW_UP_NOVELTY",
    "MMR_LAMBDA",
    "SAME_SOURCE_SIMILARITY",
    "select_events",
]

MMR_LAMBDA = 0.3
SAME_SOURCE_SIMILARITY = 0.5
FOLLOW_UP_COSINE = 0.30
FOLLOW_UP_NOVELTY = 0.5


def _novelty(
    space: EventSpace,
    events: Sequence[Event],
    published: Sequence[Event],
    newness: Mapping[str, Newness],
) -> list[tuple[float, Event | None]]:
    """Per candidate: novelty and the published event it resembles (if any)."""
    by_id = {event.id: event for event in published}
    n = len(events)
    out: list[tuple[float, Event | None]] = []
    for i, (event, (j, cos)) in enumerate(zip(events, space.closest_published(), strict=True)):
        if event.id in by_id:
            match = by_id[event.id]
            out.append((UPDATE_NOVELTY if _is_update(event, match, newness) else 0.0, match))
        elif j < 0:
            out.append((1.0, None))
        elif space.same_story(i, n + j, cos):
            out.append((0.0, published[j]))
        elif cos >= FOLLOW_UP_COSINE:
            out.append((FOLLOW_UP_NOVELTY, published[j]))
        else:
            out.append((1.0, None))
    return out


def _is_update(event: Event, match: Event, newness: Mapping[str, Newness]) -> bool:
    """``event`` is the published ``match`` come back with later coverage that is new."""
    return match.id == event.id and event.id in newness and newness[event.id].is_update


def _local_day(moment: datetime, profile: Profile) -> str:
    return moment.astimezone(profile.tz).date().isoformat()


def select_events(
    events: Sequence[Event],
    profile: Profile,
    window: tuple[datetime, datetime],
    *,
    published: Sequence[Event] = (),
    published_on: Mapping[str, str] | None = None,
    boosts: Mapping[str, Boost] | None = None,
    newness: Mapping[str, Newness] | None = None,
) -> list[Selection]:
    """One Selection per event, selected ones ranked 1..n (n <= ``profile.items``).

    ``published_on`` maps a published event's id to the date of the digest that carried it,
    for the reasons; without it the event's last local day is named. ``boosts`` raise the
    totals of the events they name; ``newness`` says what the later coverage of a published
    event adds (see the module docstring).
    """
    if not events:
        return []
    newness = newness or {}
    space = EventSpace(events, published)
    novelty = _novelty(space, events, published, newness)

    def published_day(match: Event) -> str:
        return (published_on or {}).get(match.id) or _local_day(match.last_seen, profile)

    scores = [
        score_event(event, profile.interests, window, nov, profile.weights)
        for event, (nov, _) in zip(events, novelty, strict=True)
    ]
    boosts = boosts or {}
    for event, score in zip(events, scores, strict=True):
        if event.id in boosts:
            apply_boost(score, boosts[event.id])
    reason: dict[int, str] = {}
    eligible: list[int] = []
    for i, score in enumerate(scores):
        match = novelty[i][1]
        if not score.in_window:
            reason[i] = reasons.outside_window()
        elif score.breakdown.novelty == 0.0 and match is not None:
            repeat = match.id == events[i].id and events[i].id in newness
            day = published_day(match)
            reason[i] = reasons.repeat_of(day) if repeat else reasons.already_published(day)
        elif score.total < profile.min_score:
            reason[i] = reasons.below_minimum(score, profile.min_score)
        elif score.breakdown.relevance < profile.min_relevance:
            # Authority, recency and novelty alone must not fill a quiet day's last slots.
            reason[i] = reasons.not_relevant(score, profile.min_relevance)
        else:
            eligible.append(i)
    picked = _pick_diverse(space, events, scores, eligible, profile.items, reason)
    for position, i in enumerate(picked, start=1):
        match = novelty[i][1]
        related = match is not None and match.id != events[i].id
        follow_up = _local_day(match.last_seen, profile) if match and related else ""
        reason[i] = reasons.selected(position, scores[i], follow_up)
    for i, event in enumerate(events):
        match = novelty[i][1]
        if match is not None and scores[i].in_window and _is_update(event, match, newness):
            update = reasons.update_of(published_day(match), newness[event.id].describe())
            reason[i] = f"{reason[i]}; {update}"
        if event.id in boosts:
            reason[i] = f"{reason[i]}; {boosts[event.id].reason}"
    rank = {index: position for position, index in enumerate(picked, start=1)}
    return [_selection(event, scores[i], reason[i], rank.get(i)) for i, event in enumerate(events)]


def _pick_diverse(
    space: EventSpace,
    events: Sequence[Event],
    scores: list[EventScore],
    eligible: list[int],
    items: int,
    reason: dict[int, str],
) -> list[int]:
    """MMR: the picks in rank order; writes the reasons of eligible events left out."""
    n = len(events)
    closest = np.zeros(n)  # max similarity to any pick so far
    cosine_rows: dict[int, np.ndarray] = {}
    picked: list[int] = []
    remaining = sorted(eligible, key=lambda i: events[i].id)  # ties go to the smaller id
    while remaining and len(picked) < items:
        best = max(remaining, key=lambda i: scores[i].total - MMR_LAMBDA * closest[i])
        remaining.remove(best)
        twin = _same_story_pick(space, best, picked, cosine_rows)
        if twin is not None:
            reason[best] = reasons.duplicate_of(picked.index(twin) + 1)
            continue
        scores[best].breakdown.diversity_penalty = round(MMR_LAMBDA * closest[best], 4)
        picked.append(best)
        cosine_rows[best] = space.cosines(best)[:n]
        np.maximum(closest, cosine_rows[best], out=closest)
        np.maximum(closest, _source_overlap(events, best), out=closest)
    for i in remaining:
        scores[i].breakdown.diversity_penalty = round(MMR_LAMBDA * closest[i], 4)
        twin = _same_story_pick(space, i, picked, cosine_rows)
        reason[i] = (
            reasons.duplicate_of(picked.index(twin) + 1)
            if twin is not None
            else reasons.not_in_top(items, scores[i])
        )
    return picked


def _source_overlap(events: Sequence[Event], pick: int) -> np.ndarray:
    """Per event: SAME_SOURCE_SIMILARITY times the Jaccard overlap of its outlets and the pick's."""
    picked_sources = {s.strip().lower() for s in events[pick].sources}
    out = np.zeros(len(events))
    for i, event in enumerate(events):
        sources = {s.strip().lower() for s in event.sources}
        if sources & picked_sources:
            out[i] = (
                SAME_SOURCE_SIMILARITY
                * len(sources & picked_sources)
                / len(sources | picked_sources)
            )
    return out


def _same_story_pick(
    space: EventSpace, candidate: int, picked: list[int], cosine_rows: dict[int, np.ndarray]
) -> int | None:
    for pick in picked:
        if space.same_story(candidate, pick, float(cosine_rows[pick][candidate])):
            return pick
    return None


def _selection(event: Event, score: EventScore, reason: str, rank: int | None) -> Selection:
    return Selection(
        event_id=event.id,
        title=event.title,
        selected=rank is not None,
        rank=rank,
        score=score.breakdown,
        reason=reason,
    )
