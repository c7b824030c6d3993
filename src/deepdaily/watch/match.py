"""Match candidate events against watch topics.

An event matches a topic when the keys of the topic found in the event's titles, summaries and
texts (the first :data:`MAX_TEXT_CHARS` of each document) weigh at least
``watch.min_overlap`` (default 1.0). Weights:

* a term named explicitly (``WatchItem.terms``, ``watch add --term``): 1.0;
* a derived entity holding a digit (a versioned name such as ``Quill-7`` or ``CVE-2026-4411``):
  1.0;
* any other derived entity or phrase (``vLLM``, ``KV cache``, ``推理基础设施``): 0.5.

So with the default threshold one explicit term or one versioned name is enough, while the
general names and phrases of a topic need two to agree: one shared word (``GPU``) never links
an event to a topic. Keys are compared in :func:`~deepdaily.watch.terms.key_form`; a key that
starts or ends with a letter or digit must stand as a word there (``GPU`` matches ``GPUs`` but
not ``GPUDirect``); Chinese keys match as substrings. When several topics match, the heaviest
wins, then the most recently opened, then the smaller id, so a re-run picks the same one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deepdaily.models import Event
from deepdaily.watch.terms import has_digit, key_form
from deepdaily.watch.topics import WatchTopic

__all__ = [
    "MAX_TEXT_CHARS",
    "WEIGHT_GENERAL",
    "WEIGHT_STRONG",
    "TopicMatch",
    "event_text",
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


def _keys(topic: WatchTopic) -> list[_Key]:
    keys: dict[str, _Key] = {}
    tagged = [*((t, True) for t in topic.terms), *((e, False) for e in topic.entities)]
    for value, explicit in tagged:
        form = key_form(value)
        if form and form not in keys:
            weight = WEIGHT_STRONG if explicit or has_digit(form) else WEIGHT_GENERAL
            keys[form] = _Key(value, _pattern(form), weight)
    return list(keys.values())


def event_text(event: Event) -> str:
    """What an event is matched on, in key form: every document's title, summary and text."""
    parts: list[str] = []
    for doc in event.documents:
        parts.extend((doc.title, doc.summary, doc.text[:MAX_TEXT_CHARS]))
    return key_form(" \n ".join(part for part in parts if part))


def _best(matches: Iterable[TopicMatch]) -> TopicMatch | None:
    ranked = sorted(matches, key=lambda m: (-m.weight, -m.topic.opened_on.toordinal(), m.topic.id))
    return ranked[0] if ranked else None


def _match(
    text: str, topic: WatchTopic, keys: Sequence[_Key], threshold: float
) -> TopicMatch | None:
    found = [key for key in keys if key.pattern.search(text)]
    weight = sum(key.weight for key in found)
    if not found or weight < threshold:
        return None
    return TopicMatch(topic=topic, weight=round(weight, 4), keys=tuple(k.display for k in found))


def match_event(
    event: Event, topics: Sequence[WatchTopic], *, min_overlap: float = 1.0
) -> TopicMatch | None:
    """The topic ``event`` follows up, if any (rules in the module docstring)."""
    return match_events([event], topics, min_overlap=min_overlap).get(event.id)


def match_events(
    events: Sequence[Event], topics: Sequence[WatchTopic], *, min_overlap: float = 1.0
) -> dict[str, TopicMatch]:
    """Event id -> the topic it follows up, for the events that follow one up."""
    if not topics:
        return {}
    compiled = [(topic, _keys(topic)) for topic in topics]
    matched: dict[str, TopicMatch] = {}
    for event in events:
        text = event_text(event)
        best = _best(m for topic, keys in compiled if (m := _match(text, topic, keys, min_overlap)))
        if best is not None:
            matched[event.id] = best
    return matched
