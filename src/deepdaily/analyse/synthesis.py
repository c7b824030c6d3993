"""The offline synthesis: trends from what several items share, a watch list from the sources.

Nothing here is judged or written; it is found.

- A **trend** is a *named entity* several items share (:func:`deepdaily.text.names.names_in`:
  ``RepoFix-500``, ``Lumen-3 Flash``, ``Weave Router v2``; never common vocabulary such as
  ``BF16``, ``CUDA`` or ``README``), or a *theme* several items are about: one of the profile's
  ``interests`` named in their titles or leads (``what``), or a category their publishers gave
  them (a feed's tags). A name counts when it is in two or more items (title, lead or technical
  points) and in the title or lead of at least one, so an incidental mention in one quoted
  figure links nothing; a versioned name also counts for its product line
  (:func:`~deepdaily.text.names.family`: ``Tessel 2.0.1`` joins ``Tessel``) when that line
  is itself named somewhere, holds a digit or has more than one word; a theme must be in the
  title or lead of each item it joins, and is skipped when every item of a day of three or
  more shares it. Names and themes shared by
  exactly the same items make one trend (at most two leads); names come first, the widest
  first. Each trend is phrased as what it is ("第 1、2 条都与 RepoFix-500 有关",
  "Items 3 and 6 both belong to the theme “serving”"), with the items' titles. With fewer than
  two items there is none; a quiet day may honestly have none (``Labels.no_trends``).
- Never a lead: a generic word, a source's, outlet's or organisation's name or a part of one
  (they say where items come from, not what they share: ``OpenPrint``, ``LG`` of ``cs.LG``),
  a preprint category, or an internal key (a document tag such as ``outlet:arXiv`` or
  ``lang:en``: a namespaced tag is bookkeeping, not a category).
- The **watch list** quotes the follow-ups the sources announce (:mod:`.watchlist`).

Settings: ``profile.interests`` (themes); ``max_trends`` and ``max_watch`` are arguments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from deepdaily.analyse.labels import labels_for
from deepdaily.analyse.watchlist import follow_ups
from deepdaily.config.settings import Profile
from deepdaily.models import DigestItem, Event, Synthesis, Trend
from deepdaily.text.names import family, names_in
from deepdaily.text.sentences import trim_at_boundary
from deepdaily.text.terms import GENERIC_TERMS

__all__ = ["INTERNAL_TAG_RE", "synthesise_offline"]

INTERNAL_TAG_RE = re.compile(r"^[a-z][a-z0-9_-]*:")  # outlet:arXiv, lang:en
_CATEGORY_RE = re.compile(r"^[a-z]{2,8}\.[a-z]{2,4}$", re.I)  # cs.LG, stat.ML: preprint lists
_SOURCE_SPLIT_RE = re.compile(r"[\s:：|｜/()（）\[\],，]+")


@dataclass
class _Shared:
    display: str
    theme: bool
    first: int  # order of first appearance, for stable ties
    items: set[int] = field(default_factory=set)
    in_subject: set[int] = field(default_factory=set)
    named: bool = False  # named itself somewhere, not only as the line of a versioned name

    @property
    def distinct(self) -> bool:
        """Whether it may lead a trend: named, or a product line that names one thing."""
        return (
            self.theme
            or self.named
            or " " in self.display
            or any(ch.isdigit() for ch in self.display)
        )

    def rank(self) -> tuple[bool, int, int]:
        return (self.theme, -len(self.items), self.first)


def _source_fragments(items: Sequence[DigestItem], events: Sequence[Event]) -> set[str]:
    """Every source and outlet name of the day's events and items, and each word of one."""
    names = {
        name for event in events for doc in event.documents for name in (doc.source, doc.outlet)
    }
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


def _may_lead(key: str, sources: set[str]) -> bool:
    key = key.strip().casefold()
    if not key or key in GENERIC_TERMS or key in sources or _CATEGORY_RE.match(key):
        return False
    if INTERNAL_TAG_RE.match(key):
        return False
    words = key.split()
    return not (len(words) > 1 and all(w in sources or w in GENERIC_TERMS for w in words))


def _interest_pattern(interest: str) -> re.Pattern[str]:
    if re.search(r"[\u4e00-\u9fff]", interest):
        return re.compile(re.escape(interest))
    return re.compile(rf"(?<![\w-]){re.escape(interest)}s?(?![\w-])", re.IGNORECASE)


def _collect(
    items: Sequence[DigestItem], events: Sequence[Event], profile: Profile
) -> dict[tuple[bool, str], _Shared]:
    by_id = {event.id: event for event in events}
    sources = _source_fragments(items, events)
    interests = [i for i in dict.fromkeys(profile.interests) if _may_lead(i, sources)]
    seen: dict[tuple[bool, str], _Shared] = {}

    def note(
        theme: bool, key: str, display: str, number: int, subject: bool, named: bool = True
    ) -> None:
        entry = seen.setdefault((theme, key), _Shared(display, theme, len(seen)))
        entry.items.add(number)
        entry.named = entry.named or named
        if subject:
            entry.in_subject.add(number)

    for number, item in enumerate(items, start=1):
        subject = f"{item.title} \n{item.what}"
        lead_names = {name.key for name in names_in(subject)}
        for name in names_in(" \n".join([subject, *item.technical])):
            in_subject = name.key in lead_names
            if _may_lead(name.key, sources):
                note(False, name.key, name.display, number, in_subject)
            line = family(name)
            if line and _may_lead(line, sources):
                note(False, line.casefold(), line, number, in_subject, named=False)
        for interest in interests:
            if _interest_pattern(interest).search(subject):
                note(True, interest.casefold(), interest, number, True)
        event = by_id.get(item.event_id)
        tags = dict.fromkeys(t for doc in (event.documents if event else []) for t in doc.tags)
        for tag in tags:
            if _may_lead(tag, sources):
                note(True, tag.casefold(), tag, number, True)
    return seen


def _inside(entry: _Shared, group: Sequence[_Shared]) -> bool:
    """``Quill-7`` beside ``Quill-7 Turbo`` in the same items is one name, not two."""
    short = entry.display.casefold()
    return any(o.display.casefold().startswith(short + " ") for o in group if o is not entry)


def _trends(
    seen: dict[tuple[bool, str], _Shared],
    items: Sequence[DigestItem],
    profile: Profile,
    limit: int,
) -> list[Trend]:
    labels = labels_for(profile.language)
    groups: dict[frozenset[int], list[_Shared]] = {}
    for entry in seen.values():
        if len(entry.items) < 2:
            continue
        if entry.theme:
            universal = len(items) >= 3 and len(entry.items) == len(items)
            if universal or entry.in_subject != entry.items:
                continue
        elif not entry.in_subject or not entry.distinct:
            continue  # mentioned in passing by every item that names it, or a bare word
        groups.setdefault(frozenset(entry.items), []).append(entry)
    ordered = sorted(groups.items(), key=lambda g: min(e.rank() for e in g[1]))
    trends: list[Trend] = []
    for numbers, entries in ordered[:limit]:
        picked = [e for e in sorted(entries, key=_Shared.rank) if not _inside(e, entries)][:2]
        lead = labels.list_sep.join(e.display for e in picked)
        order = sorted(numbers)
        titles = [trim_at_boundary(items[n - 1].title, 60).rstrip("。.!！?？;；") for n in order]
        text = labels.shared(order, lead, titles, theme=all(e.theme for e in picked))
        trends.append(Trend(lead=lead, text=text, items=order))
    return trends


def synthesise_offline(
    items: Sequence[DigestItem],
    events: Sequence[Event],
    profile: Profile,
    *,
    max_trends: int = 5,
    max_watch: int = 3,
) -> Synthesis:
    """Trends from shared names and themes, a watch list from announced follow-ups."""
    trends = _trends(_collect(items, events, profile), items, profile, max_trends)
    watch = follow_ups(items, events, profile, limit=max_watch)
    return Synthesis(trends=trends, watch=watch)
