"""Language-independent evidence: what a Chinese and an English report of one story share.

Two reports of one story in two languages share almost no words (TF-IDF cosine near zero), but
they share what is written the same way in both: Latin-script product and model names with
versions or digits (``Lumen-3``, ``FW-SA-2026-07``, ``R2-Lite``, ``0.14.2``), code identifiers
(``thinking_budget``), organisation and person names written in Latin letters inside Chinese
text (``Fernwork``, ``Ilse Varga``), links, and figures once their notation is normalised:
``47B`` = ``470 亿`` = ``47 billion``, ``$12,000`` = ``1.2 万美元``, ``38 seconds`` = ``38 秒``,
``63.0%`` = ``63.0%``. A name transliterated into Chinese (澜川 = Lanchuan) cannot be matched and
is not tried.

:func:`script` says which writing system a document is in; :func:`anchors` lists its keys,
each of a kind with a base weight (:data:`KIND_WEIGHT`), scaled by :func:`precision` for
figures (``88.5%`` says more than ``2%``) and short names (``R2``). Words every technical text
uses (GPU, API, FP8, H100, 128K...) are never keys (:data:`GENERIC`).
No settings govern this module; ``crosslang.py`` turns the keys into merges.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Literal, NamedTuple

__all__ = [
    "GENERIC",
    "KIND_WEIGHT",
    "Anchor",
    "AnchorKind",
    "anchors",
    "precision",
    "script",
]

AnchorKind = Literal["link", "ident", "figure", "name"]
Script = Literal["cjk", "latin", ""]

KIND_WEIGHT: dict[str, float] = {"link": 3.0, "ident": 2.0, "figure": 1.5, "name": 1.0}
ANCHOR_CHARS = 5000  # the head of the body read for keys (a Chinese report is often shorter)

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Names, identifiers and figures that any technical text may use: never evidence of one story.
# fmt: off
GENERIC = frozenset(
    (
        # acronyms and names of tools, formats, hardware
        "ai", "agi", "llm", "llms", "gpu", "gpus", "cpu", "cpus", "tpu", "npu", "api", "apis",
        "sdk", "sdks", "moe", "kv", "json", "jsonl", "yaml", "http", "https", "url", "urls",
        "html", "css", "sql", "ios", "android", "linux", "windows", "macos", "python",
        "typescript", "javascript", "java", "rust", "golang", "github", "gitlab", "markdown",
        "pdf", "cvss", "cve", "nvme", "ssd", "rl", "rlhf", "sft", "dpo", "lora", "qlora", "rag",
        "mcp", "ceo", "cto", "cfo", "coo", "us", "uk", "eu", "usd", "rmb", "cny", "cuda", "rocm",
        "pytorch", "jax", "tensorflow", "docker", "kubernetes", "k8s", "onnx", "gguf", "nvidia",
        "amd", "intel", "arm", "x86", "fp4", "fp6", "fp8", "fp16", "bf16", "fp32", "fp64",
        "int2", "int3", "int4", "int8", "tf32", "h20", "h100", "h200", "h800", "a100", "a800",
        "b100", "b200", "gb200", "gb300", "mi300x", "mi325x", "l40s", "l4", "t4", "rtx", "p50",
        "p90", "p95", "p99", "p999", "qps", "rps", "ttft", "tpot", "slo", "sla", "ok", "id",
        "ids", "ui", "ux", "cli", "ide", "ci", "cd", "os", "vm", "vms", "ram", "vram", "hbm",
        "sram", "dram", "ssh", "tls", "ssl", "dns", "cdn", "utc", "gmt", "pm", "am", "faq",
        "openai", "anthropic", "google", "microsoft", "meta", "apple", "amazon", "aws",
        "azure", "transformer", "transformers", "attention", "benchmark", "benchmarks",
        "token", "tokens", "agent", "agents", "model", "models", "prompt", "prompts", "chat",
        "chatbot", "copilot", "beta", "alpha", "preview", "release", "update", "the", "and",
        "apache", "apache 2.0", "mit", "bsd", "gpl", "2d", "3d", "4d", "5g", "wi-fi", "wifi",
        "usb", "usb-c", "v1", "v2", "v3", "v4", "v5", "gen2", "gen3", "4k", "8k", "1080p", "720p",
        "top-1", "top-5",
        "top-k", "top-p", "pass@1", "pass@k", "q1", "q2", "q3", "q4", "h1", "h2", "web",
        "app", "apps", "ml", "nlp", "cv", "asr", "tts", "ocr", "vlm", "vla", "e2e", "p2p",
        # product tiers: shared by unrelated models
        "pro", "flash", "lite", "max", "mini", "plus", "ultra", "turbo", "base", "nano",
        "instruct", "large", "small", "medium", "air", "edge",
        # context lengths: too common to identify a story
        "n:4000", "n:8000", "n:16000", "n:32000", "n:64000", "n:128000", "n:200000",
        "n:256000", "n:1e+06", "n:2e+06", "%:100", "%:50", "x:2",
    )
)
# fmt: on


class Anchor(NamedTuple):
    """A language-independent key of a document and what kind of evidence it is."""

    key: str
    kind: AnchorKind


def script(text: str) -> Script:
    """``"cjk"`` when Chinese/Japanese/Korean characters are at least as many as Latin words,
    ``"latin"`` when there are Latin words, else ``""``."""
    if not _CJK_CHAR.search(text):  # the common case, and a quick one
        return "latin" if _LATIN_WORD.search(text) else ""
    cjk = len(_CJK_CHAR.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    return "cjk" if cjk >= latin else "latin"


# --- figures -------------------------------------------------------------------------------

# fmt: off
_MAGNITUDE = {
    "k": 1e3, "thousand": 1e3, "千": 1e3, "万": 1e4, "m": 1e6, "mn": 1e6, "million": 1e6,
    "百万": 1e6, "千万": 1e7, "b": 1e9, "bn": 1e9, "billion": 1e9, "亿": 1e8, "十亿": 1e9,
    "t": 1e12, "trillion": 1e12, "万亿": 1e12,
}
_UNIT = {
    "%": "%", "percent": "%", "x": "x", "×": "x", "倍": "x", "ms": "ms", "millisecond": "ms",
    "milliseconds": "ms", "毫秒": "ms", "s": "s", "sec": "s", "secs": "s", "second": "s",
    "seconds": "s", "秒": "s", "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "分钟": "min", "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h", "小时": "h",
    "day": "day", "days": "day", "天": "day", "week": "wk", "weeks": "wk", "周": "wk",
    "kb": "kb", "mb": "mb", "gb": "gb", "tb": "tb", "pb": "pb", "gib": "gb", "tib": "tb",
    "gb/s": "gb/s", "tb/s": "tb/s", "mb/s": "mb/s", "gbps": "gb/s", "美元": "usd", "dollars": "usd",
    "dollar": "usd", "usd": "usd", "元": "cny", "yuan": "cny", "rmb": "cny", "cny": "cny",
    "欧元": "eur", "euros": "eur", "eur": "eur",
}
# fmt: on
_CURRENCY = {"$": "usd", "¥": "cny", "€": "eur", "£": "gbp"}
_EN_MAGNITUDE = r"thousand|million|billion|trillion|mn|bn|[kmbt](?![a-z0-9])"
_EN_UNIT = (
    r"%|percent\b|×|x(?![a-z0-9])|milliseconds?\b|ms\b|seconds?\b|secs?\b|s(?![a-z0-9])|"
    r"minutes?\b|mins?\b|hours?\b|hrs?\b|h(?![a-z0-9])|days?\b|weeks?\b|[kmgtp]i?b/s\b|"
    r"gbps\b|[kmgtp]i?b\b|"
    r"dollars?\b|usd\b|yuan\b|rmb\b|cny\b|euros?\b|eur\b"
)
_ZH_MAGNITUDE = r"万亿|十亿|千万|百万|亿|万|千"
_ZH_UNIT = r"%|倍|毫秒|秒|分钟|小时|天|周|美元|欧元|元"
# A number not glued to a name (Lumen-3, R2, H100, 2611.05088 are identifiers, not figures),
# an optional magnitude and an optional unit, in either language.
_FIGURE = re.compile(
    r"(?=[$¥€£0-9])"  # a quick test at every position, before the costly ones
    r"(?:(?<![A-Za-z0-9_.\-/@#$¥€£])(?P<cur>[$¥€£])[ \t]?|(?<![A-Za-z0-9_.\-/@#$¥€£]))"
    r"(?P<num>\d+(?:\.\d+)?)(?![\d.]*\.\d)"
    r"(?:[ \t]?-?[ \t]?(?:(?P<zmag>" + _ZH_MAGNITUDE + r")|(?P<emag>" + _EN_MAGNITUDE + r")))?"
    r"(?:[ \t]?-?[ \t]?(?:(?P<zunit>" + _ZH_UNIT + r")|(?P<eunit>" + _EN_UNIT + r")))?"
    r"(?![A-Za-z0-9_])",
    re.IGNORECASE,
)
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}(?!\d))")


def _number_key(value: float) -> str:
    return f"{value:.6g}"


def _significant(key: str) -> int:
    mantissa = key.split(":", 1)[-1].split("e", 1)[0].replace(".", "").lstrip("-0")
    return len(mantissa.rstrip("0")) or 1


def _figures(text: str) -> set[Anchor]:
    found: set[Anchor] = set()
    for m in _FIGURE.finditer(text):
        num = m["num"]
        magnitude_word = (m["zmag"] or m["emag"] or "").lower()
        unit_word = (m["zunit"] or m["eunit"] or "").lower()
        if (
            magnitude_word in ("m", "t", "b")
            and m["emag"]
            and m["emag"].islower()
            and not (m["cur"] or unit_word)
        ):
            magnitude_word = ""  # "5 m", "2 t", "3 b": not millions, billions, trillions
        value = float(num) * _MAGNITUDE.get(magnitude_word, 1.0)
        unit = _UNIT.get(unit_word, "")
        if m["cur"]:
            unit = _CURRENCY[m["cur"]]
        if unit:
            key = f"{unit}:{_number_key(value)}"
        elif magnitude_word:
            key = f"n:{_number_key(value)}"  # 47B = 470 亿 = 47 billion, parameters or tokens
        elif "." in num and len(num.replace(".", "").lstrip("0")) >= 3:
            key = f"v:{num}"  # a score such as 84.7
        elif "." not in num and len(num) >= 4 and not (1900 <= int(num) <= 2100):
            key = f"n:{_number_key(value)}"  # a count such as 2,048 or 201,088
        else:
            continue  # small bare numbers and years say nothing
        found.add(Anchor(key, "figure"))
    return found


# --- names and identifiers ---------------------------------------------------------------------

# A Latin-script token: letters, digits and the joiners of product names and code identifiers.
# Only tokens that can be keys: with a capital, a digit, ``_`` or ``@`` before any joiner
# (lower-case prose words are skipped by the expression itself, which keeps this fast).
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_@./])(?<![A-Za-z0-9_.]-)(?=[a-z./\-]*[A-Z0-9_@])[A-Za-z0-9@][A-Za-z0-9_@./\-]*"
)
_VERSION = re.compile(r"^v?\d+(?:\.\d+){2,3}$")  # 0.14.2: a release, not a score
_PAPER_ID = re.compile(r"^\d{4}\.\d{4,5}(?:v\d+)?$")  # 2611.05088v1
_SHORT_VERSION = re.compile(r"^v?\d{1,3}\.\d{1,2}$")
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z]{2,}|[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{3,})$")


_VERSION_AFTER_NAME = "version"  # a token such as 2.0 that names a release after a name
_CLASSES: dict[str, Anchor | str | None] = {}
_MEMO_LIMIT = 200_000  # the memo stops growing here, so memory stays bounded


def _classify(token: str) -> Anchor | str | None:
    """A token as a key (an identifier or a name), as a possible version, or as nothing."""
    key = token.lower()
    if key in GENERIC:
        return None
    if _VERSION.match(token) or _PAPER_ID.match(token):
        return Anchor(key.removeprefix("v"), "ident")  # 0.14.2, 2611.05088
    if token[0].isdigit():
        # 2.0 after a name is a release; 47B, 128K-token, 400B-parameter are figures
        return _VERSION_AFTER_NAME if _SHORT_VERSION.match(token) else None
    has_digit = any(c.isdigit() for c in token)
    if has_digit:
        return _VERSION_AFTER_NAME if _SHORT_VERSION.match(token) else Anchor(key, "ident")
    if ("_" in token or "@" in token) and len(token) >= 5:
        return Anchor(key, "ident")  # thinking_budget, @fernwork/agents
    if "-" in token and any(c.isupper() for c in token):
        return Anchor(key, "name")  # MathStep-Hard, C-Reason
    return Anchor(key, "name") if _NAME_WORD.match(token) else None


def anchors(text: str) -> frozenset[Anchor]:
    """The language-independent keys of ``text`` (a title and the head of a body)."""
    text = unicodedata.normalize("NFKC", text[: ANCHOR_CHARS + 500])
    text = _THOUSANDS.sub("", text)
    found = _figures(text)
    previous, previous_end = "", -1
    classes = _CLASSES
    for match in _TOKEN.finditer(text):
        token = match.group().rstrip("./-_@")
        if not token:
            continue
        kind = classes.get(token, "")
        if kind == "":
            kind = _classify(token)
            if len(classes) < _MEMO_LIMIT:
                classes[token] = kind
        if kind == _VERSION_AFTER_NAME:
            # "Apache 2.0", "Agents SDK 0.15", "Serve 4.12": a release of the name before it
            if _NAME_WORD.match(previous) and not text[previous_end : match.start()].strip():
                found.add(Anchor(f"{previous.lower()} {token.lower().removeprefix('v')}", "ident"))
        elif isinstance(kind, Anchor):
            found.add(kind)
        previous, previous_end = token, match.start() + len(token)
    return frozenset(a for a in found if a.key not in GENERIC)


def precision(anchor: Anchor) -> float:
    """How specific a key is within its kind: a figure by its significant digits (``88.5%``
    more than ``2%``; a power of two such as 1024 hardly at all), an identifier or a name by
    its length (``R2`` less than ``R2-Lite``, ``thinking_budget`` more than ``Lumen-3``)."""
    if anchor.kind == "figure":
        digits = _significant(anchor.key)
        scale = {1: 0.35, 2: 0.75}.get(digits, 1.0)
        if anchor.key.startswith("n:") and "e" not in anchor.key:
            value = int(anchor.key[2:])
            scale *= 0.3 if value & (value - 1) == 0 else 0.8  # 1024, 32768: sizes, not news
        return scale
    if anchor.kind == "ident":
        return min(1.5, max(0.25, len(anchor.key) / 8))
    if anchor.kind == "name" and len(anchor.key) <= 3:
        return 0.5
    return 1.0


def rarity(df: int, n: int) -> float:
    """A key held by ``df`` of ``n`` documents, as an idf scaled to (0, 1]; small batches
    count as 50 documents, so two reports of one story in a tiny batch are not penalised."""
    n = max(n, 50)
    return max(0.0, min(1.0, math.log((n + 1) / (df + 1)) / math.log((n + 1) / 2)))
