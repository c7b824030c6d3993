"""Check a model's analysis of one event against that event's sources, sentence by sentence.

:func:`check_analysis` cleans every text field and lists what failed. For each field:

1. markup is removed (:func:`~deepdaily.analyse.sanitise.strip_markup`), counted;
2. a sentence carrying a URL that is not one of the event's source URLs fails (the URL is
   stripped even from the problem sent back, :mod:`deepdaily.verify.links`); each sentence must
   then also pass :func:`sentence_problems`: it must not address an AI or the
   reader with an instruction, nor repeat a sentence the grounding removed as one, nor repeat
   eight or more consecutive tokens of the system prompt; every fact in it (number, version,
   date, model or organisation name) must be in the sources; and it must be written in the
   profile's language;
3. each claim is checked by :func:`~deepdaily.verify.claims.check_claim`, its ``source_url``
   corrected to the source its passage was actually found in.

The result keeps the cleaned analysis with failing sentences removed, the problems (for a
revision round) and each claim's verdict. Nothing here decides what is published: the analyser
does, from these results.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from deepdaily.analyse.grounding import fence_text
from deepdaily.analyse.sanitise import is_instruction, strip_markup
from deepdaily.analyse.schema import ClaimOut, EventAnalysis
from deepdaily.analyse.sentences import join_sentences, split_sentences
from deepdaily.verify.claims import ClaimCheck, check_claim, match_tokens
from deepdaily.verify.facts import FactIndex, extract_facts, fold
from deepdaily.verify.links import same_url, strip_urls

__all__ = ["Checked", "Evidence", "Problem", "check_analysis", "clean_field", "drop_sentences",
           "language_problem", "sentence_problems"]

ECHO_TOKENS = 8
"""Consecutive tokens shared with a removed instruction or the system prompt that count as a
repetition (a shorter sentence counts when the whole of it is such a stretch)."""

_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_KANA_RE = re.compile(r"[\u3040-\u30ff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7af]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_WORD_RE = re.compile(r"[a-zà-öø-ÿ]+", re.I)
_STOPWORDS = {
    "en": frozenset({
        "the", "and", "of", "to", "is", "in", "for", "that", "with", "on", "are", "as", "by",
        "this", "it", "be", "from", "or", "an", "at"
    }),
    "es": frozenset({
        "el", "la", "los", "las", "de", "que", "y", "en", "un", "una", "por", "con", "para",
        "es", "del", "se", "su", "al"
    }),
    "de": frozenset({
        "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "für", "auf", "den",
        "dem", "zu", "sich", "von"
    }),
    "fr": frozenset({
        "le", "la", "les", "et", "est", "des", "une", "un", "pour", "dans", "que", "qui", "sur",
        "du", "avec", "au", "ce"
    }),
    "pt": frozenset({
        "o", "os", "as", "de", "que", "e", "em", "um", "uma", "para", "com", "não", "do", "da",
        "dos", "das", "por"
    }),
}
_INSTRUCTION = "reads as an instruction to an AI or the reader"
_ECHO = "repeats a source sentence removed as an instruction"
_LEAK = "repeats the system instructions"
_WITHHELD = frozenset({_INSTRUCTION, _ECHO, _LEAK})
_GENERIC_ORG_WORDS = re.compile(
    r"社区|论坛|团队|实验室|研究院|官方|博客|公司|开发者|用户|\b(?:community|forum|team|labs?|blog|"
    r"research|developers?|users?|vs\.?|and)\b|[×/&、与和及]|\s+", re.I)


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
        cls, urls: Iterable[str], texts: dict[str, str], *, language: str,
        redacted: Iterable[str] = (), prompt: str = "", published: Iterable[date] = (),
        names: Iterable[str] = (),
    ) -> Evidence:
        return cls(urls=list(urls), texts=texts,
                   facts=FactIndex.from_texts(texts.values(), published),
                   language=language, redacted=list(redacted), prompt=prompt, names=list(names))


@dataclass
class Problem:
    path: str  # "what", "technical[1]", "claims[0]"...
    text: str
    reasons: list[str]

    def line(self) -> str:
        """One line for a revision prompt or a report.

        Text that reads as an instruction is withheld rather than quoted, so a revision prompt
        never carries a source's instruction outside the fenced data.
        """
        if any(reason in _WITHHELD for reason in self.reasons) or is_instruction(self.text):
            quoted = "(text withheld)"
        else:
            text = fence_text(self.text)
            quoted = "“" + (text if len(text) <= 160 else text[:159] + "…") + "”"
        return f"{self.path}: {quoted} — {'; '.join(self.reasons)}"


@dataclass
class Checked:
    analysis: EventAnalysis  # cleaned; failing sentences removed
    problems: list[Problem] = field(default_factory=list)
    claims: list[tuple[ClaimOut, ClaimCheck]] = field(default_factory=list)
    urls_stripped: list[str] = field(default_factory=list)
    markup_stripped: int = 0
    sentences_checked: int = 0
    sentences_dropped: int = 0


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i: i + n]) for i in range(len(tokens) - n + 1)}


def _echoes(sentence: str, texts: Iterable[str], n: int = ECHO_TOKENS) -> bool:
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
    if language.startswith("zh"):
        if kana > 2 or hangul > 2:
            return "not written in Chinese"
        if cjk + latin >= 12 and cjk < max(2, 0.15 * (cjk + latin)):
            return "not written in Chinese"
        return ""
    if cjk + kana + hangul > max(3, 0.2 * (latin + cjk + kana + hangul)):
        return "not written in English"
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if len(words) >= 8:
        counts = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
        best = max(counts, key=lambda lang: counts[lang])
        if best != "en" and counts[best] >= 2 and counts[best] > counts["en"]:
            return "not written in English"
    return ""


def sentence_problems(sentence: str, evidence: Evidence, *, language: bool = True) -> list[str]:
    """Why one output sentence may not be published (empty when it may)."""
    reasons: list[str] = []
    if is_instruction(sentence):
        reasons.append(_INSTRUCTION)
    elif evidence.redacted and _echoes(sentence, evidence.redacted):
        reasons.append(_ECHO)
    if evidence.prompt and _echoes(sentence, [evidence.prompt]):
        reasons.append(_LEAK)
    reasons.extend(f"{fact.describe()} is not in the sources"
                   for fact in evidence.facts.unsupported(sentence))
    if language:
        problem = language_problem(sentence, evidence.language)
        if problem:
            reasons.append(problem)
    return reasons


def clean_field(
    text: str, path: str, evidence: Evidence, checked: Checked, *, language: bool = True
) -> str:
    """``text`` with markup removed and failing sentences dropped.

    A sentence that carried a link other than a source URL is dropped whole (the link is
    removed from the problem's text), since what is left of it usually points nowhere.
    """
    plain = strip_markup(text)
    if plain != text.strip():
        checked.markup_stripped += 1
    if evidence.prompt and _echoes(plain, [evidence.prompt]):
        # a leak split into sentences can hide in fragments shorter than ECHO_TOKENS
        checked.sentences_checked += 1
        checked.sentences_dropped += 1
        checked.problems.append(Problem(path, plain, [_LEAK]))
        return ""
    kept: list[str] = []
    for original in split_sentences(plain):
        checked.sentences_checked += 1
        sentence, removed = strip_urls(original, evidence.urls)
        checked.urls_stripped.extend(removed)
        reasons = sentence_problems(sentence, evidence, language=language) if sentence else []
        if removed:
            reasons.insert(0, "links to a URL that is not one of the sources")
        if reasons:
            checked.sentences_dropped += 1
            checked.problems.append(Problem(path, sentence or "(a link)", reasons))
        else:
            kept.append(sentence)
    return join_sentences(kept)


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def drop_sentences(text: str, claims: Iterable[str]) -> str:
    """``text`` without the sentences that contain one of the (dropped) ``claims``' texts."""
    keys = [_normal(c) for c in claims if _normal(c)]
    if not keys or not text:
        return text
    kept = [s for s in split_sentences(text) if not any(k in _normal(s) for k in keys)]
    return join_sentences(kept)


def _organisation(name: str, evidence: Evidence, checked: Checked) -> str:
    name, removed = strip_urls(strip_markup(name), evidence.urls)
    checked.urls_stripped.extend(removed)
    reasons = [f"{fact.describe()} is not in the sources"
               for fact in evidence.facts.unsupported(name)]
    known = {fact.text for fact in extract_facts(name) if fact.kind == "organisation"}
    for chunk in filter(None, _GENERIC_ORG_WORDS.split(name)):
        key = fold(chunk)
        if key and not known and key not in evidence.facts.folded and not any(
                key in fold(n) for n in evidence.names):
            reasons.append(f"“{chunk}” is not named in the sources")
    if is_instruction(name):
        reasons.append("reads as an instruction")
    if reasons or not name.strip():
        checked.problems.append(Problem("organisation", name, reasons or ["empty"]))
        return ""
    return name.strip()


def _claim(index: int, claim: ClaimOut, evidence: Evidence, checked: Checked) -> None:
    path = f"claims[{index}]"
    text, removed_text = strip_urls(strip_markup(claim.text), evidence.urls)
    passage, removed_passage = strip_urls(strip_markup(claim.passage), evidence.urls)
    checked.urls_stripped.extend(removed_text + removed_passage)
    url = claim.source_url.strip()
    cited = next((u for u in evidence.urls if same_url(u, url)), "")
    if url and not cited:
        checked.urls_stripped.append(url)
    result = check_claim(text, passage, cited, evidence.texts, evidence.facts)
    extra = [r for r in sentence_problems(text, evidence) if "is not in the sources" not in r]
    if is_instruction(passage):
        extra.append("the passage is an instruction, not evidence")
    if extra:
        result.verdict = "failed"
        result.reasons.extend(extra)
    if result.verdict != "verified":
        checked.problems.append(Problem(path, text, result.reasons))
    cleaned = ClaimOut(text=text, passage=passage, source_url=result.url or cited)
    checked.claims.append((cleaned, result))


def check_analysis(analysis: EventAnalysis, evidence: Evidence) -> Checked:
    """Clean ``analysis`` and list its problems (see the module docstring)."""
    checked = Checked(analysis=analysis)
    title = clean_field(analysis.title, "title", evidence, checked)
    organisation = _organisation(analysis.organisation, evidence, checked)
    what = clean_field(analysis.what, "what", evidence, checked)
    if not what:
        checked.problems.append(Problem("what", analysis.what, ["nothing verifiable is left"]))
    why = clean_field(analysis.why, "why", evidence, checked)

    def items(name: str, values: list[str]) -> list[str]:
        cleaned = (clean_field(v, f"{name}[{i}]", evidence, checked) for i, v in
                   enumerate(values))
        return [c for c in cleaned if c]

    lead = clean_field(analysis.advice_lead, "advice_lead", evidence, checked)
    for index, claim in enumerate(analysis.claims):
        _claim(index, claim, evidence, checked)
    checked.analysis = EventAnalysis.model_construct(
        title=title, organisation=organisation, what=what, why=why,
        technical_label=strip_markup(analysis.technical_label),
        technical=items("technical", analysis.technical), impact=items("impact", analysis.impact),
        advice_lead=lead, advice=items("advice", analysis.advice),
        claims=[claim for claim, _ in checked.claims],
    )
    return checked
