"""Text normalised for comparison, with a way back to the original characters.

:func:`folded` maps a text to a comparison form and records, for every character of that form,
the offset of the original character it came from, so a match found in the folded form can be
cut from the original text exactly. The folding, in order, per character:

- Unicode NFKC (full-width letters, digits and punctuation become their ASCII forms; ``…``
  becomes ``...``), then case folding;
- every quotation mark (``“”„‟«»「」『』〝〞＂`` and the single ones, ASCII ``"'`` and the
  backtick) becomes ``"``; every dash, hyphen and minus sign becomes ``-`` and a run of them
  one ``-``; the ideographic full stop ``。`` becomes ``.``;
- whitespace (any amount, line breaks included) is dropped, so ``发布了 GLM-5`` and
  ``发布了GLM-5`` are the same. Word boundaries are checked on the original text instead
  (:func:`deepdaily.text.locate.locate_passage`).

It also holds the small shared vocabulary of the text layer: scripts (:func:`has_cjk`), word
tokens and a light English stemmer (:func:`stem`), clause boundaries (:func:`clauses`). Nothing
here reads settings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "CJK_RE",
    "Folded",
    "clauses",
    "fold_char",
    "folded",
    "has_cjk",
    "is_cjk_char",
    "stem",
]

_QUOTES = frozenset("\"'`´“”„‟«»「」『』〝〞〟＂‘’‚‛‹›＇")
_DASHES = frozenset("-‐‑‒–—―−﹘﹣－⁃")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A clause ends at punctuation that separates statements, or before a conjunction that starts
# a new one ("..., but", "... while ...", "……，而", "但是").
_CLAUSE_END_RE = re.compile(
    r"[;；:：。!！?？\n]|[,，、](?!\d{3})|\.(?=\s|$)|\s[-–—]\s"
    r"|\s(?=(?:and|but|while|whereas|although|though|yet|so|because|which|instead)\s)"
    r"|(?=(?:但是|但|而且|而|却|同时|因此|所以|因为|不过)(?![\n]))",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """The folded form of one character ("" for whitespace)."""
    if ch.isspace() or unicodedata.category(ch) == "Cf":
        return ""  # whitespace, soft hyphens, zero-width characters
    if ch in _QUOTES:
        return '"'
    if ch in _DASHES:
        return "-"
    if ch == "。":
        return "."
    if ch.isascii():
        return ch.lower()
    out = []
    for part in unicodedata.normalize("NFKC", ch).casefold():
        if part.isspace():
            continue
        out.append('"' if part in _QUOTES else "-" if part in _DASHES else part)
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """A folded text and, for each of its characters, the original character's offset."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of folded characters ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=128)
def folded(text: str) -> Folded:
    """``text`` folded as the module docstring says (cached: sources are folded once)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        out = fold_char(ch)
        for part in out:
            if part == "-" and chars and chars[-1] == "-":
                continue
            chars.append(part)
            origin.append(index)
    return Folded("".join(chars), tuple(origin))


def is_cjk_char(ch: str) -> bool:
    return bool(CJK_RE.match(ch))


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def clauses(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause of ``text``: statements split at ``; : 。 ! ?``, at
    commas (not thousands separators), at a sentence's full stop and before a conjunction
    that may start a new statement (``and``, ``but``, ``while``, ``但``, ``而``...). A piece
    of fewer than three words (a list item) belongs to the clause after it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_END_RE.finditer(text):
        end = match.start()
        if end > start and text[start:end].strip():
            spans.append((start, end))
        start = max(start, match.end())
    if text[start:].strip():
        spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for a, b in spans:  # a list item ("Plus, Pro, Business") is part of the clause after it
        a = a if carry is None else carry
        if _size(text[a:b]) < 3 and (a, b) != spans[-1]:
            carry = a
            continue
        carry = None
        merged.append((a, b))
    if carry is not None:
        merged.append((carry, len(text)))
    return merged or [(0, len(text))]


def _size(text: str) -> float:
    return len(re.findall(r"[A-Za-z0-9]+", text)) + len(CJK_RE.findall(text)) / 2


_IRREGULAR = {
    "rose": "rise",
    "risen": "rise",
    "grew": "grow",
    "grown": "grow",
    "fell": "fall",
    "fallen": "fall",
    "shrank": "shrink",
    "shrunk": "shrink",
    "ran": "run",
    "made": "make",
    "began": "begin",
    "begun": "begin",
    "went": "go",
    "gone": "go",
    "came": "come",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "wrote": "write",
    "written": "write",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "sold": "sell",
    "bought": "buy",
    "built": "build",
    "sent": "send",
    "spent": "spend",
    "held": "hold",
    "led": "lead",
    "left": "leave",
    "lost": "lose",
    "said": "say",
    "told": "tell",
    "found": "find",
    "won": "win",
    "saw": "see",
    "seen": "see",
    "slid": "slide",
    "sank": "sink",
    "sunk": "sink",
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "person",
}
_SUFFIX_RE = re.compile(r"(?:ies|ied|ying|ing|ed|es|s)$")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude English stem, equal for the usual inflections of one word: ``raise``,
    ``raised``, ``raises``, ``raising`` -> ``rais``; ``shipped`` -> ``ship``; ``grew`` ->
    ``grow``. Words without Latin letters come back case-folded and unchanged."""
    word = word.casefold()
    if not word.isascii() or not word.isalpha():
        return word
    word = _IRREGULAR.get(word, word)
    if len(word) > 3 and not word.endswith(("ss", "us", "is", "eed")):
        cut = _SUFFIX_RE.sub("", word)
        if word.endswith(("ies", "ied")):
            cut += "y"
        if len(cut) >= 3:
            word = cut
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiousl":
        word = word[:-1]
    return word
