"""Recall the earlier events a day's documents can join, through the event memory index.

The cluster stage joins the day's documents to events of the last ``EVENT_MEMORY_DAYS``. It
does not load that whole window: it computes each document's features once (the clustering
reuses them), asks the index (:class:`deepdaily.store.memory.EventMemory`) which recent events
hold the documents' keys (:func:`deepdaily.cluster.memory.memory_keys`), and loads only those
sharing weight enough with a document to be compared with it
(:func:`~deepdaily.cluster.memory.joinable`), plus the events the documents already belong to
(a re-run of the day). Events stored before the index existed are indexed once, the first time
a run meets them. After the clustering, :func:`remember` adds the day's keys to the events
they went to and forgets the keys of events older than the window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from deepdaily.cluster.features import DocFeatures, doc_features
from deepdaily.cluster.memory import joinable, memory_keys
from deepdaily.models import Document, Event
from deepdaily.store import Store
from deepdaily.store.memory import EventMemory

__all__ = ["Recall", "recall_known", "remember"]


@dataclass
class Recall:
    """The earlier events to cluster with, and what was computed to find them."""

    known: list[Event]
    features_of: dict[str, DocFeatures] = field(default_factory=dict)
    keys_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # document id -> keys
    indexed_now: int = 0  # events of the window indexed for the first time
    since: datetime | None = None  # the start of the memory window


def recall_known(store: Store, documents: Sequence[Document], since: datetime) -> Recall:
    """The events last seen since ``since`` that the ``documents`` can join."""
    memory = EventMemory(store)
    features_of = {doc.id: doc_features(doc, with_shingles=False) for doc in documents}
    # Held through the clustering: one string per distinct key (documents share most of
    # theirs: title words, names) and a tuple per document, not a frozenset of new strings
    # (4.4 KB a document, 440 MB at 100k documents).
    shared: dict[str, str] = {}
    keys_of = {
        doc.id: tuple(shared.setdefault(k, k) for k in memory_keys(doc, features_of[doc.id]))
        for doc in documents
    }
    del shared
    unindexed = memory.unindexed(since)
    if unindexed:  # stored before the index: index them once, from all their documents
        events = store.events_by_id(unindexed)
        memory.index(
            {ev.id: _keys(ev.documents) for ev in events}, {ev.id: ev.last_seen for ev in events}
        )
    postings = memory.postings({key for keys in keys_of.values() for key in keys}, since)
    wanted = {doc.event_id for doc in documents if doc.event_id}  # a re-run of the day
    for keys in keys_of.values():
        wanted |= joinable(keys, postings)
    known = [ev for ev in store.events_by_id(wanted) if ev.last_seen >= since]
    return Recall(known, features_of, keys_of, len(unindexed), since)


def remember(store: Store, events: Sequence[Event], recall: Recall) -> None:
    """Add the keys of the day's documents to the events they are in now, and forget the keys
    of events no run of a later day can recall (last seen before the memory window), so the
    index holds the window, however long the history."""
    keys_of = {
        ev.id: frozenset(key for doc in ev.documents for key in recall.keys_of.get(doc.id, ()))
        for ev in events
    }
    memory = EventMemory(store)
    memory.index(keys_of, {ev.id: ev.last_seen for ev in events})
    if recall.since is not None:
        memory.forget_before(recall.since)


def _keys(documents: Sequence[Document]) -> frozenset[str]:
    return frozenset(
        key for doc in documents for key in memory_keys(doc, doc_features(doc, with_shingles=False))
    )
