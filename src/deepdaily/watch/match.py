"""Match candidate events against watch topics.

An event matches a topic when the keys of the topic found in the event's titles, summaries and
texts (the first :data:`MAX_TEXT_CHARS` of each document) weigh at least
``watch.min_overlap`` (default 1.0) and at least one of them is in a *headline*: a document's
title or summary. A story that names the topic only in passing, deep in its text ("compatible
with both the v1 router and Weave Router v2"), does not follow it up. Weights:

* a term named explicitly (``WatchItem.terms``, ``watch add --term``): 1.0;
* a derived entity holding a digit (a versioned name such as ``Quill-7`` or ``CVE-2026-4411``):
  1.0;
* any other derived entity or phrase (``vLLM``, ``KV cache``, ``推理基础设施``): 0.5;
* common vocabulary (:func:`deepdaily.text.names.is_common_vocabulary`: ``CUDA``, ``GPU``,
  ``README``, ``FP8``, ``H100``, ``p99``, ``v1``), explicit or derived: 0.5, unless a reader
  named it by hand (``watch add --term CUDA``).

So with the default threshold one explicit term or one versioned name is enough, while the
general names and phrases of a topic need two to agree: one shared word (``GPU``, ``CUDA``)
never links an event to a topic. A topic no event could ever match (its keys weigh less than
the threshold together) is not kept (:func:`can_match`).

One topic follows up at most one event a day: the event it matches heaviest, then by the most
keys found, then the first candidate; so one broad key cannot flag several stories with the
same follow-up line. ``eligible`` (see :func:`match_events`) leaves out pairs a caller rules
out, such as a listed topic and an event that was already covered when the topic was listed.

Keys are compared in :func:`~deepdaily.watch.terms.key_form`; a key that starts or ends with
a letter or digit must stand as a word there (``GPU`` matches ``GPUs`` but not
``GPUDirect``); Chinese keys match as substrings. When several topics match, the heaviest
wins, then the most recently opened, then the smaller id, so a re-run picks the same one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from deepdaily.models import Event
from deepdaily.text.names import is_common_vocabulary
from deepdaily.watch.terms import has_digit, key_form
from deepdaily.watch.topics import WatchTopic

__all__ = [
    "MAX_TEXT_CHARS",
    "WEIGHT_GENERAL",
    "WEIGHT_STRONG",
    "TopicMatch",
    "can_match",
    "event_text",
    "headline_text",
    "match_event",
    "match_events",
]

MAX_TEXT_CHARS = 20_000
WEIGHT_STRONG = 1.0
WEIGHT_GENERAL = 0.5


@dataclass(frozen=True)
class TopicMatch:
    """The topic an event matched, how strongly, and by which keys."""

    topic: WatchTopic
    weight: float
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _Key:
    display: str
    pattern: re.Pattern[str]
    weight: float


def _pattern(form: str) -> re.Pattern[str]:
    before = r"(?<![0-9a-z])" if form[:1].isascii() and form[:1].isalnum() else ""
    after = r"(?:e?s)?(?![0-9a-z])" if form[-1:].isascii() and form[-1:].isalnum() else ""
    return re.compile(before + re.escape(form) + after)


def _weight(value: str, explicit: bool, manual: bool) -> float:
    if explicit and manual:
        return WEIGHT_STRONG  # the reader's own choice
    if is_common_vocabulary(value):
        return WEIGHT_GENERAL
    return WEIGHT_STRONG if explicit or has_digit(key_form(value)) else WEIGHT_GENERAL


def _keys(topic: WatchTopic) -> list[_Key]:
    keys: dict[str, _Key] = {}
    tagged = [*((t, True) for t in topic.terms), *((e, False) for e in topic.entities)]
    for value, explicit in tagged:
        form = key_form(value)
        if form and form not in keys:
            weight = _weight(value, explicit, topic.manual)
            keys[form] = _Key(value, _pattern(form), weight)
    return list(keys.values())


def can_match(topic: WatchTopic, *, min_overlap: float = 1.0) -> bool:
    """Whether an event mentioning every key of ``topic`` would match it."""
    return sum(key.weight for key in _keys(topic)) >= min_overlap


def event_text(event: Event) -> str:
    """What an event is matched on, in key form: every document's title, summary and text."""
    parts: list[str] = []
    for doc in event.documents:
        parts.extend((doc.title, doc.summary, doc.text[:MAX_TEXT_CHARS]))
    return key_form(" \n ".join(part for part in parts if part))


def headline_text(event: Event) -> str:
    """The event's headlines in key form: every document's title and summary."""
    parts = [part for doc in event.documents for part in (doc.title, doc.summary) if part]
    return key_form(" \n ".join(parts))


def _best(matches: Iterable[TopicMatch]) -> TopicMatch | None:
    ranked = sorted(matches, key=lambda m: (-m.weight, -m.topic.opened_on.toordinal(), m.topic.id))
    return ranked[0] if ranked else None


def _match(
    text: str, headlines: str, topic: WatchTopic, keys: Sequence[_Key], threshold: float
) -> TopicMatch | None:
    found = [key for key in keys if key.pattern.search(text)]
    weight = sum(key.weight for key in found)
    if not found or weight < threshold:
        return None
    if not any(key.pattern.search(headlines) for key in found):
        return None  # named only in passing
    return TopicMatch(topic=topic, weight=round(weight, 4), keys=tuple(k.display for k in found))


def match_event(
    event: Event, topics: Sequence[WatchTopic], *, min_overlap: float = 1.0
) -> TopicMatch | None:
    """The topic ``event`` follows up, if any (rules in the module docstring)."""
    return match_events([event], topics, min_overlap=min_overlap).get(event.id)


def match_events(
    events: Sequence[Event],
    topics: Sequence[WatchTopic],
    *,
    min_overlap: float = 1.0,
    eligible: Callable[[WatchTopic, Event], bool] | None = None,
) -> dict[str, TopicMatch]:
    """Event id -> the topic it follows up, for the events that follow one up; ``eligible``
    rules pairs out before matching."""
    if not topics:
        return {}
    compiled = [(topic, _keys(topic)) for topic in topics]
    matched: dict[str, TopicMatch] = {}
    for event in events:
        text, headlines = event_text(event), headline_text(event)
        best = _best(
            m
            for topic, keys in compiled
            if eligible is None or eligible(topic, event)
            if (m := _match(text, headlines, topic, keys, min_overlap))
        )
        if best is not None:
            matched[event.id] = best
    return _one_event_per_topic(events, matched)


def _one_event_per_topic(
    events: Sequence[Event], matched: dict[str, TopicMatch]
) -> dict[str, TopicMatch]:
    order = {event.id: n for n, event in enumerate(events)}
    kept: dict[str, str] = {}  # topic id -> event id
    for event_id, match in matched.items():
        held = kept.get(match.topic.id)
        if held is None or _stronger(match, matched[held], order[event_id], order[held]):
            kept[match.topic.id] = event_id
    ordered = sorted(kept.values(), key=order.__getitem__)
    return {event_id: matched[event_id] for event_id in ordered}


def _stronger(match: TopicMatch, other: TopicMatch, position: int, other_position: int) -> bool:
    return (-match.weight, -len(match.keys), position) < (
        -other.weight,
        -len(other.keys),
        other_position,
    )
