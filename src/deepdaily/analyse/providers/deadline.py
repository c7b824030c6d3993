"""The run's analysis deadline: a wall-clock bound on all LLM work of one run.

Governed by ``[analysis] deadline_s`` (0 = no deadline beyond the per-request timeouts). The
clock starts with the run's first request to the provider chain (the relevance judgement of the
select stage, or the first analysis), so collecting and clustering never count against it.
:class:`~deepdaily.analyse.providers.fallback.FallbackProvider` reads it through the run's
:class:`~deepdaily.analyse.providers.calllog.CallLog`: no attempt outlives it (an attempt in
flight when it passes is cut), and past it every request is refused with
:class:`~deepdaily.analyse.providers.base.DeadlineExceeded`, so the remaining items come from
the offline engine with a note saying why. Answers already in the response cache are still
served: they cost neither time nor tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["Deadline"]


class Deadline:
    """``seconds`` of wall-clock time from :meth:`start` (``clock`` is for tests)."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if seconds <= 0:
            raise ValueError("a deadline needs a positive number of seconds")
        self.seconds = float(seconds)
        self._clock = clock
        self.started_at: float | None = None
        self.refused = 0  # requests refused because it had passed
        self.cut = 0  # attempts in flight when it passed

    def start(self) -> None:
        """Start the clock (again calling it changes nothing)."""
        if self.started_at is None:
            self.started_at = self._clock()

    def remaining(self) -> float:
        """Seconds left (the whole allowance before :meth:`start`; never negative)."""
        if self.started_at is None:
            return self.seconds
        return max(0.0, self.seconds - (self._clock() - self.started_at))

    @property
    def passed(self) -> bool:
        return self.started_at is not None and self.remaining() <= 0.0

    def describe(self) -> str:
        return f"the analysis deadline of {self.seconds:g} s ([analysis] deadline_s) passed"

    def summary(self) -> dict[str, Any]:
        """For the run manifest: the allowance, whether it passed, and what it stopped."""
        return {
            "seconds": self.seconds,
            "passed": self.passed,
            "refused": self.refused,
            "cut": self.cut,
        }
