"""The LLM synthesis: the day's trends and watch list, grounded in the items just written.

The prompt carries only the items' own text (title, what, why, technical points, impact and
their verified passages), each fenced as data like the sources of an event. The answer is
checked like an item (:func:`~deepdaily.verify.analysis.clean_field`): no links at all (a
synthesis has no source URLs), no markup, no instructions, no fact that is not in the items,
the profile's language. A watch item looks ahead, so it may name a project or organisation the
items do not (what to follow next), but not a number or a date they do not have. A trend keeps
only item numbers that exist and is dropped when none remain; a watch item keeps terms that
are plain words.
"""

from __future__ import annotations

from collections.abc import Sequence

from deepdaily.analyse.grounding import fence_text
from deepdaily.analyse.prompts import Prompts
from deepdaily.analyse.schema import EventAnalysis, SynthesisAnswer
from deepdaily.models import DigestItem, Synthesis, Trend, WatchItem, content_id
from deepdaily.text.facts import FactKind
from deepdaily.text.links import strip_urls
from deepdaily.text.sanitise import is_instruction, strip_markup
from deepdaily.verify.analysis import Checked, clean_field
from deepdaily.verify.report import VerificationReport
from deepdaily.verify.sentence import Evidence

__all__ = ["MAX_TRENDS", "MAX_WATCH", "item_texts", "synthesis_user", "verify_synthesis"]

MAX_TRENDS = 5
MAX_WATCH = 4
_DATED: tuple[FactKind, ...] = ("number", "date")  # a watch item may name what to follow


def item_texts(items: Sequence[DigestItem]) -> list[str]:
    """Each item's text as the synthesis sees it, verified passages included."""
    texts: list[str] = []
    for item in items:
        lines = [f"{item.organisation}: {item.title}", item.what]
        if item.why:
            lines.append(item.why)
        lines.extend(item.technical)
        lines.extend(item.impact or [])
        lines.extend(c.passage for c in item.claims if c.status == "verified" and c.passage)
        texts.append("\n".join(line for line in lines if line))
    return texts


def synthesis_user(items: Sequence[DigestItem], prompts: Prompts) -> tuple[str, str]:
    """The user message and the content hash of the items it was built from."""
    texts = item_texts(items)
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


def verify_synthesis(
    answer: SynthesisAnswer, count: int, evidence: Evidence, report: VerificationReport
) -> Synthesis:
    """The verified synthesis (see the module docstring); ``count`` is the number of items."""
    checked = Checked(analysis=EventAnalysis.model_construct())
    trends: list[Trend] = []
    for i, trend in enumerate(answer.trends):
        lead = clean_field(trend.lead, f"trends[{i}].lead", evidence, checked, language=False)
        text = clean_field(trend.text, f"trends[{i}].text", evidence, checked)
        numbers = list(dict.fromkeys(n for n in trend.items if 1 <= n <= count))
        if trend.items and len(numbers) < len(trend.items):
            report.reason(f"trends[{i}]: item numbers {trend.items} reduced to {numbers}")
        if lead and text and numbers:
            trends.append(Trend(lead=lead, text=text, items=numbers))
        else:
            report.reason(f"trends[{i}] dropped: no verifiable text or no existing item")
    watch: list[WatchItem] = []
    for i, item in enumerate(answer.watch):
        lead = clean_field(
            item.lead, f"watch[{i}].lead", evidence, checked, language=False, fact_kinds=_DATED
        )
        text = clean_field(item.text, f"watch[{i}].text", evidence, checked, fact_kinds=_DATED)
        if lead and text:
            watch.append(WatchItem(lead=lead, text=text, terms=_terms(item.terms)))
        else:
            report.reason(f"watch[{i}] dropped: no verifiable text")
    report.sentences_checked += checked.sentences_checked
    report.sentences_dropped += checked.sentences_dropped
    report.urls_stripped += len(checked.urls_stripped)
    report.markup_stripped += checked.markup_stripped
    for problem in checked.problems:
        report.reason(problem.line())
    return Synthesis(trends=trends[:MAX_TRENDS], watch=watch[:MAX_WATCH])
