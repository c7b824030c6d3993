"""Verify a finished :class:`~deepdaily.models.DigestItem` against its event, from any engine.

:func:`evidence_for` builds the :class:`~deepdaily.verify.analysis.Evidence` of an event: its
canonical URLs, each source's sanitised text with instruction sentences removed (the same
treatment the prompt gets, :mod:`deepdaily.analyse.grounding`), and the facts in them.

:func:`verify_item` is the stage's seam (``verify_item(item, event) -> DigestItem``): a final
guard any engine's item can go through. It keeps only source URLs in ``sources``, strips
foreign links and markup from every text field, drops sentences that fail
:func:`~deepdaily.verify.analysis.sentence_problems` (the language check only applies to LLM
items: offline items quote sources verbatim), and re-checks every claim: a claim whose passage
is found and whose facts are in the sources is ``verified``; one whose passage only loosely
matches is ``unverified``; any other is left out, and so is every sentence containing its text
(a claim that cannot be verified is never published as fact, not even in the JSON output).
What it did is added to ``report`` when given.
"""

from __future__ import annotations

from typing import Literal

from deepdaily.analyse.grounding import EmptyGrounding, Grounding, ground_event
from deepdaily.analyse.schema import EventAnalysis
from deepdaily.models import Claim, DigestItem, Event
from deepdaily.text.links import same_url, strip_urls
from deepdaily.text.sanitise import is_instruction, strip_markup
from deepdaily.verify.analysis import Checked, clean_field, drop_sentences
from deepdaily.verify.claims import check_claim
from deepdaily.verify.report import VerificationReport
from deepdaily.verify.sentence import Evidence, sentence_problems

__all__ = ["evidence_for", "verify_item"]

ClaimStatus = Literal["verified", "unverified", "dropped"]
_ALL_TEXT = 10_000_000  # tokens: verification searches whole texts, never trimmed ones


def evidence_for(
    event: Event, language: str, *, prompt: str = "", grounding: Grounding | None = None
) -> Evidence:
    """The evidence of ``event``'s sources (see the module docstring)."""
    if grounding is None:
        try:
            grounding = ground_event(event, _ALL_TEXT)
        except EmptyGrounding:
            grounding = None
    texts = grounding.texts() if grounding else {}
    redacted = grounding.redacted if grounding else []
    published = [d.published.date() for d in event.documents if d.published]
    return Evidence.build(
        event.urls,
        texts,
        language=language,
        redacted=redacted,
        prompt=prompt,
        published=published,
        names=[d.source for d in event.documents],
    )


def verify_item(
    item: DigestItem,
    event: Event,
    *,
    language: str = "zh",
    report: VerificationReport | None = None,
) -> DigestItem:
    """``item`` with only what its event's sources support (see the module docstring)."""
    evidence = evidence_for(event, language)
    checked = Checked(analysis=EventAnalysis.model_construct())
    check_language = item.engine == "llm"

    def clean_list(values: list[str] | None, name: str) -> list[str] | None:
        if values is None:
            return None
        kept = [clean(v, f"{name}[{i}]") for i, v in enumerate(values)]
        return [v for v in kept if v] or None

    claims: list[Claim] = []
    for claim in item.claims:
        text, removed = strip_urls(strip_markup(claim.text), evidence.urls)
        passage, removed_too = strip_urls(strip_markup(claim.passage), evidence.urls)
        checked.urls_stripped.extend(removed + removed_too)
        cited = next((u for u in evidence.urls if same_url(u, claim.source_url)), "")
        result = check_claim(text, passage, cited, evidence.texts, evidence.facts)
        problems = [
            r
            for r in sentence_problems(text, evidence, language=check_language)
            if "is not in the sources" not in r
        ]
        if problems or is_instruction(passage):
            result.verdict = "failed"
            result.reasons.extend(problems or ["the passage is an instruction"])
        status: ClaimStatus = "verified" if result.verdict == "verified" else "unverified"
        if result.verdict == "failed":
            status = "dropped"
            if report is not None:
                report.claims_dropped += 1
                report.reason(f"claim dropped: {'; '.join(result.reasons)}")
        claims.append(
            claim.model_copy(
                update={
                    "text": text,
                    "passage": passage,
                    "source_url": result.url or cited,
                    "status": status,
                    "reasons": result.reasons,
                }
            )
        )
    dropped = [c.text for c in claims if c.status == "dropped"]
    claims = [c for c in claims if c.status != "dropped"]

    def clean(text: str, path: str) -> str:
        return drop_sentences(
            clean_field(text, path, evidence, checked, language=check_language), dropped
        )

    what = clean(item.what, "what")
    verified = item.model_copy(
        update={
            "title": clean(item.title, "title") or strip_urls(strip_markup(item.title), [])[0],
            "sources": [u for u in item.sources if any(same_url(u, e) for e in evidence.urls)],
            "what": what,
            "why": clean(item.why, "why") or None if item.why is not None else None,
            "technical": clean_list(item.technical, "technical") or [],
            "impact": clean_list(item.impact, "impact"),
            "advice": clean_list(item.advice, "advice"),
            "advice_lead": clean(item.advice_lead, "advice_lead"),
            "claims": claims,
        }
    )
    if report is not None:
        report.claims_checked += len(item.claims)
        report.claims_passed += sum(c.status == "verified" for c in claims)
        report.claims_unverified += sum(c.status == "unverified" for c in claims)
        report.sentences_checked += checked.sentences_checked
        report.sentences_dropped += checked.sentences_dropped
        report.urls_stripped += len(checked.urls_stripped)
        report.markup_stripped += checked.markup_stripped
        for problem in checked.problems:
            report.reason(problem.line())
    return verified
