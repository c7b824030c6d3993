"""Checks on one sentence of model output, and the evidence they are made against.

:func:`sentence_problems` says why a sentence may not be published: it addresses an AI or the
reader with an instruction (:func:`~deepdaily.text.sanitise.is_instruction`); it repeats a
source sentence the grounding removed as an instruction, or the system prompt (:func:`echoes`:
:data:`ECHO_TOKENS` consecutive tokens in common, or the whole of a shorter sentence); it states
a fact the sources do not have (:mod:`deepdaily.text.facts`); or it is not in the profile's
language (:func:`language_problem`: by script, and for English by common function words, so a
switch to Spanish or German is caught too).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from deepdaily.text.directives import obeys
from deepdaily.text.facts import FactIndex, FactKind
from deepdaily.text.sanitise import is_instruction
from deepdaily.verify.claims import match_tokens

__all__ = [
    "ECHO",
    "ECHO_TOKENS",
    "INSTRUCTION",
    "LEAK",
    "WITHHELD",
    "Evidence",
    "echoes",
    "language_problem",
    "sentence_problems",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ECHO_TOKENS = 8
"""Consecutive tokens shared with a removed instruction or the system prompt that count as a
repetition (a shorter sentence counts when the whole of it is such a stretch)."""

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_LATIN_EXTRA_RE = re.compile(r"[\u00c0-\u024f]")
_WORD_RE = re.compile(r"[a-zà-öø-ÿ]+", re.I)
_STOPWORDS = {
    "en": _words("the and of to is in for that with on are as by this it be from or an at"),
    "es": _words("el la los las de que y en un una por con para es del se su al"),
    "de": _words("der die das und ist nicht ein eine mit für auf den dem zu sich von"),
    "fr": _words("le la les et est des une un pour dans que qui sur du avec au ce"),
    "pt": _words("o os as de que e em um uma para com não do da dos das por"),
}
INSTRUCTION = "reads as an instruction to an AI or the reader"
ECHO = "repeats a source sentence removed as an instruction"
LEAK = "repeats the system instructions"
WITHHELD = frozenset({INSTRUCTION, ECHO, LEAK})


@dataclass
class Evidence:
    """What one event's output is checked against."""

    urls: list[str]  # the event's canonical URLs: the only links allowed
    texts: dict[str, str]  # URL -> title and sanitised text
    facts: FactIndex
    language: str = "zh"
    redacted: list[str] = field(default_factory=list)  # instruction sentences removed
    prompt: str = ""  # the system prompt, which must not leak
    names: list[str] = field(default_factory=list)  # source names (outlets), for organisation

    @classmethod
    def build(
        cls,
        urls: Iterable[str],
        texts: dict[str, str],
        *,
        language: str,
        redacted: Iterable[str] = (),
        prompt: str = "",
        published: Iterable[date] = (),
        names: Iterable[str] = (),
    ) -> Evidence:
        return cls(
            urls=list(urls),
            texts=texts,
            facts=FactIndex.from_texts(texts.values(), published),
            language=language,
            redacted=list(redacted),
            prompt=prompt,
            names=list(names),
        )


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def echoes(sentence: str, texts: Iterable[str], n: int = ECHO_TOKENS) -> bool:
    """True when ``sentence`` shares ``n`` consecutive tokens with one of ``texts``, or is
    (two tokens or more) a stretch of one of them."""
    tokens = match_tokens(sentence)
    grams = _ngrams(tokens, n)
    whole = " " + " ".join(tokens) + " "
    for text in texts:
        other = match_tokens(text)
        if grams & _ngrams(other, n):
            return True
        if 2 <= len(tokens) < n and whole in " " + " ".join(other) + " ":
            return True
    return False


def language_problem(text: str, language: str) -> str:
    """Why ``text`` is not in ``language`` (``zh``/``en``), or ``""``; short text passes."""
    text = unicodedata.normalize("NFKC", text)
    cjk, latin = len(_CJK_RE.findall(text)), len(_LATIN_RE.findall(text))
    kana, hangul = len(_KANA_RE.findall(text)), len(_HANGUL_RE.findall(text))
    other = sum(1 for ch in text if ch.isalpha()) - cjk - latin - kana - hangul
    other -= len(_LATIN_EXTRA_RE.findall(text))  # é, ü, ß... count as Latin
    if language.startswith("zh"):
        if kana > 2 or hangul > 2 or other > 2:
            return "not written in Chinese"
        if (cjk + latin >= 12 and cjk < max(2, 0.15 * (cjk + latin))) or (cjk == 0 and latin >= 4):
            return "not written in Chinese"
        return ""
    foreign = cjk + kana + hangul + other
    if foreign > max(3, 0.2 * (latin + foreign)):
        return "not written in English"
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if len(words) >= 8:
        counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
        best = max(counts, key=lambda lang: counts[lang])
        if best != "en" and counts[best] >= 2 and counts[best] > counts["en"]:
            return "not written in English"
    return ""


def sentence_problems(
    sentence: str,
    evidence: Evidence,
    *,
    language: bool = True,
    fact_kinds: Iterable[FactKind] | None = None,
) -> list[str]:
    """Why one output sentence may not be published (empty when it may).

    ``fact_kinds`` limits the fact check (a watch list may name what to follow next, but not
    invent a number or a date); by default every kind is checked.
    """
    reasons: list[str] = []
    if is_instruction(sentence):
        reasons.append(INSTRUCTION)
    elif evidence.redacted and (
        echoes(sentence, evidence.redacted)
        or obeys(sentence, evidence.redacted, evidence.texts.values())
    ):
        reasons.append(ECHO)
    if evidence.prompt and echoes(sentence, [evidence.prompt]):
        reasons.append(LEAK)
    reasons.extend(
        f"{fact.describe()} is not in the sources"
        for fact in evidence.facts.unsupported(sentence, fact_kinds)
    )
    if language:
        problem = language_problem(sentence, evidence.language)
        if problem:
            reasons.append(problem)
    return reasons
