"""Dates written in Chinese or English, found as dates (never as loose numbers).

:func:`find_dates` returns every date of a text with its span and the parts it gives as a
``(year, month, day)`` key, ``None`` for a part the text leaves out:

- ``2026-02-10``, ``2026/2/10``, ``2026.2.10``;
- ``2026年2月10日``, ``2月10日``, ``2月10号``, ``2月`` (a month: ``2 个月`` is a duration),
  also in Chinese numerals (``二〇二六年二月十日``, ``五月 3 号``);
- ``Feb 10, 2026``, ``February 10``, ``10 February 2026``, ``11th Feb``, ``February 2026``;
- a month alone after a word that introduces a time (``in May``, ``by September``,
  ``early March``): capitalised, so the modal verb "may" is never a month.

The day and year of a date are parts of the date: callers mask the spans (:func:`masked`)
before looking for numbers, so "11 February" never supports "11 engineers". A year written
alone (``2026``, ``2026 年``) is a number of kind ``year``, found by
:mod:`deepdaily.text.numbers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deepdaily.text.numbers import zh_value

__all__ = ["MONTHS", "DateKey", "DateSpan", "date_agrees", "find_dates", "masked"]

DateKey = tuple[int | None, int | None, int | None]

_MONTH_NAMES = (
    "jan january|feb february|mar march|apr april|may|jun june|jul july|aug august|"
    "sep sept september|oct october|nov november|dec december"
)
MONTHS = {
    name: number
    for number, names in enumerate(_MONTH_NAMES.split("|"), start=1)
    for name in names.split()
}
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_FULL_MONTH = (
    r"(?P<mon>January|February|March|April|May|June|July|August|September|Sept|October|"
    r"November|December)"
)
_ZH_MONTH = "十[一二]|[一二三四五六七八九十]"
_DATE_RES = (
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(
        r"(?:(?P<y>\d{4})\s*年\s*)?(?<![\d.])(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"
    ),
    re.compile(
        rf"(?:(?P<zy>\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*)?(?<![〇零一二三四五六七八九十])"
        rf"(?P<zm>{_ZH_MONTH})\s*月(?:\s*(?P<zd>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[日号])?"
    ),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\b(?:,?\s+(?P<y>\d{{4}}))?", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(
        r"(?P<pre>\b(?:in|by|since|until|till|from|before|after|during|through|early|late|"
        r"mid|of|to|and|or|next|last|this)\s+)" + _FULL_MONTH + r"\b(?![-–]\w)"
    ),
)


def _number(written: str) -> str:
    """Digits for a number in digits or Chinese numerals (``十一`` -> ``11``)."""
    if written.isdigit() and written.isascii():
        return written
    value = zh_value(written)
    return str(int(value)) if value is not None else "0"


@dataclass(frozen=True)
class DateSpan:
    start: int
    end: int
    text: str
    key: DateKey


def find_dates(text: str) -> list[DateSpan]:
    """Every date of ``text``, in order of position."""
    found: list[DateSpan] = []
    for regex in _DATE_RES:

        def take(match: re.Match[str], text: str = text) -> str:
            parts = match.groupdict()
            for zh, latin in (("zy", "y"), ("zm", "m"), ("zd", "d")):
                if parts.get(zh):
                    parts[latin] = _number(parts[zh])
            if parts.get("mon"):
                month = MONTHS[parts["mon"].lower().rstrip(".")]
            else:
                month = int(parts["m"])
            year = int(parts["y"]) if parts.get("y") else None
            day = int(parts["d"]) if parts.get("d") else None
            if 1 <= month <= 12 and (day is None or 1 <= day <= 31):
                start = match.end("pre") if parts.get("pre") else match.start()
                while text[start].isspace():
                    start += 1
                found.append(
                    DateSpan(start, match.end(), text[start : match.end()], (year, month, day))
                )
                return match.group()[: start - match.start()] + " " * (match.end() - start)
            return match.group()

        text = regex.sub(take, text)
    return sorted(found, key=lambda d: d.start)


def masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each ``(start, end)`` span blanked out, offsets unchanged."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def date_agrees(claim: DateKey, other: DateKey, years: frozenset[int] = frozenset()) -> bool:
    """Whether ``other`` agrees with ``claim`` on every part ``claim`` gives; a claim's year
    also agrees with a year-less ``other`` when ``years`` (the other text's years) holds it."""
    year, month, day = claim
    o_year, o_month, o_day = other
    if month is not None and month != o_month:
        return False
    if day is not None and day != o_day:
        return False
    return year is None or year == o_year or (o_year is None and year in years)
