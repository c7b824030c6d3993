"""The digest window: which hours of news one day's digest covers.

For a digest dated ``D`` the window is ``[D-1 publish_hour, D publish_hour)`` in the profile's
timezone (``profile.timezone``, ``profile.publish_hour``), returned as UTC-aware datetimes.
``profile.window_hours`` (default 24) sets the length: the start is that many wall-clock hours
before the end, so a 24 h window keeps its local hours across a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from deepdaily.cluster.events import document_time
from deepdaily.config.settings import Profile
from deepdaily.models import Event

__all__ = ["digest_window", "position_in_window", "times_in_window"]


def digest_window(day: date, profile: Profile) -> tuple[datetime, datetime]:
    """``[day-1 publish_hour, day publish_hour)`` local time, as UTC datetimes."""
    end_local = datetime.combine(day, time(profile.publish_hour), tzinfo=profile.tz)
    start_local = end_local - timedelta(hours=profile.window_hours)  # wall-clock arithmetic
    return start_local.astimezone(UTC), end_local.astimezone(UTC)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def times_in_window(event: Event, window: tuple[datetime, datetime]) -> list[datetime]:
    """Dates (``published``, else ``fetched_at``) of the event's documents inside the window."""
    start, end = (_utc(w) for w in window)
    return [t for t in map(document_time, event.documents) if start <= t < end]


def position_in_window(moment: datetime, window: tuple[datetime, datetime]) -> float:
    """0.0 at the window's start, 1.0 at its end, clamped."""
    start, end = (_utc(w) for w in window)
    span = (end - start).total_seconds()
    if span <= 0:
        return 1.0
    return min(1.0, max(0.0, (_utc(moment) - start).total_seconds() / span))
