"""Check a model's analysis of one event, claim by claim and sentence by sentence.

:func:`check_analysis` reads an :class:`~deepdaily.verify.answer.EventAnalysis` against the
event's :class:`~deepdaily.verify.sentence.Evidence`:

1. each claim goes through :func:`~deepdaily.verify.claims.check_claim` (its passage located
   verbatim in a source, not an instruction, agreeing with the claim); an id given twice fails
   the second time;
2. each sentence of what / why / technical / impact / advice (an entry may hold several; each
   is checked with the entry's citations) loses its markup; a sentence that carried a link
   other than a source URL fails whole (counted: the link is stripped even from the problem
   sent back, :mod:`deepdaily.text.links`); then :func:`~deepdaily.verify.sentence.
   sentence_problems` (no instruction, no repetition of a removed instruction or of the
   system prompt, the profile's language) and :func:`~deepdaily.verify.backing.
   backing_problems` (its facts in the passages of the claims it cites; an opinion only in
   why / impact / advice);
3. the title and the advice lead-in may use the facts of any claim that passed (a title also
   those of the sources' own titles), and no other; the organisation must be named in the
   sources (or be one of the sources' names).

The result (:class:`Checked`) keeps every check, so the analyser can publish what passed, send
the problems back for revision, and count everything. :meth:`Checked.drop_claims` applies a
second opinion: the claims it contradicts fail, and the sentences resting only on them with
them. Nothing here decides what is published.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from deepdaily.text.agree import Located
from deepdaily.text.facts import extract_facts, fold
from deepdaily.text.links import same_url, strip_urls
from deepdaily.text.sanitise import REDACTED, is_instruction, strip_markup
from deepdaily.text.sentences import split_sentences
from deepdaily.verify.answer import EventAnalysis, JudgedSentence, Sentence
from deepdaily.verify.backing import backing_problems
from deepdaily.verify.claims import ClaimCheck, check_claim
from deepdaily.verify.sentence import (
    LEAK,
    WITHHELD,
    Evidence,
    echoes,
    sentence_problems,
)

__all__ = [
    "JUDGEMENT_FIELDS",
    "LINK",
    "Checked",
    "Problem",
    "SentenceCheck",
    "check_analysis",
    "check_text",
    "normal_key",
    "unmark",
]

JUDGEMENT_FIELDS = frozenset({"why", "impact", "advice"})
"""The sections whose sentences may be opinions (``judgement: true``)."""

LINK = "links to a URL that is not one of the sources"

_GENERIC_ORG_WORDS = re.compile(
    r"社区|论坛|团队|实验室|研究院|官方|博客|公司|开发者|用户|\b(?:community|forum|team|labs?|blog|"
    r"research|developers?|users?|vs\.?|and)\b|[×/&、与和及]|\s+",
    re.I,
)


@dataclass
class Problem:
    path: str  # "what[0]", "technical[1]", "claims[id=2]", "title"...
    text: str
    reasons: list[str]

    def line(self) -> str:
        """One line for a revision prompt or a report (the caller fences it).

        Text that reads as an instruction is withheld rather than quoted, so a revision prompt
        never carries a source's instruction outside the fenced data.
        """
        if any(reason in WITHHELD for reason in self.reasons) or is_instruction(self.text):
            quoted = "(text withheld)"
        else:
            text = self.text
            quoted = "“" + (text if len(text) <= 160 else text[:159] + "…") + "”"
        return f"{self.path}: {quoted} — {'; '.join(self.reasons)}"


def normal_key(text: str) -> str:
    """A sentence's identity across rounds: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def unmark(text: str) -> str:
    """``text`` without the grounding's redaction marker, which is never content."""
    return re.sub(r"\s*\[…\]\s*", " ", text).strip() if REDACTED in text else text


@dataclass
class SentenceCheck:
    """One sentence of one entry of a section."""

    section: str  # what, why, technical, impact, advice
    entry: int  # which entry of the section
    text: str  # as cleaned (markup and links removed)
    cited: list[int]
    judgement: bool
    own: list[str] = field(default_factory=list)  # instruction, link, language, leak
    backing: list[str] = field(default_factory=list)  # from backing_problems
    link: bool = False  # carried a link that is not a source URL
    original: str = ""  # as written, for the sentence's identity across rounds

    @property
    def path(self) -> str:
        return f"{self.section}[{self.entry}]"

    @property
    def reasons(self) -> list[str]:
        return self.own + self.backing

    @property
    def ok(self) -> bool:
        return not self.own and not self.backing

    @property
    def key(self) -> tuple[str, str]:
        return self.section, normal_key(self.original or self.text)


@dataclass
class Checked:
    """Every check of one answer (see the module docstring)."""

    answer: EventAnalysis
    claims: dict[int, ClaimCheck] = field(default_factory=dict)  # first claim of each id
    all_claims: list[ClaimCheck] = field(default_factory=list)  # in answer order
    sentences: list[SentenceCheck] = field(default_factory=list)
    title: str = ""  # "" when it failed
    organisation: str = ""
    advice_lead: str = ""
    other_problems: list[Problem] = field(default_factory=list)  # title, organisation, lead
    urls_stripped: list[str] = field(default_factory=list)
    markup_stripped: int = 0

    @property
    def problems(self) -> list[Problem]:
        """What failed, claims first, for a revision round."""
        found = [
            Problem(f"claims[id={c.id}]", c.text, c.reasons) for c in self.all_claims if not c.ok
        ]
        found += [
            Problem(s.path, s.text or "(a link)", s.reasons) for s in self.sentences if not s.ok
        ]
        if not self.passing("what"):
            found.append(Problem("what", "", ["nothing verifiable is left"]))
        return found + self.other_problems

    def passing(self, name: str) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.section == name and s.ok]

    @property
    def publishable(self) -> int:
        """How many sentences would be published."""
        return sum(s.ok for s in self.sentences)

    def ok_claims(self) -> list[ClaimCheck]:
        return [c for c in self.claims.values() if c.ok]

    def drop_claims(self, ids: Iterable[int], reason: str) -> None:
        """Fail the claims ``ids`` (a second opinion contradicted them); a sentence that rested
        only on them fails too, one that cites others is checked again without them."""
        dropped = set(ids)
        for claim_id in dropped:
            if claim_id in self.claims:
                self.claims[claim_id].fail(reason)
        for sentence in self.sentences:
            if not sentence.ok or not dropped & set(sentence.cited):
                continue
            rest = [c for c in sentence.cited if c not in dropped]
            if not rest:
                sentence.backing = [f"rests only on dropped claims ({reason})"]
                continue
            sentence.cited = rest
            sentence.backing = backing_problems(
                sentence.text, rest, self.claims, judgement=sentence.judgement
            )


def check_text(
    text: str,
    field_name: str,
    entry: int,
    cited: Sequence[int],
    judgement: bool,
    evidence: Evidence,
    claims: dict[int, ClaimCheck],
    checked: Checked,
    *,
    language: bool = True,
) -> list[SentenceCheck]:
    """The checks of each sentence of one entry (markup and foreign links counted in
    ``checked``); ``language=False`` spares a short phrase (a lead) the language check."""
    plain = strip_markup(text)
    if plain != text.strip():
        checked.markup_stripped += 1
    plain = unmark(plain)
    leaked = bool(evidence.prompt) and echoes(plain, [evidence.prompt])
    results: list[SentenceCheck] = []
    for original in split_sentences(plain):
        sentence, removed = strip_urls(original, evidence.urls)
        checked.urls_stripped.extend(removed)
        check = SentenceCheck(
            field_name, entry, sentence, list(cited), judgement, original=original
        )
        if removed:
            check.link = True
            check.own.append(LINK)
        if leaked:
            # a leak split into sentences can hide in fragments shorter than ECHO_TOKENS
            check.own.append(LEAK)
        if sentence:
            check.own += [
                r
                for r in sentence_problems(sentence, evidence, language=language, fact_kinds=())
                if r not in check.own
            ]
            check.backing = backing_problems(sentence, cited, claims, judgement=judgement)
        results.append(check)
    return results


def _claims(analysis: EventAnalysis, evidence: Evidence, checked: Checked) -> None:
    for claim in analysis.claims:
        text, removed_text = strip_urls(unmark(strip_markup(claim.text)), evidence.urls)
        passage, removed_passage = strip_urls(unmark(strip_markup(claim.passage)), evidence.urls)
        checked.urls_stripped.extend(removed_text + removed_passage)
        url = claim.source_url.strip()
        cited = next((u for u in evidence.urls if same_url(u, url)), "")
        if url and not cited:
            checked.urls_stripped.append(url)
        check = check_claim(
            claim.id, text, passage, cited, evidence.texts, redacted=evidence.redacted
        )
        if claim.id in checked.claims:
            check.fail(f"id {claim.id} is given to two claims")
        else:
            checked.claims[claim.id] = check
        checked.all_claims.append(check)


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
        checked.other_problems.append(Problem("organisation", name, reasons))
        return ""
    return name.strip()


def _titles(evidence: Evidence) -> dict[int, ClaimCheck]:
    """The sources' own titles (the first line of each text), as evidence a title may use."""
    found: dict[int, ClaimCheck] = {}
    for number, (url, text) in enumerate(evidence.texts.items(), start=1):
        title = text.split("\n", 1)[0].strip()
        if title:
            located = Located(url, 0, len(title), title)
            found[-number] = ClaimCheck(-number, title, "verified", located=located)
    return found


def _phrase(text: str, path: str, evidence: Evidence, checked: Checked) -> str:
    """The title or the advice lead-in: an opinion that may use any passing claim's facts (a
    title also those of the sources' titles)."""
    claims = dict(checked.claims)
    if path == "title":
        claims.update(_titles(evidence))
    ok_ids = [c.id for c in claims.values() if c.ok]
    results = check_text(text, path, 0, ok_ids, True, evidence, claims, checked)
    failed = [r for r in results if not r.ok]
    for result in failed:
        checked.other_problems.append(Problem(path, result.text or "(a link)", result.reasons))
    if failed:
        return ""
    return " ".join(r.text for r in results if r.text)


def check_analysis(analysis: EventAnalysis, evidence: Evidence) -> Checked:
    """Every check of ``analysis`` (see the module docstring)."""
    checked = Checked(answer=analysis)
    _claims(analysis, evidence, checked)
    sections: list[tuple[str, Sequence[Sentence | JudgedSentence]]] = [
        ("what", analysis.what),
        ("why", analysis.why),
        ("technical", analysis.technical),
        ("impact", analysis.impact),
        ("advice", analysis.advice),
    ]
    for name, entries in sections:
        for index, entry in enumerate(entries):
            judgement = name in JUDGEMENT_FIELDS and bool(getattr(entry, "judgement", False))
            checked.sentences += check_text(
                entry.text, name, index, entry.claims, judgement, evidence, checked.claims, checked
            )
    checked.title = _phrase(analysis.title, "title", evidence, checked)
    checked.organisation = _organisation(analysis.organisation, evidence, checked)
    checked.advice_lead = _phrase(analysis.advice_lead, "advice_lead", evidence, checked)
    return checked
