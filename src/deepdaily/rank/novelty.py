"""Is a published event's later coverage an update, or a plain repeat?

An event keeps its id across days, so a story published in an earlier digest comes back as
soon as anything new joins it. :func:`assess_newness` compares the documents that arrived after
that digest (``later``) with the ones it saw (``earlier``) and returns a :class:`Newness`:

- **new facts**: figures (numbers with their units, dates, versions) and names (models,
  products, organisations) that no earlier document states (:mod:`deepdaily.rank.newfacts`,
  checked with :class:`deepdaily.text.facts.FactIndex`, so ``$3 billion`` = ``30 亿``). A
  later document's own publication day is not a new fact, nor is its outlet's name;
- **new sentences**: substantial ones (at least :data:`MIN_SENTENCE_TERMS` content words) of
  which at least :data:`NEW_SENTENCE_SHARE` of the content words appear nowhere in the earlier
  documents; a reworded sentence reuses the earlier words and is not new;
- **markers**: an explicit correction or update (``update``, ``correction``, ``postmortem``,
  ``更正``, ``更新``, ``复盘``...) in a later title or its first :data:`MARKER_SENTENCES`
  sentences.

Documents carrying spam or injection text (:func:`deepdaily.rank.signals.spam_signals`) are
ignored. The later coverage is an **update** (:attr:`Newness.is_update`) when it has at least
:data:`MIN_NEW_FACTS` new facts; or one new fact with a new sentence or a marker; or, without new
facts, at least :data:`MIN_NEW_SENTENCES` new sentences. Anything less is a plain repeat. An
update is selected at novelty :data:`UPDATE_NOVELTY`, a repeat at novelty 0 (never).

New facts are listed most telling first: stated by more of the later documents, then said in a
sentence that resembles an earlier one (a figure that replaces an earlier figure: "p99 is now
1.6 s", "retires on February 1 instead of January 15"), then in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from deepdaily.cluster.events import document_time
from deepdaily.models import Document
from deepdaily.rank.newfacts import FoundFact, content_terms, document_sentences, facts_in
from deepdaily.rank.signals import spam_signals
from deepdaily.text.facts import FactIndex, fold

__all__ = [
    "MARKER_SENTENCES",
    "MIN_NEW_FACTS",
    "MIN_NEW_SENTENCES",
    "MIN_SENTENCE_TERMS",
    "NEW_SENTENCE_SHARE",
    "SHOWN_FACTS",
    "UPDATE_NOVELTY",
    "Newness",
    "assess_newness",
]

UPDATE_NOVELTY = 0.6
"""Novelty of an update of a published event: below a new story (1.0), above a repeat (0)."""
MIN_NEW_FACTS = 2
MIN_NEW_SENTENCES = 3
MIN_SENTENCE_TERMS = 8
NEW_SENTENCE_SHARE = 0.5
MARKER_SENTENCES = 3
SHOWN_FACTS = 4
"""How many new facts the selection reason names."""

_MARKER_RE = re.compile(
    r"(?<![A-Za-z])(updated?|correction|corrected|post-?mortem|incident report|root cause|"
    r"retraction|retracted|erratum|clarification|revised)(?![A-Za-z])"
    r"|(更正|更新|复盘|勘误|澄清|事故报告|修正|订正)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Newness:
    """What the later coverage of a published event adds to it."""

    facts: tuple[FoundFact, ...] = ()  # most telling first
    sentences: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    documents: int = 0  # later documents compared (spam excluded)

    @property
    def is_update(self) -> bool:
        facts = len(self.facts)
        return (
            facts >= MIN_NEW_FACTS
            or (facts >= 1 and bool(self.sentences or self.markers))
            or len(self.sentences) >= MIN_NEW_SENTENCES
        )

    def describe(self) -> str:
        """``new figures 1.6 s, Feb 1; new names Router 2.0; marked as postmortem``."""
        shown = self.facts[:SHOWN_FACTS]
        figures = [f.display for f in shown if f.kind == "figure"]
        names = [f.display for f in shown if f.kind == "name"]
        parts = []
        if figures:
            parts.append("new figures " + ", ".join(figures))
        if names:
            parts.append("new names " + ", ".join(names))
        if not parts and self.sentences:
            count = len(self.sentences)
            parts.append(f"{count} new sentence{'s' if count > 1 else ''}")
        if self.markers:
            parts.append(f"marked as {self.markers[0]}")
        return "; ".join(parts) if parts else "nothing new"


@dataclass
class _Earlier:
    """What the earlier digest saw: its facts, its words and its sentences' words."""

    index: FactIndex
    vocabulary: set[str] = field(default_factory=set)
    sentences: list[frozenset[str]] = field(default_factory=list)  # words only, no figures

    def knows(self, found: FoundFact) -> bool:
        """Whether an earlier document states ``found`` (a name anywhere in the folded text)."""
        if found.kind == "name":
            return found.key[-1] in self.index.folded
        return self.index.supports(found.fact)

    def overlap(self, sentence: str) -> float:
        """Share of ``sentence``'s content words found together in one earlier sentence (a
        sentence shorter than MIN_SENTENCE_TERMS words counts as that long: it says little)."""
        terms = content_terms(sentence, numbers=False)
        size = max(len(terms), MIN_SENTENCE_TERMS)
        return max((len(terms & other) / size for other in self.sentences), default=0.0)


def _earlier(earlier: Sequence[Document], days: set[date]) -> _Earlier:
    texts = [f"{d.title}\n{d.summary}\n{d.text}" for d in earlier]
    seen = _Earlier(FactIndex.from_texts(texts, published=sorted(days)))
    for doc in earlier:
        for sentence in document_sentences(doc):
            seen.vocabulary |= content_terms(sentence)
            seen.sentences.append(content_terms(sentence, numbers=False))
    return seen


def _outlet_keys(doc: Document) -> set[str]:
    host = urlsplit(doc.canonical_url or doc.url).hostname or ""
    return {key for key in (fold(doc.outlet), fold(host)) if key}


def _is_new_sentence(sentence: str, vocabulary: set[str]) -> bool:
    terms = content_terms(sentence)
    if len(terms) < MIN_SENTENCE_TERMS:
        return False
    return len(terms - vocabulary) / len(terms) >= NEW_SENTENCE_SHARE


def _markers(doc: Document) -> list[str]:
    head = " ".join(document_sentences(doc)[: MARKER_SENTENCES + 1])
    return [match.group().lower() for match in _MARKER_RE.finditer(head)]


def _ordered(documents: Sequence[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (-d.authority, document_time(d), d.id))


def assess_newness(earlier: Sequence[Document], later: Sequence[Document]) -> Newness:
    """What ``later`` documents add to the ``earlier`` ones (see the module docstring)."""
    later = [d for d in _ordered(later) if not spam_signals(f"{d.title}\n{d.text}")]
    if not later:
        return Newness()
    days = {document_time(d).date() for d in (*earlier, *later)}
    seen = _earlier(earlier, days)
    first: dict[tuple[str, ...], FoundFact] = {}
    stated_by: dict[tuple[str, ...], set[str]] = {}
    sentences: dict[str, None] = {}
    markers: dict[str, None] = {}
    for doc in later:
        outlet = _outlet_keys(doc)
        for found in facts_in(doc):
            if found.key in first:
                stated_by[found.key].add(doc.id)
            elif not seen.knows(found) and not (
                found.kind == "name" and any(found.key[-1] in o for o in outlet)
            ):
                first[found.key] = found
                stated_by[found.key] = {doc.id}
        for sentence in document_sentences(doc):
            if _is_new_sentence(sentence, seen.vocabulary):
                sentences.setdefault(sentence)
        markers.update(dict.fromkeys(_markers(doc)))
    order = {key: position for position, key in enumerate(first)}
    facts = sorted(
        first.values(),
        key=lambda f: (-len(stated_by[f.key]), -round(seen.overlap(f.sentence), 1), order[f.key]),
    )
    return Newness(
        facts=tuple(facts),
        sentences=tuple(sentences),
        markers=tuple(markers),
        documents=len(later),
    )
