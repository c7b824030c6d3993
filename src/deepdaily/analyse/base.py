"""The analysis seam: one event in, one digest item out; all items in, one synthesis out.

Every engine (the offline extractive one, the LLM providers, wrappers such as a fallback chain)
implements :class:`Analyser`. Engines receive fetched text that must be treated as untrusted
data, and they never add a link that is not one of the event's documents' canonical URLs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from deepdaily.config.settings import Profile
from deepdaily.models import DigestItem, Event, Synthesis

__all__ = ["Analyser"]


@runtime_checkable
class Analyser(Protocol):
    """An analysis engine."""

    async def analyse(self, event: Event, profile: Profile) -> DigestItem:
        """The digest item for one selected event, in the profile's language.

        Raises :class:`~deepdaily.errors.AnalysisError` when this event cannot be analysed.
        """
        ...

    async def synthesise(
        self, items: Sequence[DigestItem], events: Sequence[Event], profile: Profile
    ) -> Synthesis:
        """The day's trends and watch list, drawn from the numbered items (1-based).

        ``events`` are the items' events (matched by ``DigestItem.event_id``), for engines that
        want more of the source text than the items carry.
        """
        ...
