"""Rank stage: score events and select the day's items, with a reason for every decision.

``digest_window(date, profile)`` gives the UTC window a digest covers; ``select_events(events,
profile, window, published=...)`` scores (``score.py``), applies the window, novelty and
``profile.min_score``, and picks up to ``profile.items`` events with MMR diversity
(``select.py``).
"""

from __future__ import annotations

from deepdaily.rank.select import select_events
from deepdaily.rank.signals import spam_signals
from deepdaily.rank.window import digest_window

__all__ = ["digest_window", "select_events", "spam_signals"]
