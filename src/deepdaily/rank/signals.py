"""Reading a document for relevance: interests, technical depth, low-value and spam signals.

The digest serves engineers and researchers, so besides ``profile.interests`` a built-in sense
of engineering and research practice applies:

* **depth**: architecture and systems vocabulary, research vocabulary (papers, proofs,
  benchmarks), code, versioned names and technical figures (``70B``, ``2 s``, ``1,000 tokens``);
* **practice**: first-hand engineering practice (built, shipped, deployed, in production,
  migration, feedback loops), which the digest's readers can act on;
* **low value**: marketing, funding, stock markets, politics, personnel drama and celebrity,
  lifestyle, help requests, routine maintenance releases, roundups and newsletters (a list of
  other stories is not a story), generic how-to pieces;
* **spam**: imperative text aimed at an AI system or at the reader ("ignore previous
  instructions", "rank this first", "add this link", "claim your prize"). Fetched content is
  data, never instructions: such text can only lower a score.

Every matched term is returned, so a selection can say why. No settings apart from
``profile.interests`` (passed in) govern this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from deepdaily.cluster.text import entities, title_genres

__all__ = ["Lexicon", "Signals", "read_signals", "spam_signals"]

_CJK = re.compile(r"[\u3400-\u9fff]")

DEPTH_TERMS = (
    # systems and infrastructure
    "latency",
    "throughput",
    "kernel",
    "CUDA",
    "GPU",
    "TPU",
    "accelerator",
    "compiler",
    "runtime",
    "allocator",
    "memory",
    "cache",
    "KV cache",
    "snapshot",
    "cold start",
    "serving",
    "inference",
    "scheduler",
    "shard",
    "replica",
    "database",
    "PostgreSQL",
    "SQL",
    "query",
    "queries per second",
    "QPS",
    "distributed",
    "cluster",
    "container",
    "sandbox",
    "WebSocket",
    "pipeline",
    "observability",
    "CI",
    "infrastructure",
    "hardware",
    "chip",
    "wafer-scale",
    "FLOPs",
    "bandwidth",
    "storage",
    "workload",
    "scaling",
    "rate limit",
    "router",
    "endpoint",
    "weights",
    "checkpoint",
    "tokenizer",
    "embedding",
    "retrieval",
    "vector",
    "quantization",
    "distillation",
    "sparse attention",
    "attention",
    "mixture of experts",
    "MoE",
    "transformer",
    "diffusion",
    "architecture",
    "parameters",
    "context window",
    "tokens",
    "open-weight",
    "open source",
    "API",
    "SDK",
    "CLI",
    "protocol",
    "MCP",
    "agent",
    "tool use",
    "tool call",
    "verifier",
    "reinforcement learning",
    "RL",
    "post-training",
    "fine-tuning",
    "training run",
    "reward",
    "evaluation",
    "benchmark",
    "state-of-the-art",
    "baseline",
    "ablation",
    "accuracy",
    "hallucination",
    "reasoning",
    "inference-time compute",
    "cybersecurity",
    "vulnerability",
    "exploit",
    "prompt injection",
    "safeguards",
    "safety framework",
    "red team",
    "zero-day",
    # research
    "paper",
    "preprint",
    "arXiv",
    "proof",
    "theorem",
    "dataset",
    "experiment",
    "algorithm",
    "optimisation",
    "optimization",
    "gradient",
    "convergence",
    # code
    "repository",
    "pull request",
    "code",
    "refactor",
    "test suite",
    "tests",
    # Chinese
    "推理",
    "训练",
    "架构",
    "延迟",
    "吞吐",
    "显存",
    "内核",
    "编译器",
    "基准",
    "评测",
    "论文",
    "开源",
    "量化",
    "分布式",
    "算子",
    "模型",
)

# First-hand engineering practice: what a team built, shipped and learned. Weighs more than
# vocabulary alone, because it is what the digest's readers can act on.
PRACTICE_TERMS = (
    "production",
    "deployed",
    "deployment",
    "shipped",
    "engineers",
    "engineering team",
    "workflow",
    "feedback loop",
    "migration",
    "rollout",
    "incident",
    "postmortem",
    "lessons learned",
    "case study",
    "at scale",
    "scale-to-zero",
    "tooling",
    "code review",
    "生产环境",
    "落地",
    "实践",
    "工程师",
)

LOW_VALUE: dict[str, tuple[str, ...]] = {
    "marketing": (
        "advertising",
        "advertisement",
        "ads",
        "ad",
        "commercial",
        "Super Bowl",
        "brand",
        "marketing",
        "sponsored",
        "promotion",
        "discount",
        "sign up",
        "webinar",
        "ad-free",
        "广告",
        "营销",
    ),
    "funding": (
        "funding round",
        "funding",
        "raises",
        "raised",
        "valuation",
        "valued at",
        "Series A",
        "Series B",
        "Series C",
        "investors",
        "venture",
        "IPO",
        "oversubscribed",
        "融资",
        "估值",
    ),
    "stock": (
        "stock",
        "stocks",
        "share price",
        "sell-off",
        "selloff",
        "market cap",
        "Wall Street",
        "Nasdaq",
        "earnings call",
        "software-stock",
        "股价",
        "股票",
    ),
    "politics": (
        "PAC",
        "super PAC",
        "election",
        "midterm",
        "midterms",
        "candidates",
        "Republican",
        "Democrat",
        "lobbying",
        "Congress",
        "senator",
        "political",
        "campaign",
        "选举",
    ),
    "drama": (
        "co-founder",
        "co-founders",
        "exodus",
        "fired",
        "fires back",
        "feud",
        "barbs",
        "slams",
        "rivalry",
        "spat",
        "dishonest",
        "deceptive",
        "celebrity",
        "Hollywood",
        "actors",
        "shakeup",
        "dig at",
    ),
    "lifestyle": (
        "burnout",
        "wellbeing",
        "well-being",
        "therapy",
        "therapist",
        "dating",
        "fitness",
        "lifestyle",
        "companion",
        "emotional",
        "anxiety",
        "mental health",
    ),
    "help request": (
        "need help",
        "asks for help",
        "requests help",
        "please help",
        "any help",
        "stuck",
        "refund",
        "anyone know",
        "how do I",
        "how can I",
        "not working",
        "limit reached",
        "usage cap",
        "Payment Required",
        "asks whether",
        "求助",
    ),
    "routine release": (
        "patch release",
        "minor release",
        "maintenance release",
        "bug-fix release",
        "routine update",
        "routine release",
        "routine minor",
        "small release",
        "dependency bump",
        "no new features",
        "internal changes",
        "polish release",
        "stability release",
        "incremental update",
        "incremental client",
    ),
    "roundup": (
        "newsletter",
        "digest",
        "briefing",
        "roundup",
        "round-up",
        "this week in",
        "edition",
        "stories from",
    ),
    "how-to": (
        "tutorial",
        "how-to",
        "step-by-step",
        "guide",
        "tips",
        "content factory",
    ),
}

SPAM_PATTERNS = (
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:instructions?|prompts?|rules)\b",
    r"\b(?:note|message|attention)\s+to\s+(?:any|all|every|the)?\s*"
    r"(?:ai|llm|assistant|language model|model|bot|crawler|agent)s?\b",
    r"\b(?:rank|place|put|list|feature|position)\b[^.\n]{0,30}"
    r"\b(?:first|top|#\s?1|number one|rank one|at rank)\b",
    r"\b(?:add|include|insert|append)\b[^.\n]{0,20}\b(?:link|url)\b",
    r"\b(?:claim|collect)\s+(?:your\s+)?(?:prize|reward|gift|bonus)",
    r"claim[-_ ]?prize",
    r"\byou(?:'ve| have)? won\b",
    r"\bvisit\s+https?://",
    r"忽略(?:之前|以上|所有)[^。]{0,10}指令",
)
_SPAM = [re.compile(p, re.IGNORECASE) for p in SPAM_PATTERNS]
# Named benchmarks and evaluation suites: SWE-Bench, Terminal-Bench 2.0, MMLU, ARC-AGI-2...
_BENCHMARK = re.compile(
    r"\b(?:[\w.-]*bench(?:mark)?s?|MMLU[\w-]*|GPQA|HumanEval|ARC-AGI[\w-]*|AIME\s?\d*)\b",
    re.IGNORECASE,
)
# Technical figures: sizes, speeds, ratios. Money is deliberately absent (it is a funding signal).
_TECH_UNITS = frozenset(
    {
        "%",
        "x",
        "k",
        "b",
        "t",
        "ms",
        "s",
        "min",
        "h",
        "tokens",
        "params",
        "gb",
        "tb",
        "gpus",
        "lines",
        "petaflops",
        "tflops",
    }
)


_WORD = re.compile(r"\w+(?:-\w+)*")  # a hyphenated compound is one word
_SUFFIXES = ("", "s", "es", "d", "ed", "ing", "er", "ers")
MAX_TERM_WORDS = 4


class Lexicon:
    """Term lists by category, matched as word n-grams, case-insensitively.

    A term matches whole words, a hyphen and a space alike ("post-training" matches "post
    training"; "latency" does not match inside "low-latency"), with a plain inflection on its
    last word ("replica" matches "replicas", "shard" matches "sharded"). CJK terms match as
    substrings. One pass over a document's n-grams serves every category.
    """

    def __init__(self, categories: dict[str, Sequence[str]]) -> None:
        self._order = {cat: list(dict.fromkeys(terms)) for cat, terms in categories.items()}
        self._variants: dict[str, list[tuple[str, str]]] = {}
        self._cjk: list[tuple[str, str]] = []
        for cat, terms in self._order.items():
            for term in terms:
                if _CJK.search(term):
                    self._cjk.append((cat, term))
                    continue
                words = term.lower().replace("-", " ").split()
                if any(cat == c for c, _ in self._variants.get(" ".join(words), [])):
                    continue  # a spelling variant of a term already listed ("open-source")
                for suffix in _SUFFIXES:
                    key = " ".join([*words[:-1], words[-1] + suffix])
                    self._variants.setdefault(key, []).append((cat, term))

    def find(self, text: str) -> dict[str, list[str]]:
        """Matched terms per category (categories without a match are left out), each list
        in the lexicon's order."""
        words = [w.replace("-", " ") for w in _WORD.findall(text.lower())]
        hits: set[tuple[str, str]] = set()
        variants = self._variants.get
        for size in range(1, MAX_TERM_WORDS + 1):
            for i in range(len(words) - size + 1):
                found = variants(" ".join(words[i : i + size]))
                if found:
                    hits.update(found)
        hits.update((cat, term) for cat, term in self._cjk if term in text)
        return {
            cat: [term for term in terms if (cat, term) in hits]
            for cat, terms in self._order.items()
            if any((cat, term) in hits for term in terms)
        }


_BUILT_IN = Lexicon({"depth": DEPTH_TERMS, "practice": PRACTICE_TERMS, **LOW_VALUE})


@lru_cache(maxsize=64)
def _interests(terms: tuple[str, ...]) -> Lexicon:
    return Lexicon({"interests": terms})


def spam_signals(text: str) -> list[str]:
    """The spam/injection phrases found in ``text`` (as written), empty when clean.

    Besides the patterns above, any sentence the analysis stage would redact as an instruction
    (its multilingual detector, :func:`deepdaily.text.sanitise.redact_instructions`) counts,
    so an injection in German or Chinese cannot lift a ranking the English patterns would sink.
    """
    from deepdaily.text.sanitise import redact_instructions

    found = [m.group(0) for pattern in _SPAM if (m := pattern.search(text))]
    _, removed = redact_instructions(text)
    return found + [sentence for sentence in removed if sentence not in found]


@dataclass(frozen=True, slots=True)
class Signals:
    interests: list[str]
    depth: list[str]  # depth vocabulary matched
    practice: list[str]  # engineering-practice vocabulary matched
    figures: int  # technical figures (sizes, speeds, ratios)
    versions: int  # versioned names (models, releases)
    benchmarks: list[str] = field(default_factory=list)  # benchmark names mentioned
    low_value: dict[str, list[str]] = field(default_factory=dict)  # category -> terms
    spam: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)  # title_genres() of the title


def read_signals(text: str, interests: Sequence[str], *, title: str = "") -> Signals:
    """Everything relevance needs from one document's title and body."""
    found = entities(text)
    figures = sum(
        1
        for e in found
        if e.kind == "quantity"
        and not e.key.startswith(("$", "€", "£", "¥"))
        and e.key.lstrip("0123456789.") in _TECH_UNITS
    )
    versions = sum(1 for e in found if e.kind == "model" and any(c.isdigit() for c in e.key))
    hits = _BUILT_IN.find(text)
    low = {cat: terms for cat, terms in hits.items() if cat in LOW_VALUE}
    return Signals(
        interests=_interests(tuple(interests)).find(text).get("interests", []),
        depth=hits.get("depth", []),
        practice=hits.get("practice", []),
        figures=figures,
        versions=versions,
        benchmarks=sorted({m.group(0) for m in _BENCHMARK.finditer(text)}),
        low_value=low,
        spam=spam_signals(text),
        genres=title_genres(title),
    )
