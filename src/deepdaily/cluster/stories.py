"""Same story, told differently: TF-IDF cosine backed by shared entities or shared links.

Two outlets rarely share sentences when they report one event, but they share its names:
the model ("GPT-5.3-Codex-Spark"), the people, the figures ("$20m", "128k"), the links.
Two different stories about the same company share only the company. So a pair merges when

* its texts are very similar on their own (TF-IDF cosine >= :data:`COS_ALONE`), or
* they share at least :data:`MIN_SHARED` entities covering :data:`ENTITY_OVERLAP` of the
  smaller entity set (idf-weighted) and are similar enough for that evidence: cosine
  >= :data:`COS_WITH_ENTITIES`, less :data:`COS_STEP` for each of up to two *distinctive*
  shared entities (a versioned name, a figure or a multi-word name held by few documents, or
  a rare single name), or
* they link the same article (or one links the other) and are at least loosely similar
  (>= :data:`COS_WITH_LINK`).

Only documents from different outlets merge here: one outlet's two pages (two GitHub
issues, two forum threads, two releases of one changelog) are two items unless they are
copies, which the earlier stages catch.

Pairs come from an inverted index over entities, rare title words and links, never from all
pairs; keys held by more than :data:`MAX_POSTINGS` documents are skipped (too common to
identify a story), and a vectorised bound on the evidence discards hopeless pairs before the
exact check. Merges run strongest first through union-find, and a merge between two
groups needs their centroids to stay similar (:data:`CENTROID_MIN`), so a newsletter that
mentions three stories cannot chain them into one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from deepdaily.cluster.columns import FeatureColumns, as_columns, entity_key_counts
from deepdaily.cluster.features import DocFeatures
from deepdaily.cluster.text import Entity
from deepdaily.cluster.unionfind import UnionFind
from deepdaily.cluster.vectors import TfidfSpace

__all__ = [
    "COS_ALONE",
    "COS_WITH_ENTITIES",
    "COS_WITH_LINK",
    "ENTITY_OVERLAP",
    "EntityStats",
    "Evidence",
    "StoryPair",
    "is_same_story",
    "merge_same_stories",
    "merge_story_pairs",
    "story_pairs",
]

COS_ALONE = 0.45  # similar enough with no entity evidence
COS_WITH_ENTITIES = 0.30  # needed with shared entities but none distinctive
COS_STEP = 0.055  # less needed per distinctive shared entity (up to two): 0.245, 0.19
COS_WITH_LINK = 0.15
ENTITY_OVERLAP = 0.20
MIN_SHARED = 2
CENTROID_MIN = 0.20
MAX_POSTINGS = 64
MIN_KEY_SCORE = 2.0  # shared-key score a pair needs to be compared at all
SCORE_ROWS = 1_000  # documents whose shared-key scores are computed per sparse product
# Candidate pairs scored per vectorised batch: each batch copies both rows of every pair out
# of the TF-IDF matrix (about 2 KB a pair), so this bounds that copy to some 40 MB.
PAIR_CHUNK = 5_000
RARE_SHARE = 0.03  # a plain name held by at most this share of documents is distinctive...
RARE_MAX = 50  # ...and by at most this many
COMMON_SHARE = 0.06  # a model name, figure or multi-word name held by more is not...
COMMON_MAX = 100  # ...nor by more than this many
KIND_WEIGHT = {"model": 2.0, "quantity": 1.5, "multiword": 1.5, "name": 1.0}


class EntityStats:
    """Document frequencies of entity keys in one batch, and the weights derived from them."""

    def __init__(self, entity_sets: Sequence[frozenset[Entity]]) -> None:
        self._count(
            len(entity_sets), Counter(k for ents in entity_sets for k in {e.key for e in ents})
        )

    @classmethod
    def counted(cls, n: int, df: Mapping[str, int]) -> EntityStats:
        """The statistics of ``n`` documents whose entity keys' frequencies are ``df``."""
        stats = cls.__new__(cls)
        stats._count(n, df)
        return stats

    def _count(self, n: int, df: Mapping[str, int]) -> None:
        self.n = max(n, 1)
        self.df = df
        self.rare_df = max(2, min(math.ceil(RARE_SHARE * self.n), RARE_MAX))
        self.common_df = max(3, min(math.ceil(COMMON_SHARE * self.n), COMMON_MAX))
        self._weights: dict[Entity, float] = {}

    def weight(self, entity: Entity) -> float:
        value = self._weights.get(entity)
        if value is None:
            idf = 1.0 + math.log((1.0 + self.n) / (1.0 + self.df.get(entity.key, 0)))
            value = self._weights[entity] = idf * KIND_WEIGHT[entity.kind]
        return value

    def distinctive(self, entity: Entity) -> bool:
        limit = self.rare_df if entity.kind == "name" else self.common_df
        return self.df.get(entity.key, 0) <= limit


class StoryPair(NamedTuple):
    strength: float  # cosine + entity overlap: merge order
    left: int
    right: int


@dataclass(frozen=True, slots=True)
class Evidence:
    cosine: float
    overlap: float  # idf-weighted share of the smaller entity set found in the other
    shared: tuple[str, ...]  # shared entity keys, distinctive first
    distinctive: int
    link: bool

    @property
    def same_story(self) -> bool:
        return is_same_story(self)


def required_cosine(ev: Evidence) -> float:
    """The text similarity a pair needs, given how much entity evidence backs it."""
    if len(ev.shared) < MIN_SHARED or ev.overlap < ENTITY_OVERLAP:
        return COS_ALONE
    return COS_WITH_ENTITIES - COS_STEP * min(ev.distinctive, 2)


def is_same_story(ev: Evidence) -> bool:
    if ev.link and ev.cosine >= COS_WITH_LINK:
        return True
    return ev.cosine >= required_cosine(ev)


def evidence(
    a: frozenset[Entity],
    b: frozenset[Entity],
    cosine: float,
    stats: EntityStats,
    link: bool = False,
) -> Evidence:
    """How strongly two entity sets (and their text cosine) say "one story".

    Weights are added with ``math.fsum``, exactly rounded whatever the order: a set's order
    follows the string hashes, which change from one process to the next.
    """
    shared = a & b
    total_a = math.fsum(stats.weight(e) for e in a)
    total_b = math.fsum(stats.weight(e) for e in b)
    overlap = math.fsum(stats.weight(e) for e in shared) / min(total_a, total_b) if shared else 0.0
    # A name inside a shared multi-word name ("altman" in "sam altman") is not new evidence.
    covered = {w for e in shared if e.kind == "multiword" for w in e.key.split()}
    counted = [e for e in shared if not (e.kind == "name" and e.key in covered)]
    counted.sort(key=lambda e: (not stats.distinctive(e), -stats.weight(e), e.key))
    keys = dict.fromkeys(e.key for e in counted)  # one key may come as two kinds ("70b")
    return Evidence(
        cosine=cosine,
        overlap=overlap,
        shared=tuple(keys),
        distinctive=len({e.key for e in counted if stats.distinctive(e)}),
        link=link,
    )


def _incidence(cols: NDArray[np.int32], ptr: NDArray[np.int64], n_cols: int) -> sparse.csr_matrix:
    """Rows of ones at ``cols[ptr[k]:ptr[k + 1]]``, in that order (CSR from the columns).

    The ones are bytes: products with float weights come out as floats, equal to the weights.
    """
    data = np.ones(len(cols), dtype=np.int8)
    return sparse.csr_matrix((data, cols, ptr), shape=(len(ptr) - 1, n_cols))


def _candidate_pairs(
    features: FeatureColumns | Sequence[DocFeatures],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs with enough shared keys (entities, title words, links) held by 2..MAX_POSTINGS.

    A link or a versioned name, figure or multi-word name counts 2, a single name or title
    word 1; pairs scoring below :data:`MIN_KEY_SCORE` cannot meet the entity rule anyway.
    The keys are numbered by :class:`~deepdaily.cluster.columns.FeatureColumns` (entity keys,
    title words and links in namespaces of their own).
    """
    columns = as_columns(features)
    keys, weights, ptr = columns.key_rows()
    n_docs, number = len(columns), columns.n_keys
    df = np.bincount(keys, minlength=number)
    kept = ((df >= 2) & (df <= MAX_POSTINGS))[keys]
    del df
    if not kept.any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    # Built as CSR straight from the kept entries (a document holds a key once).
    kept_before = np.zeros(len(keys) + 1, dtype=np.int32)
    np.cumsum(kept, out=kept_before[1:])
    kept_ptr = kept_before[ptr]
    del kept_before
    incidence = sparse.csr_matrix(
        (np.sqrt(weights[kept].astype(np.float64)), keys[kept], kept_ptr),
        shape=(n_docs, number),
    )
    del kept, kept_ptr
    # The pair scores are the upper triangle of incidence @ incidence.T, computed a block of
    # rows at a time so the full product (every pair sharing any key) never exists at once.
    transposed = sparse.csr_matrix(incidence.T)
    lefts, rights = [], []
    for start in range(0, n_docs, SCORE_ROWS):
        block = (incidence[start : start + SCORE_ROWS] @ transposed).tocoo()
        rows = block.row.astype(np.int64) + start
        keep = (block.col > rows) & (block.data >= MIN_KEY_SCORE - 1e-9)
        lefts.append(rows[keep])
        rights.append(block.col[keep].astype(np.int64))
    return np.concatenate(lefts), np.concatenate(rights)


class _PairFilter:
    """Vectorised upper bounds of the evidence, to send only plausible pairs to ``evidence``."""

    def __init__(self, columns: FeatureColumns, stats: EntityStats) -> None:
        ids, ptr = columns.entity_rows()
        self.entities = _incidence(ids, ptr, max(len(columns.entity_of), 1))
        by_id = columns.entity_of
        self.weights = np.array([stats.weight(e) for e in by_id] or [0.0])
        self.distinct = np.array([float(stats.distinctive(e)) for e in by_id] or [0.0])
        self.totals = self.entities @ self.weights
        link_ids, link_ptr = columns.link_rows()
        self.links = _incidence(link_ids, link_ptr, max(len(columns.link_of), 1))

    def plausible(
        self, left: NDArray[np.int64], right: NDArray[np.int64], cosines: NDArray[np.float64]
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        """Which pairs could meet the rule, and which of them share a link."""
        both = self.entities[left].multiply(self.entities[right]).tocsr()
        shared_weight = both @ self.weights
        smaller = np.minimum(self.totals[left], self.totals[right])
        overlap = np.divide(shared_weight, smaller, out=np.zeros_like(smaller), where=smaller > 0)
        n_shared = np.diff(both.indptr)
        n_distinct = np.minimum(both @ self.distinct, 2)
        needed = COS_WITH_ENTITIES - COS_STEP * n_distinct
        backed = (n_shared >= MIN_SHARED) & (overlap >= ENTITY_OVERLAP) & (cosines >= needed)
        linked = np.diff(self.links[left].multiply(self.links[right]).tocsr().indptr) > 0
        plausible = backed | (cosines >= COS_ALONE) | (linked & (cosines >= COS_WITH_LINK))
        return np.asarray(plausible, dtype=bool), np.asarray(linked, dtype=bool)


class _Centroids:
    """Unnormalised sums of member vectors with their squared norms, merged as groups merge."""

    def __init__(self, space: TfidfSpace, uf: UnionFind) -> None:
        self._space = space
        self._sums: dict[int, dict[int, float]] = {}
        self._norm2: dict[int, float] = {}
        # Groups already formed by the duplicate stages, by root: their sums are computed when
        # a story pair first reaches them (most never are), not all up front.
        self._members = {uf.find(g[0]): g for g in uf.groups() if len(g) > 1}

    def _get(self, root: int) -> dict[int, float]:
        if root not in self._sums:
            members = self._members.pop(root, None)
            if members is None:
                total = self._space.row_dict(root)
            else:
                total = {}
                for member in members:
                    for term, weight in self._space.row_dict(member).items():
                        total[term] = total.get(term, 0.0) + weight
            self._sums[root] = total
            self._norm2[root] = sum(w * w for w in total.values())
        return self._sums[root]

    def _dot(self, ra: int, rb: int) -> float:
        a, b = self._get(ra), self._get(rb)
        if len(a) > len(b):
            a, b = b, a
        return sum(w * b.get(t, 0.0) for t, w in a.items())

    def cosine(self, ra: int, rb: int) -> float:
        dot = self._dot(ra, rb)
        norm = math.sqrt(self._norm2[ra] * self._norm2[rb])
        return dot / norm if norm else 0.0

    def merge(self, into: int, other: int) -> None:
        dot = self._dot(into, other)
        big, small = self._sums[into], self._sums.pop(other)
        if len(big) < len(small):
            big, small = small, big
            self._sums[into] = big
        for term, weight in small.items():
            big[term] = big.get(term, 0.0) + weight
        self._norm2[into] = self._norm2[into] + self._norm2.pop(other) + 2.0 * dot


def story_pairs(
    features: FeatureColumns | Sequence[DocFeatures], space: TfidfSpace
) -> list[StoryPair]:
    """Pairs of documents (from different outlets) that report the same story, strongest first.

    Needs no union-find, so it can run while the near-duplicate stage is still busy.
    """
    columns = as_columns(features)
    left, right = _candidate_pairs(columns)
    if not len(left):
        return []
    outlets = columns.outlets()
    keep = outlets[left] != outlets[right]  # one outlet's two pages stay two items
    # A job ad, an event announcement or a roundup mentions a story without being it: it joins
    # one only as a (near) copy, never by similarity.
    announcement = columns.announcements()
    keep &= ~(announcement[left] | announcement[right])
    left, right = left[keep], right[keep]
    n_docs, df = entity_key_counts(columns)
    stats = EntityStats.counted(n_docs, df)
    bound = _PairFilter(columns, stats)
    pairs: list[StoryPair] = []
    for start in range(0, len(left), PAIR_CHUNK):
        lft, rgt = left[start : start + PAIR_CHUNK], right[start : start + PAIR_CHUNK]
        cosines = space.pair_cosines(lft, rgt)
        keep = cosines >= COS_WITH_LINK
        lft, rgt, cosines = lft[keep], rgt[keep], cosines[keep]
        keep, linked = bound.plausible(lft, rgt, cosines)
        for i, j, cos, link in zip(
            lft[keep].tolist(),
            rgt[keep].tolist(),
            cosines[keep].tolist(),
            linked[keep].tolist(),
            strict=True,
        ):
            ev = evidence(columns.entities(i), columns.entities(j), cos, stats, link)
            if ev.same_story:
                pairs.append(StoryPair(cos + ev.overlap, i, j))
    pairs.sort(key=lambda p: (-p.strength, p.left, p.right))
    return pairs


def merge_story_pairs(pairs: Sequence[StoryPair], space: TfidfSpace, uf: UnionFind) -> int:
    """Join story pairs in ``uf``, strongest first, unless the groups' centroids drift apart."""
    centroids = _Centroids(space, uf)
    merges = 0
    for _, i, j in pairs:
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or not uf.can_union(ri, rj):
            continue
        if (uf.size(ri) > 1 or uf.size(rj) > 1) and centroids.cosine(ri, rj) < CENTROID_MIN:
            continue
        uf.union(ri, rj)
        root = uf.find(ri)
        centroids.merge(root, rj if root == ri else ri)
        merges += 1
    return merges


def merge_same_stories(
    features: FeatureColumns | Sequence[DocFeatures], space: TfidfSpace, uf: UnionFind
) -> int:
    """Join, in ``uf``, documents that report the same story; returns the number of merges."""
    return merge_story_pairs(story_pairs(features, space), space, uf)
