"""Group documents into events: ``cluster_documents(documents, known) -> list[Event]``.

Three stages feed one union-find over the documents and the documents of known events:

1. exact duplicates (``exact.py``): same id, canonical URL or normalised text;
2. near duplicates (``near.py``): MinHash LSH on shingles, confirmed by exact Jaccard;
3. the same story told differently (``stories.py``): TF-IDF cosine with shared entities or links;
   and, across languages (``crosslang.py``), shared language-independent anchors: versioned
   names, identifiers, links and figures in any notation (47B = 470 亿).

Story merging must see the duplicate merges, but scoring story pairs need not: on a large batch
stage 2 runs in a second process (``parallel.py``) while stage 3 scores its pairs.

A group that contains a known event's documents is that event and keeps its id; two known
events are never merged. A new event's id is ``content_id("event", earliest document id)``, so
re-running on the same documents gives the same ids. Its title is that of the most
authoritative document (``Document.authority``, the earliest on ties); documents are ordered by
authority, then date. Dates are ``published``, else ``fetched_at``. Nothing here reads settings.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType

from deepdaily.cluster.columns import FeatureColumns
from deepdaily.cluster.crosslang import AnchorIndex, cross_language_pairs, merge_cross_pairs
from deepdaily.cluster.exact import merge_exact_duplicates
from deepdaily.cluster.features import DocFeatures, doc_features, doc_shingles, release_memos
from deepdaily.cluster.parallel import NearDuplicateJob
from deepdaily.cluster.stories import merge_story_pairs, story_pairs
from deepdaily.cluster.unionfind import UnionFind
from deepdaily.cluster.vectors import TfidfSpace
from deepdaily.models import Document, Event, content_id

__all__ = ["cluster_documents", "document_time"]


def document_time(doc: Document) -> datetime:
    """When a document appeared: ``published``, else ``fetched_at``; naive values read as UTC."""
    moment = doc.published or doc.fetched_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pool(
    documents: Sequence[Document], known: Sequence[Event]
) -> tuple[list[Document], dict[int, str], int]:
    """New documents (first copy of each id) then known events' other documents, with labels,
    and how many of the pool's first documents are new."""
    event_of: dict[str, str] = {}
    for event in known:
        for doc in event.documents:
            event_of.setdefault(doc.id, event.id)
    known_ids = {event.id for event in known}
    pool: list[Document] = []
    labels: dict[int, str] = {}
    seen: set[str] = set()

    def add(doc: Document, label: str | None) -> None:
        seen.add(doc.id)
        if label is not None:
            labels[len(pool)] = label
        pool.append(doc)

    for doc in documents:
        if doc.id not in seen:
            hinted = doc.event_id if doc.event_id in known_ids else None
            add(doc, event_of.get(doc.id) or hinted)
    n_new = len(pool)
    for event in known:
        for doc in event.documents:
            if doc.id not in seen:
                add(doc, event.id)
    return pool, labels, n_new


def _features(
    doc: Document,
    computed: Mapping[str, DocFeatures] | MutableMapping[str, DocFeatures],
    with_shingles: bool,
) -> DocFeatures:
    if isinstance(computed, MutableMapping):  # the caller lets them be consumed
        found = computed.pop(doc.id, None)
    else:
        found = computed.get(doc.id)
    if found is None:
        return doc_features(doc, with_shingles=with_shingles)
    if with_shingles and not len(found.shingles):
        return replace(found, shingles=doc_shingles(doc))
    return found


def _terms_then_keep(
    pool: Sequence[Document],
    computed: Mapping[str, DocFeatures] | MutableMapping[str, DocFeatures],
    with_shingles: bool,
    kept: FeatureColumns,
) -> Iterator[list[str]]:
    """Each document's terms, for the TF-IDF space; the rest of its features go to ``kept``
    meanwhile, as columns: nothing per document outlives this pass but numbers (and the
    features the caller computed, unless it lets them be consumed)."""
    for doc in pool:
        feat = _features(doc, computed, with_shingles)
        yield feat.terms
        kept.append(feat)


def _return_free_heap() -> None:
    """Hand the heap the stages freed back to the system, where the C library keeps it.

    glibc keeps freed blocks below its (self-raising) mmap threshold for reuse by ``malloc``,
    but the events are Python objects, which take their memory from Python's own arenas; at
    100k documents some 60 MB would stay resident for nothing. Elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, ...)
        return
    trim(0)


def _event(members: list[Document], label: str | None) -> Event:
    earliest = min(members, key=lambda d: (document_time(d), d.id))
    event_id = label or content_id("event", earliest.id)
    ordered = sorted(members, key=lambda d: (-d.authority, document_time(d), d.id))
    title = next((d.title for d in ordered if d.title.strip()), ordered[0].title)
    times = [document_time(d) for d in members]
    return Event(
        id=event_id,
        title=title,
        documents=[d.model_copy(update={"event_id": event_id}) for d in ordered],
        first_seen=min(times),
        last_seen=max(times),
    )


def cluster_documents(
    documents: Sequence[Document],
    known: Sequence[Event] = (),
    features_of: Mapping[str, DocFeatures] | None = None,
    *,
    consume_features: bool = False,
) -> list[Event]:
    """Group ``documents`` into events, joining ``known`` events where they continue one.

    ``features_of`` holds features already computed by document id (the run computes those of
    the day's documents once, for their memory keys). With ``consume_features`` (and a
    mutable ``features_of``) each is taken out of ``features_of`` as it is read, so none
    outlives the feature pass: the run needs them no more, and at 100k documents they are
    some 340 MB. Returns every event that holds at least one of ``documents`` (with any
    known documents of that event), ordered by first appearance.
    """
    pool, labels, n_new = _pool(documents, known)
    if not pool:
        return []
    near = NearDuplicateJob(pool)  # in a second process on large batches
    features = FeatureColumns(keep_shingles=not near.in_background)
    computed: Mapping[str, DocFeatures] = features_of if features_of is not None else {}
    if not consume_features:
        computed = MappingProxyType(computed)  # read only: never emptied
    space = TfidfSpace(_terms_then_keep(pool, computed, not near.in_background, features))
    release_memos()  # the tokeniser's tables serve the feature pass only
    stories = story_pairs(features, space)
    anchors = AnchorIndex(pool, features)  # empty unless the batch mixes scripts
    across = cross_language_pairs(anchors)
    uf = UnionFind(len(pool), labels)
    merge_exact_duplicates(pool, features.fingerprints, uf)
    for i, j, _ in near.result(features.shingles):
        uf.union(i, j)
    del features, near  # the story merges read the space and the pairs only
    merge_story_pairs(stories, space, uf)
    merge_cross_pairs(across, anchors, uf)
    # The documents are copied into the events next: free what the merging held first, so
    # the copies reuse its memory instead of adding to the peak.
    del space, stories, anchors, across
    _return_free_heap()
    events = [
        _event([pool[i] for i in group], uf.label(group[0]))
        for group in uf.each_group()
        if group[0] < n_new  # it holds a new document (groups list their members in order)
    ]
    events.sort(key=lambda e: (e.first_seen, e.id))
    return events
