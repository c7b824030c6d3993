"""Recognise the checkable facts in a sentence, and the terms that recur across items.

A sentence *carries facts* when it names numbers with units (``2.5x``, ``128K tokens``,
``40 毫秒``), versions, model or product names (``H100``, ``Qwen3``, ``GPT-5``), benchmarks
(``SWE-bench``) or known organisations; :func:`fact_score` counts those signals and the
offline engine quotes the highest-scoring sentences as technical points. :func:`terms_in`
returns the same kinds of names plus the profile's interests, which is all the offline
synthesis has to work with.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from deepdaily.text.entities import entities_in, mentions
from deepdaily.text.sentences import split_sentences

__all__ = ["GENERIC_TERMS", "Term", "fact_score", "terms_in"]

BENCHMARKS = (
    "MMLU-Pro",
    "MMLU",
    "GPQA",
    "HumanEval",
    "MBPP",
    "GSM8K",
    "AIME",
    "SWE-bench",
    "SWE-Bench",
    "Terminal-Bench",
    "OSWorld",
    "ARC-AGI",
    "LiveCodeBench",
    "MT-Bench",
    "LMArena",
    "BFCL",
    "BrowseComp",
    "MLPerf",
    "C-Eval",
    "CMMLU",
    "HellaSwag",
    "Humanity's Last Exam",
)
_BENCHMARK_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(b) for b in BENCHMARKS) + r")(?![\w])"
)
_UNIT_RE = re.compile(
    r"(?:[$¥€£]\s?\d[\d,.]*)|(?:\d(?:[\d,.]*\d)?\s?(?:%|％|×|倍|毫秒|秒|分钟|小时|天|周|亿|万|"
    r"美元|元|个|张|块|(?:x|ms|μs|us|ns|s|sec|seconds?|minutes?|hours?|days?|weeks?|GB|TB|MB|"
    r"KB|PB|GiB|B|M|K|k|bn|billion|million|trillion|tokens?|params|parameters|GPUs?|TFLOPS|"
    r"PFLOPS|FLOPs?|tok/s|tokens/s|QPS|qps|RPS|W|kW|MW|GW|nm|layers?|experts?)(?![A-Za-z])))"
)
_MODEL_RE = re.compile(
    r"(?<![\w.-])(?:[A-Za-z]+-)?[A-Za-z]*[A-Z][A-Za-z]*-?\d+[A-Za-z]*(?:\.\d+[A-Za-z]*)*"
    r"(?:-[A-Za-z0-9.]+)*"
)
_VERSION_RE = re.compile(r"(?<![\w.])v?\d+\.\d+(?:\.\d+)*(?![\w])")
# A model name with its tier ("Lumen-3 Flash", "Lumen-2 Pro") is one product, not two terms.
_TIERED_MODEL_RE = re.compile(
    _MODEL_RE.pattern + r"\s(?:Flash|Pro|Lite|Mini|Max|Ultra|Turbo|Plus|Nano|Air|Instruct|"
    r"Chat|Coder|Base|Vision)(?![\w-])"
)
# A product and its release ("Serve 4.12", "SDK 0.15"): one term, not a word and a number.
_VERSIONED_NAME_RE = re.compile(
    r"(?<![\w.-])([A-Z][A-Za-z]+|[A-Z]{2,})\s(v?\d+\.\d+(?:\.\d+)?)(?![\w.])"
)
_NOT_PRODUCTS = frozenset(
    {
        "Version",
        "Release",
        "Update",
        "Step",
        "Chapter",
        "Figure",
        "Table",
        "Section",
        "Phase",
        "Stage",
        "Part",
        "Level",
        "Tier",
        "Round",
        "Day",
        "Week",
        "Page",
        "Apache",
        "CVSS",
        "Score",
    }
)
_NAME_RE = re.compile(
    r"(?<![\w-])(?:[A-Z]{2,}[a-z]?|[a-z]+[A-Z][A-Za-z]+|[A-Z][a-z]+[A-Z][A-Za-z]*)(?![\w-])"
)
_PROPER_RE = re.compile(r"(?<![\w-])[A-Z][a-z]{2,}(?![\w-])")
_DIGIT_RE = re.compile(r"\d")
_NOT_NAMES = frozenset(
    {
        "AI",
        "CEO",
        "CTO",
        "CFO",
        "COO",
        "US",
        "UK",
        "EU",
        "OK",
        "TV",
        "IT",
        "PR",
        "GB",
        "TB",
        "MB",
        "KB",
        "PB",
        "GiB",
        "MiB",
        "TDP",
        "FLOPS",
        "TFLOPS",
        "PFLOPS",
        "QPS",
        "RPS",
    }
)
# Capitalised words that are not names when they appear mid-sentence.
_NOT_PROPER = frozenset(
    {
        "The",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Its",
        "Our",
        "Their",
        "They",
        "You",
        "Your",
        "And",
        "But",
        "For",
        "With",
        "From",
        "After",
        "Before",
        "When",
        "While",
        "Also",
        "However",
        "Today",
        "Tomorrow",
        "Yesterday",
        "Now",
        "New",
        "Next",
        "Last",
        "First",
        "Note",
        "Read",
        "More",
        "Update",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
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
        "Labs",
        "Inc",
        "Research",
        "Institute",
        "University",
        "Team",
        "Group",
        "Foundation",
        "Blog",
        "News",
        "Forum",
        "Community",
    }
)

# Terms too common in an AI digest to call a shared topic: two items that both say "model",
# "training" or "GPU" share nothing a reader would call a trend.
GENERIC_TERMS = frozenset(
    {
        "ai",
        "人工智能",
        "model",
        "models",
        "模型",
        "大模型",
        "release",
        "releases",
        "paper",
        "papers",
        "llm",
        "llms",
        "training",
        "训练",
        "inference",
        "推理",
        "context",
        "上下文",
        "gpu",
        "gpus",
        "cpu",
        "api",
        "apis",
        "sdk",
        "agent",
        "agents",
        "智能体",
        "open source",
        "开源",
        "benchmark",
        "benchmarks",
        "evaluation",
        "评测",
        "dataset",
        "datasets",
        "data",
        "framework",
        "security",
        "安全",
        "safety",
        "latency",
        "performance",
        "research",
        "json",
        "url",
        "python",
        "typescript",
        "javascript",
        "github",
        "token",
        "tokens",
        "version",
        "update",
        "发布",
        "数据",
        "技术",
        "公司",
        "utc",
        "gmt",
        "pst",
        "est",
        "cet",
    }
)


def _distinct(matches: Iterable[str]) -> set[str]:
    return {m.strip() for m in matches if m.strip()}


def fact_score(sentence: str) -> int:
    """How many checkable facts the sentence carries, roughly; 2 or more means some."""
    units = _distinct(_UNIT_RE.findall(sentence))
    models = _distinct(m.rstrip(".") for m in _MODEL_RE.findall(sentence))
    benchmarks = _distinct(_BENCHMARK_RE.findall(sentence))
    versions = _distinct(_VERSION_RE.findall(sentence))
    names = _distinct(n for n in _NAME_RE.findall(sentence) if n not in _NOT_NAMES)
    orgs = {name for _, name in entities_in(sentence)}
    score = 2 * min(len(units), 2) + 2 * min(len(models), 2) + 2 * min(len(benchmarks), 2)
    score += min(len(versions - models), 1) + min(len(names - models - benchmarks), 2)
    score += min(len(orgs), 2)
    if not units and not versions and _DIGIT_RE.search(sentence):
        score += 1
    return score


@dataclass(frozen=True)
class Term:
    """A recurring name; ``key`` is its case-folded form, ``display`` how it is written."""

    key: str
    display: str
    kind: str  # organisation | benchmark | model | name | interest | tag


def _interest_pattern(interest: str) -> re.Pattern[str]:
    if re.search(r"[\u4e00-\u9fff]", interest):
        return re.compile(re.escape(interest))
    return re.compile(rf"(?<![\w-]){re.escape(interest)}s?(?![\w-])", re.IGNORECASE)


def _singular(name: str) -> str:
    return name[:-1] if len(name) > 2 and name.endswith("s") and name[:-1].isupper() else name


def _proper_nouns(text: str) -> list[tuple[int, int, str]]:
    """Capitalised words inside sentences (not the first word, not in Title Case lines)."""
    found: list[tuple[int, int, str]] = []
    cursor = 0
    for sentence in split_sentences(text):
        offset = text.find(sentence, cursor)
        cursor = offset + len(sentence)
        words = re.findall(r"(?<![\w-])[A-Za-z][a-z]+(?![\w-])", sentence)
        if len(words) >= 3 and sum(w[0].isupper() for w in words) * 5 > len(words) * 3:
            continue  # a headline in Title Case: capitals say nothing there
        for match in _PROPER_RE.finditer(sentence):
            if match.start() > 0 and match.group() not in _NOT_PROPER:
                found.append((offset + match.start(), offset + match.end(), match.group()))
    return found


def _spans(regex: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in regex.finditer(text)]


def terms_in(text: str, interests: Iterable[str] = ()) -> Counter[Term]:
    """Every term in ``text`` with its number of occurrences.

    Extractors run from the most to the least specific (benchmarks, model names with their
    tier or release, model names, gazetteer names as written, acronyms and CamelCase,
    capitalised words, the profile's interests); a stretch of text counts for the first one
    that claims it.
    """
    counts: Counter[Term] = Counter()
    known: dict[str, Term] = {}
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, display: str, kind: str) -> bool:
        if any(start < b and a < end for a, b in taken):
            return False
        taken.append((start, end))
        term = known.setdefault(display.casefold(), Term(display.casefold(), display, kind))
        counts[term] += 1
        return True

    for start, end, bench in _spans(_BENCHMARK_RE, text):
        add(start, end, bench, "benchmark")
    for start, end, model in _spans(_TIERED_MODEL_RE, text):
        if add(start, end, model, "model"):
            base = model.rsplit(None, 1)[0]  # "Lumen-3 Flash" is also "Lumen-3"
            counts[known.setdefault(base.casefold(), Term(base.casefold(), base, "model"))] += 1
    for match in _VERSIONED_NAME_RE.finditer(text):
        name = match.group(1)
        if name not in _NOT_PRODUCTS and add(match.start(), match.end(), match.group(), "model"):
            # "Tessel 2.0.1" is also "Tessel", which another item may name in another version
            counts[known.setdefault(name.casefold(), Term(name.casefold(), name, "name"))] += 1
    for start, _end, model in _spans(_MODEL_RE, text):
        model = model.rstrip(".")
        add(start, start + len(model), model, "model")
    for start, end, _ in mentions(text):
        add(start, end, text[start:end], "organisation")  # as written: "Claude", not its maker
    for start, end, raw in _spans(_NAME_RE, text):
        if _singular(raw) not in _NOT_NAMES:
            add(start, end, _singular(raw), "name")
    for start, end, name in _proper_nouns(text):
        add(start, end, name, "name")
    for interest in interests:
        hits = len(_interest_pattern(interest).findall(text))
        key = interest.casefold()
        if hits and key not in known:
            known[key] = Term(key, interest, "interest")
            counts[known[key]] += hits
    return counts
