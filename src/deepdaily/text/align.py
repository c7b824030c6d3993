"""Which clause of a passage a clause of a claim is about.

A claim often restates one clause of a longer passage, so a direction, a negation or a plan
must be compared with the passage clause the claim's clause corresponds to, not with any
clause. :class:`Alignment` scores each pair of clauses (:func:`deepdaily.text.normal.clauses`)
by what they share: two points for each name, date or quantity of the claim's clause found in
the passage's (this works across languages: ``苹果可能在 5 月…iOS 26.5`` shares ``5 月``/May
and ``iOS 26.5`` with its English source), one point for each content word they share when
both are in the same language. A claim clause is aligned with the passage clauses of the
highest score above zero; the alignment is *unique* when one clause has that score alone.
Nothing here reads settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deepdaily.text.dates import date_agrees
from deepdaily.text.match import supports
from deepdaily.text.ner import name_in
from deepdaily.text.typed import Reading

__all__ = ["Alignment", "anchors_shared", "has_anchor"]

Span = tuple[int, int]


def anchors_shared(one: Reading, span: Span, other: Reading, region: Span) -> int:
    """How many names, dates and quantities of ``one`` within ``span`` ``other`` has within
    ``region``."""
    a, b = span
    c, d = region
    region_text = other.text[c:d]
    count = sum(1 for n in one.names if a <= n.start < b and name_in(n, region_text))
    in_region = [p for p in other.quantities if c <= p.start < d]
    count += sum(
        1 for q in one.quantities if a <= q.start < b and any(supports(p, q) for p in in_region)
    )
    dates = [o for o in other.dates if c <= o.start < d]
    count += sum(
        1 for t in one.dates if a <= t.start < b and any(date_agrees(t.key, o.key) for o in dates)
    )
    return count


def has_anchor(reading: Reading, start: int, end: int) -> bool:
    """Whether ``reading`` has a name, date or quantity within ``[start, end)``."""
    return any(
        start <= item.start < end
        for group in (reading.names, reading.quantities, reading.dates)
        for item in group
    )


def _words(reading: Reading, span: Span) -> set[str]:
    return {key for key, start, _end in reading.words if span[0] <= start < span[1]}


@dataclass
class Alignment:
    """The passage clauses each clause of a claim is about."""

    claim: Reading
    passage: Reading
    _map: dict[Span, tuple[list[Span], bool]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        same_language = self.claim.cjk == self.passage.cjk
        for span in self.claim.clauses:
            words = _words(self.claim, span) if same_language else set()
            scores = []
            for region in self.passage.clauses:
                score = 2 * anchors_shared(self.claim, span, self.passage, region)
                if words:
                    score += len(words & _words(self.passage, region))
                scores.append((score, region))
            best = max((s for s, _ in scores), default=0)
            regions = [r for s, r in scores if s == best and best > 0]
            self._map[span] = (regions, len(regions) == 1)

    def regions(self, position: int) -> list[Span]:
        """The passage clauses aligned with the claim clause at ``position``."""
        return self._map.get(self.claim.clause_of(position), ([], False))[0]

    def uniquely_aligned(self, region: Span) -> bool:
        """Whether some claim clause is aligned with the passage clause ``region`` alone."""
        return any(unique and regions == [region] for regions, unique in self._map.values())

    def aligned(self, position: int, region: Span) -> bool | None:
        """Whether the claim clause at ``position`` is aligned with ``region``; ``None`` when
        it is aligned with nothing (nothing tells what it is about)."""
        regions = self.regions(position)
        return (region in regions) if regions else None
