"""Find a quoted passage in the sources, verbatim, and return the source's own span.

A model's copy of a passage is never stored: :func:`locate_passage` finds it in one of the
event's texts and returns the source's characters with their exact offsets, so what is
rendered is what the source says.

The comparison is verbatim after folding (:func:`deepdaily.text.normal.folded`): whitespace,
Unicode width (NFKC), case, quotation marks (“”‘’「」 and ASCII), dashes and hyphens do not
count; every other character does, so one changed number ("GLM-15" for "GLM-4.5") or one
flipped word ("lowered" for "raised") means the passage is not found. The span must start and
end on word edges of the source ("rows from 355B" is not found in "grows from 355B").

How the passage is read first:

- surrounding quotation marks, whitespace and a trailing ``. 。 , ; :`` are not part of it;
- an ellipsis (``…``, ``...``, ``⋯``, ``[...]``) inside it marks an omission: when the passage
  is not found whole, its pieces are found *in order* in one text, each within ``max_gap``
  characters of the one before, and the span returned runs from the first piece to the last,
  **including what the ellipsis left out**, so a claim is then compared with everything the
  source said there (an elided "not" is not lost). Each piece needs two tokens at least;
- a passage of fewer than ``min_tokens`` tokens (a Latin word or number is a token, so are two
  CJK characters) proves nothing and is never located.

Texts are searched with the cited URL first (compared with :func:`deepdaily.text.links.same_url`),
then in their given order. Folded texts are cached, so ten claims against the same 50 KB
sources fold each source once. Nothing here reads settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from deepdaily.text.links import same_url
from deepdaily.text.normal import CJK_RE, folded

__all__ = ["MIN_TOKENS", "Located", "locate_passage", "passage_tokens"]

MIN_TOKENS = 4
MAX_GAP = 400

_ELLIPSIS = r"\s*(?:…+|\.{3,}|⋯+|。。。|\[\s*(?:…|\.{3})\s*\]|\(\s*(?:…|\.{3})\s*\))\s*"
_ELLIPSIS_RE = re.compile(_ELLIPSIS)
_EDGE_STRIP = " \t\r\n\"'“”‘’「」『』«»„‟`＂"
_TRAILING_PUNCT = ".。,，;；:：、"
_LATIN_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Located:
    """Where a passage was found: the source's URL and its own text of the span."""

    url: str
    start: int  # character offsets in the source text as given
    end: int
    text: str  # texts[url][start:end]


def passage_tokens(text: str) -> float:
    """How many tokens ``text`` has: Latin words and numbers count 1, CJK characters 0.5."""
    text = unicodedata.normalize("NFKC", text)
    return len(_LATIN_TOKEN_RE.findall(text)) + 0.5 * len(CJK_RE.findall(text))


def _clean(passage: str) -> str:
    text = passage
    while True:
        cut = text.strip(_EDGE_STRIP)
        cut = re.sub(rf"^(?:{_ELLIPSIS})|(?:{_ELLIPSIS})$", "", cut)
        cut = cut.rstrip(_TRAILING_PUNCT)
        if cut == text:
            return text
        text = cut


def _on_edges(text: str, start: int, end: int) -> bool:
    def word(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    if start > 0 and word(text[start]) and word(text[start - 1]):
        return False
    return not (end < len(text) and word(text[end - 1]) and word(text[end]))


def _find_pieces(text: str, pieces: list[str], max_gap: int) -> tuple[int, int] | None:
    """The original span from the first piece to the last, found in order within
    ``max_gap`` folded characters of each other, on word edges."""
    source = folded(text)
    first = pieces[0]
    at = source.text.find(first)
    while at >= 0:
        span = _follow(text, source.text, source.origin, pieces, at, max_gap)
        if span is not None:
            return span
        at = source.text.find(first, at + 1)
    return None


def _follow(
    text: str, folded_text: str, origin: tuple[int, ...], pieces: list[str], at: int, gap: int
) -> tuple[int, int] | None:
    start = origin[at]
    end_folded = at + len(pieces[0])
    if not _on_edges(text, start, origin[end_folded - 1] + 1):
        return None
    for piece in pieces[1:]:
        limit = end_folded + gap + len(piece)
        nxt = folded_text.find(piece, end_folded, limit)
        while nxt >= 0 and not _on_edges(text, origin[nxt], origin[nxt + len(piece) - 1] + 1):
            nxt = folded_text.find(piece, nxt + 1, limit)
        if nxt < 0:
            return None
        end_folded = nxt + len(piece)
    return start, origin[end_folded - 1] + 1


def locate_passage(
    passage: str,
    texts: Mapping[str, str],
    prefer: str = "",
    *,
    min_tokens: float = MIN_TOKENS,
    max_gap: int = MAX_GAP,
) -> Located | None:
    """The passage's verbatim span in one of ``texts`` (URL -> text), the cited URL first;
    ``None`` when it is too short or in none of them (see the module docstring)."""
    cleaned = _clean(passage)
    if passage_tokens(cleaned) < min_tokens:
        return None
    whole = folded(cleaned).text
    raw_pieces = [p.strip(_EDGE_STRIP) for p in _ELLIPSIS_RE.split(cleaned)]
    pieces = [folded(p).text for p in raw_pieces if p]
    piecewise = len(pieces) > 1 and all(passage_tokens(p) >= 2 for p in raw_pieces if p)
    order = sorted(texts, key=lambda url: not (prefer and same_url(url, prefer)))
    for attempt in ([whole], pieces if piecewise else None):
        if not attempt or not attempt[0]:
            continue
        for url in order:
            span = _find_pieces(texts[url], attempt, max_gap)
            if span is not None:
                start, end = span
                return Located(url, start, end, texts[url][start:end])
    return None
