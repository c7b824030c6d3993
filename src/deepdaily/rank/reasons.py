"""One readable English sentence per selection decision, naming the decisive factors."""

from __future__ import annotations

from deepdaily.rank.score import EventScore

__all__ = [
    "already_published",
    "below_minimum",
    "duplicate_of",
    "not_in_top",
    "not_relevant",
    "outside_window",
    "repeat_of",
    "selected",
    "update_of",
]

STRONG_RELEVANCE = 0.5
MODERATE_RELEVANCE = 0.3
AUTHORITATIVE = 0.7
NOTABLE_PENALTY = 0.02


def _relevance(score: EventScore) -> str:
    value = score.breakdown.relevance
    level = (
        "strong"
        if value >= STRONG_RELEVANCE
        else "moderate"
        if value >= MODERATE_RELEVANCE
        else "weak"
    )
    terms = ", ".join(score.breakdown.matched_terms[:3])
    return f"{level} relevance ({terms})" if terms else f"{level} relevance"


def _sources(score: EventScore) -> str:
    return f"{score.sources} independent sources" if score.sources > 1 else "single source"


def selected(rank: int, score: EventScore, follow_up: str = "") -> str:
    parts = [_sources(score), _relevance(score)]
    if score.breakdown.authority >= AUTHORITATIVE:
        parts.append("authoritative source")
    if follow_up:
        parts.append(f"follow-up of a story published on {follow_up}")
    if score.breakdown.diversity_penalty >= NOTABLE_PENALTY:
        parts.append(f"diversity penalty {score.breakdown.diversity_penalty:.2f}")
    parts.append("inside window")
    return f"selected #{rank}: {', '.join(parts)} (score {score.total:.2f})"


def outside_window() -> str:
    return "rejected: outside the digest window"


def already_published(day: str) -> str:
    return f"rejected: already published on {day}"


def repeat_of(day: str) -> str:
    """A published event whose later coverage adds nothing (``deepdaily.rank.novelty``)."""
    return f"rejected: repeat of the item published on {day}, nothing new"


def update_of(day: str, what: str) -> str:
    """The clause appended to the reason of a published event's update: what is new."""
    return f"follow-up of the item published on {day}: {what}"


def duplicate_of(rank: int) -> str:
    return f"rejected: near-duplicate of selected #{rank} (diversity)"


def not_relevant(score: EventScore, minimum: float) -> str:
    parts = [_relevance(score)]
    if score.low_value:
        parts.append(f"low-value signals ({', '.join(score.low_value)})")
    return (
        f"rejected: quiet day: relevance {score.breakdown.relevance:.2f} below "
        f"{minimum:.2f}; " + ", ".join(parts)
    )


def below_minimum(score: EventScore, minimum: float) -> str:
    parts = [_relevance(score), _sources(score)]
    if score.low_value:
        parts.append(f"low-value signals ({', '.join(score.low_value)})")
    if score.spam_documents:
        parts.append(
            f"spam signals in {score.spam_documents} document(s) "
            "(instructions aimed at AI or readers)"
        )
    return (
        f"rejected: quiet day: below the minimum score ({score.total:.2f} < {minimum:.2f}); "
        + ", ".join(parts)
    )


def not_in_top(items: int, score: EventScore) -> str:
    adjusted = score.total - score.breakdown.diversity_penalty
    return f"rejected: not in the top {items} (score {adjusted:.2f} after diversity)"
