"""Tokenising for clustering and ranking: words, CJK bigrams, shingles and entities.

English (and any Latin-script text) is split into lower-cased words with stopwords removed and
a light plural fold; Chinese and Japanese kanji runs become overlapping character bigrams,
because they have no spaces to split on. Entities are the names two reports of one story
share: capitalised names ("Sam Altman", "Claude Cowork"), model and product names with versions
("GPT-5.3-Codex", "Opus 4.6", "iOS 26.4") and numbers with units ("$20m", "128k", "70b").

No settings govern this module; the thresholds that use it live in ``near.py`` and
``stories.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Literal, NamedTuple

__all__ = [
    "Entity",
    "EntityKind",
    "entities",
    "fingerprint",
    "normalise",
    "shingles",
    "tokens",
    "words",
]

EntityKind = Literal["name", "multiword", "model", "quantity"]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*")
_SHINGLE_TOKEN = re.compile(rf"[{_CJK}]|[a-z0-9]+(?:\.[0-9]+)*")

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves says said say new one two three its it's per via around still well much many
    may might must shall us like into onto upon within without whose whether yet already
    ever every though although however thus among across since
    """.split()
)

# Capitalised words that start sentences or name dates rather than things.
_NOT_NAMES = frozenset(
    """
    a an the this that these those it its in on at by for from to of and or but as after before
    when while once if with without during since until also both each every some many most
    other another such one two three he she they we you i his her their our your my there here
    what which who whom why how new according meanwhile however still yet so then now today
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mon tue wed thu fri sat sun jan feb
    mar apr jun jul aug sep sept oct nov dec note update breaking exclusive read more see
    """.split()
)

_NAME_WORD = r"(?:[A-Z][A-Za-z0-9]*(?:[.'’&][A-Za-z0-9]+)*|[A-Z]{2,})"
_NAME_RUN = re.compile(rf"(?<![\w.-]){_NAME_WORD}(?:[ \t]+{_NAME_WORD})*")
# A token with a digit; kept when it also has a letter: GPT-5.3-Codex, GLM-5, H100, Qwen3-8B.
_DIGIT_TOKEN = re.compile(r"(?<![\w.-])(?=[\w.-]*\d)[\w.-]+")
# A name followed by a version: Opus 4.6, iOS 26.4, Claude Code 2.1.38, Gemini 3, SB 53.
_NAME_VERSION = re.compile(
    r"\b((?:[A-Z]|i[A-Z])[A-Za-z]*(?:[ \t]+[A-Z][A-Za-z]*)?)[ \t]+"
    r"v?(\d{1,3}(?:\.\d+){0,3})(?!\d|,\d|%|\.\d)"
)
# A number (with an optional currency sign) and a unit: $20m, 128k, 70B, 1,000 tokens, 2 seconds.
_QUANTITY = re.compile(
    r"(?=[$€£¥\d])(?P<num>[$€£¥]?(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))[ \t-]?"
    r"(?P<unit>%|percent\b|x\b|×|k\b|m\b|mn\b|million\b|b\b|bn\b|billion\b|t\b|trillion\b|"
    r"gw\b|mw\b|kw\b|gb\b|tb\b|ms\b|milliseconds?\b|seconds?\b|s\b|minutes?\b|hours?\b|"
    r"tokens?\b|parameters?\b|params\b|gpus?\b|lines\b|petaflops\b|tflops\b)",
    re.IGNORECASE,
)
_UNIT_FOLD = {
    "percent": "%", "×": "x", "mn": "m", "million": "m", "bn": "b", "billion": "b",
    "trillion": "t", "millisecond": "ms", "milliseconds": "ms", "second": "s", "seconds": "s",
    "minute": "min", "minutes": "min", "hour": "h", "hours": "h", "token": "tokens",
    "parameter": "params", "parameters": "params", "gpu": "gpus",
}
_QUOTED_CJK = re.compile(r"[「『《“]([^」』》”]{2,20})[」』》”]")


class Entity(NamedTuple):
    """A normalised entity key and what kind of thing it names."""

    key: str
    kind: EntityKind


def normalise(text: str) -> str:
    """NFKC, lower case, one space between words: the form exact-duplicate hashes use."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return " ".join(folded.split())


def tokens(text: str) -> list[str]:
    """Normalised words and single CJK characters, punctuation dropped."""
    return _SHINGLE_TOKEN.findall(normalise(text))


def fingerprint(text: str) -> str:
    """Normalised text without punctuation, so re-encoded copies of one text compare equal."""
    return " ".join(tokens(text))


_FOLDED: dict[str, str] = {}


def _fold(word: str) -> str:
    folded = _FOLDED.get(word)
    if folded is None:
        folded = _FOLDED[word] = _fold_plural(word) if len(_FOLDED) < 500_000 else word
    return folded


def _fold_plural(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Content terms: Latin words (stopwords dropped, plurals folded) and CJK bigrams."""
    norm = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("'s ", " ")
    known = _FOLDED.get
    terms = [
        known(w) or _fold(w)
        for w in _LATIN_WORD.findall(norm)
        if len(w) > 1 and w not in STOPWORDS
    ]
    for run in _CJK_RUN.findall(norm):
        if len(run) == 1:
            terms.append(run)
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return terms


def shingles(text: str | list[str], size: int = 3) -> set[str]:
    """Overlapping runs of ``size`` tokens (see :func:`tokens`) of a text or a token list.

    Used for near-duplicate detection: a lightly edited copy keeps most of its shingles.
    """
    toks = tokens(text) if isinstance(text, str) else text
    if len(toks) <= size:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1)}


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
    if len(_NAME_CACHE) < 200_000:
        _NAME_CACHE[run] = result
    return result


def _quantities(text: str) -> Iterator[Entity]:
    for match in _QUANTITY.finditer(text):
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in "._-"):
            continue  # inside a word or a version: "GPT-5", "2.1.38"
        unit = match["unit"].lower()
        unit = _UNIT_FOLD.get(unit, unit)
        yield Entity(f"{match['num'].replace(',', '')}{unit}", "quantity")


def entities(text: str) -> set[Entity]:
    """Names, versioned model names and quantities in ``text``, normalised for matching."""
    text = unicodedata.normalize("NFKC", text)
    found: set[Entity] = set()
    for match in _DIGIT_TOKEN.finditer(text):
        token = match.group(0).strip(".-_")
        if not any(c.isalpha() for c in token):
            continue
        if token[0].isdigit() and not any(c.isupper() for c in token):
            continue  # 128k, 2nd, 3.5x: quantities or ordinals, not names
        found.add(Entity(token.lower(), "model"))
    for match in _NAME_VERSION.finditer(text):
        name = _clean_name(match.group(1))
        if name and not (len(match.group(2)) == 4 and match.group(2).startswith(("19", "20"))):
            found.add(Entity(f"{name.lower()} {match.group(2)}", "model"))
            found.add(Entity(f"{name.split()[-1].lower()} {match.group(2)}", "model"))
    for match in _NAME_RUN.finditer(text):
        found.update(_name_entities(match.group(0)))
    found.update(_quantities(text))
    for match in _QUOTED_CJK.finditer(text):
        found.add(Entity(match.group(1).lower(), "multiword"))
    return found
