"""When one quantity supports another, and how to say what a quantity is.

:func:`supports` is the rule :mod:`deepdaily.text.agree` applies to every number of a claim:
a quantity of its passage supports it when both are of the **same kind** and have the same
value in that kind's normal unit (:mod:`deepdaily.text.numbers`):

- a percentage is never a multiple ("100%" does not support "100 倍"; "20x" does not support
  "20%"), a count never a percentage, a year or a date's day, a duration never a count;
- a fraction and a percentage agree when they are the same share ("half" = "50%", "a third"
  = "33%");
- currencies agree when their codes do (``$`` = ``USD`` = ``美元``; ``¥`` may be yuan or yen;
  an amount without a currency word agrees with any);
- a count of tokens, parameters or GPUs is supported by a count of the same thing or by a
  plain count of that value ("744B parameters" by "744B"), never by a count of another thing;
- values are equal, or the claim rounds a more precise figure of its passage while keeping
  two significant digits ("29.7%" from "29.73%", not "30%" from "29.73%" nor "2" from
  "1.6"), or, when the claim says "about"/"约", within 5 %.

:func:`describe` words a quantity for a reason: ``“100 倍” (×100, a multiple)``. Nothing here
reads settings.
"""

from __future__ import annotations

import math

from deepdaily.text.numbers import Quantity

__all__ = ["describe", "kind_of", "supports"]

_KIND_NAMES = {
    "percent": "a percentage",
    "points": "percentage points",
    "multiple": "a multiple",
    "fraction": "a fraction",
    "currency": "an amount of money",
    "duration": "a duration",
    "bytes": "a size",
    "count": "a count",
    "year": "a year",
}
_SCALE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_DURATION_WORDS = (
    (31557600.0, "years"),
    (2629800.0, "months"),
    (604800.0, "weeks"),
    (86400.0, "days"),
    (3600.0, "hours"),
    (60.0, "minutes"),
    (1.0, "seconds"),
    (1e-3, "ms"),
)


def _number(value: float) -> str:
    for scale, word in _SCALE_WORDS:
        if abs(value) >= scale:
            return f"{value / scale:g} {word}"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:g}"


def _value(q: Quantity) -> str:
    if q.kind == "percent":
        return f"{q.value:g}%"
    if q.kind == "points":
        return f"{q.value:g} points"
    if q.kind == "multiple":
        return f"×{q.value:g}"
    if q.kind == "fraction":
        return f"{q.value:.3g} of the whole"
    if q.kind == "currency":
        return f"{_number(q.value)} {q.unit or 'in an unnamed currency'}"
    if q.kind == "duration":
        seconds, word = next(((s, w) for s, w in _DURATION_WORDS if q.value >= s), (1.0, "s"))
        return f"{q.value / seconds:g} {word}"
    if q.kind == "bytes":
        return f"{_number(q.value)} bytes"
    if q.kind == "year":
        return f"{q.value:g}"
    return _number(q.value) + (f" {q.unit}" if q.unit else "")


def kind_of(q: Quantity) -> str:
    """``a percentage``, ``a count of tokens``, ``a version number``..."""
    if q.version:
        return "a version number"
    if q.kind == "count" and q.unit:
        return f"a count of {q.unit}"
    return _KIND_NAMES[q.kind]


def describe(q: Quantity) -> str:
    """``“100 倍” (×100, a multiple)``."""
    return f"“{q.text}” ({_value(q)}, {kind_of(q)})"


def _same_value(claim: Quantity, other: float) -> bool:
    value = claim.value
    if math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12):
        return True
    if claim.approx and math.isclose(value, other, rel_tol=0.05):
        return True
    # the claim rounds a more precise figure, keeping two significant digits at least
    half_step = 0.5 * 10 ** (-claim.decimals) * claim.scale
    return claim.significant >= 2 and abs(value - other) <= half_step * (1 + 1e-9)


def _currency_agrees(a: str, b: str) -> bool:
    if not a or not b or a == b:
        return True
    return {a, b} in ({"¥", "CNY"}, {"¥", "JPY"})


def supports(passage: Quantity, claim: Quantity) -> bool:
    """Whether ``passage``'s quantity supports ``claim``'s (rules in the module docstring)."""
    if {claim.kind, passage.kind} == {"percent", "fraction"}:
        share = claim.value / 100 if claim.kind == "percent" else claim.value
        other = passage.value / 100 if passage.kind == "percent" else passage.value
        return abs(share - other) <= 0.005
    if claim.kind != passage.kind:
        return False
    if claim.kind == "currency" and not _currency_agrees(claim.unit, passage.unit):
        return False
    if claim.kind == "count" and claim.unit and passage.unit and claim.unit != passage.unit:
        return False
    return _same_value(claim, passage.value)
