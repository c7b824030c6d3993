"""The facts and content words of documents, for comparing one event's coverage across days.

:func:`facts_in` reads a document sentence by sentence with
:func:`deepdaily.text.facts.extract_facts` (dates, numbers, versions and names, in Chinese or
English) and gives each fact a *key* that identifies it across documents and a short display:

- a number keeps the unit written after it (``1.6 s``, ``85%``, ``212 deployments``), and its
  key is the value with the unit's canonical form, so ``1.6 seconds`` and ``1.6 s`` are one
  fact while ``1.6 GB/s`` is another; a bare year is not a fact;
- a date is shown as ``Feb 1`` (``February`` without a day) and keyed by month and day;
- a version or size written as one token (``2.0.3``, ``v1.4``, ``70B-parameter``) is a figure;
  model, product and organisation names are names; both are keyed by their folded form.

Web addresses and clock times (``16:00``, ``09:30 UTC``) are removed first: a link's host and a
timeline's hours are not figures.

:func:`content_terms` gives the content words of a sentence (case-folded English words without
stop words or plural ``s``, hyphenated words split, runs of digits, and Chinese character
bigrams), which is what "the same sentence reworded" is measured on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from deepdaily.models import Document
from deepdaily.text.facts import Fact, extract_facts, fold
from deepdaily.text.sentences import split_sentences

__all__ = ["FoundFact", "content_terms", "document_sentences", "facts_in"]

FactClass = Literal["figure", "name"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.I)
_CLOCK_RE = re.compile(r"(?<![\d.:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])(?:\s?(?:UTC|GMT|[AP]M))?")
_FIGURE_NAME_RE = re.compile(r"^v?\d", re.I)  # a version or a size: "2.0.3", "v1.4", "70B"
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
# A unit written right after a number; the group is looked up in _UNIT_FORMS.
_UNIT_RE = re.compile(
    r"\s?(%|％|×|x|倍|毫秒|秒|分钟|小时|天|GB/s|MB/s|tok/s|tokens/s|ms|s|sec|seconds?|minutes?|"
    r"hours?|days?|weeks?|months?|GB|TB|MB|GiB|tokens?|GPUs?|nodes?|requests?|deployments?|"
    r"points?|pp|percent|per cent|experts?|layers?|regions?)(?![A-Za-z/])"
)
# Units that tell two equal numbers apart ("1.6 s" is not "1.6 GB/s"); counted nouns do not.
_MEASURES = frozenset(
    {
        "%",
        "x",
        "s",
        "ms",
        "min",
        "h",
        "d",
        "week",
        "month",
        "gb/s",
        "mb/s",
        "tok/s",
        "tokens/s",
        "gb",
        "tb",
        "mb",
        "gib",
        "token",
        "pp",
        "point",
        "year",
    }
)
_NUMERIC_RE = re.compile(
    r"^([$€£¥]?\s?\d[\d,]*(?:\.\d+)?"
    r"(?:\s?(?:万亿|百万|十亿|万|亿|千|thousand|million|billion|trillion|bn|mn|[kKMBT])(?![A-Za-z]))?)"
    r"\s?(.*)$"
)
_ORDINAL_RE = re.compile(r"(?:st|nd|rd|th)(?![A-Za-z])")
_UNIT_FORMS = {
    "％": "%",
    "percent": "%",
    "per cent": "%",
    "×": "x",
    "倍": "x",
    "秒": "s",
    "sec": "s",
    "second": "s",
    "seconds": "s",
    "毫秒": "ms",
    "minute": "min",
    "minutes": "min",
    "分钟": "min",
    "hour": "h",
    "hours": "h",
    "小时": "h",
    "day": "d",
    "days": "d",
    "天": "d",
    "周": "week",
    "月": "month",
    "个月": "month",
    "年": "year",
}
_STOP_TEXT = (
    "a an the and or but if of to in on at by for from with as is are was were be been being "
    "it its this that these those there their they them we our you your he she his her has "
    "have had do does did not no so than then also about into over under after before more "
    "most less very just can could will would may might must should which who whom what when "
    "where why how all any each other some such only own same too out up down off again now "
    "said says say per via while because until"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class FoundFact:
    """One fact as one document states it."""

    key: tuple[str, ...]  # the same fact in any document has the same key
    display: str  # short, as written: "1.6 s", "Feb 1", "2.0.3"
    kind: FactClass
    fact: Fact  # for deepdaily.text.facts.FactIndex.supports
    sentence: str  # where it was found


def content_terms(text: str, *, numbers: bool = True) -> frozenset[str]:
    """The content words of ``text`` (see the module docstring); ``numbers=False`` leaves out
    words without a letter, to compare what two sentences are about rather than their figures."""
    lowered = text.casefold().replace("-", " ")
    terms: set[str] = set()
    for word in _WORD_RE.findall(lowered):
        if not numbers and not any(ch.isalpha() for ch in word):
            continue
        if word in _STOP_WORDS or (len(word) < 3 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        terms.add(word)
    for run in _CJK_RUN_RE.findall(lowered):
        terms.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return frozenset(terms)


def document_sentences(doc: Document) -> list[str]:
    """The title, then the sentences of the text, web addresses removed."""
    sentences = (doc.title.strip(), *split_sentences(doc.text))
    return [s for s in (_URL_RE.sub(" ", s).strip() for s in sentences) if s]


def _unit(sentence: str, number: str) -> str | None:
    """The unit written after the first occurrence of ``number`` in ``sentence`` (empty when
    there is none, None when the number is an ordinal)."""
    for match in re.finditer(rf"(?<![\w.]){re.escape(number)}(?![\d])", sentence):
        if _ORDINAL_RE.match(sentence, match.end()):
            return None
        unit = _UNIT_RE.match(sentence, match.end())
        if unit:
            return unit.group(1)
        return ""
    return ""


def _canonical(unit: str) -> str:
    """The unit's canonical form when it is a measure (``seconds`` -> ``s``), else empty."""
    lowered = unit.lower()
    canonical = _UNIT_FORMS.get(lowered, lowered)
    if len(canonical) > 3 and canonical.endswith("s") and "/" not in canonical:
        canonical = canonical[:-1]
    return canonical if canonical in _MEASURES else ""


def _number(fact: Fact, sentence: str) -> FoundFact | None:
    written = _NUMERIC_RE.match(fact.text)
    if fact.value is None or written is None or _YEAR_RE.match(fact.text):
        return None
    number, unit = written.group(1), written.group(2).strip()
    display = fact.text
    if not unit:
        unit = _unit(sentence, number)
        if unit is None:
            return None  # an ordinal: "99th-percentile"
        spacer = "" if not unit or unit in "%％×x倍" or not unit.isascii() else " "
        display = f"{number}{spacer}{unit}"
    key = ("number", f"{fact.value:g}", _canonical(unit))
    return FoundFact(key, display, "figure", fact, sentence)


def _date(fact: Fact, sentence: str) -> FoundFact | None:
    if fact.date is None:
        return None
    _year, month, day = fact.date
    if month is None:
        return None
    display = f"{_MONTHS[month - 1]} {day}" if day else _MONTH_NAMES[month - 1]
    return FoundFact(("date", str(month), str(day or "")), display, "figure", fact, sentence)


def _name(fact: Fact, sentence: str) -> FoundFact | None:
    key = fold(fact.text)
    if not key:
        return None
    kind: FactClass = "figure" if _FIGURE_NAME_RE.match(fact.text) else "name"
    return FoundFact(("name", key), fact.text, kind, fact, sentence)


def facts_in(doc: Document) -> Iterator[FoundFact]:
    """Every fact of ``doc``'s title and text, sentence by sentence (repeats included)."""
    for sentence in document_sentences(doc):
        clean = _CLOCK_RE.sub(" ", sentence)
        for fact in extract_facts(clean):
            if fact.kind == "number":
                found = _number(fact, clean)
            elif fact.kind == "date":
                found = _date(fact, clean)
            else:
                found = _name(fact, clean)
            if found is not None:
                yield found
