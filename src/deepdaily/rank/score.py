"""Score one event: authority, coverage, relevance, recency, novelty, each in [0, 1].

``total = W_AUTHORITY * authority + W_COVERAGE * coverage + W_RELEVANCE * relevance
+ W_RECENCY * recency + W_NOVELTY * novelty``; the weights sum to 1, so ``total`` is in [0, 1]
and ``profile.min_score`` reads on the same scale.

* **authority**: the highest ``Document.authority`` (copied from the source's settings).
* **coverage**: independent sources, saturating: ``1 - exp(-(n - 1) / COVERAGE_SCALE)``, so one
  source is 0, two 0.39, three 0.63, five 0.86. Near-verbatim copies (syndication) of another
  source's document do not count as independent.
* **relevance**: the best clean document's reading (``signals.py``): interests matched
  (``profile.interests``) and technical depth (practice terms count 1.5, benchmarks, figures
  and versioned names add points), scaled by the share of technical signal against low-value
  signal. A spam document keeps :data:`SPAM_FACTOR` of its relevance and costs its event up
  to :data:`SPAM_DILUTION` (by share of documents): selecting the event would carry it along.
* **recency**: 0.5 at the window's start to 1.0 at its end, by the newest document inside it.
* **novelty**: set by the caller from the published events (1.0 when new).

A profile may set its own weights (``Profile.weights``, by component name); a component it does
not name keeps the module default, so the default profile scores exactly as above. Weights that
do not sum to 1 move ``total`` off the ``min_score`` scale: keep them summing to 1.

A :class:`Boost` from outside the score (a watch-list follow-up, ``deepdaily.watch``; the LLM
relevance judgement, ``rank/judge.py``) is added to ``total`` by :func:`apply_boost`, so a
boosted total may exceed 1; the caller writes its reason into the selection reason. Boosts from
several sources for one event are combined by :func:`merge_boosts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from deepdaily.cluster.features import MAX_BODY_CHARS, doc_shingles, document_text
from deepdaily.cluster.near import NEAR_DUPLICATE_JACCARD, jaccard
from deepdaily.models import Document, Event, ScoreBreakdown
from deepdaily.rank.signals import Signals, read_signals
from deepdaily.rank.window import position_in_window, times_in_window

__all__ = [
    "DEFAULT_WEIGHTS",
    "W_AUTHORITY",
    "W_COVERAGE",
    "W_NOVELTY",
    "W_RECENCY",
    "W_RELEVANCE",
    "Boost",
    "EventScore",
    "apply_boost",
    "document_relevance",
    "independent_sources",
    "merge_boosts",
    "score_event",
]

W_AUTHORITY = 0.15
W_COVERAGE = 0.20
W_RELEVANCE = 0.50  # the digest is for engineers and researchers: substance first
W_RECENCY = 0.05  # the window already filters; inside it, age matters little
W_NOVELTY = 0.10
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "authority": W_AUTHORITY,
    "coverage": W_COVERAGE,
    "relevance": W_RELEVANCE,
    "recency": W_RECENCY,
    "novelty": W_NOVELTY,
}

COVERAGE_SCALE = 2.0
INTEREST_SCALE = 3.0  # interests matched for 63 % of the interest part
DEPTH_SCALE = 5.0  # depth points for 63 % of the depth part
PRACTICE_WEIGHT = 1.5  # a practice term counts this many depth points
INTEREST_SHARE = 0.4  # of the positive part, when the profile has interests
LOW_VALUE_WEIGHT = 1.5  # one low-value term outweighs one technical term by this much
GENRE_FACTOR = 0.3  # relevance kept by a job ad or an event announcement (signals.TITLE_GENRES)
SPAM_FACTOR = 0.1  # relevance kept by a document carrying spam/injection text
SPAM_DILUTION = 0.5  # an event loses up to this share of relevance as its spam share grows
MAX_TERMS = 8


@dataclass(frozen=True, slots=True)
class DocRelevance:
    value: float
    terms: list[str]
    signals: Signals


@dataclass
class EventScore:
    """A breakdown plus the facts the selection reason is written from."""

    breakdown: ScoreBreakdown
    sources: int
    in_window: bool
    spam_documents: int
    low_value: list[str] = field(default_factory=list)  # categories in the best document

    @property
    def total(self) -> float:
        return self.breakdown.total


@dataclass(frozen=True, slots=True)
class Boost:
    """An amount added to an event's total from outside the score, and why (one phrase)."""

    amount: float
    reason: str


def apply_boost(score: EventScore, boost: Boost) -> None:
    """Add ``boost`` to the total in place (before the minimum score and the MMR picks)."""
    score.breakdown.total = round(score.breakdown.total + boost.amount, 4)


def merge_boosts(*boosts: Mapping[str, Boost]) -> dict[str, Boost]:
    """One boost per event id: the amounts added, the reasons joined with ``"; "`` in order."""
    merged: dict[str, Boost] = {}
    for mapping in boosts:
        for event_id, boost in mapping.items():
            if event_id in merged:
                before = merged[event_id]
                boost = Boost(
                    amount=round(before.amount + boost.amount, 4),
                    reason=f"{before.reason}; {boost.reason}",
                )
            merged[event_id] = boost
    return merged


def document_relevance(doc: Document, interests: Sequence[str]) -> DocRelevance:
    sig = read_signals(
        f"{doc.title}\n{document_text(doc)[:MAX_BODY_CHARS]}", interests, title=doc.title
    )
    depth_points = (
        len(sig.depth)
        + PRACTICE_WEIGHT * len(sig.practice)
        + min(len(sig.benchmarks), 3)
        + 0.75 * min(sig.figures, 4)
        + 0.5 * min(sig.versions, 3)
    )
    depth = 1.0 - math.exp(-depth_points / DEPTH_SCALE)
    if interests:
        interest = 1.0 - math.exp(-len(sig.interests) / INTEREST_SCALE)
        positive = INTEREST_SHARE * interest + (1.0 - INTEREST_SHARE) * depth
    else:
        positive = depth
    technical = len(sig.interests) + depth_points
    low = sum(len(terms) for terms in sig.low_value.values())
    share = technical / (technical + LOW_VALUE_WEIGHT * low) if technical else 0.0
    value = positive * share
    if sig.genres:
        value *= GENRE_FACTOR
    if sig.spam:
        value *= SPAM_FACTOR
    terms = list(dict.fromkeys([*sig.interests, *sig.practice, *sig.depth]))
    return DocRelevance(value=value, terms=terms[:MAX_TERMS], signals=sig)


def independent_sources(documents: Sequence[Document]) -> int:
    """Distinct sources, not counting near-verbatim copies of another source's document."""
    counted: list[tuple[str, np.ndarray]] = []
    for doc in documents:
        source = doc.outlet.strip().lower()
        if any(source == s for s, _ in counted):
            continue
        body = doc_shingles(doc)
        if any(jaccard(body, other) >= NEAR_DUPLICATE_JACCARD for _, other in counted):
            continue
        counted.append((source, body))
    return max(1, len(counted))


def _recency(event: Event, window: tuple[datetime, datetime]) -> tuple[float, bool]:
    inside = times_in_window(event, window)
    if not inside:
        return 0.0, False
    return 0.5 + 0.5 * position_in_window(max(inside), window), True


def score_event(
    event: Event,
    interests: Sequence[str],
    window: tuple[datetime, datetime],
    novelty: float = 1.0,
    weights: Mapping[str, float] | None = None,
) -> EventScore:
    """The event's score; ``weights`` (by component name) override :data:`DEFAULT_WEIGHTS`."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    readings = [document_relevance(doc, interests) for doc in event.documents]
    clean = [r for r in readings if not r.signals.spam]
    spam = len(readings) - len(clean)
    if clean:
        best = max(clean, key=lambda r: r.value)
        relevance = best.value * (1.0 - SPAM_DILUTION * spam / len(readings))
    else:
        best = max(readings, key=lambda r: r.value)
        relevance = best.value
    sources = independent_sources(event.documents)
    coverage = 1.0 - math.exp(-(sources - 1) / COVERAGE_SCALE)
    authority = max((doc.authority for doc in event.documents), default=0.0)
    recency, in_window = _recency(event, window)
    total = (
        w["authority"] * authority
        + w["coverage"] * coverage
        + w["relevance"] * relevance
        + w["recency"] * recency
        + w["novelty"] * novelty
    )
    breakdown = ScoreBreakdown(
        authority=round(authority, 4),
        coverage=round(coverage, 4),
        relevance=round(relevance, 4),
        recency=round(recency, 4),
        novelty=round(novelty, 4),
        total=round(total, 4),
        matched_terms=best.terms,
    )
    return EventScore(
        breakdown=breakdown,
        sources=sources,
        in_window=in_window,
        spam_documents=spam,
        low_value=sorted({*best.signals.low_value, *best.signals.genres}),
    )
