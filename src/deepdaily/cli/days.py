"""Dates on the command line: ``YYYY-MM-DD``, ``today`` or ``yesterday`` in a timezone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from deepdaily.errors import UsageError

__all__ = ["parse_day", "today_in"]

_RELATIVE = {"today": 0, "yesterday": 1}


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def parse_day(
    value: str | None, timezone: str, *, option: str = "--date", allow_future: bool = False
) -> date:
    """The day ``value`` names; None means today. A future day is a usage error unless
    ``allow_future``: a digest of a day that has not happened would be empty, not quiet."""
    text = (value or "today").strip().lower()
    today = today_in(timezone)
    if text in _RELATIVE:
        return today - timedelta(days=_RELATIVE[text])
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{option}: expected YYYY-MM-DD, 'today' or 'yesterday', got {value!r}"
        ) from None
    if day > today and not allow_future:
        raise UsageError(
            f"{option}: {day} is in the future (today is {today} in {timezone}); "
            "a digest covers a day that has happened"
        )
    return day
