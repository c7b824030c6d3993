"""Does a claim agree with the passage it cites? Typed facts, compared kind by kind.

CONTRACT (stub, to be completed): the verifier calls only these two functions.

- :func:`locate_passage` finds the passage *verbatim* (after whitespace, width, quote and dash
  normalisation) in one of the event's texts and returns the source's own span, never the
  model's copy; one changed number or word means it is not found.
- :func:`disagreements` lists, one line each, every fact of the claim that no fact of the
  same kind in the passage matches (numbers with their unit or kind, dates as dates, number
  words, direction, negation and modality, names). An empty list means they agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from deepdaily.text.facts import FactIndex

__all__ = ["Located", "disagreements", "locate_passage"]


@dataclass(frozen=True)
class Located:
    """Where a passage was found: the source's URL and its own text of the span."""

    url: str
    start: int  # character offsets in the source text as given
    end: int
    text: str  # texts[url][start:end]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def locate_passage(passage: str, texts: Mapping[str, str], prefer: str = "") -> Located | None:
    """The passage's verbatim span in one of ``texts`` (URL -> text), the cited URL first."""
    wanted = _fold(passage)
    if not wanted:
        return None
    for url in sorted(texts, key=lambda u: u != prefer):
        text = texts[url]
        folded = _fold(text)
        at = folded.find(wanted)
        if at >= 0:  # stub: offsets are approximate until the real mapping lands
            return Located(url, 0, len(text), text)
    return None


def disagreements(claim: str, passage: str) -> list[str]:
    """Why ``claim`` does not agree with ``passage`` (empty when it does)."""
    index = FactIndex.from_texts([passage], ())
    return [f"{fact.describe()} is not in its passage" for fact in index.unsupported(claim)]
