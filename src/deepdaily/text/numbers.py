"""Numbers with their kind and unit, in digits, English words or Chinese numerals.

:func:`quantities` finds every quantity of a text (whose dates and names the caller has already
blanked out, see :mod:`deepdaily.text.typed`) as a :class:`Quantity` whose ``value`` is
normalised within its kind, so equal values compare equal however they are written:

========== ============================================= =====================================
kind       written as                                     value
========== ============================================= =====================================
percent    ``43%``, ``50 percent``, ``百分之五十``, ``五成``   the percentage (``50``)
points     ``3 个百分点``, ``2 percentage points``          the points
multiple   ``20x``, ``100 倍``, ``three times``, ``double``,  the factor (``2``)
           ``twice``, ``两倍``, ``翻了一番`` (×2), ``翻两番`` (×4)
fraction   ``half``, ``halved``, ``一半``, ``减半``,         the ratio (``0.5``); a fraction
           ``a third``, ``三分之一``                          and a percentage agree
currency   ``$1.6 trillion``, ``30 亿美元``, ``5 euros``      the amount, with a currency code
duration   ``2 seconds``, ``40 毫秒``, ``five months``       seconds
bytes      ``80GB``, ``512 MB``                            bytes
count      ``300,000``, ``30 亿``, ``twelve``, ``十二名``,    the number; ``unit`` is ``tokens``,
           ``1M tokens``, ``355B parameters``, ``8 GPUs``   ``parameters``, ``GPUs`` or ``""``
year       ``2026``, ``2026 年`` (four digits, 1900-2100)    the year
========== ============================================= =====================================

Scales multiply (``30 亿`` = ``3 billion`` = ``3B`` = 3e9). A number right after a product
name (``iOS 26.4``, ``Opus 4.6``) is a count that :mod:`deepdaily.text.typed` marks
``version``. Ordinals (``1st``, ``第三``),
vague amounts (``dozens``, ``数十``, ``十几``) and idioms (``十分`` "very", ``一一``, ``万一``)
are not quantities. ``word`` marks a number written in words or Chinese numerals, ``approx``
one preceded by "about", "约" and the like. Nothing here reads settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["SCALES", "Quantity", "QuantityKind", "quantities", "zh_value"]

QuantityKind = Literal[
    "percent", "points", "multiple", "fraction", "currency", "duration", "bytes", "count", "year"
]

SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "千": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "百万": 1e6,
    "千万": 1e7,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "t": 1e12,
    "trillion": 1e12,
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
}
_DURATIONS = {
    "ms": 1e-3,
    "millisecond": 1e-3,
    "毫秒": 1e-3,
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "秒": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "分钟": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "小时": 3600.0,
    "day": 86400.0,
    "天": 86400.0,
    "week": 604800.0,
    "周": 604800.0,
    "星期": 604800.0,
    "month": 2629800.0,
    "月": 2629800.0,
    "year": 31557600.0,
    "年": 31557600.0,
}
_CURRENCIES = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "美元": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "欧元": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "英镑": "GBP",
    "元": "CNY",
    "人民币": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "日元": "JPY",
    "yen": "JPY",
    "jpy": "JPY",
    "¥": "¥",  # yuan or yen
    "￥": "¥",
}
_BYTES = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15}

_DIGITS_RE = re.compile(
    r"(?<![A-Za-z0-9_.])(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?(?![.,]?\d)"
)
_SCALE_RE = re.compile(
    r"\s?(?P<s>万亿|千亿|百亿|十亿|百万|千万|亿|万|千)"
    r"|\s?(?P<w>thousand|million|billion|trillion|bn|mn)\b"
    r"|(?P<l>[kKmMbBtT])(?![A-Za-z0-9])",
)
_UNIT_PATTERN = (
    r"(?P<pct>%|％|percent\b|per\s?cent\b)"
    r"|(?P<pts>个?百分点|percentage[-\s]points?\b|pp\b|ppts?\b)"
    r"|(?P<mul>倍|times\b|-?fold\b{x})"
    r"|(?P<cur>美元|人民币|欧元|英镑|日元|元|(?:US\s)?dollars?\b|USD\b|yuan\b|RMB\b|CNY\b|"
    r"euros?\b|EUR\b|GBP\b|yen\b)"
    r"|(?P<dur>毫秒|milliseconds?\b|ms\b|秒钟?|seconds?\b|secs?\b|分钟|minutes?\b|mins?\b|"
    r"个?小时|hours?\b|hrs?\b|天|days?\b|个?星期|周(?![年活末内边期刊报围一二三四五六日])|weeks?\b|"
    r"个月|months?\b|年|years?\b{sh})"
    r"|(?P<byte>[KMGTPkmgtp]i?B\b|字节|bytes?\b)"
    r"|(?P<tok>(?:个\s?)?tokens?\b|tok\b|个?词元)"
    r"|(?P<par>个?参数|parameters?\b|params?\b)"
    r"|(?P<gpu>(?:张|块|个)?\s?GPUs?\b|张卡|块卡|张显卡|块显卡)"
    r"|(?P<cls>个|名|位|家|款|项|条|次|张|块|台|篇|份|种|层|步|轮|代|支|只|人)"
)
_UNIT_ATTACHED_RE = re.compile(
    _UNIT_PATTERN.replace("{x}", r"|[xX×](?![A-Za-z0-9])").replace(
        "{sh}", r"|s(?![A-Za-z0-9])|h(?![A-Za-z0-9])"
    )
)
_UNIT_SPACED_RE = re.compile(
    r"\+?(?:\s*|-)(?:" + _UNIT_PATTERN.replace("{x}", "").replace("{sh}", "") + ")"
)
_PREFIX_CURRENCY_RE = re.compile(r"(US\$|\$|€|£|¥|￥|USD|RMB|CNY|EUR|GBP)\s?$")
_APPROX_BEFORE_RE = re.compile(
    r"(?:\b(?:about|around|roughly|approximately|nearly|almost|some|close to|~)|约|大约|近|将近|"
    r"接近|差不多)\s?$",
    re.IGNORECASE,
)
_APPROX_AFTER_RE = re.compile(r"\s*(?:左右|上下)")
_ORDINAL_AFTER_RE = re.compile(r"(?:st|nd|rd|th)\b")
_ENUMERATOR_RE = re.compile(r"\s*(?:\d+[.)、]\s|\(\d+\)\s)")

_ZH_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]"
_ZH_NUMBER_RE = re.compile(rf"(?<![第数几上每余多]){_ZH_NUMERAL}+")
_ZH_IDIOMS = (
    "十分",
    "一一",
    "万一",
    "一成不变",
    "千万别",
    "千万不",
    "千万要",
    "十足",
    "百般",
    "万万",
)
_ZH_PERCENT_RE = re.compile(rf"百分之\s*(?:(?P<d>\d+(?:\.\d+)?)|(?P<z>{_ZH_NUMERAL}+))|百分百")
_ZH_FRACTION_RE = re.compile(rf"(?P<den>{_ZH_NUMERAL}+)分之(?P<num>{_ZH_NUMERAL}+)")
_ZH_TENTHS_RE = re.compile(
    r"(?<![第数几上每])(?P<z>[一二两三四五六七八九])成(?![为本功果员立熟长效交型品就绩都不])"
)
_WORD_VALUES = {
    w: i
    for i, w in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty",
    ))
}  # fmt: skip
_WORD_VALUES.update(
    {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
)
_WORD_VALUES.update({"ninety": 90, "hundred": 100, "thousand": 1000, "dozen": 12})
_WORD_VALUES.update({"million": 10**6, "billion": 10**9, "trillion": 10**12})
_WORD_RE = re.compile(
    r"\b(?:(?P<a>a|an)\s+)?(?P<w>" + "|".join(_WORD_VALUES) + r")"
    r"(?:[-\s](?P<u>one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion|trillion)\b)?(?![-\w])",
    re.IGNORECASE,
)
_NEEDS_ARTICLE = frozenset({"dozen", "hundred", "thousand", "million", "billion", "trillion"})
# (pattern, kind, value): words that are a multiple or a fraction by themselves.
_FACTOR_PATTERNS: tuple[tuple[str, QuantityKind, float], ...] = (
    (r"翻了?一番|翻了?一倍|翻倍|加倍|倍增", "multiple", 2.0),
    (r"翻了?两番", "multiple", 4.0),
    (r"(?<=增加|增长|提高|提升|上涨|扩大)了?一倍", "multiple", 2.0),
    (r"翻了?三番", "multiple", 8.0),
    (r"一半|减半|半数|折半|对半|腰斩", "fraction", 0.5),
    (r"\b(?:double[sd]?|doubling|twice|two-?fold)\b(?!-(?:digit|check|click))",
     "multiple", 2.0),
    (r"\b(?:triple[sd]?|tripling|thrice|three-?fold)\b(?!-digit)", "multiple", 3.0),
    (r"\b(?:quadruple[sd]?|quadrupling|four-?fold)\b", "multiple", 4.0),
    (r"\b(?:ten-?fold)\b", "multiple", 10.0),
    (r"(?<!first )(?<!second )(?<!latter )(?<!former )(?<!other )"
     r"\b(?:half|halved|halves|halving|halve)\b(?![-\s](?:year|hour|day|life|time)s?\b)",
     "fraction", 0.5),
    (r"\b(?:a|one)[-\s]third\b", "fraction", 1 / 3),
    (r"\btwo[-\s]thirds\b", "fraction", 2 / 3),
    (r"\b(?:a|one)[-\s]quarter\s+of\b", "fraction", 0.25),
    (r"\bthree[-\s]quarters\b", "fraction", 0.75),
)  # fmt: skip
_WORD_FACTORS = tuple(
    (re.compile(p, re.IGNORECASE), kind, value) for p, kind, value in _FACTOR_PATTERNS
)


@dataclass(frozen=True)
class Quantity:
    """One number of a text, its kind and its value normalised within the kind."""

    kind: QuantityKind
    value: float
    text: str
    start: int
    end: int
    unit: str = ""  # currency code, or tokens / parameters / GPUs for a count
    decimals: int = 0  # digits after the decimal point, as written
    significant: int = 0  # significant digits, as written (``30`` has 1, ``29.7`` has 3)
    scale: float = 1.0  # value = the number as written x scale
    word: bool = False  # in words or Chinese numerals
    approx: bool = False
    version: bool = False


def zh_value(numeral: str) -> float | None:
    """The value of a Chinese numeral (``三十亿`` -> 3e9, ``二〇二六`` -> 2026), else None."""
    if len(numeral) > 1 and all(ch in _ZH_DIGITS for ch in numeral):
        return float("".join(str(_ZH_DIGITS[ch]) for ch in numeral))
    total, section, digit = 0.0, 0.0, 0.0
    for ch in numeral:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            section += (digit or 1) * _ZH_UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit or 1) * 1e4
            section, digit = 0.0, 0.0
        elif ch == "亿":
            total = (total + section + digit or 1) * 1e8
            section, digit = 0.0, 0.0
        else:
            return None
    return total + section + digit


def _blank(chars: list[str], start: int, end: int) -> None:
    chars[start:end] = " " * (end - start)


def _unit_kind(match: re.Match[str]) -> tuple[QuantityKind, str, float]:
    """(kind, unit, factor) of a unit match; a duration's factor converts to seconds."""
    word = match.group().strip().lstrip("+").strip().lower()
    if match["pct"]:
        return "percent", "", 1.0
    if match["pts"]:
        return "points", "", 1.0
    if match["mul"] or word in {"x", "×"}:
        return "multiple", "", 1.0
    if match["cur"]:
        key = word.removeprefix("us ").rstrip("s") if word.isascii() else word
        return "currency", _CURRENCIES.get(key, _CURRENCIES.get(word, "")), 1.0
    if match["dur"] or word in {"s", "h"}:
        key = word.removeprefix("个")
        key = {"秒钟": "秒", "个月": "月"}.get(word, key)
        key = key[:-1] if key.isascii() and key.endswith("s") and key not in {"ms", "s"} else key
        return "duration", "", _DURATIONS.get(key, _DURATIONS.get(word, 1.0))
    if match["byte"]:
        return "bytes", "", _BYTES.get(word[:1], 1.0) if word[:1] in _BYTES else 1.0
    if match["tok"]:
        return "count", "tokens", 1.0
    if match["par"]:
        return "count", "parameters", 1.0
    if match["gpu"]:
        return "count", "GPUs", 1.0
    return "count", "", 1.0


def _unit_at(text: str, pos: int) -> re.Match[str] | None:
    return _UNIT_ATTACHED_RE.match(text, pos) or _UNIT_SPACED_RE.match(text, pos)


def _digit_quantities(text: str, chars: list[str]) -> list[Quantity]:
    found: list[Quantity] = []
    for match in _DIGITS_RE.finditer(text):
        start, pos = match.start(), match.end()
        if _ORDINAL_AFTER_RE.match(text, pos):
            continue
        if (start == 0 or not text[:start].strip()) and _ENUMERATOR_RE.match(text, start):
            continue
        number = float(match["num"].replace(",", "") + (match["frac"] or ""))
        decimals = len(match["frac"] or "") - 1 if match["frac"] else 0
        scale = 1.0
        scale_match = _SCALE_RE.match(text, pos)
        unit_match = _unit_at(text, pos)
        if scale_match:
            word = next(g for g in scale_match.groups() if g)
            scale = SCALES[word.lower()]
            pos = scale_match.end()
            unit_match = _unit_at(text, pos)
        kind: QuantityKind = "count"
        unit, factor = "", 1.0
        if unit_match:
            kind, unit, factor = _unit_kind(unit_match)
            pos = unit_match.end()
        before = text[max(0, start - 6) : start]
        currency = _PREFIX_CURRENCY_RE.search(before)
        if currency:
            kind, unit = "currency", _CURRENCIES.get(currency.group(1).lower(), "")
            start = start - (len(before) - currency.start())
        value = number * scale * factor
        plain = scale == 1.0 and not unit_match and not currency and "," not in match["num"]
        if (plain or (unit_match and unit_match.group().strip() == "年")) and (
            not match["frac"] and len(match["num"]) == 4 and 1900 <= number <= 2100
        ):
            kind, value, unit = "year", number, ""
        approx = bool(_APPROX_BEFORE_RE.search(text[max(0, start - 16) : start])) or bool(
            _APPROX_AFTER_RE.match(text, pos)
        )
        written = (match["num"].replace(",", "") + (match["frac"] or "")).lstrip("0.")
        significant = len(written.replace(".", "") if "." in written else written.rstrip("0"))
        found.append(
            Quantity(
                kind,
                value,
                text[start:pos].strip(),
                start,
                pos,
                unit,
                decimals,
                significant,
                value / number if number and kind != "year" else 1.0,
                approx=approx,
            )
        )
        _blank(chars, start, pos)
    return found


def _special_quantities(text: str, chars: list[str]) -> list[Quantity]:
    """Percentages and fractions written in Chinese, and the words that are a factor."""
    found: list[Quantity] = []
    for match in _ZH_PERCENT_RE.finditer(text):
        if match.group() == "百分百":
            value: float | None = 100.0
        elif match["d"]:
            value = float(match["d"])
        else:
            value = zh_value(match["z"])
        if value is not None:
            found.append(Quantity("percent", value, match.group(), *match.span(), word=True))
            _blank(chars, *match.span())
    for match in _ZH_FRACTION_RE.finditer("".join(chars)):
        den, num = zh_value(match["den"]), zh_value(match["num"])
        if den and num is not None:
            found.append(Quantity("fraction", num / den, match.group(), *match.span(), word=True))
            _blank(chars, *match.span())
    for match in _ZH_TENTHS_RE.finditer(text):
        tenths = _ZH_DIGITS[match["z"]]
        found.append(Quantity("percent", tenths * 10.0, match.group(), *match.span(), word=True))
        _blank(chars, *match.span())
    for pattern, kind, factor in _WORD_FACTORS:
        for match in pattern.finditer("".join(chars)):
            found.append(Quantity(kind, factor, match.group(), *match.span(), word=True))
            _blank(chars, *match.span())
    return found


def _zh_quantities(text: str, chars: list[str]) -> list[Quantity]:
    found: list[Quantity] = []
    for match in _ZH_NUMBER_RE.finditer(text):
        numeral, start, pos = match.group(), match.start(), match.end()
        if any(text.startswith(idiom, start) for idiom in _ZH_IDIOMS) or text[pos : pos + 1] in {
            "几",
            "余",
            "多",
        }:
            continue
        value = zh_value(numeral)
        if value is None or (set(numeral) <= set("十百千万亿") and numeral != "十"):
            continue
        kind: QuantityKind = "count"
        unit, factor = "", 1.0
        if text.startswith("月", pos) and value <= 12:
            continue  # a month: 五月
        unit_match = _UNIT_SPACED_RE.match(text, pos)
        if unit_match and unit_match.group().strip() == "年" and 1900 <= value <= 2100:
            kind, pos = "year", unit_match.end()  # 二〇二六年
        elif unit_match:
            kind, unit, factor = _unit_kind(unit_match)
            pos = unit_match.end()
        elif numeral[-1] not in "十百千万亿" and value < 10:
            continue  # a bare digit character is usually part of a word (一起, 三星)
        found.append(Quantity(kind, value * factor, text[start:pos], start, pos, unit, word=True))
        _blank(chars, start, pos)
    return found


def _word_quantities(text: str, chars: list[str]) -> list[Quantity]:
    found: list[Quantity] = []
    for match in _WORD_RE.finditer(text):
        value = float(_WORD_VALUES[match["w"].lower()])
        if match["u"]:
            value += _WORD_VALUES[match["u"].lower()]
        if match["scale"]:
            value *= SCALES.get(match["scale"].lower(), 100.0)
        if match["w"].lower() in _NEEDS_ARTICLE and not match["a"]:
            continue  # "dozen", "million" alone are vague; "a dozen" is 12
        pos = match.end()
        kind: QuantityKind = "count"
        unit, factor = "", 1.0
        unit_match = _UNIT_SPACED_RE.match(text, pos)
        if unit_match and not unit_match["cls"]:
            kind, unit, factor = _unit_kind(unit_match)
            pos = unit_match.end()
        start = match.start()
        found.append(Quantity(kind, value * factor, text[start:pos], start, pos, unit, word=True))
        _blank(chars, start, pos)
    return found


def quantities(text: str) -> list[Quantity]:
    """Every quantity of ``text``, in order of position (see the module docstring)."""
    chars = list(text)
    found = _special_quantities(text, chars)
    found += _digit_quantities("".join(chars), chars)
    found += _zh_quantities("".join(chars), chars)
    found += _word_quantities("".join(chars), chars)
    return sorted(found, key=lambda q: q.start)
