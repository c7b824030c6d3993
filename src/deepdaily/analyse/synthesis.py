"""Keyword synthesis: trends and a watch list counted, not judged.

Each item's terms (:func:`~deepdaily.analyse.facts.terms_in`) come from what a reader sees of
it, its title, *what* and technical points, plus the tags of its event's documents. Its
organisation is not read: it names a source, not a topic.

- A term is never a lead when it is a generic word (``GENERIC_TERMS``: "model", "training",
  "GPU"...) or the name of a source, an outlet or a fragment of one ("OpenPrint", "LG" of
  ``cs.LG``, a preprint category tag): those say where items come from, not what they share.
- A **trend** is a term shared by two or more items. Terms shared by exactly the same items are
  merged into one lead (at most two names); a term every item shares, on a day with three or
  more items, says nothing and is skipped. Distinctive entities come first (model, product and
  benchmark names such as ``RepoFix-500``), then technical topics and names (``FP8``,
  ``speculative decoding``), then single-word interests; within a tier, the widest first. At
  most ``max_trends``. With fewer than two items there is no trend.
- A **watch** entry is a term that occurs at least twice but is not already a trend lead,
  ranked the same way, and its text says it was picked by frequency.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from deepdaily.analyse.facts import GENERIC_TERMS, Term, terms_in
from deepdaily.analyse.labels import Labels, labels_for
from deepdaily.analyse.sentences import trim_at_boundary
from deepdaily.config.settings import Profile
from deepdaily.models import DigestItem, Event, Synthesis, Trend, WatchItem

__all__ = ["synthesise_keywords"]

# Number formats and accelerators are technical topics, not one story's entities.
_COMMON_MODEL_RE = re.compile(r"^(?:fp|bf|int|tf|mx|nf)\d+|^[a-z]{1,2}\d{2,3}[a-z]{0,2}$", re.I)
_CATEGORY_RE = re.compile(r"^[a-z]{2,8}\.[a-z]{2,4}$", re.I)  # cs.LG, stat.ML: preprint lists
_SOURCE_SPLIT_RE = re.compile(r"[\s:：|｜/()（）\[\],，]+")


@dataclass
class _Seen:
    display: str
    kind: str
    first: int  # order of first appearance, for stable ties
    items: set[int] = field(default_factory=set)
    count: int = 0

    @property
    def tier(self) -> int:
        """0: a distinctive entity (a model, product or benchmark name); 1: a technical topic
        or a name (FP8, KV, a multi-word interest or tag); 2: a single-word interest or tag."""
        if self.kind in ("model", "benchmark"):
            return 1 if _COMMON_MODEL_RE.match(self.display) else 0
        if self.kind in ("name", "organisation") or " " in self.display.strip():
            return 1
        return 2

    def rank(self) -> tuple[int, int, int, int]:
        return (self.tier, -len(self.items), -self.count, self.first)


def _item_terms(item: DigestItem, event: Event | None, profile: Profile) -> Counter[Term]:
    text = " \n".join([item.title, item.what, *item.technical])
    terms = terms_in(text, profile.interests)
    if event is not None:
        for tag in dict.fromkeys(t for doc in event.documents for t in doc.tags):
            terms[Term(tag.casefold(), tag, "tag")] += 1
    return terms


def _same_thing(a: _Seen, b: _Seen) -> bool:
    """``Lumen-3`` and ``Lumen-3 Flash`` in the same items are one entry, not two."""
    short, long = sorted((a.display.casefold(), b.display.casefold()), key=len)
    return a.items == b.items and long.startswith(short + " ")


def _source_fragments(items: Sequence[DigestItem], events: Sequence[Event]) -> set[str]:
    """Every source name of the day's events and items, and each word and part of one."""
    names = {doc.source for event in events for doc in event.documents}
    names.update(item.organisation for item in items)
    fragments: set[str] = set()
    for name in names:
        folded = name.strip().casefold()
        if not folded:
            continue
        fragments.add(folded)
        for word in _SOURCE_SPLIT_RE.split(folded):
            if word:
                fragments.add(word)
                fragments.update(part for part in re.split(r"[.\-_]+", word) if part)
    return fragments


def _is_lead(term: Term, sources: set[str]) -> bool:
    """Whether ``term`` may name a trend or a watch entry (module docstring)."""
    key = term.key.strip()
    if key in GENERIC_TERMS or key in sources or _CATEGORY_RE.match(key):
        return False
    words = key.split()
    return not (len(words) > 1 and all(w in sources or w in GENERIC_TERMS for w in words))


def _collect(
    items: Sequence[DigestItem], events: Sequence[Event], profile: Profile
) -> dict[str, _Seen]:
    by_id = {event.id: event for event in events}
    sources = _source_fragments(items, events)
    seen: dict[str, _Seen] = {}
    for number, item in enumerate(items, start=1):
        for term, count in _item_terms(item, by_id.get(item.event_id), profile).items():
            if not _is_lead(term, sources):
                continue
            entry = seen.setdefault(term.key, _Seen(term.display, term.kind, len(seen)))
            entry.items.add(number)
            entry.count += count
    return seen


def _title(item: DigestItem) -> str:
    return trim_at_boundary(item.title, 60).rstrip("。.!！?？;；")


def _trends(
    seen: dict[str, _Seen], items: Sequence[DigestItem], labels: Labels, limit: int
) -> tuple[list[Trend], set[str]]:
    groups: dict[frozenset[int], list[_Seen]] = {}
    for entry in seen.values():
        shared = len(entry.items) >= 2
        universal = len(items) >= 3 and len(entry.items) == len(items)
        if shared and not universal:
            groups.setdefault(frozenset(entry.items), []).append(entry)
    ordered = sorted(groups.items(), key=lambda g: min(e.rank() for e in g[1]))
    trends: list[Trend] = []
    leads: set[str] = set()
    for numbers, entries in ordered[:limit]:
        names = [e.display for e in sorted(entries, key=_Seen.rank)[:2]]
        leads.update(name.casefold() for name in names)
        lead = labels.list_sep.join(names)
        order = sorted(numbers)
        titles = [_title(items[n - 1]) for n in order]
        trends.append(Trend(lead=lead, text=labels.shared(order, lead, titles), items=order))
    return trends, leads


def synthesise_keywords(
    items: Sequence[DigestItem],
    events: Sequence[Event],
    profile: Profile,
    *,
    max_trends: int = 5,
    max_watch: int = 3,
) -> Synthesis:
    """Trends and watch entries from the items' shared and frequent terms (module docstring)."""
    labels = labels_for(profile.language)
    seen = _collect(items, events, profile)
    trends, leads = _trends(seen, items, labels, max_trends)
    candidates = [e for key, e in seen.items() if key not in leads and e.count >= 2]
    picked: list[_Seen] = []
    for entry in sorted(candidates, key=_Seen.rank):
        if len(picked) >= max_watch:
            break
        if not any(_same_thing(entry, other) for other in picked):
            picked.append(entry)
    watch = [
        WatchItem(
            lead=entry.display,
            text=labels.watch_text.format(
                count=entry.count, items=labels.items_phrase(sorted(entry.items))
            ),
            terms=[entry.display],
        )
        for entry in picked
    ]
    return Synthesis(trends=trends, watch=watch)
