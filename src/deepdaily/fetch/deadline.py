"""Wall-clock deadlines for fetches.

A :class:`Deadline` is a point in ``time.monotonic()`` time with a name for messages
("source deadline of 60s"). The fetcher gives every request its own (``[fetch]
source_deadline_s`` for a configured URL, ``page_deadline_s`` for a discovered one, see
:mod:`deepdaily.fetch.client`); :func:`within` adds an enclosing one for everything awaited
inside it, in this task and the tasks it starts (a :mod:`contextvars` variable, so
``asyncio.gather`` children inherit it). A request stops at the earliest deadline that
applies.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["Deadline", "current", "earliest", "within"]


@dataclass(frozen=True)
class Deadline:
    """``at`` (monotonic seconds) is when ``what`` (``"source deadline"``) of ``seconds`` ends."""

    at: float
    seconds: float
    what: str

    @classmethod
    def starting_now(cls, seconds: float, what: str) -> Deadline:
        return cls(time.monotonic() + seconds, seconds, what)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def __str__(self) -> str:
        return f"{self.what} of {self.seconds:g}s"


_CURRENT: ContextVar[Deadline | None] = ContextVar("deepdaily_fetch_deadline", default=None)


def current() -> Deadline | None:
    """The enclosing deadline set by :func:`within`, if any."""
    return _CURRENT.get()


def earliest(*deadlines: Deadline | None) -> Deadline | None:
    """The deadline that ends first (``None`` when there is none)."""
    found = [d for d in deadlines if d is not None]
    return min(found, key=lambda d: d.at) if found else None


@contextmanager
def within(seconds: float, what: str = "deadline") -> Iterator[Deadline]:
    """Bound every fetch awaited inside the block to ``seconds`` from now (or to an enclosing
    deadline that ends sooner)."""
    mine = Deadline.starting_now(seconds, what)
    effective = earliest(mine, _CURRENT.get()) or mine
    token = _CURRENT.set(effective)
    try:
        yield effective
    finally:
        _CURRENT.reset(token)
