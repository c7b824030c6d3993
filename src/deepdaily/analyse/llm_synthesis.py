"""The LLM synthesis: the day's trends and watch list, resting on the items' verified claims.

The prompt carries each item's title, its why and its verified claims, numbered across the day
as ``[C n]`` (:func:`synthesis_claims`), fenced as data like the sources of an event; no
passage, no URL. Each trend and watch entry cites the claims it rests on, and is checked like a
sentence of an item (:func:`~deepdaily.verify.analysis.check_text`): no link at all (a
synthesis has no source URLs), no markup, no instruction, the profile's language (not for the
short lead phrase), and every fact of its lead and text in the passages of the claims it cites
(:func:`~deepdaily.verify.backing.backing_problems`). A trend must cite at least one claim, and
its item numbers are those of the items its claims belong to; a watch entry may be an opinion
that cites nothing and states no fact. Entries that fail are dropped and counted in the
synthesis report; a watch entry keeps the terms that are plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deepdaily.analyse.prompts import Prompts
from deepdaily.models import Claim, DigestItem, Synthesis, Trend, WatchItem, content_id
from deepdaily.text.agree import Located
from deepdaily.text.links import strip_urls
from deepdaily.text.sanitise import is_instruction, strip_markup
from deepdaily.text.untrusted import fence_text
from deepdaily.verify.analysis import Checked, SentenceCheck, check_text
from deepdaily.verify.answer import EventAnalysis, SynthesisAnswer
from deepdaily.verify.claims import ClaimCheck
from deepdaily.verify.report import VerificationReport
from deepdaily.verify.sentence import Evidence

__all__ = [
    "MAX_TRENDS",
    "MAX_WATCH",
    "DayClaim",
    "synthesis_claims",
    "synthesis_user",
    "verify_synthesis",
]

MAX_TRENDS = 5
MAX_WATCH = 4


@dataclass(frozen=True)
class DayClaim:
    """A verified claim of one of the day's items, as the synthesis cites it."""

    id: int  # [C n], 1-based across the day
    item: int  # 1-based item number
    claim: Claim


def synthesis_claims(items: Sequence[DigestItem]) -> list[DayClaim]:
    """The verified claims of ``items`` with their day-wide numbers."""
    found: list[DayClaim] = []
    for number, item in enumerate(items, start=1):
        for claim in item.claims:
            if claim.status == "verified" and claim.passage and claim.text:
                found.append(DayClaim(len(found) + 1, number, claim))
    return found


def _item_text(item: DigestItem, claims: Sequence[DayClaim]) -> str:
    lines = [f"{item.organisation}: {item.title}".strip(": ")]
    if item.why:
        lines.append(item.why)
    lines.extend(f"[C{c.id}] {c.claim.text}" for c in claims)
    if not claims:
        lines.append(item.what)
    return "\n".join(line for line in lines if line)


def synthesis_user(items: Sequence[DigestItem], prompts: Prompts) -> tuple[str, str]:
    """The user message and the content hash of the items it was built from."""
    claims = synthesis_claims(items)
    texts = [
        _item_text(item, [c for c in claims if c.item == number])
        for number, item in enumerate(items, start=1)
    ]
    fence = content_id("synthesis", *texts, length=10)
    blocks = [
        f"<<<ITEM {n} id={fence}>>>\n{fence_text(text)}\n<<<END ITEM {n} id={fence}>>>"
        for n, text in enumerate(texts, start=1)
    ]
    return prompts.synthesis_user.format(items="\n\n".join(blocks), count=len(items)), fence


def _terms(terms: list[str]) -> list[str]:
    kept: list[str] = []
    for term in terms:
        plain, removed = strip_urls(strip_markup(term), [])
        plain = plain.strip()
        if plain and not removed and not is_instruction(plain) and len(plain) <= 40:
            kept.append(plain)
    return list(dict.fromkeys(kept))[:4]


class _Checker:
    """Checks the entries of one synthesis answer and counts their sentences."""

    def __init__(self, claims: Sequence[DayClaim], evidence: Evidence) -> None:
        self.claims = {
            c.id: ClaimCheck(
                c.id,
                c.claim.text,
                "verified",
                located=Located(c.claim.source_url, 0, len(c.claim.passage), c.claim.passage),
            )
            for c in claims
        }
        self.items = {c.id: c.item for c in claims}
        self.evidence = evidence
        self.checked = Checked(answer=EventAnalysis.model_construct())
        self.results: list[SentenceCheck] = []

    def entry(
        self, path: str, lead: str, text: str, cited: list[int], judgement: bool
    ) -> tuple[str, str] | None:
        """The cleaned lead and text, or None (the problems are in ``results``)."""
        leads = check_text(
            lead,
            f"{path}.lead",
            0,
            cited,
            True,
            self.evidence,
            self.claims,
            self.checked,
            language=False,
        )
        texts = check_text(
            text, f"{path}.text", 0, cited, judgement, self.evidence, self.claims, self.checked
        )
        self.results += leads + texts
        if not leads or not texts or not all(r.ok for r in leads + texts):
            return None
        return " ".join(r.text for r in leads), " ".join(r.text for r in texts)


def verify_synthesis(
    answer: SynthesisAnswer,
    claims: Sequence[DayClaim],
    evidence: Evidence,
    report: VerificationReport,
) -> Synthesis:
    """The verified synthesis (see the module docstring)."""
    check = _Checker(claims, evidence)
    trends: list[Trend] = []
    for i, trend in enumerate(answer.trends):
        cited = [c for c in dict.fromkeys(trend.claims) if c in check.claims]
        if not cited:
            report.reason(f"trends[{i}] dropped: it cites no claim of the day's items")
            check.results.append(
                SentenceCheck(f"trends[{i}]", 0, trend.text, [], False, own=["no claim"])
            )
            continue
        cleaned = check.entry(f"trends[{i}]", trend.lead, trend.text, trend.claims, trend.judgement)
        if cleaned is None:
            report.reason(f"trends[{i}] dropped: no verifiable text")
            continue
        items = sorted({check.items[c] for c in cited})
        trends.append(Trend(lead=cleaned[0], text=cleaned[1], items=items))
    watch: list[WatchItem] = []
    for i, item in enumerate(answer.watch):
        cleaned = check.entry(f"watch[{i}]", item.lead, item.text, item.claims, item.judgement)
        if cleaned is None:
            report.reason(f"watch[{i}] dropped: no verifiable text")
            continue
        watch.append(WatchItem(lead=cleaned[0], text=cleaned[1], terms=_terms(item.terms)))
    trends, watch = trends[:MAX_TRENDS], watch[:MAX_WATCH]
    published = {t.lead for t in trends} | {t.text for t in trends}
    published |= {w.lead for w in watch} | {w.text for w in watch}
    results = check.results
    report.sentences_checked += len(results)
    passed = sum(r.ok and r.text in published for r in results)
    report.sentences_passed += passed
    report.sentences_dropped += len(results) - passed
    report.sentences_lost_to_links += sum(r.link for r in results)
    report.urls_stripped += len(check.checked.urls_stripped)
    report.markup_stripped += check.checked.markup_stripped
    for result in results:
        if not result.ok:
            report.reason(f"{result.path}: “{result.text}” — {'; '.join(result.reasons)}")
    return Synthesis(trends=trends, watch=watch)
