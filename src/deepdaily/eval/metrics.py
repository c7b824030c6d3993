"""Score one replayed day against its labels: recall, precision, duplicates, clustering.

Every metric reads record ids only (the picks and the events as lists of ids), so it can be
checked on hand-made examples. Definitions, for a selection cut to the top ``k``:

* **story**: a labelled group (``LabelledDay.groups``) or, for a gold record in no group, the
  record itself (:meth:`LabelledDay.story_of`). Unlabelled distractors belong to no story.
* **gold recall**: gold stories with at least one gold record among the picks, over all gold
  stories (``n/N``). A pick holding only a non-gold near duplicate does not recall the story.
* **precision at k**: picks that bring a gold story not brought by an earlier pick, over ``k``.
  A *gold event* counts once however many gold records it holds, and a second pick of a gold
  story already picked does not count again (it shows in the duplicate rate). Dividing by ``k``
  means a day with fewer than ``k`` gold stories cannot reach 1.0.
* **pick precision**: the same count over the number of picks, so a quiet day that picks fewer
  items than ``k`` scores higher than one that fills its slots with noise.
* **duplicate rate**: picks with a story an earlier pick already had, over the picks.
* **clustering pairwise precision / recall**: the *gold pairs* are the pairs of records of one
  story (a group with its gold record). *Predicted pairs* are the pairs of records in one
  event, counted only when at least one of the two is in a story, since the labels say nothing
  about two unlabelled records. Precision is the share of predicted pairs that are gold pairs;
  recall the share of gold pairs that ended in one event. Only the day's own records count
  (records of history days in a continued event are left out).
* **adversarial selected**: 1 when a pick holds an ``adversarial`` record, else 0.

A ratio with nothing to count (no gold story, no predicted pair, no pick) is ``None``, printed
as ``n/a``; the duplicate rate of no picks is 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from deepdaily.eval.corpus import GroupKey, LabelledDay

__all__ = [
    "CEILINGS",
    "GATED_METRICS",
    "DayMetrics",
    "FollowUp",
    "Ratio",
    "cluster_pairs",
    "measure",
]

GATED_METRICS = (
    "gold_recall",
    "precision_at_k",
    "pick_precision",
    "duplicate_rate",
    "cluster_precision",
    "cluster_recall",
    "adversarial_selected",
)
CEILINGS = frozenset({"duplicate_rate", "adversarial_selected"})  # lower is better
DIGITS = 4  # every figure is rounded so pinned floors compare exactly


@dataclass(frozen=True)
class Ratio:
    """``hits`` out of ``total``; ``value`` is None when there is nothing to count."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return round(self.hits / self.total, DIGITS) if self.total else None

    def __str__(self) -> str:
        return f"{self.hits}/{self.total}"


@dataclass(frozen=True)
class FollowUp:
    """A record marked ``follow_up_of`` an earlier day's item, and what became of it."""

    record: str
    earlier: str
    gold: bool
    rank: int | None  # its pick's rank, if picked
    joined_earlier: bool  # clustered into the same event as the earlier item


@dataclass(frozen=True)
class DayMetrics:
    """The figures for one day; :meth:`gated` gives the ones floors can pin."""

    k: int
    picks: list[list[str]]
    gold_recall: Ratio
    gold_found: list[str]
    gold_missed: list[str]
    precision_at_k: Ratio
    pick_precision: Ratio
    duplicates: Ratio
    duplicate_ranks: list[int]
    cluster_precision: Ratio
    cluster_recall: Ratio
    adversarial_picked: list[str]
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates.value or 0.0

    @property
    def adversarial_selected(self) -> bool:
        return bool(self.adversarial_picked)

    def gated(self) -> dict[str, float | None]:
        """Metric name -> value, for every name in :data:`GATED_METRICS`."""
        return {
            "gold_recall": self.gold_recall.value,
            "precision_at_k": self.precision_at_k.value,
            "pick_precision": self.pick_precision.value,
            "duplicate_rate": self.duplicate_rate,
            "cluster_precision": self.cluster_precision.value,
            "cluster_recall": self.cluster_recall.value,
            "adversarial_selected": 1.0 if self.adversarial_selected else 0.0,
        }


def _pairs(members: Iterable[str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in combinations(sorted(set(members)), 2)}


def cluster_pairs(day: LabelledDay, events: Sequence[Sequence[str]]) -> tuple[Ratio, Ratio]:
    """Pairwise clustering (precision, recall) of ``events`` (record ids) against the stories."""
    own = set(day.record_ids)
    story = {r: s for r in own if (s := day.story_of(r)) is not None}
    gold_pairs: set[tuple[str, str]] = set()
    for members in day.groups.values():
        gold_pairs |= _pairs(m for m in members if m in own)
    considered = correct = 0
    for event in events:
        for a, b in _pairs(r for r in event if r in own):
            if a in story or b in story:
                considered += 1
                correct += (a, b) in gold_pairs
    return Ratio(correct, considered), Ratio(correct, len(gold_pairs))


def _follow_ups(
    day: LabelledDay, picks: Sequence[Sequence[str]], events: Sequence[Sequence[str]]
) -> list[FollowUp]:
    rank = {r: n for n, pick in enumerate(picks, start=1) for r in pick}
    home = {r: i for i, event in enumerate(events) for r in event}
    return [
        FollowUp(
            record=record,
            earlier=earlier,
            gold=record in day.gold,
            rank=rank.get(record),
            joined_earlier=record in home and home.get(earlier) == home[record],
        )
        for record, earlier in sorted(day.follow_ups.items())
    ]


def measure(
    day: LabelledDay, picks: Sequence[Sequence[str]], events: Sequence[Sequence[str]], k: int
) -> DayMetrics:
    """Score the top ``k`` of ``picks`` (record ids per selected event, in rank order).

    ``events`` lists the record ids of every event the clustering produced (history records
    may appear; they are ignored except to tell whether a follow-up joined its earlier item).
    """
    top = [list(pick) for pick in picks[:k]]
    gold_stories: dict[GroupKey, set[str]] = {}
    for record in sorted(day.gold):
        gold_stories.setdefault(day.story_of(record) or record, set()).add(record)
    picked = {r for pick in top for r in pick}
    recalled = [key for key, members in gold_stories.items() if members & picked]

    seen: set[GroupKey] = set()
    credited: set[GroupKey] = set()
    gold_events = 0
    duplicate_ranks: list[int] = []
    for rank, pick in enumerate(top, start=1):
        stories = {s for r in pick if (s := day.story_of(r)) is not None}
        new_gold = {day.story_of(r) or r for r in pick if r in day.gold} - credited
        if new_gold:
            gold_events += 1
            credited |= new_gold
        if stories & seen:
            duplicate_ranks.append(rank)
        seen |= stories

    precision, recall = cluster_pairs(day, events)
    return DayMetrics(
        k=k,
        picks=top,
        gold_recall=Ratio(len(recalled), len(gold_stories)),
        gold_found=sorted(day.gold & picked),
        gold_missed=sorted(day.gold - picked),
        precision_at_k=Ratio(gold_events, k),
        pick_precision=Ratio(gold_events, len(top)),
        duplicates=Ratio(len(duplicate_ranks), len(top)),
        duplicate_ranks=duplicate_ranks,
        cluster_precision=precision,
        cluster_recall=recall,
        adversarial_picked=sorted(day.adversarial & picked),
        follow_ups=_follow_ups(day, top, events),
    )
