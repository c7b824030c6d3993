"""A text read for its typed facts: dates, names, quantities, from-to pairs, cues.

:func:`read` normalises a text (Unicode NFKC) and finds, in this order so that nothing is
counted twice: its dates (:mod:`.dates`), its names (:mod:`.ner`), its quantities
(:mod:`.numbers`, on the text with dates and names blanked out, so the day of "11 February"
and the digits of "GLM-4.5" are not numbers), the *from-to* pairs among the quantities
("from 355B to 744B", "to 8%, up from 4.5%", "从 355B 增长到 744B", "上调至 8%，此前为
4.5%", "4 → 8"), and its direction, negation and modality cues (:mod:`.stance`). Readings are
cached, so a passage shared by several claims is read once. Nothing here reads settings.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from deepdaily.text.dates import DateSpan, find_dates, masked
from deepdaily.text.ner import Name, find_names
from deepdaily.text.normal import CJK_RE, clauses
from deepdaily.text.numbers import Quantity, quantities
from deepdaily.text.stance import Cue, content_words, cues

__all__ = ["Reading", "read"]

_FROM_BEFORE_RE = re.compile(r"(?:\bfrom|从|由)\s*$", re.IGNORECASE)
_FROM_TO_BETWEEN_RE = re.compile(
    r"^\s*(?:to|→|->|=>|[\u4e00-\u9fff]{0,4}?(?:到|至))\s*$", re.IGNORECASE
)
_ARROW_BETWEEN_RE = re.compile(r"^\s*(?:→|->|=>)\s*$")
_TO_FROM_BETWEEN_RE = re.compile(
    r"^\s*[,，]?\s*(?:(?:(?:up|down)\s+)?from|此前为|此前是|此前的|之前为|之前的|此前)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reading:
    """The typed facts of one text (see the module docstring)."""

    text: str  # NFKC-normalised
    cjk: bool  # read as Chinese
    dates: tuple[DateSpan, ...]
    names: tuple[Name, ...]
    quantities: tuple[Quantity, ...]
    pairs: tuple[tuple[Quantity, Quantity], ...]  # (from, to)
    cues: tuple[Cue, ...]
    clauses: tuple[tuple[int, int], ...]
    words: tuple[tuple[str, int, int], ...]  # content words (keys) and their spans

    @property
    def years(self) -> frozenset[int]:
        found = {int(q.value) for q in self.quantities if q.kind == "year"}
        found.update(d.key[0] for d in self.dates if d.key[0] is not None)
        return frozenset(found)

    def clause_of(self, position: int) -> tuple[int, int]:
        return next(((a, b) for a, b in self.clauses if a <= position < b), (0, len(self.text)))

    def word_keys(self) -> frozenset[str]:
        return frozenset(key for key, _start, _end in self.words)


def _is_cjk(text: str) -> bool:
    cjk = len(CJK_RE.findall(text))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cjk > 0 and cjk * 4 >= latin


def _pairs(text: str, found: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    pairs: list[tuple[Quantity, Quantity]] = []
    for first, second in itertools.pairwise(found):
        between = text[first.end : second.start]
        before = text[max(0, first.start - 12) : first.start]
        if (_FROM_BEFORE_RE.search(before) and _FROM_TO_BETWEEN_RE.match(between)) or (
            _ARROW_BETWEEN_RE.match(between)
        ):
            pairs.append((first, second))
        elif _TO_FROM_BETWEEN_RE.match(between):
            pairs.append((second, first))
    return pairs


@lru_cache(maxsize=1024)
def read(text: str) -> Reading:
    """The :class:`Reading` of ``text``."""
    text = unicodedata.normalize("NFKC", text)
    cjk = _is_cjk(text)
    dates = find_dates(text)
    rest = masked(text, [(d.start, d.end) for d in dates])
    names = find_names(rest)
    rest = masked(rest, [(n.start, n.end) for n in names])
    ends = {n.end for n in names if n.script != "cjk"}
    found = [
        replace(
            q,
            text=text[q.start : q.end].strip(),
            version=q.kind == "count"
            and re.fullmatch(r"\d+(?:\.\d+)?", q.text) is not None
            and q.start - 1 in ends
            and text[q.start - 1 : q.start] == " ",
        )
        for q in quantities(rest)
    ]
    return Reading(
        text=text,
        cjk=cjk,
        dates=tuple(dates),
        names=tuple(names),
        quantities=tuple(found),
        pairs=tuple(_pairs(text, found)),
        cues=tuple(cues(masked(text, [(d.start, d.end) for d in dates]), cjk)),
        clauses=tuple(clauses(text)),
        words=tuple(content_words(text, cjk)),
    )
