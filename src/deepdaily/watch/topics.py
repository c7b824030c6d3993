"""Watch topics: the entries of a digest's "what I'm watching next" list, kept as state.

A :class:`WatchTopic` is one watch entry of one profile. Its id is the content hash of the
profile and the normalised lead (:func:`topic_id`), so the same lead listed again, or the same
day re-rendered, is the same topic. :func:`topics_from_digest` turns a digest's
``Synthesis.watch`` into topics opened on the digest's date; :func:`manual_topic` makes one by
hand. The keys an event must mention to match come from :func:`deepdaily.watch.terms.topic_keys`.

Life cycle (settings: ``watch.horizon_days``):

* ``open``: it may boost events of digests dated after its source digest (a topic added by hand
  also boosts the digest of the day it was added);
* ``expired``: no match for ``horizon_days`` days, counted from ``opened_on`` or the last match
  (:func:`is_fresh`); a topic opened on D still boosts the digest of D + horizon_days;
* ``closed``: closed by hand (``deepdaily watch close``), with a reason; it never boosts again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from deepdaily.models import Digest, content_id
from deepdaily.watch.terms import topic_keys

__all__ = [
    "TopicStatus",
    "WatchTopic",
    "can_boost",
    "follow_up_text",
    "is_fresh",
    "manual_topic",
    "normalise_lead",
    "topic_id",
    "topics_from_digest",
]

TopicStatus = Literal["open", "closed", "expired"]
_SPACES_RE = re.compile(r"\s+")
_LEAD_EDGES = " \t*_`\"'“”‘’「」《》()（）[]【】:：,，.。;；!！?？"


class WatchTopic(BaseModel):
    """One tracked watch entry of one profile."""

    id: str  # topic_id(profile, lead)
    profile: str
    lead: str
    text: str = ""
    terms: list[str] = Field(default_factory=list)  # named explicitly: strong keys
    entities: list[str] = Field(default_factory=list)  # derived from lead, text and terms
    opened_on: date
    last_matched_on: date | None = None
    status: TopicStatus = "open"
    closed_reason: str = ""
    source_date: date | None = None  # the digest that listed it; None when added by hand

    @property
    def manual(self) -> bool:
        return self.source_date is None

    def reference_day(self, day: date) -> date:
        """The day its horizon counts from, as known on ``day``: opened or last matched."""
        matched = self.last_matched_on
        return max(self.opened_on, matched) if matched and matched <= day else self.opened_on


def normalise_lead(lead: str) -> str:
    """The lead as identity: NFKC, case-folded, one space, without emphasis or edge punctuation."""
    text = unicodedata.normalize("NFKC", lead).replace("**", " ")
    return _SPACES_RE.sub(" ", text).strip(_LEAD_EDGES).casefold()


def topic_id(profile: str, lead: str) -> str:
    return content_id("watch", profile, normalise_lead(lead))


def _topic(
    profile: str, lead: str, text: str, terms: Sequence[str], day: date, source: date | None
) -> WatchTopic:
    lead = _SPACES_RE.sub(" ", lead.replace("**", " ")).strip()
    keys = topic_keys(lead, text, terms)
    return WatchTopic(
        id=topic_id(profile, lead),
        profile=profile,
        lead=lead,
        text=_SPACES_RE.sub(" ", text).strip(),
        terms=keys.terms,
        entities=keys.entities,
        opened_on=day,
        source_date=source,
    )


def topics_from_digest(digest: Digest) -> list[WatchTopic]:
    """The digest's watch entries as topics opened on its date (one per distinct lead)."""
    day = date.fromisoformat(digest.date)
    topics: dict[str, WatchTopic] = {}
    for entry in digest.synthesis.watch:
        if normalise_lead(entry.lead):
            topic = _topic(digest.profile, entry.lead, entry.text, entry.terms, day, day)
            topics.setdefault(topic.id, topic)
    return list(topics.values())


def manual_topic(
    profile: str, lead: str, terms: Sequence[str], day: date, text: str = ""
) -> WatchTopic:
    """A topic added by hand on ``day`` (no source digest)."""
    if not normalise_lead(lead):
        raise ValueError("a watch topic needs a lead")
    return _topic(profile, lead, text, terms, day, None)


def is_fresh(topic: WatchTopic, day: date, horizon_days: int) -> bool:
    """Not closed and matched or opened within ``horizon_days`` days before ``day``."""
    if topic.status == "closed":
        return False
    return day - topic.reference_day(day) <= timedelta(days=horizon_days)


def can_boost(topic: WatchTopic, day: date, horizon_days: int) -> bool:
    """Whether the topic may boost events of the digest of ``day``.

    A listed topic follows up digests dated after the one that listed it (never the events it
    was drawn from); a topic added by hand applies from the day it was added.
    """
    started = topic.opened_on <= day if topic.manual else topic.opened_on < day
    return started and is_fresh(topic, day, horizon_days)


def follow_up_text(topic: WatchTopic, language: str) -> str:
    """The follow-up sentence an item carries, in the digest's language."""
    lead = topic.lead if len(topic.lead) <= 80 else topic.lead[:79].rstrip() + "…"
    day = topic.opened_on.isoformat()
    if language.lower().startswith("zh"):
        if topic.manual:
            return f"此前在 {day} 加入关注列表：「{lead}」"
        return f"此前在 {day} 的关注列表中提到「{lead}」"
    if topic.manual:
        return f"added to the watch list on {day}: '{lead}'"
    return f"on the {day} watch list: '{lead}'"
