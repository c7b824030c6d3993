"""Named entities a reader can follow: the distinctive names in a text, without a model.

:func:`names_in` returns, in order of first appearance, the names a digest may call a shared
subject or a thing to watch:

- benchmarks (``SWE-bench``), model and product names with a digit (``Lumen-3 Flash``,
  ``RepoFix-500``, ``GPT-5.3-Codex``), products with their version (``Weave Router v2``,
  ``Router 2.0.4``, ``Agents SDK 0.15``) and Chinese names with a Latin suffix (``澜川-R2``);
- organisations and products of the gazetteer as written (``Claude``, ``OpenAI``);
- mixed-case names (``HarborBench``, ``vLLM``) and capitalised words inside a sentence
  (``Quillstone``), as :func:`deepdaily.text.terms.terms_in` finds them.

Common vocabulary is never a name (:func:`is_common_vocabulary`): acronyms without a digit
(``CUDA``, ``GPU``, ``README``, ``NVMe``), number formats (``FP8``, ``BF16``, ``INT4``), short
letter-and-number tokens that name hardware or metrics rather than a story (``H100``,
``MI300X``, ``p99``, ``v1``), quantities (``70B``), bare versions and the generic words of
:data:`~deepdaily.text.terms.GENERIC_TERMS`. Two items that both say "CUDA" share a word, not
a subject; a watch topic keyed on "CUDA" would follow up every story that says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from deepdaily.text.terms import GENERIC_TERMS, terms_in

__all__ = ["Name", "family", "is_common_vocabulary", "names_in"]

_ACRONYM_RE = re.compile(r"^[A-Z]{2,}[a-z]?s?$")  # CUDA, GPUs, NVMe, README
_FORMAT_RE = re.compile(r"^(?:fp|bf|int|uint|tf|mx|nf|e\dm)\d+\w*$", re.IGNORECASE)
_SHORT_CODE_RE = re.compile(r"^[a-z]{1,2}-?\d{1,4}[a-z]{0,2}$", re.IGNORECASE)  # H100, p99, v1
_QUANTITY_RE = re.compile(r"^[\d.,]+\s?[A-Za-z%]{0,6}$")  # 70B, 2.0.4, 80GB, 3x
# "Weave Router v2", "Router 2.0.4", "Agents SDK 0.15": up to three capitalised words, a version.
_PRODUCT_VERSION_RE = re.compile(
    r"(?<![\w.-])((?:[A-Z][\w-]*\s){0,2}[A-Z][\w-]*)\s(v\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)"
    r"(?![\w-]|\.\d)"
)
_CJK_NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,6}-[A-Za-z]*\d+[\w.]*|[\u4e00-\u9fff]{1,6}-[A-Z]\w*")
# Words that open a versioned phrase without naming a product.
_NOT_PRODUCT_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "our",
        "its",
        "their",
        "this",
        "that",
        "version",
        "release",
        "update",
        "step",
        "chapter",
        "figure",
        "table",
        "section",
        "phase",
        "stage",
        "part",
        "level",
        "tier",
        "round",
        "day",
        "week",
        "page",
        "apache",
        "cvss",
        "score",
        "python",
        "node",
        "from",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "and",
        "or",
        "of",
        "for",
        "mit",
        "gpl",
        "bsd",
        "cc",
        "licence",
        "license",
        "series",
        "item",
        "items",
    }
)
_KINDS = ("benchmark", "model", "organisation", "name")
_TRAILING_VERSION_RE = re.compile(
    r"\s(?:v?\d+(?:\.\d+)*|Flash|Pro|Lite|Mini|Max|Ultra|Turbo|Plus|Nano|Air|Instruct|Chat|"
    r"Coder|Base|Vision)$"
)
_LICENCES = frozenset({"apache", "mit", "gpl", "lgpl", "agpl", "bsd", "mpl", "creative commons"})


@dataclass(frozen=True)
class Name:
    """A distinctive name: ``key`` is its case-folded form, ``display`` as written."""

    key: str
    display: str
    kind: str  # benchmark | model | product | organisation | name


def is_common_vocabulary(word: str) -> bool:
    """Whether ``word`` is common technical vocabulary rather than a name (module docstring)."""
    word = word.strip()
    if not word or word.casefold() in GENERIC_TERMS or word.casefold() in _LICENCES:
        return True
    if " " in word:
        return False
    return bool(
        _ACRONYM_RE.match(word)
        or _FORMAT_RE.match(word)
        or _SHORT_CODE_RE.match(word)
        or _QUANTITY_RE.match(word)
    )


def family(name: Name) -> str:
    """The product line of a versioned or tiered name (``Tessel 2.0.1`` -> ``Tessel``,
    ``Weave Router v2`` -> ``Weave Router``, ``Lumen-3 Flash`` -> ``Lumen-3``), or ``""``."""
    if " " not in name.display:
        return ""
    base = _TRAILING_VERSION_RE.sub("", name.display).strip()
    return base if base != name.display and not is_common_vocabulary(base) else ""


def _products(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for match in _PRODUCT_VERSION_RE.finditer(text):
        words = match.group(1).split()
        while words and words[0].casefold() in _NOT_PRODUCT_WORDS:
            words.pop(0)
        if words:
            name = " ".join(words)
            found.append((match.start(1) + match.group(1).index(name), f"{name} {match.group(2)}"))
    return found


def names_in(text: str) -> list[Name]:
    """The distinctive names of ``text``, in order of first appearance, each once."""
    found: list[tuple[int, Name]] = []
    for position, display in _products(text):
        found.append((position, Name(display.casefold(), display, "product")))
    for match in _CJK_NAME_RE.finditer(text):
        found.append((match.start(), Name(match.group().casefold(), match.group(), "model")))
    for term in terms_in(text):
        if term.kind not in _KINDS or is_common_vocabulary(term.display):
            continue
        position = text.find(term.display)
        found.append(
            (position if position >= 0 else len(text), Name(term.key, term.display, term.kind))
        )
    names: dict[str, Name] = {}
    spans: list[tuple[int, int]] = []
    for position, name in sorted(found, key=lambda f: (f[0], -len(f[1].display))):
        inside = any(a <= position < b and position + len(name.display) <= b for a, b in spans)
        if name.key in names or inside:
            continue  # "Weave Router v2" already covers "Weave"
        names[name.key] = name
        spans.append((position, position + len(name.display)))
    return list(names.values())
