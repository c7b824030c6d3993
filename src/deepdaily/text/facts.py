"""The checkable facts of a sentence, and whether an event's sources contain them.

A model may rephrase and translate, but it may not add facts. :func:`extract_facts` finds, in
Chinese or English text:

- **dates**: ``2026-02-10``, ``2026/2/10``, ``2026年2月10日``, ``2月10日``, ``Feb 10, 2026``,
  ``10 February 2026``, ``February 2026``;
- **models and versions**: tokens mixing letters and digits (``GPT-5.3-Codex``, ``Qwen2.5``,
  ``H100``, ``v1.2.0``) and a known model family followed by a version (``Opus 4.6``);
- **numbers**: digits with an optional currency, scale (``k``/``M``/``B``/``bn``/``million``/
  ``万``/``亿``...) and unit (``%``, ``x``, ``倍``), and Chinese numerals that carry a ``十百千
  万亿`` digit (``三十``, ``十亿``); bare integers below 10 without a unit or scale are *not*
  facts (list counts, "1-2 条", "两种");
- **organisations**: the gazetteer of :mod:`deepdaily.text.entities` (so ``谷歌`` and
  ``Google`` are the same) and CamelCase names (``DeepMind``, ``MiniMax``).

:class:`FactIndex` holds the same facts for the sources. A number is supported when a source
number has the same value after scaling (``30 亿`` = ``$3 billion``; English number words count:
"five months" supports ``5 个月``); a model or version when its case-, space- and dash-folded
form occurs in the folded sources and, when it ends in a digit, is not the prefix of a longer
version (``GPT-5`` is not supported by ``GPT-5.3`` alone; ``NeurIPS`` is by ``NeurIPS
2025``); a date when a source date agrees on every part the claim gives; an organisation
when the sources name it or one of its aliases.

For a claim checked against *its own passage*, kind by kind (a percentage is not a multiple,
a day of a month is not a count, direction, negation, plans), see :mod:`deepdaily.text.agree`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from deepdaily.text.dates import MONTHS
from deepdaily.text.entities import entities_in
from deepdaily.text.numbers import SCALES, zh_value

__all__ = ["Fact", "FactIndex", "FactKind", "extract_facts", "fold"]

FactKind = Literal["date", "model", "number", "organisation"]
DateKey = tuple[int | None, int | None, int | None]

_MONTHS = MONTHS
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_RES = [
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?:(?P<y>\d{4})\s*年\s*)?(?<!\d)(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<y>\d{{4}})\b", re.I),
]
_FAMILIES = (
    "GPT|Claude|Opus|Sonnet|Haiku|Gemini|Gemma|Llama|Qwen|DeepSeek|Mistral|Mixtral|Grok|GLM|"
    "Kimi|MiniMax|Phi|Codex|ERNIE|Hunyuan|Doubao|Yi|Falcon|Command|Nemotron|Sora|Veo|Imagen|"
    "Stable Diffusion|Terminal-Bench|SWE-bench|OSWorld|Python|CUDA|PyTorch|iOS|Android|Windows"
)
_FAMILY_RE = re.compile(
    rf"(?<![A-Za-z0-9_])(?:{_FAMILIES})\s+v?\d+(?:\.\d+)*(?![A-Za-z0-9_])", re.I
)
_ALNUM_RE = re.compile(
    r"(?<![A-Za-z0-9_.])(?=[A-Za-z0-9_.-]*[A-Za-z])(?=[A-Za-z0-9_.-]*\d)"
    r"[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*(?![A-Za-z0-9_])"
)
_VERSION_RE = re.compile(r"(?<![A-Za-z0-9_.])v?\d+\.\d+\.\d+(?:\.\d+)*(?![A-Za-z0-9_.])")
_NUMBER_LIKE_RE = re.compile(
    r"^(?:\d+(?:\.\d+)?(?:k|m|b|bn|mn|t|x|st|nd|rd|th|s|ms)|\d+(?:st|nd|rd|th))$", re.I
)
# Mixed-case words that are generic terms, not names.
_GENERIC_CAMEL = frozenset({
    "SaaS", "PaaS", "IaaS", "FaaS", "DevOps", "MLOps", "LLMOps", "AIOps", "FinOps", "GitOps",
    "DevSecOps", "NoSQL", "JavaScript", "TypeScript", "WebAssembly", "WebGPU", "WebSocket",
    "GraphQL", "PostgreSQL", "MySQL", "SQLite", "OAuth",
})  # fmt: skip
_CAMEL_RE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[a-z]+[A-Z][A-Za-z]*)(?![A-Za-z0-9_-])"
)
_SCALES = SCALES
_NUMBER_RE = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<cur>[$€£¥])?\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s?(?P<scale>万亿|百万|十亿|万|亿|千|thousand|million|billion|trillion|mn|bn|[kKmMbBtT])"
    r"(?![A-Za-z]))?"
    r"(?P<unit>\s?(?:%|％|percent|per cent|x|×|倍|美元|元|个?月|天|年|秒|毫秒|小时|分钟|周|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|tokens?|GPUs?|ms)(?![A-Za-z]))?"
)
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_NUMBER_RE = re.compile(
    r"(?<![第数几上每])[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
)
_WORDS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
}
_WORDS.update(
    {
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
        "dozen": 12,
    }
)
_WORD_NUMBER_RE = re.compile(
    r"\b(?P<w>" + "|".join(_WORDS) + r")(?:-(?P<u>one|two|three|four|five|six|seven|eight|nine))?"
    r"(?:\s+(?P<scale>thousand|million|billion|trillion))?\b",
    re.I,
)
_DASHES_RE = re.compile(r"[\s\-‐‑‒–—―_·]+")


def fold(text: str) -> str:
    """Width-, case-, space- and dash-folded text, for looking names up."""
    return _DASHES_RE.sub("", unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    text: str  # as written
    value: float | None = None  # numbers
    date: DateKey | None = None  # dates

    def describe(self) -> str:
        names = {
            "date": "date",
            "model": "name/version",
            "number": "number",
            "organisation": "organisation",
        }
        return f"{names[self.kind]} “{self.text}”"


def _dates(text: str) -> tuple[list[Fact], str]:
    facts: list[Fact] = []
    for regex in _DATE_RES:

        def take(match: re.Match[str]) -> str:
            parts = match.groupdict()
            month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
            year = int(parts["y"]) if parts.get("y") else None
            day = int(parts["d"]) if parts.get("d") else None
            if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
                facts.append(Fact("date", match.group().strip(), date=(year, month, day)))
                return " " * len(match.group())
            return match.group()

        text = regex.sub(take, text)
    return facts, text


def _mask(regex: re.Pattern[str], text: str, found: list[str]) -> str:
    def take(match: re.Match[str]) -> str:
        if _NUMBER_LIKE_RE.match(match.group()):
            return match.group()
        found.append(match.group().rstrip("."))
        return " " * len(match.group())

    return regex.sub(take, text)


def _numbers(text: str, *, all_values: bool) -> list[Fact]:
    facts: list[Fact] = []
    for match in _NUMBER_RE.finditer(text):
        raw = float(match["num"].replace(",", "") + (match["frac"] or ""))
        scale_word = (match["scale"] or "").lower()
        value = raw * _SCALES.get(scale_word, 1.0)
        bare = not (match["cur"] or match["scale"] or match["unit"] or match["frac"])
        if bare and raw < 10 and not all_values:
            continue
        facts.append(Fact("number", match.group().strip(), value=value))
        if all_values and value != raw:
            facts.append(Fact("number", match["num"], value=raw))
    for match in _ZH_NUMBER_RE.finditer(text):
        numeral = match.group()
        after = text[match.end() :][:1]
        if numeral in {"一一", "万一"} or (numeral == "十" and after in {"分", "几", "余", "多"}):
            continue  # 十分 "very", 十几/十余/十多 "a dozen or so"
        value_zh = zh_value(numeral)
        if value_zh is not None and (
            all_values or ((len(numeral) > 1 or numeral in _ZH_UNITS) and value_zh >= 10)
        ):
            facts.append(Fact("number", numeral, value=value_zh))
    return facts


def extract_facts(text: str, *, all_values: bool = False) -> list[Fact]:
    """The facts of ``text``; ``all_values`` also keeps small bare numbers (for sources)."""
    text = unicodedata.normalize("NFKC", text)
    facts, rest = _dates(text)
    names: list[str] = []
    rest = _mask(_FAMILY_RE, rest, names)
    rest = _mask(_VERSION_RE, rest, names)
    rest = _mask(_ALNUM_RE, rest, names)
    facts.extend(Fact("model", name) for name in dict.fromkeys(names))
    facts.extend(_numbers(rest, all_values=all_values))
    if all_values:
        for match in _WORD_NUMBER_RE.finditer(rest):
            value = float(_WORDS[match["w"].lower()])
            if match["u"]:
                value += _WORDS[match["u"].lower()]
            if match["scale"]:
                value *= _SCALES[match["scale"].lower()]
            facts.append(Fact("number", match.group(), value=value))
    orgs = dict.fromkeys(name for _, name in entities_in(text))
    facts.extend(Fact("organisation", name) for name in orgs)
    for name in dict.fromkeys(_CAMEL_RE.findall(text)):
        if name in _GENERIC_CAMEL:
            continue
        if not any(fold(name) == fold(org) for org in orgs) and not any(
            fold(name) in fold(n) for n in names
        ):
            facts.append(Fact("model", name))
    return facts


@dataclass
class FactIndex:
    """Every fact of an event's sources, for :meth:`supports`."""

    folded: str = ""
    values: set[float] = field(default_factory=set)
    dates: set[DateKey] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)

    @classmethod
    def from_texts(cls, texts: Iterable[str], published: Iterable[date] = ()) -> FactIndex:
        texts = list(texts)
        index = cls(folded="\n".join(fold(t) for t in texts))
        for text in texts:
            for fact in extract_facts(text, all_values=True):
                if fact.kind == "number" and fact.value is not None:
                    index.values.add(fact.value)
                elif fact.kind == "date" and fact.date:
                    index.dates.add(fact.date)
                    index.values.update(float(p) for p in fact.date if p is not None)
                elif fact.kind == "organisation":
                    index.organisations.add(fact.text)
        for day in published:
            index.dates.add((day.year, day.month, day.day))
            index.values.add(float(day.year))
        return index

    def _has_name(self, name: str) -> bool:
        key = fold(name)
        if not key:
            return True
        start = self.folded.find(key)
        while start >= 0:
            after = self.folded[start + len(key) : start + len(key) + 2]
            longer = after[:1].isdigit() or (after[:1] == "." and after[1:2].isdigit())
            if not longer or not key[-1].isdigit():
                return True  # "NeurIPS" is in "NeurIPS 2025"; "GPT-5" is not in "GPT-5.3"
            start = self.folded.find(key, start + 1)
        return False

    def _has_date(self, key: DateKey) -> bool:
        year, month, day = key
        for s_year, s_month, s_day in self.dates:
            if month != s_month or (day is not None and day != s_day):
                continue
            if year is None or year == s_year or (s_year is None and float(year) in self.values):
                return True
        return False

    def supports(self, fact: Fact) -> bool:
        if fact.kind == "number" and fact.value is not None:
            return any(abs(fact.value - v) <= 1e-9 * max(1.0, abs(v)) for v in self.values)
        if fact.kind == "date" and fact.date is not None:
            return self._has_date(fact.date)
        if fact.kind == "organisation":
            return fact.text in self.organisations or self._has_name(fact.text)
        return self._has_name(fact.text)

    def unsupported(self, text: str, kinds: Iterable[FactKind] | None = None) -> list[Fact]:
        """The facts of ``text`` (of ``kinds``, default all) that no source supports."""
        wanted = set(kinds) if kinds is not None else None
        return [
            fact
            for fact in extract_facts(text)
            if (wanted is None or fact.kind in wanted) and not self.supports(fact)
        ]
