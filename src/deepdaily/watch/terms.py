"""The distinctive keys of a watch topic: the names and phrases a later event must mention.

:func:`topic_keys` reads a watch entry (lead, text, terms) and returns two lists:

* ``terms``: the terms named explicitly (``WatchItem.terms``, ``watch add --term``), cleaned,
  generic words (:data:`GENERIC`) dropped. The writer chose them, so each is a strong key.
* ``entities``: keys derived from the lead, the text and the terms:

  - **versioned names**: a word holding letters and a digit (``Quill-7``, ``GPT-5.3-Codex``,
    ``CVE-2026-4411``, ``FP8``), and in the lead and terms a capitalised word followed by a
    small version number (``Opus 4.6``, ``Llama 3``); quantities such as ``80GB`` are not names;
  - **names**: acronyms (``GPU``, ``TPU``), mixed-case names (``vLLM``, ``TensorRT-LLM``,
    ``HarborBench``), the organisations and products of the gazetteer as written (``Claude``),
    and in the lead and terms any other capitalised word (``Quillstone``);
  - **Latin runs in Chinese prose** (``KV cache``, ``coding agent``): in a Chinese clause,
    English words are technical terms (an English clause is prose, not terms);
  - **phrases of the lead and the terms**: Chinese runs cut at punctuation and function words
    (``推理基础设施``, ``编译产物复用``), hyphenated compounds (``mixture-of-experts``) and
    quoted phrases. The text is prose, so only names are taken from it: phrases come from
    where the writer names the topic.

:func:`key_form` is the form keys and event text are compared in (NFKC, case-folded, hyphens,
slashes and whitespace as one space), so ``KV-cache`` and ``KV cache`` are one key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from deepdaily.text.entities import mentions

__all__ = ["GENERIC", "MAX_KEYS", "TopicKeys", "has_digit", "key_form", "topic_keys"]

MAX_KEYS = 24  # per list; a topic naming more than this is not one topic

# Words too common in an AI digest to identify a topic (compared in key_form).
GENERIC = frozenset(
    {
        "ai",
        "llm",
        "llms",
        "model",
        "models",
        "api",
        "apis",
        "release",
        "paper",
        "news",
        "update",
        "new",
        "open source",
        "the",
        "and",
        "for",
        "with",
        "ceo",
        "us",
        "eu",
        "uk",
        "ok",
        "人工智能",
        "模型",
        "大模型",
        "发布",
        "关注",
        "跟进",
        "进展",
        "情况",
        "问题",
        "形态",
        "趋势",
        "影响",
        "方向",
        "动态",
        "变化",
        "能力",
        "表现",
        "方案",
        "可用性",
        "稳定性",
        "主流",
        "行业",
        "共识",
        "标准",
        "真实",
        "是否",
        "什么",
        "哪些",
        "接下来",
    }
)
# Capitalised words that are not names (sentence openers, units, calendar words).
_NOT_NAMES = frozenset(
    {
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "how",
        "why",
        "when",
        "whether",
        "will",
        "can",
        "does",
        "do",
        "is",
        "are",
        "and",
        "or",
        "but",
        "for",
        "with",
        "from",
        "after",
        "before",
        "next",
        "new",
        "more",
        "watch",
        "watching",
        "track",
        "follow",
        "see",
        "listed",
        "version",
        "step",
        "figure",
        "table",
        "section",
        "day",
        "week",
        "top",
        "gb",
        "tb",
        "mb",
        "kb",
        "ms",
        "id",
    }
)

_LATIN_WORD = r"[A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+]|[A-Za-z0-9]"
_WORD_RE = re.compile(rf"(?<![\w.+-])(?:{_LATIN_WORD})(?![\w+-])")
_VERSIONED_RE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z][A-Za-z0-9.+_-]*$")
_QUANTITY_RE = re.compile(r"^\d")  # 80GB, 34B, 3.2.1: quantities and bare versions
_NAMED_VERSION_RE = re.compile(
    r"(?<![\w.-])([A-Z][A-Za-z]+) (\d{1,2}(?:\.\d+)*[A-Za-z]?)(?![\w-]|\.\d)"
)
_ACRONYM_RE = re.compile(r"^[A-Z]{2,}[a-z]?$")
_ACRONYM_PLURAL_RE = re.compile(r"^([A-Z]{2,})s$")
_MIXED_RE = re.compile(r"^(?:[a-z]+[A-Z]|[A-Z][a-z]+[A-Z]|[A-Z]{2,}[a-z]+[A-Z]?)")
_CAPITALISED_RE = re.compile(r"^[A-Z][a-z]{2,}(?:'s)?$")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK_RE = re.compile(f"[{_CJK}]")
_LATIN_RUN_RE = re.compile(r"[A-Za-z][A-Za-z0-9.+_-]*(?: [A-Za-z][A-Za-z0-9.+_-]*){0,3}")
_CJK_RUN_RE = re.compile(f"[{_CJK}]+")
_CLAUSE_RE = re.compile(r"[。；;：:！？!?\n]+|[,，](?=\s*[A-Za-z])")
# Function words that end a Chinese phrase (longest first, so 是否 is cut before 是).
# Single characters that are words inside other words (性能, 路由, 对齐) are not breaks.
_ZH_BREAKS_RE = re.compile("是否|如何|以及|还是|或者|能否|并且|之间|的|与|和|及|或|等")
_HYPHENATED_RE = re.compile(r"(?<![\w-])[a-z]{2,}(?:-[a-z]{2,}){1,3}(?![\w-])")
_QUOTED_RE = re.compile(r"[\"“「『‘']([^\"”」』’'\n]{2,40})[\"”」』’']")
_SEPARATORS_RE = re.compile(r"[\s\-_/·・]+")
_EDGE_PUNCTUATION = " \t\"'“”‘’「」『』()（）[]【】<>《》,，.。;；:：!！?？、*`"


@dataclass(frozen=True)
class TopicKeys:
    terms: list[str]
    entities: list[str]


def key_form(text: str) -> str:
    """The comparison form: NFKC, case-folded, hyphen/slash/whitespace runs as one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SEPARATORS_RE.sub(" ", folded).strip()


def has_digit(key: str) -> bool:
    return any(ch.isdigit() for ch in key)


def _clean(value: str) -> str:
    return " ".join(value.replace("**", " ").split()).strip(_EDGE_PUNCTUATION)


def _is_generic(key: str) -> bool:
    form = key_form(key)
    return len(form) < 2 or form in GENERIC or form.replace(" ", "").isdigit()


def _distinct(candidates: Iterable[str], taken: set[str]) -> list[str]:
    """Cleaned candidates not generic and not yet taken (by key form), in order."""
    kept: list[str] = []
    for raw in candidates:
        value = _clean(raw)
        form = key_form(value)
        if value and not _is_generic(value) and form not in taken:
            taken.add(form)
            kept.append(value)
    return kept


def _names(text: str, *, titled: bool) -> list[str]:
    """Versioned names and names in ``text``; ``titled`` adds named versions and capitalised
    words that neither open the text nor qualify a versioned name (``Turbo`` in ``Quill-7
    Turbo``). A name inside a longer one (``Opus`` in ``Opus 4.6``) is not repeated."""
    spans = [(start, end, text[start:end]) for start, end, _ in mentions(text)]
    if titled:
        spans.extend(
            (m.start(), m.end(), m.group())
            for m in _NAMED_VERSION_RE.finditer(text)
            if m.group(1).casefold() not in _NOT_NAMES
        )
    previous = ""
    for match in _WORD_RE.finditer(text):
        word = match.group().rstrip(".")
        bare = _ACRONYM_PLURAL_RE.sub(r"\1", word.removesuffix("'s"))
        after_version = bool(_VERSIONED_RE.match(previous))
        previous = bare
        if bare.casefold() in _NOT_NAMES or _QUANTITY_RE.match(bare):
            continue
        capitalised = (
            titled
            and _CAPITALISED_RE.match(word) is not None
            and bool(text[: match.start()].strip())
            and not after_version
        )
        if (
            capitalised
            or _VERSIONED_RE.match(bare)
            or _ACRONYM_RE.match(bare)
            or _MIXED_RE.match(bare)
        ):
            spans.append((match.start(), match.start() + len(bare), bare))
    kept: list[tuple[int, int, str]] = []
    for start, end, name in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        if not any(a <= start and end <= b for a, b, _ in kept):
            kept.append((start, end, name))
    return [name for _, _, name in kept]


def _latin_runs(text: str) -> list[str]:
    """English words inside Chinese prose, split at slashes: ``KV cache``, ``coding agent``.

    Only clauses that hold Chinese count: an English sentence quoted after a Chinese label
    (``第 5 条的来源提到：Existing deployments can switch ...``) is prose, not terms."""
    runs: list[str] = []
    for clause in _CLAUSE_RE.split(text):
        if not _HAS_CJK_RE.search(clause):
            continue
        for piece in re.split(f"[{_CJK}/、，,（）()：:；;。“”「」]+", clause):
            runs.extend(m.group() for m in _LATIN_RUN_RE.finditer(piece))
    return runs


def _phrases(text: str) -> list[str]:
    """Chinese runs cut at function words, hyphenated compounds and quoted phrases."""
    phrases = [m.group(1) for m in _QUOTED_RE.finditer(text)]
    phrases.extend(m.group() for m in _HYPHENATED_RE.finditer(text))
    for run in _CJK_RUN_RE.findall(text):
        phrases.extend(part for part in _ZH_BREAKS_RE.split(run) if len(part) >= 2)
    return phrases


def topic_keys(lead: str, text: str = "", terms: Sequence[str] = ()) -> TopicKeys:
    """The explicit terms and the derived entities of a watch entry (module docstring)."""
    taken: set[str] = set()
    explicit = _distinct(terms, taken)[:MAX_KEYS]
    named = " \n".join([lead, *terms])
    derived = [
        *_names(named, titled=True),
        *_latin_runs(named),
        *_phrases(named),
        *_names(text, titled=False),
        *_latin_runs(text),
    ]
    return TopicKeys(terms=explicit, entities=_distinct(derived, taken)[:MAX_KEYS])
