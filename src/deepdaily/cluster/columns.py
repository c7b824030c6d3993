"""A batch's features as columns: what the stages after the TF-IDF space read, per document.

``DocFeatures`` keeps a document's entities and links as frozensets of tuples and strings,
about 1.5 KB a document; at 100k documents those objects were most of what the clustering
held. :class:`FeatureColumns` reads each document's features once, as they are made, and keeps
only numbers: entities, candidate keys (entity keys, title words, links) and links as ids in
flat typed arrays, row by row (CSR style), outlets as ids, the announcement flag as a byte. Each
distinct entity, key and link is stored once, however many documents hold it.

Ids are numbered in order of first appearance, reading each document's entities and links
sorted: a frozenset's order follows the string hashes, which change from one process to the
next, and every stage that numbers or adds from these columns must not. No settings govern this
module.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from deepdaily.cluster.features import DocFeatures
from deepdaily.cluster.text import Entity

__all__ = ["FeatureColumns", "as_columns"]

# A candidate key's weight (stories.py): a link or a versioned name, figure or multi-word name
# counts 2, a single name or title word 1.
NAME_KEY_WEIGHT, KEY_WEIGHT = 1, 2
_BLOCK = 1 << 18  # entity mentions counted per block (a few MB of temporaries)


def _ints(buffer: array[int]) -> NDArray[np.int64]:
    return np.frombuffer(buffer, dtype=np.int64) if len(buffer) else np.zeros(0, np.int64)


class FeatureColumns:
    """The features of documents ``0..n-1``, appended in order with :meth:`append`."""

    def __init__(self, keep_shingles: bool = False) -> None:
        self.entity_of: list[Entity] = []  # entity id -> entity
        self.link_of: list[str] = []  # link id -> link key
        self.fingerprints: list[str] = []
        self.shingles: list[np.ndarray] = []  # kept only with keep_shingles
        self.n_keys = 0  # candidate keys numbered so far
        self._keep_shingles = keep_shingles
        self._entity_ids: dict[Entity, int] = {}
        self._link_ids: dict[str, int] = {}
        self._outlet_ids: dict[str, int] = {}
        # Candidate keys in three namespaces (entity keys, title words, links), one numbering.
        self._key_tables: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
        self._entities, self._entity_ptr = array("i"), array("q", [0])
        self._links, self._link_ptr = array("i"), array("q", [0])
        self._keys, self._key_weights, self._key_ptr = array("i"), array("b"), array("q", [0])
        self._outlets, self._announcements = array("i"), array("b")

    def __len__(self) -> int:
        return len(self._outlets)

    def append(self, feat: DocFeatures) -> None:
        """Add the next document's features (``feat`` itself is not kept)."""
        entity_ids, key_tables = self._entity_ids, self._key_tables
        row: dict[int, int] = {}  # candidate key id -> weight
        for entity in sorted(feat.entities):
            entity_id = entity_ids.get(entity)
            if entity_id is None:
                entity_id = entity_ids[entity] = len(self.entity_of)
                self.entity_of.append(entity)
            self._entities.append(entity_id)
            # One key may come as two kinds ("h100", a name and a model): the heavier counts.
            key_id = self._key(key_tables[0], entity.key)
            weight = NAME_KEY_WEIGHT if entity.kind == "name" else KEY_WEIGHT
            row[key_id] = max(weight, row.get(key_id, 0))
        for word in feat.title_terms:
            row[self._key(key_tables[1], word)] = NAME_KEY_WEIGHT
        for link in sorted(feat.links):
            link_id = self._link_ids.get(link)
            if link_id is None:
                link_id = self._link_ids[link] = len(self.link_of)
                self.link_of.append(link)
            self._links.append(link_id)
            row[self._key(key_tables[2], link)] = KEY_WEIGHT
        self._keys.extend(row)
        self._key_weights.extend(row.values())
        self._entity_ptr.append(len(self._entities))
        self._link_ptr.append(len(self._links))
        self._key_ptr.append(len(self._keys))
        self._outlets.append(self._outlet_ids.setdefault(feat.source, len(self._outlet_ids)))
        self._announcements.append(feat.announcement)
        self.fingerprints.append(feat.fingerprint)
        if self._keep_shingles:
            self.shingles.append(feat.shingles)

    def _key(self, table: dict[str, int], key: str) -> int:
        found = table.get(key)
        if found is None:
            found = table[key] = self.n_keys
            self.n_keys += 1
        return found

    # --- columns, as numpy arrays (views of the buffers, valid while nothing is appended) ---

    def entity_rows(self) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
        """Entity ids of every document, and where each document's run starts (CSR)."""
        return np.frombuffer(self._entities, dtype=np.int32), _ints(self._entity_ptr)

    def link_rows(self) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
        """Link ids of every document, and where each document's run starts (CSR)."""
        return np.frombuffer(self._links, dtype=np.int32), _ints(self._link_ptr)

    def key_rows(self) -> tuple[NDArray[np.int32], NDArray[np.int8], NDArray[np.int64]]:
        """Candidate key ids and weights of every document, and where each run starts."""
        return (
            np.frombuffer(self._keys, dtype=np.int32),
            np.frombuffer(self._key_weights, dtype=np.int8),
            _ints(self._key_ptr),
        )

    def outlets(self) -> NDArray[np.int32]:
        """Each document's outlet (``DocFeatures.source``) as an id: equal ids, one outlet."""
        return np.frombuffer(self._outlets, dtype=np.int32)

    def announcements(self) -> NDArray[np.bool_]:
        return np.frombuffer(self._announcements, dtype=np.int8).astype(bool)

    # --- one document at a time ---

    def entities(self, index: int) -> frozenset[Entity]:
        """The entities of document ``index``, as its ``DocFeatures`` held them."""
        start, end = self._entity_ptr[index], self._entity_ptr[index + 1]
        return frozenset(self.entity_of[k] for k in self._entities[start:end])

    def links(self, index: int) -> list[str]:
        """The link keys of document ``index``, in the order its ``DocFeatures`` read them."""
        start, end = self._link_ptr[index], self._link_ptr[index + 1]
        return [self.link_of[k] for k in self._links[start:end]]


def as_columns(features: FeatureColumns | Iterable[DocFeatures]) -> FeatureColumns:
    """``features`` as columns (a list of ``DocFeatures`` is read into new ones)."""
    if isinstance(features, FeatureColumns):
        return features
    columns = FeatureColumns()
    for feat in features:
        columns.append(feat)
    return columns


def entity_key_counts(columns: FeatureColumns) -> tuple[int, dict[str, int]]:
    """How many documents there are and how many hold each entity key (two kinds of one key
    count once per document), for :class:`~deepdaily.cluster.stories.EntityStats`."""
    ids, ptr = columns.entity_rows()
    if not len(ids):
        return len(columns), {}
    key_ids: dict[str, int] = {}
    key_of_entity = np.fromiter(
        (key_ids.setdefault(e.key, len(key_ids)) for e in columns.entity_of),
        dtype=np.int64,
        count=len(columns.entity_of),
    )
    df = np.zeros(len(key_ids), dtype=np.int64)
    n_docs, first = len(ptr) - 1, 0
    while first < n_docs:  # a block of documents at a time, so the temporaries stay small
        last = min(
            max(int(np.searchsorted(ptr, ptr[first] + _BLOCK, side="right")) - 1, first + 1), n_docs
        )
        lo, hi = int(ptr[first]), int(ptr[last])
        rows = np.repeat(np.arange(first, last, dtype=np.int64), np.diff(ptr[first : last + 1]))
        held = np.unique(rows * len(key_ids) + key_of_entity[ids[lo:hi]])  # (document, key)
        df += np.bincount(held % len(key_ids), minlength=len(key_ids))
        first = last
    keys = sorted(key_ids, key=key_ids.__getitem__)
    return len(columns), {key: int(count) for key, count in zip(keys, df.tolist(), strict=True)}
