"""Memory keys: what a later day's document must share with an event to be joined to it.

Clustering joins a new document to an earlier event only through evidence it shares with one
of the event's documents, and every stage finds its pairs through shared keys, never by
comparing all pairs: exact duplicates share a fingerprint or a URL; stories share entities,
title words or links, weighted, and a pair is compared only when its shared weight reaches
:data:`~deepdaily.cluster.stories.MIN_KEY_SCORE` (``stories.py``); stories across languages
share anchors (``crosslang.py``); near duplicates share most of their words, so their titles'
words and names too.

The keys of a document are those, each hashed to 15 hex characters behind a letter saying its
kind, which gives its weight (:data:`WEIGHTS`, as ``stories.py`` counts them; an anchor counts
as an entity of its kind, a fingerprint or URL alone suffices). :func:`joinable` scores an
earlier event by the weights of the keys a document shares with any of its documents: since an
event's keys are the union of its documents', that score bounds every pair's from above, so
the events it keeps include every event the clustering could join the document to.

A store keeps the keys of the events in its memory window (:mod:`deepdaily.store.memory`), so a
run loads only the earlier events today's documents can join, not the whole window: the day's
cost stays that of the day, however long the history.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from deepdaily.cluster.anchors import anchors
from deepdaily.cluster.features import DocFeatures, document_text
from deepdaily.cluster.stories import MIN_KEY_SCORE
from deepdaily.models import Document

__all__ = ["WEIGHTS", "joinable", "memory_keys"]

#: The weight of a key by its kind letter: t title word, n single name, e other entity,
#: l link, m anchor name, a other anchor, f text fingerprint, u URL.
WEIGHTS: dict[str, float] = {
    "t": 1.0,
    "n": 1.0,
    "e": 2.0,
    "l": 2.0,
    "m": 1.0,
    "a": 2.0,
    "f": MIN_KEY_SCORE,
    "u": MIN_KEY_SCORE,
}


def _key(kind: str, value: str) -> str:
    return kind + hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).hexdigest()[:15]


def memory_keys(doc: Document, features: DocFeatures) -> frozenset[str]:
    """The keys through which ``doc`` can be joined to an event, or an event to it."""
    keys = {_key("t", word) for word in features.title_terms}
    keys.update(_key("n" if e.kind == "name" else "e", e.key) for e in features.entities)
    keys.update(_key("l", link) for link in features.links)
    found = anchors(f"{doc.title}\n{document_text(doc)}")
    keys.update(_key("m" if a.kind == "name" else "a", a.key) for a in found)
    if features.fingerprint:
        keys.add(_key("f", features.fingerprint))
    keys.add(_key("u", doc.canonical_url or doc.url))
    return frozenset(keys)


def joinable(keys: Iterable[str], postings: Mapping[str, Iterable[str]]) -> set[str]:
    """The events (``postings``: key -> events holding it) sharing weight enough with a
    document holding ``keys`` for the clustering to compare them."""
    score: dict[str, float] = {}
    for key in keys:
        weight = WEIGHTS.get(key[:1], 1.0)
        for event_id in postings.get(key, ()):
            score[event_id] = score.get(event_id, 0.0) + weight
    return {event_id for event_id, total in score.items() if total >= MIN_KEY_SCORE - 1e-9}
