"""Check a model's analysis of one event against that event's sources, sentence by sentence.

:func:`check_analysis` cleans every text field and lists what failed. For each field:

1. markup is removed (:func:`~deepdaily.text.sanitise.strip_markup`), counted;
2. a sentence carrying a URL that is not one of the event's source URLs fails (the URL is
   stripped even from the problem sent back, :mod:`deepdaily.text.links`); each sentence must
   then also pass :func:`~deepdaily.verify.sentence.sentence_problems` (no instruction, no
   repetition of a removed instruction or of the system prompt, no fact the sources lack, the
   profile's language); a field that repeats the system prompt as a whole is dropped whole;
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

from deepdaily.analyse.grounding import fence_text
from deepdaily.analyse.schema import ClaimOut, EventAnalysis
from deepdaily.text.facts import FactKind, extract_facts, fold
from deepdaily.text.links import same_url, strip_urls
from deepdaily.text.sanitise import REDACTED, is_instruction, strip_markup
from deepdaily.text.sentences import join_sentences, split_sentences
from deepdaily.verify.claims import ClaimCheck, check_claim, match_tokens
from deepdaily.verify.sentence import (
    LEAK,
    WITHHELD,
    Evidence,
    echoes,
    sentence_problems,
)

__all__ = ["Checked", "Problem", "check_analysis", "clean_field", "drop_sentences"]

_GENERIC_ORG_WORDS = re.compile(
    r"社区|论坛|团队|实验室|研究院|官方|博客|公司|开发者|用户|\b(?:community|forum|team|labs?|blog|"
    r"research|developers?|users?|vs\.?|and)\b|[×/&、与和及]|\s+",
    re.I,
)


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
        if any(reason in WITHHELD for reason in self.reasons) or is_instruction(self.text):
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


def clean_field(
    text: str,
    path: str,
    evidence: Evidence,
    checked: Checked,
    *,
    language: bool = True,
    fact_kinds: Iterable[FactKind] | None = None,
) -> str:
    """``text`` with markup removed and failing sentences dropped.

    A sentence that carried a link other than a source URL is dropped whole (the link is
    removed from the problem's text), since what is left of it usually points nowhere.
    """
    plain = strip_markup(text)
    if plain != text.strip():
        checked.markup_stripped += 1
    plain = _unmark(plain)
    if evidence.prompt and echoes(plain, [evidence.prompt]):
        # a leak split into sentences can hide in fragments shorter than ECHO_TOKENS
        checked.sentences_checked += 1
        checked.sentences_dropped += 1
        checked.problems.append(Problem(path, plain, [LEAK]))
        return ""
    kept: list[str] = []
    for original in split_sentences(plain):
        checked.sentences_checked += 1
        sentence, removed = strip_urls(original, evidence.urls)
        checked.urls_stripped.extend(removed)
        reasons = (
            sentence_problems(sentence, evidence, language=language, fact_kinds=fact_kinds)
            if sentence
            else []
        )
        if removed:
            reasons.insert(0, "links to a URL that is not one of the sources")
        if reasons:
            checked.sentences_dropped += 1
            checked.problems.append(Problem(path, sentence or "(a link)", reasons))
        else:
            kept.append(sentence)
    return join_sentences(kept)


def _unmark(text: str) -> str:
    """``text`` without the grounding's redaction marker, which is never content."""
    return re.sub(r"\s*\[…\]\s*", " ", text).strip() if REDACTED in text else text


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def drop_sentences(text: str, claims: Iterable[str]) -> str:
    """``text`` without the sentences that contain one of the (dropped) ``claims``' texts.

    A claim text shorter than four tokens (a bare name) is too short to say which sentence
    states it, and removes nothing.
    """
    keys = [_normal(c) for c in claims if len(match_tokens(c)) >= 4]
    if not keys or not text:
        return text
    kept = [s for s in split_sentences(text) if not any(k in _normal(s) for k in keys)]
    return join_sentences(kept)


def _organisation(name: str, evidence: Evidence, checked: Checked) -> str:
    name, removed = strip_urls(strip_markup(name), evidence.urls)
    checked.urls_stripped.extend(removed)
    if name.strip() and any(fold(name) == fold(site) for site in evidence.names):
        return name.strip()  # the configured name of one of the sources
    reasons = [
        f"{fact.describe()} is not in the sources" for fact in evidence.facts.unsupported(name)
    ]
    known = {fact.text for fact in extract_facts(name) if fact.kind == "organisation"}
    for chunk in filter(None, _GENERIC_ORG_WORDS.split(name)):
        key = fold(chunk)
        if (
            key
            and not known
            and key not in evidence.facts.folded
            and not any(key in fold(n) for n in evidence.names)
        ):
            reasons.append(f"“{chunk}” is not named in the sources")
    if is_instruction(name):
        reasons.append("reads as an instruction")
    if not name.strip():
        return ""  # the analyser names it from the sources instead; nothing to revise
    if reasons:
        checked.problems.append(Problem("organisation", name, reasons))
        return ""
    return name.strip()


def _claim(index: int, claim: ClaimOut, evidence: Evidence, checked: Checked) -> None:
    path = f"claims[{index}]"
    text, removed_text = strip_urls(_unmark(strip_markup(claim.text)), evidence.urls)
    passage, removed_passage = strip_urls(_unmark(strip_markup(claim.passage)), evidence.urls)
    checked.urls_stripped.extend(removed_text + removed_passage)
    url = claim.source_url.strip()
    cited = next((u for u in evidence.urls if same_url(u, url)), "")
    if url and not cited:
        checked.urls_stripped.append(url)
    result = check_claim(text, passage, cited, evidence.texts, evidence.facts)
    # facts are check_claim's job; a name or short phrase is not held to the language check
    prose = len(text.split()) >= 3 or len(re.findall(r"[\u4e00-\u9fff]", text)) >= 12
    extra = [
        r
        for r in sentence_problems(text, evidence, language=prose)
        if "is not in the sources" not in r
    ]
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
        cleaned = (clean_field(v, f"{name}[{i}]", evidence, checked) for i, v in enumerate(values))
        return [c for c in cleaned if c]

    lead = clean_field(analysis.advice_lead, "advice_lead", evidence, checked)
    for index, claim in enumerate(analysis.claims):
        _claim(index, claim, evidence, checked)
    checked.analysis = EventAnalysis.model_construct(
        title=title,
        organisation=organisation,
        what=what,
        why=why,
        technical_label=strip_markup(analysis.technical_label),
        technical=items("technical", analysis.technical),
        impact=items("impact", analysis.impact),
        advice_lead=lead,
        advice=items("advice", analysis.advice),
        claims=[claim for claim, _ in checked.claims],
    )
    return checked
