"""Tokenising for clustering and ranking: words, CJK bigrams, shingles and entities.

English (and any Latin-script text) is split into lower-cased words with stopwords removed and
a light plural fold; Chinese (and Japanese, Korean) runs become overlapping character bigrams,
because they have no spaces to split on. Entities are the names two reports of one story
share: capitalised names ("Sam Altman", "Claude Cowork"), model and product names with versions
("GPT-5.3-Codex", "Opus 4.6", "iOS 26.4") and numbers with units ("$20m", "128k", "70b").

No settings govern this module; the thresholds that use it live in ``near.py`` and
``stories.py``.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator
from typing import Literal, NamedTuple

import numpy as np

__all__ = [
    "TITLE_GENRES",
    "Entity",
    "EntityKind",
    "clear_memos",
    "entities",
    "shingles",
    "title_genres",
    "tokens",
    "words",
    "words_of",
]

EntityKind = Literal["name", "multiword", "model", "quantity"]

# Scripts written without spaces between words (kana, CJK ideographs, Hangul syllables): one
# token per character, and bigrams of characters as terms.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_SHINGLE_TOKEN = re.compile(rf"[{_CJK}]|[a-z0-9]+(?:\.[0-9]+)*")

STOPWORDS = frozenset(
    (
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "says",
        "said",
        "say",
        "new",
        "one",
        "two",
        "three",
        "it's",
        "per",
        "via",
        "around",
        "still",
        "well",
        "much",
        "many",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "like",
        "onto",
        "upon",
        "within",
        "without",
        "whose",
        "whether",
        "yet",
        "already",
        "ever",
        "every",
        "though",
        "although",
        "however",
        "thus",
        "among",
        "across",
        "since",
    )
)

# Capitalised words that start sentences or name dates rather than things.
_NOT_NAMES = frozenset(
    (
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "to",
        "of",
        "and",
        "or",
        "but",
        "as",
        "after",
        "before",
        "when",
        "while",
        "once",
        "if",
        "with",
        "without",
        "during",
        "since",
        "until",
        "also",
        "both",
        "each",
        "every",
        "some",
        "many",
        "most",
        "other",
        "another",
        "such",
        "one",
        "two",
        "three",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "why",
        "how",
        "new",
        "according",
        "meanwhile",
        "however",
        "still",
        "yet",
        "so",
        "then",
        "now",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "note",
        "update",
        "breaking",
        "exclusive",
        "read",
        "more",
        "see",
    )
)

_NAME_WORD = r"(?:[A-Z][A-Za-z0-9]*(?:[.'’&][A-Za-z0-9]+)*|[A-Z]{2,})"
_NAME_RUN = re.compile(rf"(?<![\w.-]){_NAME_WORD}(?:[ \t]+{_NAME_WORD})*")
# Entities with digits are found from the digit runs outward: each run is widened to its token
# (GPT-5.3-Codex, H100, Qwen3-8B, 2.1.38), then read as a versioned name, a version after a
# name (Opus 4.6, iOS 26.4, Claude Code 2.1.38) or a quantity ($20m, 70B, 1,000 tokens).
_DIGITS = re.compile(r"\d(?:[\d,]*\d)?")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_VERSION = re.compile(r"v?(\d{1,3}(?:\.\d+){0,3})(?!\d|,\d|%|\.\d)")
_NAME_BEFORE = re.compile(r"(?<![\w.-])((?:[A-Z]|i[A-Z])[A-Za-z]*(?:[ \t]+[A-Z][A-Za-z]*)?)[ \t]+$")
_CURRENCY = "$€£¥"
# A number (with an optional currency sign) and a unit: $20m, 128k, 70B, 1,000 tokens, 2 seconds.
_QUANTITY = re.compile(
    r"(?P<num>[$€£¥]?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))[ \t-]?"
    r"(?P<unit>%|percent\b|x\b|×|k\b|m\b|mn\b|million\b|b\b|bn\b|billion\b|t\b|trillion\b|"
    r"gw\b|mw\b|kw\b|gb\b|tb\b|ms\b|milliseconds?\b|seconds?\b|s\b|minutes?\b|hours?\b|"
    r"tokens?\b|parameters?\b|params\b|gpus?\b|lines\b|petaflops\b|tflops\b)",
    re.IGNORECASE,
)
_UNIT_FOLD = {
    "percent": "%",
    "×": "x",
    "mn": "m",
    "million": "m",
    "bn": "b",
    "billion": "b",
    "trillion": "t",
    "millisecond": "ms",
    "milliseconds": "ms",
    "second": "s",
    "seconds": "s",
    "minute": "min",
    "minutes": "min",
    "hour": "h",
    "hours": "h",
    "token": "tokens",
    "parameter": "params",
    "parameters": "params",
    "gpu": "gpus",
}
_QUOTED_CJK = re.compile(r"[「『《“]([^」』》”]{2,20})[」』》”]")


class Entity(NamedTuple):
    """A normalised entity key and what kind of thing it names."""

    key: str
    kind: EntityKind


def tokens(text: str) -> list[str]:
    """Lower-cased words and single CJK characters, punctuation dropped."""
    return _SHINGLE_TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


_FOLDED: dict[str, str] = {}
_MEMO_LIMIT = 500_000  # word tables (folds, token hashes) stop growing here
# Name runs are mostly one-offs: on the 100k-document benchmark, 20,000 of them tokenise the
# batch as fast as 500,000 (10.95 s against 11.59 s) in a tenth of the memory (10 MB, 98 MB
# with the entity tables of features.py).
NAME_MEMO_LIMIT = 20_000


def clear_memos() -> None:
    """Empty the memo tables of this module (plural folds, token hashes, name runs).

    They speed up one batch's tokenising; at 100k documents they hold some 60 MB, which the
    clustering frees once its features are computed (they refill, from empty, when needed).
    """
    _FOLDED.clear()
    _TOKEN_HASH.clear()
    _NAME_CACHE.clear()


def _fold(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        folded = _fold_plural(word)
        if len(_FOLDED) < _MEMO_LIMIT:
            _FOLDED[word] = folded
    return folded


def _fold_plural(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words_of(toks: list[str]) -> list[str]:
    """Content terms from :func:`tokens`: Latin words (stopwords dropped, plurals folded) and
    bigrams of consecutive CJK characters (a lone character stands for itself)."""
    known = _FOLDED.get
    if not any(len(tok) == 1 and tok >= "\u3040" for tok in toks):  # fast path: no CJK
        return [known(t) or _fold(t) for t in toks if len(t) > 1 and t not in STOPWORDS]
    terms: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) == 1:
            terms.append(run[0])
        terms.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
        run.clear()

    for tok in toks:
        if len(tok) == 1 and tok >= "\u3040":
            run.append(tok)
            continue
        if run:
            flush()
        if len(tok) > 1 and tok not in STOPWORDS:
            terms.append(known(tok) or _fold(tok))
    flush()
    return terms


def words(text: str) -> list[str]:
    """Content terms of ``text``: see :func:`words_of`."""
    return words_of(tokens(text))


_TOKEN_HASH: dict[str, int] = {}


def _token_hash(token: str) -> int:
    value = zlib.crc32(token.encode("utf-8"))
    if len(_TOKEN_HASH) < _MEMO_LIMIT:
        _TOKEN_HASH[token] = value
    return value


def shingles(text: str | list[str], size: int = 3) -> np.ndarray:
    """Hashes of the overlapping runs of ``size`` tokens (see :func:`tokens`), sorted, unique.

    Used for near-duplicate detection: a lightly edited copy keeps most of its shingles.
    Tokens hash with CRC-32 and runs combine arithmetically, so hashes are stable across runs.
    """
    toks = tokens(text) if isinstance(text, str) else text
    if not toks:
        return np.empty(0, dtype=np.uint32)
    known = _TOKEN_HASH.get
    h = np.asarray([known(tok) or _token_hash(tok) for tok in toks], dtype=np.uint64)
    if len(h) < size:
        h = np.resize(h, size)  # a very short text is one shingle of itself, repeated
    mixed = h[: len(h) - size + 1].copy()
    for offset in range(1, size):
        mixed = mixed * np.uint64(0x9E3779B1) + h[offset : len(h) - size + 1 + offset]
    return np.unique((mixed & np.uint64(0xFFFFFFFF)).astype(np.uint32))


def _clean_name(run: str) -> str:
    parts = run.replace("’", "'").split()
    while parts and parts[0].lower().strip(".'") in _NOT_NAMES:
        parts.pop(0)
    parts = [p.removesuffix("'s").removesuffix("'") for p in parts]
    return " ".join(parts)


_NAME_CACHE: dict[str, tuple[Entity, ...]] = {}


def _name_entities(run: str) -> tuple[Entity, ...]:
    """A run of capitalised words as a multi-word name and its single-word names (cached)."""
    cached = _NAME_CACHE.get(run)
    if cached is not None:
        return cached
    name = _clean_name(run)
    out: list[Entity] = []
    if len(name) >= 2 and name.lower() not in _NOT_NAMES and not name.isdigit():
        parts = name.split()
        if len(parts) > 1:
            out.append(Entity(name.lower(), "multiword"))
        out.extend(
            Entity(part.lower(), "name")
            for part in parts
            if len(part) > 1 and part.lower() not in _NOT_NAMES and not part.isdigit()
        )
    result = tuple(out)
    if len(_NAME_CACHE) < NAME_MEMO_LIMIT:
        _NAME_CACHE[run] = result
    return result


def _digit_entities(text: str) -> Iterator[Entity]:
    end = 0
    for run in _DIGITS.finditer(text):
        start = run.start()
        if start < end:
            continue  # part of a token already read
        while start > 0 and text[start - 1] in _TOKEN_CHARS:
            start -= 1
        end = run.end()
        while end < len(text) and text[end] in _TOKEN_CHARS:
            end += 1
        token = text[start:end].strip(".-_")
        if any(c.isalpha() for c in token) and (
            not token[0].isdigit() or any(c.isupper() for c in token)
        ):
            yield Entity(token.lower(), "model")  # not 128k, 2nd, 3.5x: those are figures
        if not (token[:1].isdigit() or (token[:1] in "vV" and token[1:2].isdigit())):
            continue
        begin = start - 1 if start and text[start - 1] in _CURRENCY else start
        if quantity := _QUANTITY.match(text, begin):
            unit = quantity["unit"].lower()
            unit = _UNIT_FOLD.get(unit, unit)
            yield Entity(f"{quantity['num'].replace(',', '')}{unit}", "quantity")
        if (version := _VERSION.match(text, start)) and (
            named := _NAME_BEFORE.search(text, max(0, start - 40), start)
        ):
            name = _clean_name(named.group(1))
            if name:
                yield Entity(f"{name.lower()} {version.group(1)}", "model")
                yield Entity(f"{name.split()[-1].lower()} {version.group(1)}", "model")


def entities(text: str) -> set[Entity]:
    """Names, versioned model names and quantities in ``text``, normalised for matching."""
    text = unicodedata.normalize("NFKC", text)
    found: set[Entity] = set()
    found.update(_digit_entities(text))
    for match in _NAME_RUN.finditer(text):
        found.update(_name_entities(match.group(0)))
    for match in _QUOTED_CJK.finditer(text):
        found.add(Entity(match.group(1).lower(), "multiword"))
    return found


# What a piece *is*, read from its title alone: an announcement of jobs or of an event is not an
# update, however technical its vocabulary (a kernel-engineer job ad is full of CUDA terms).
TITLE_GENRES: dict[str, str] = {
    "hiring": r"\b(?:we'?re hiring|hiring|jobs?|job openings?|job board|open roles?|new roles|"
    r"residency|internships?|careers?|applications? (?:are )?open)\b|招聘|岗位|校招",
    "event": r"\b(?:webinars?|meetups?|office hours|workshops?|summits?|livestreams?|AMA|"
    r"podcasts?|episode \d+|what's on|events calendar)\b|报名|沙龙|直播|峰会",
    # A list of other stories is not a story: each of them is a candidate in its own right.
    "roundup": r"\b(?:reading list|round-?up|digest|newsletter|this week in|week in review|"
    r"money moves|links? of the (?:day|week))\b|周报|速览|汇总|一周回顾",
}
_GENRES = {name: re.compile(p, re.IGNORECASE) for name, p in TITLE_GENRES.items()}


def title_genres(title: str) -> list[str]:
    """The announcement genres (hiring, event) a title declares, empty for ordinary updates."""
    return [name for name, pattern in _GENRES.items() if pattern.search(title)]
