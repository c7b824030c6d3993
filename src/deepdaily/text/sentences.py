"""Sentence splitting and trimming for Chinese and English source text.

A sentence ends at ``。！？`` (with any closing quote or bracket), at ``.!?`` followed by
whitespace and something that can start a sentence (not after a known abbreviation such as
``e.g.`` or ``Dr.``), and at a line break. Extracts are quoted verbatim, so splitting never
changes a sentence's characters beyond trimming surrounding whitespace; only
:func:`trim_at_boundary` shortens text, and then at a sentence, clause or word boundary.
:func:`stands_alone` tells a sentence that can open an extract from one that leans on the
sentence before it (``It lists ...``, ``This release ...``, ``该模型…``).
"""

from __future__ import annotations

import re

__all__ = ["join_sentences", "normalise", "split_sentences", "stands_alone", "trim_at_boundary"]

_CJK_END = "。！？"
_CLOSERS = "”’」』）)]\"'》"
# Titles and months are abbreviations only when capitalised ("5 ms." ends a sentence).
_ABBREVIATIONS_EXACT = frozenset(
    {
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "Sr",
        "Jr",
        "St",
        "Inc",
        "Ltd",
        "Co",
        "Corp",
        "No",
        "Fig",
        "Eq",
        "U.S",
        "U.K",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
    }
)
_ABBREVIATIONS_ANY_CASE = frozenset({"e.g", "i.e", "etc", "vs", "cf", "al", "approx"})
_CJK_END_RE = re.compile(f"[{_CJK_END}][{re.escape(_CLOSERS)}]*")
_LATIN_END_RE = re.compile(f'[.!?][{re.escape(_CLOSERS)}]*\\s+(?=[A-Z0-9"“‘(\\[\u4e00-\u9fff])')
_WORD_BEFORE_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.]*)$")  # the whole token: "MI300X", "U.S"
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")
_WORD_CHAR_RE = re.compile(r"[A-Za-z0-9_]")
# Openings that point back at an earlier sentence: pronouns, demonstratives and connectives.
# "This week ..." and "That day ..." name a time, not an antecedent.
_LEANING_EN_RE = re.compile(
    r"^(?:it|its|it's|they|their|theirs|them|he|she|his|her|hers|these|those|such|both|"
    r"also|however|but|and|so|instead|therefore|thus|still|the latter|the former|"
    r"(?:this|that)(?!\s+(?:week|weekend|month|year|morning|afternoon|evening|day|time|"
    r"quarter|spring|summer|autumn|fall|winter)\b))\b",
    re.IGNORECASE,
)
_LEANING_ZH_RE = re.compile(
    r"^(?:它|该|此|其|他|她|这(?!周|一周|个月|天)|此外|另外|同时|但|而且|而|因此|所以|不过|对此)"
)


def normalise(text: str) -> str:
    """Collapse runs of whitespace (line breaks included) to one space and strip."""
    return _SPACES_RE.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()


def _is_abbreviation(segment: str) -> bool:
    match = _WORD_BEFORE_RE.search(segment)
    if not match:
        return False
    word = match.group(1).rstrip(".")
    if any(ch.isdigit() for ch in word):
        return False  # a name with a digit ("MI300X.", "H100.") ends the sentence
    # single capitals are initials ("J. Smith"), except a sentence-final pronoun "I".
    if len(word) == 1:
        return word.isupper() and word != "I"
    return word in _ABBREVIATIONS_EXACT or word.lower() in _ABBREVIATIONS_ANY_CASE


def _split_line(line: str) -> list[str]:
    cuts: list[int] = []
    for match in _CJK_END_RE.finditer(line):
        cuts.append(match.end())
    for match in _LATIN_END_RE.finditer(line):
        if not _is_abbreviation(line[: match.start()]):
            cuts.append(match.start() + len(match.group().rstrip()))
    pieces: list[str] = []
    start = 0
    for cut in sorted(set(cuts)):
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, each stripped, none empty."""
    sentences: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if line:
            sentences.extend(_split_line(line))
    return sentences


def stands_alone(sentence: str) -> bool:
    """Whether ``sentence`` can open an extract: it does not start with a pronoun, a
    demonstrative or a connective that needs the sentence before it."""
    text = sentence.lstrip(" \t\"'“‘「『(（[")
    return not (_LEANING_EN_RE.match(text) or _LEANING_ZH_RE.match(text))


def _ends_cjk(text: str) -> bool:
    return bool(text) and ("\u3000" <= text[-1] <= "\u9fff" or text[-1] in "”」』）")


def join_sentences(sentences: list[str]) -> str:
    """Join sentences with a space after Latin punctuation and none after Chinese."""
    out = ""
    for sentence in sentences:
        out += sentence if not out or _ends_cjk(out) else " " + sentence
    return out


def trim_at_boundary(text: str, limit: int = 200, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``limit`` characters (plus an ellipsis) without splitting a word.

    Keeps whole sentences when the ones that fit make up at least a third of the limit; else
    cuts at the last clause mark (``，、；,;：:``) in the second half of the limit, then at a
    space; Chinese text without either is cut between characters, never inside a run of Latin
    letters or digits.
    """
    text = normalise(text)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    for sentence in split_sentences(text):
        if len(join_sentences([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    whole = join_sentences(kept)
    if len(whole) >= limit // 3:
        return whole
    head = text[:limit]
    clauses = [m.start() for m in re.finditer(r"[，、；,;：:]", head) if m.start() >= limit // 2]
    if clauses:
        return text[: clauses[-1]].rstrip() + ellipsis
    cut = limit
    space = head.rfind(" ")
    if space >= limit // 2:
        cut = space
    else:
        while cut > 0 and _WORD_CHAR_RE.match(text[cut]) and _WORD_CHAR_RE.match(text[cut - 1]):
            cut -= 1
        if cut == 0:
            cut = limit
    return text[:cut].rstrip(" ,;:，、；：") + ellipsis
