"""Named entities found by their form, in English and Chinese, and found again tolerantly.

:func:`find_names` is a general method, not a list (the gazetteer of
:mod:`deepdaily.text.entities` only adds what form alone would miss, such as ``Apple``
opening a sentence or ``英伟达``):

- **Latin script**: a token mixing letters and digits (``GLM-4.5``, ``H100``, ``9to5Mac``), a
  dotted version (``2.1.37``), a dotted or slashed name (``Z.ai``, ``code.claude.com``,
  ``mitchellh/vouch``: names, not URLs), a mixed-case word (``vLLM``, ``xAI``, ``OpenAI``), an
  acronym (``NASA``, ``BofA``; not generic ones such as ``AI``, ``GPU``, ``API``, nor a
  shouted common word), and a capitalised word that does not open a sentence, or that opens
  one but is hardly an English word (:func:`deepdaily.text.words.is_rare`: "Anthropic says"),
  not built like one ("Checkable", "Quantized") and not followed by an object (a verb:
  "Quantize the weights"). In a headline written in
  title case capitalised words count only as they would opening a sentence. Consecutive
  capitalised words, joined by ``of``, ``for``, ``de``, ``&`` or ``the`` inside, are one name
  (``Bank of America``, ``Help Net Security``); a possessive ``'s`` and a lower-case suffix such as
  ``-based`` are not part of it (``Apple's Gemini-based Siri`` names ``Apple``, ``Gemini``,
  ``Siri``). Number-like tokens (``355B``, ``20x``, ``80GB``) are numbers, not names.
- **Chinese script**: the words :func:`deepdaily.text.words.segment` tags as proper nouns
  (``nr`` person, ``ns`` place, ``nt`` organisation, ``nz`` other), two characters or more.
  Latin tokens inside Chinese text are read as above, never as opening a sentence.

:func:`name_in` finds a name again in another text: width-, case- and separator-folded
(``GLM 4.5`` = ``glm-4.5``), on token edges (``Meta`` is not in ``metadata``), a name ending
in a letter may be followed by a number (``NeurIPS`` is in ``NeurIPS 2025``), a name ending
in a number may not be the start of a longer version (``GLM-4`` is not in ``GLM-4.5``). A
multi-word name is also found when each of its words is; a gazetteer organisation when the
other text names it by its Chinese alias (``Google`` = ``谷歌``), and a Chinese gazetteer name
when the other text names that organisation or one of its plain aliases (``智谱`` = ``Zhipu``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from deepdaily.text.entities import GAZETTEER, Entity, mentions
from deepdaily.text.normal import has_cjk
from deepdaily.text.words import FUNCTION_WORDS, is_common, is_rare, segment

__all__ = ["Name", "find_names", "name_in"]

_TOKEN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|[.'’&+/_-](?=[A-Za-z0-9]))*(?:\+\+|#)?")
_NUMBER_LIKE_RE = re.compile(
    r"^\d+(?:[.,]\d+)*(?:k|m|b|bn|mn|t|x|ms|s|h|gb|mb|tb|kb|pb|gib|mib|tib|st|nd|rd|th|"
    r"fold|pp|gw|mw|kw|w|nm|fps)?$|^\d+(?:\.\d+)?[a-z]{0,3}-[a-z]+$",
    re.IGNORECASE,
)
_VERSION_RE = re.compile(r"^v?\d+(?:\.\d+){2,}$|^v\d+(?:\.\d+)*$", re.IGNORECASE)
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_GENERIC_ACRONYMS = frozenset({
    "AI", "AGI", "ASI", "API", "APIS", "GPU", "GPUS", "CPU", "CPUS", "TPU", "NPU", "LLM", "LLMS",
    "SDK", "SDKS", "CLI", "UI", "UX", "IDE", "OS", "CEO", "CTO", "CFO", "COO", "CPO", "VP", "US",
    "USA", "UK", "EU", "UN", "IT", "PR", "QA", "ML", "NLP", "RL", "RLHF", "HTTP", "HTTPS",
    "JSON", "XML", "HTML", "CSS", "URL", "URLS", "PDF", "FAQ", "TV", "PC", "RAM", "SSD", "SQL",
    "VC", "IPO", "ID", "OK", "AM", "PM", "GMT", "UTC", "DIY", "HR", "ETA", "TBD", "AKA",
    "ROI", "KPI", "B2B", "B2C", "SAAS", "PS", "ET", "PT", "EST", "PST", "GB", "TB", "MB", "KB",
    "PB", "GW", "MW", "KW", "TFLOPS", "FLOPS", "QPS", "RPS"
})  # fmt: skip
_GENERIC_CAMEL = frozenset({
    "SaaS", "PaaS", "IaaS", "FaaS", "DevOps", "MLOps", "LLMOps", "AIOps", "FinOps", "GitOps",
    "DevSecOps", "NoSQL", "JavaScript", "TypeScript", "WebAssembly", "WebGPU", "WebSocket",
    "GraphQL", "PostgreSQL", "MySQL", "SQLite", "OAuth"
})  # fmt: skip
# Lower-case second halves of a hyphenated word that describe the name before them.
_DESCRIPTIVE_SUFFIXES = frozenset({
    "based", "powered", "backed", "led", "driven", "owned", "made", "style", "like", "week",
    "era", "class", "level", "only", "free", "native", "first", "specific", "compatible",
    "friendly", "funded", "built", "focused", "related", "centric", "wide", "scale", "grade",
    "ready", "enabled", "aware", "heavy", "sized", "type", "linked", "branded", "generated",
    "hosted", "run"
})  # fmt: skip
_CONNECTORS = frozenset({"of", "for", "de", "&", "the", "von", "van", "der", "du", "la"})
_TIME_WORDS = frozenset({
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "June", "July", "August", "September", "October", "November",
    "December"
})  # fmt: skip
_SENTENCE_OPENERS = ".!?。！？:：;；\n•*·"
# Endings of words derived from ordinary ones ("Checkable", "Quantized", "Reproducible").
_DERIVED_RE = re.compile(
    r"^[A-Z][a-z]{2,}(?:able|ible|ing|ed|ly|ness|ment|tion|sion|ity|i[sz]e[sd]?|ful|less|ous|"
    r"ive|ers?|est)$"
)
# After a verb in the imperative ("Quantize the weights", "Fine-tune your model"), not a name.
_OBJECT_AFTER_RE = re.compile(
    r"\s+(?:the|a|an|your|our|their|its|this|these|those|each|every|all|any|some|both|it|them)\b",
    re.IGNORECASE,
)
_ZH_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})


@dataclass(frozen=True)
class Name:
    """A name as written, where it is, and the words it is also found by."""

    text: str
    start: int
    end: int
    parts: tuple[str, ...] = ()
    script: Literal["latin", "cjk"] = "latin"


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"'“”‘’([（「『")
    return not before or before[-1] in _SENTENCE_OPENERS


def _title_case(text: str) -> bool:
    """Whether ``text`` is a headline in title case: four words or more besides function
    words, every one capitalised, two of them common words ("New Tools")."""
    if has_cjk(text):
        return False  # Latin words inside Chinese are names or terms, capitalised or not
    words = re.findall(r"(?<![\w.-])[A-Za-z][a-z'’-]*(?![\w.-])", text)
    plain = [w for w in words if w.lower() not in FUNCTION_WORDS]
    return (
        len(plain) >= 4
        and all(w[0].isupper() for w in plain)
        and sum(1 for w in plain if is_common(w)) >= 2
    )


@lru_cache(maxsize=1024)
def _shouting(text: str) -> bool:
    """Whether ``text`` has a run of three upper-case words (``NOTE TO ANY AI``)."""
    return re.search(r"\b[A-Z]{2,}\b(?:\W+\b[A-Z]{2,}\b){2}", text) is not None


def _kind(token: str, text: str, start: int, title_case: bool) -> str:
    """``"name"`` (a name by itself), ``"capital"`` (a capitalised word that may join or
    start one), or ``""``."""
    letters = any(c.isalpha() for c in token)
    digits = any(c.isdigit() for c in token)
    if _VERSION_RE.match(token):
        return "name"
    if not letters or _NUMBER_LIKE_RE.match(token):
        return ""
    if digits or (
        re.search(r"[A-Za-z][./][A-Za-z]", token) and token.lower() not in {"e.g", "i.e"}
    ):
        return "name"
    if token in _GENERIC_CAMEL or token.upper() in _GENERIC_ACRONYMS:
        return ""
    core = token.replace("-", "")
    if core.isupper() and len(core) >= 2:
        if core.lower() in FUNCTION_WORDS or (_shouting(text) and is_common(core)):
            return ""
        return "name"
    if any(c.isupper() for c in token[1:]) and any(c.islower() for c in token):
        return "name"
    if not token[0].isupper() or token in _TIME_WORDS:
        if has_cjk(text[max(0, start - 2) : start + len(token) + 2]) and len(token) >= 3:
            return "name" if not is_common(token) else ""
        return ""
    if title_case or _opens_sentence(text, start):
        rare = is_rare(token) and not _DERIVED_RE.search(token)
        rare = rare and not _OBJECT_AFTER_RE.match(text, start + len(token))
        return "capital" if rare else "opener"
    return "capital"


def _split_token(token: str) -> list[str]:
    """``Gemini-based`` -> ``["Gemini"]``; ``SWE-bench`` stays whole."""
    if "-" not in token:
        return [token]
    pieces = token.split("-")
    if all(p.islower() and p in _DESCRIPTIVE_SUFFIXES for p in pieces[1:]):
        return [pieces[0]]
    return [token]


def _latin_names(text: str) -> list[Name]:
    title_case = _title_case(text)
    names: list[Name] = []
    run: list[tuple[str, int, int, str]] = []  # (token, start, end, kind)

    def close() -> None:
        while run and (
            run[0][3] == "connector"
            or (
                run[0][3] == "opener"
                and (run[0][0].lower() in FUNCTION_WORDS or (len(run) > 1 and run[1][3] == "name"))
            )
        ):
            run.pop(0)
        while run and run[-1][3] == "connector":
            run.pop()
        if run and any(t[3] in {"name", "capital"} for t in run):
            parts = tuple(t[0] for t in run if t[3] != "connector")
            names.append(Name(text[run[0][1] : run[-1][2]], run[0][1], run[-1][2], parts))
        run.clear()

    last_end = -1
    for match in _TOKEN_RE.finditer(text):
        raw = (
            _POSSESSIVE_RE.sub("", match.group())
            if "'" in match.group() or "’" in match.group()
            else match.group()
        )
        pieces = _split_token(raw)
        token = pieces[0]
        start = match.start()
        end = start + len(token)
        gap = text[last_end:start] if last_end >= 0 else ""
        if run and gap != " ":
            close()
        kind = _kind(token, text, start, title_case)
        if not kind and token.lower() in _CONNECTORS and run:
            kind = "connector"
        if kind:
            run.append((token, start, end, kind))
        else:
            close()
        if token != match.group():
            close()  # "Apple's", "Gemini-based": the name ends here
        last_end = match.end()
    close()
    return names


def _cjk_names(text: str) -> list[Name]:
    if not has_cjk(text):
        return []
    return [
        Name(word, start, start + len(word), (), "cjk")
        for word, flag, start in segment(text)
        if flag in _ZH_NAME_TAGS and len(word) >= 2 and has_cjk(word)
    ]


def find_names(text: str) -> list[Name]:
    """The names of ``text`` (NFKC-normalised by the caller), in order, each once."""
    found = _latin_names(text) + _cjk_names(text)
    for start, end, _org in mentions(text):
        found.append(
            Name(text[start:end], start, end, (), "cjk" if has_cjk(text[start:end]) else "latin")
        )
    found.sort(key=lambda n: (n.start, -(n.end - n.start)))
    kept: list[Name] = []
    seen: set[str] = set()
    for name in found:
        if kept and name.start < kept[-1].end:
            continue  # inside a longer name already kept
        key = _fold(name.text)
        if key in seen:
            continue
        seen.add(key)
        kept.append(name)
    return kept


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’]s\b", "", text)
    return re.sub(r"[\s\-‐‑‒–—―_·/\"'“”‘’]+", " ", text).strip()


@lru_cache(maxsize=256)
def _folded(text: str) -> str:
    return _fold(text)


@lru_cache(maxsize=4096)
def _pattern(name: str) -> re.Pattern[str] | None:
    key = _fold(name)
    runs = re.findall(r"[a-z0-9]+(?:\.[a-z0-9]+)*|[^\sa-z0-9]+", key)
    if not runs:
        return None
    body = " ?".join(re.escape(r) for r in runs)
    head = (
        "(?<![a-z])"
        if key[0].isalpha() and key[0].isascii()
        else ("(?<![0-9.])" if key[0].isdigit() else "")
    )
    tail = (
        "(?:e?s)?(?![a-z])"
        if key[-1].isalpha() and key[-1].isascii()
        else ("(?![0-9]|\\.[0-9])" if key[-1].isdigit() else "")
    )
    return re.compile(head + body + tail)


def _found(name: str, text: str) -> bool:
    pattern = _pattern(name)
    return pattern is None or pattern.search(_folded(text)) is not None


def _entity_of(name: str) -> Entity | None:
    for entity in GAZETTEER:
        if entity.pattern().fullmatch(name):
            return entity
    return None


def name_in(name: Name | str, text: str) -> bool:
    """Whether ``text`` names ``name`` (the rules are in the module docstring)."""
    written = name.text if isinstance(name, Name) else name
    if _found(written, text):
        return True
    entity = _entity_of(written)
    if entity is not None:
        if has_cjk(written):  # a Chinese name: the organisation by any plain name
            same = [entity.name, *(a for a in entity.aliases if re.fullmatch(r"[\w .]+", a))]
        elif written.casefold() == entity.name.casefold():  # the organisation: as written
            same = [a for a in entity.aliases if has_cjk(a)]
        else:
            same = []
        if any(_found(other, text) for other in same):
            return True
    parts = name.parts if isinstance(name, Name) else ()
    return len(parts) > 1 and all(_found(part, text) for part in parts)
