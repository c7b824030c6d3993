"""The watch list inside a run: follow up earlier topics, then open the day's own.

Before selection, :func:`plan_follow_ups` expires stale topics, matches the day's candidate
events against the topics that may boost that day (``topics.can_boost``), leaving out, for a
topic a digest listed, the events already covered by the end of that digest's window (the
story the topic was drawn from, back with a repeat or an update, is not its follow-up: an
update already says so), and returns a
:class:`FollowUps`: the score boosts for ``select_events``, the follow-up sentence of each
matched event, and :meth:`FollowUps.record`, which stamps ``last_matched_on`` on the topics
the stored digest's items followed up (a match the digest did not carry keeps nothing alive).
After the digest is stored, :func:`open_listed_topics` keeps its watch list as topics, except
an entry no event could ever match (``match.can_match``: a lone common word such as "CUDA"),
which would be state that only ever misleads.

Settings: ``watch.enabled``, ``watch.horizon_days``, ``watch.boost``, ``watch.min_overlap``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from deepdaily.config import Settings
from deepdaily.models import Digest, Event
from deepdaily.rank import digest_window
from deepdaily.rank.score import Boost
from deepdaily.store import Store
from deepdaily.watch.match import TopicMatch, can_match, match_events
from deepdaily.watch.store import WatchStore
from deepdaily.watch.topics import WatchTopic, can_boost, follow_up_text, topics_from_digest

__all__ = ["FollowUps", "boost_reason", "open_listed_topics", "plan_follow_ups"]

_REASON_LEAD_CHARS = 60


def boost_reason(match: TopicMatch, amount: float) -> str:
    """``matches watch topic 'lead' opened YYYY-MM-DD (+0.10)``, for the selection reason."""
    lead = match.topic.lead
    if len(lead) > _REASON_LEAD_CHARS:
        lead = lead[: _REASON_LEAD_CHARS - 1].rstrip() + "…"
    opened = match.topic.opened_on.isoformat()
    return f"matches watch topic '{lead}' opened {opened} (+{amount:.2f})"


@dataclass
class FollowUps:
    """The day's matches between candidate events and watch topics."""

    day: date
    language: str
    amount: float = 0.0
    matches: dict[str, TopicMatch] = field(default_factory=dict)  # by event id
    store: WatchStore | None = None

    @property
    def boosts(self) -> dict[str, Boost]:
        return {
            event_id: Boost(self.amount, boost_reason(match, self.amount))
            for event_id, match in self.matches.items()
        }

    def follow_up(self, event_id: str) -> str:
        """The sentence a matched event's item carries; empty when it matched nothing."""
        match = self.matches.get(event_id)
        return follow_up_text(match.topic, self.language) if match else ""

    def record(self, selected: Iterable[str]) -> list[WatchTopic]:
        """Stamp the topics the selected events followed up; return those topics."""
        topics = [self.matches[i].topic for i in selected if i in self.matches]
        if self.store is not None and topics:
            self.store.mark_matched((t.id for t in topics), self.day)
        return topics


def plan_follow_ups(
    store: Store, settings: Settings, day: date, events: Sequence[Event]
) -> FollowUps:
    """Match ``events`` against the topics that may boost the digest of ``day``."""
    language = settings.profile.language
    watch = settings.watch
    if not watch.enabled:
        return FollowUps(day=day, language=language)
    book = WatchStore(store)
    profile = settings.profile.name
    book.expire(profile, day, watch.horizon_days)
    topics = [t for t in book.topics(profile) if can_boost(t, day, watch.horizon_days)]
    listed_until = {
        t.id: digest_window(t.source_date, settings.profile)[1] for t in topics if t.source_date
    }

    def eligible(topic: WatchTopic, event: Event) -> bool:
        cutoff = listed_until.get(topic.id)
        return cutoff is None or _utc(event.first_seen) >= cutoff

    matches = match_events(events, topics, min_overlap=watch.min_overlap, eligible=eligible)
    return FollowUps(day=day, language=language, amount=watch.boost, matches=matches, store=book)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open_listed_topics(store: Store, settings: Settings, digest: Digest) -> list[WatchTopic]:
    """Keep the digest's watch list as topics (idempotent; see ``WatchStore.save_listed``)."""
    if not settings.watch.enabled:
        return []
    day = date.fromisoformat(digest.date)
    threshold = settings.watch.min_overlap
    listed = [t for t in topics_from_digest(digest) if can_match(t, min_overlap=threshold)]
    return WatchStore(store).save_listed(digest.profile, day, listed, settings.watch.horizon_days)
