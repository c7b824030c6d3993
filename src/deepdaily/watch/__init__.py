"""Watch list as state: a digest's "what I'm watching next" entries become tracked topics.

Each entry of ``Synthesis.watch`` is kept as a :class:`WatchTopic` (``topics.py``, table
``watch_topics`` in ``store.py``). Later runs match candidate events against the open topics
(``match.py``, keys from ``terms.py``); a match adds ``watch.boost`` to the event's score, is
named in its selection reason and puts a follow-up line in its item (``follow.py``). Topics
expire after ``watch.horizon_days`` days without a match and can be added and closed by hand
(``deepdaily watch add|list|close``).
"""

from __future__ import annotations

from deepdaily.watch.follow import FollowUps, open_listed_topics, plan_follow_ups
from deepdaily.watch.match import TopicMatch, match_event, match_events
from deepdaily.watch.store import WatchStore
from deepdaily.watch.terms import TopicKeys, topic_keys
from deepdaily.watch.topics import (
    WatchTopic,
    can_boost,
    follow_up_text,
    is_fresh,
    manual_topic,
    topic_id,
    topics_from_digest,
)

__all__ = [
    "FollowUps",
    "TopicKeys",
    "TopicMatch",
    "WatchStore",
    "WatchTopic",
    "can_boost",
    "follow_up_text",
    "is_fresh",
    "manual_topic",
    "match_event",
    "match_events",
    "open_listed_topics",
    "plan_follow_ups",
    "topic_id",
    "topic_keys",
    "topics_from_digest",
]
