"""The offline watch list: follow-ups the sources announce, each under a name to track.

For each item, the sentences of its event's documents are read for something still to come:

- a **pending** marker on its own: ``planned``, ``plans to``, ``scheduled``, ``not yet``,
  ``yet to``, ``is expected to``, ``will be released/removed/added…``, ``尚未``, ``将于``,
  ``计划于``, ``预计``, ``即将`` (not "had been planned": that is the past);
- or a **future** marker (``will``, ``将``, ``会``) with a **time** to hold it to: a date
  (``on January 15``, ``by December 10``, ``12 月 12 日``), a period (``next week``,
  ``later this month``, ``until the end of March``, ``下周``) or a release (``in 4.14``).

So "v1 will stop serving traffic on January 15, 2027", "a fix is planned for 2.0.3", "names
will be added next week" and "尚未…排查训练数据污染" are follow-ups; "parsers will break" and
"will soon take gigawatts" are not. A sentence that instructs, links, asks, is a fragment (a
list's lead-in ending in a colon) or does not stand alone ("It states ...") is never quoted.

Each entry is named by a distinctive name (:func:`deepdaily.text.names.names_in`) of what
the item is about, never an organisation (an entry named "Anthropic" would follow up all of
its news): one of the sentence's names that the item's title or lead also names,
else the first name of the title or lead, else the sentence's first; an item with no such
name gives no entry, because a watch entry is kept as a watch topic (:mod:`deepdaily.watch`)
and matched by its names on later days. Its ``terms`` are that name and the sentence's names
that hold a digit (``RepoFix-500``, ``Router 2.0.4``: they pin one thing, where a plain name
such as a company's would follow up all its news); its text quotes the sentence (trimmed to
:data:`QUOTE_CHARS`) and says which item's sources said it. At most one entry per item and
per name, the best first (a date or a version to hold it to, then a name in the sentence, the
lead document, a sentence the item does not already show), then in item order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepdaily.analyse.labels import labels_for
from deepdaily.config.settings import Profile
from deepdaily.models import DigestItem, Document, Event, WatchItem
from deepdaily.text.names import Name, names_in
from deepdaily.text.sentences import (
    normalise,
    split_sentences,
    stands_alone,
    trim_at_boundary,
)
from deepdaily.text.untrusted import contains_link, is_instruction

__all__ = ["QUOTE_CHARS", "follow_ups", "is_follow_up"]

QUOTE_CHARS = 180

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_PENDING_EN = re.compile(
    r"\b(?:(?<!had been )(?<!has been )(?<!was )(?<!were )planned\b|plans? to\b|"
    r"scheduled (?:for|to)\b|upcoming\b|not yet\b|yet to\b|(?:is|are) expected to\b|"
    r"coming (?:soon|weeks|months)\b|(?:will|is to|are to) be (?:released|published|added|"
    r"removed|retired|deprecated|shipped|announced|fixed|patched|open-sourced|"
    r"made available)\b)",
    re.IGNORECASE,
)
_PENDING_ZH = re.compile(
    r"尚未|将于|计划(?:于|在|将|推出|发布|上线)|预计(?:将|于|在)|即将|有待|定于|拟于"
)
_FUTURE_EN = re.compile(r"\b(?:will|shall|going to)\b|'ll\b", re.IGNORECASE)
_FUTURE_ZH = re.compile(r"将(?!近|军)|会在|会于")
_TIME_EN = re.compile(
    rf"\b(?:on|by|until|till|from|in|before|after|through|starting)\s+(?:the\s+end\s+of\s+|"
    rf"early\s+|late\s+|mid-?)?(?:{_MONTHS}(?!\w)|Q[1-4]\b|20\d\d\b)"
    rf"|\b{_MONTHS}\s+\d{{1,2}}\b"
    r"|\b(?:next|later this|this coming)\s+(?:week|month|quarter|year|release|version)\b"
    r"|\bin\s+v?\d+\.\d+(?:\.\d+)?\b",
    re.IGNORECASE,
)
_TIME_ZH = re.compile(
    r"\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|下周|下月|下个月|下一版|年底|月底|季度|明年|本月内|本周内"
)
_ANCHOR_RE = re.compile(
    rf"{_MONTHS}\s+\d{{1,2}}|\d{{1,2}}\s*月|\bv?\d+\.\d+(?:\.\d+)?\b|\bQ[1-4]\b", re.IGNORECASE
)
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def is_follow_up(sentence: str) -> bool:
    """Whether ``sentence`` announces something still to come (module docstring)."""
    if _PENDING_EN.search(sentence) or _PENDING_ZH.search(sentence):
        return True
    if _FUTURE_EN.search(sentence) and _TIME_EN.search(sentence):
        return True
    return bool(_FUTURE_ZH.search(sentence) and _TIME_ZH.search(sentence))


def _quotable(sentence: str) -> bool:
    if is_instruction(sentence) or contains_link(sentence) or sentence.count("|") >= 2:
        return False
    if sentence.rstrip("”’」』）)\"' ").endswith(("?", "？", ":", "：")):
        return False  # a question, or a list's lead-in
    if not stands_alone(sentence):
        return False
    if _CJK_RE.search(sentence):
        return len(_CJK_RE.findall(sentence)) >= 8
    return len(sentence.split()) >= 5


@dataclass(frozen=True)
class _Candidate:
    score: int
    number: int
    quote: str
    lead: Name
    names: tuple[Name, ...]


def _documents(item: DigestItem, event: Event | None) -> list[Document]:
    docs = list(event.documents) if event else []
    lead_url = item.sources[0] if item.sources else ""
    return sorted(docs, key=lambda d: d.canonical_url != lead_url)


def _trackable(names: Sequence[Name], organisation: str) -> list[Name]:
    """The names an entry may be kept under: not an organisation, not the item's own."""
    own = organisation.casefold()
    return [n for n in names if n.kind != "organisation" and n.key != own]


def _best(number: int, item: DigestItem, event: Event | None) -> _Candidate | None:
    subject = _trackable(names_in(f"{item.title} \n{item.what}"), item.organisation)
    subject_keys = {name.key for name in subject}
    shown = {normalise(text) for text in (item.what, *item.technical)}
    best: _Candidate | None = None
    for rank, doc in enumerate(_documents(item, event)):
        for sentence in split_sentences(doc.text or doc.summary):
            if not is_follow_up(sentence) or not _quotable(sentence):
                continue
            names = tuple(_trackable(names_in(sentence), item.organisation))
            lead = next((n for n in names if n.key in subject_keys), None)
            lead = lead or (subject[0] if subject else None) or (names[0] if names else None)
            if lead is None:
                continue
            pinned = tuple(n for n in names if any(ch.isdigit() for ch in n.display))
            score = (
                2 * bool(_ANCHOR_RE.search(sentence))
                + bool(names)
                + (rank == 0)
                + (normalise(sentence) not in shown)
            )
            if best is None or score > best.score:
                quote = trim_at_boundary(sentence, QUOTE_CHARS)
                best = _Candidate(score, number, quote, lead, pinned)
    return best


def follow_ups(
    items: Sequence[DigestItem], events: Sequence[Event], profile: Profile, *, limit: int = 3
) -> list[WatchItem]:
    """The day's offline watch list (module docstring), at most ``limit`` entries."""
    labels = labels_for(profile.language)
    by_id = {event.id: event for event in events}
    found = [
        candidate
        for number, item in enumerate(items, start=1)
        if (candidate := _best(number, item, by_id.get(item.event_id))) is not None
    ]
    picked: dict[str, _Candidate] = {}
    for candidate in sorted(found, key=lambda c: (-c.score, c.number)):
        if len(picked) < limit and candidate.lead.key not in picked:
            picked[candidate.lead.key] = candidate
    return [
        WatchItem(
            lead=c.lead.display,
            text=labels.quoted([c.number], c.quote),
            terms=list(dict.fromkeys([c.lead.display, *(n.display for n in c.names)])),
        )
        for c in sorted(picked.values(), key=lambda c: c.number)
    ]
