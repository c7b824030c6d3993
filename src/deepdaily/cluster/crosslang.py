"""Same story, two languages: documents in different scripts joined on shared anchors.

A Chinese and an English report of one launch share almost no words, so the TF-IDF rule of
``stories.py`` never joins them. What they share is written the same way in both languages
(``anchors.py``): versioned names, identifiers, Latin-script names, links and figures. A pair
of documents in different scripts (``anchors.script``), published within :data:`MAX_HOURS`
of each other by different outlets, is one story when its shared keys

* are at least :data:`MIN_KEYS` distinct keys, not all of them plain names,
* weigh at least :data:`MIN_SCORE`, each key weighing its kind (a link 3, an identifier 2, a
  figure 1.5, a name 1), times how specific it is (``anchors.precision``), times how rare it is
  in the batch (``anchors.rarity``): common keys weigh almost nothing and generic ones
  (GPU, API, 2026, 128K) are never keys, and
* make up at least :data:`MIN_OVERLAP` of the weight of the smaller document's keys, so a
  long article that mentions another story's company and benchmark in passing stays apart.

Two different stories about one company share its name and perhaps a benchmark, rarely a
set of figures; one story told twice shares its figures (``47B`` = ``470 亿``).

Candidate pairs come from an inverted index over the keys held by both scripts and by at most
:data:`MAX_POSTINGS` documents, as a sparse product of the two scripts' incidence matrices,
never from all pairs; a batch in one script skips the stage entirely. Merges run strongest
first, and a merge between groups needs their anchor centroids to stay similar
(:data:`CENTROID_MIN`), so a roundup that mentions two stories cannot chain them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import NamedTuple

import numpy as np
from scipy import sparse

from deepdaily.cluster.anchors import KIND_WEIGHT, Anchor, anchors, precision, rarity, script
from deepdaily.cluster.columns import FeatureColumns, as_columns
from deepdaily.cluster.features import DocFeatures, document_text
from deepdaily.cluster.unionfind import UnionFind
from deepdaily.models import Document

__all__ = [
    "CENTROID_MIN",
    "MAX_HOURS",
    "MIN_KEYS",
    "MIN_OVERLAP",
    "MIN_SCORE",
    "AnchorIndex",
    "CrossEvidence",
    "CrossPair",
    "cross_language_pairs",
    "merge_cross_pairs",
]

MAX_HOURS = 72.0  # two reports of one story appear within three days of each other
MIN_KEYS = 3
MIN_SCORE = 5.0
MIN_OVERLAP = 0.30
CENTROID_MIN = 0.30
MAX_POSTINGS = 64
SCRIPT_CHARS = 600  # the head of a document read to tell its script
# Kinds of key that count towards a document's weight even when no other document holds them:
# an unshared figure or identifier is content the other report lacks; an unshared link (the
# document's own URL) or capitalised word (the first word of an English sentence) is not.
_ALWAYS_COUNTED = frozenset({"ident", "figure"})


@dataclass(frozen=True, slots=True)
class CrossEvidence:
    score: float  # weight of the shared keys
    overlap: float  # share of the smaller document's key weight that the other holds
    shared: tuple[str, ...]  # shared keys, heaviest first
    hours: float
    names_only: bool  # every shared key is a plain name
    subject: bool  # one document's title names nothing the other lacks

    @property
    def same_story(self) -> bool:
        return is_same_story(self)


def is_same_story(ev: CrossEvidence) -> bool:
    """The rule of the module docstring."""
    return (
        ev.hours <= MAX_HOURS
        and ev.subject
        and not ev.names_only
        and len(ev.shared) >= MIN_KEYS
        and ev.score >= MIN_SCORE
        and ev.overlap >= MIN_OVERLAP
    )


class CrossPair(NamedTuple):
    strength: float  # overlap + score / 10: merge order
    left: int
    right: int


def _time(doc: Document) -> float:
    moment = doc.published or doc.fetched_at
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _title_keys(title: str, title_script: str) -> frozenset[str]:
    """What a title names: identifiers and figures, and in a Chinese title also the Latin
    names (in an English title a capitalised word may just start the headline)."""
    return frozenset(a.key for a in anchors(title) if a.kind != "name" or title_script == "cjk")


class AnchorIndex:
    """The anchors of a batch, their document frequencies and weights, per document."""

    def __init__(
        self, documents: Sequence[Document], features: FeatureColumns | Sequence[DocFeatures]
    ) -> None:
        self.scripts = [
            script(f"{doc.title}\n{document_text(doc)[:SCRIPT_CHARS]}") for doc in documents
        ]
        self.mixed = len({s for s in self.scripts if s}) >= 2
        self.keys: list[frozenset[Anchor]] = []
        self.df: Counter[str] = Counter()
        self.n = len(documents)
        if not self.mixed:
            return
        columns = as_columns(features)
        for index, doc in enumerate(documents):
            found = set(anchors(f"{doc.title}\n{document_text(doc)}"))
            found.update(Anchor(f"l:{link}", "link") for link in columns.links(index))
            self.keys.append(frozenset(found))
        self.df.update(key for keys in self.keys for key in {a.key for a in keys})
        self.times = [_time(doc) for doc in documents]
        self.sources = columns.outlets().tolist()  # equal ids, one outlet
        self.titles = [doc.title for doc in documents]
        self._weights: dict[Anchor, float] = {}
        self.totals = [
            sum(self.weight(a) for a in keys if a.kind in _ALWAYS_COUNTED or self.df[a.key] > 1)
            for keys in self.keys
        ]

    def weight(self, anchor: Anchor) -> float:
        value = self._weights.get(anchor)
        if value is None:
            value = KIND_WEIGHT[anchor.kind] * precision(anchor)
            value *= rarity(self.df.get(anchor.key, 1), self.n)
            self._weights[anchor] = value
        return value

    def vector(self, index: int) -> dict[str, float]:
        """The document's keys held by other documents too, with their weights, L2-normalised
        (a key no other document holds cannot tell two groups apart)."""
        weights: dict[str, float] = {}
        for anchor in self.keys[index]:
            if self.df[anchor.key] > 1:
                weights[anchor.key] = max(weights.get(anchor.key, 0.0), self.weight(anchor))
        norm = sum(w * w for w in weights.values()) ** 0.5
        return {k: w / norm for k, w in weights.items()} if norm else {}

    def _subject(self, i: int, j: int) -> bool:
        """True unless each title names an identifier, figure (or, in Chinese, a name) that the
        other document never mentions: a rival's launch that quotes this one's score is about
        another product, and its title says so."""
        keys_i = {a.key for a in self.keys[i]}
        keys_j = {a.key for a in self.keys[j]}
        return (
            _title_keys(self.titles[i], self.scripts[i]) <= keys_j
            or _title_keys(self.titles[j], self.scripts[j]) <= keys_i
        )

    def evidence(self, i: int, j: int) -> CrossEvidence:
        """How strongly documents ``i`` and ``j`` say "one story"."""
        by_key: dict[str, Anchor] = {}
        other = {a.key for a in self.keys[j]}
        for anchor in self.keys[i]:
            if anchor.key in other:
                known = by_key.get(anchor.key)
                if known is None or self.weight(anchor) > self.weight(known):
                    by_key[anchor.key] = anchor
        shared = sorted(by_key.values(), key=lambda a: (-self.weight(a), a.key))
        score = sum(self.weight(a) for a in shared)
        smaller = min(self.totals[i], self.totals[j])
        return CrossEvidence(
            score=score,
            overlap=score / smaller if smaller else 0.0,
            shared=tuple(a.key for a in shared),
            hours=abs(self.times[i] - self.times[j]) / 3600.0,
            names_only=all(a.kind == "name" for a in shared),
            subject=self._subject(i, j),
        )

    def candidates(self) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (one per script) whose shared indexed keys could reach :data:`MIN_SCORE`."""
        both_scripts: dict[str, set[str]] = {}
        for keys, sc in zip(self.keys, self.scripts, strict=True):
            if sc:
                for anchor in keys:
                    both_scripts.setdefault(anchor.key, set()).add(sc)
        key_ids: dict[str, int] = {}
        key_weight: list[float] = []
        for key, scripts in both_scripts.items():
            if len(scripts) >= 2 and 2 <= self.df[key] <= MAX_POSTINGS:
                key_ids[key] = len(key_ids)
        if not key_ids:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        key_weight = [0.0] * len(key_ids)
        first = self.scripts[next(i for i, s in enumerate(self.scripts) if s)]
        rows: dict[bool, list[int]] = {True: [], False: []}
        cols: dict[bool, list[list[int]]] = {True: [], False: []}
        for index, (keys, sc) in enumerate(zip(self.keys, self.scripts, strict=True)):
            if not sc:
                continue
            side = sc == first
            ids = []
            for anchor in keys:
                kid = key_ids.get(anchor.key)
                if kid is not None:
                    ids.append(kid)
                    key_weight[kid] = max(key_weight[kid], self.weight(anchor))
            if ids:
                rows[side].append(index)
                cols[side].append(sorted(set(ids)))
        if not rows[True] or not rows[False]:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        weights = np.asarray(key_weight)
        left = _incidence(cols[True], len(key_ids)).multiply(weights[None, :]).tocsr()
        right = _incidence(cols[False], len(key_ids))
        product = (left @ right.T).tocoo()
        keep = product.data >= MIN_SCORE - 1e-9
        lrows = np.asarray(rows[True], dtype=np.int64)[product.row[keep]]
        rrows = np.asarray(rows[False], dtype=np.int64)[product.col[keep]]
        return np.minimum(lrows, rrows), np.maximum(lrows, rrows)


def _incidence(rows: Sequence[Sequence[int]], n_cols: int) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    for cols in rows:
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))


def cross_language_pairs(index: AnchorIndex) -> list[CrossPair]:
    """Pairs of documents in different scripts that report one story, strongest first."""
    if not index.mixed:
        return []
    left, right = index.candidates()
    pairs: list[CrossPair] = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if index.sources[i] == index.sources[j]:
            continue  # one outlet's two pages stay two items, as in stories.py
        if abs(index.times[i] - index.times[j]) > MAX_HOURS * 3600.0:
            continue
        ev = index.evidence(i, j)
        if ev.same_story:
            pairs.append(CrossPair(ev.overlap + ev.score / 10.0, i, j))
    pairs.sort(key=lambda p: (-p.strength, p.left, p.right))
    return pairs


class _AnchorCentroids:
    """Sums of the members' normalised anchor vectors, per union-find root, merged as groups
    merge; groups formed by the earlier stages are read from ``uf`` when first needed."""

    def __init__(self, index: AnchorIndex, uf: UnionFind) -> None:
        self._index = index
        self._uf = uf
        self._sums: dict[int, dict[str, float]] = {}
        self._members: dict[int, list[int]] | None = None

    def get(self, root: int) -> dict[str, float]:
        """The centroid of the group whose root is ``root`` (call before joining it)."""
        total = self._sums.get(root)
        if total is None:
            if self._members is None:
                self._members = {self._uf.find(g[0]): g for g in self._uf.groups()}
            total = {}
            for member in self._members.get(root, [root]):
                for key, weight in self._index.vector(member).items():
                    total[key] = total.get(key, 0.0) + weight
            self._sums[root] = total
        return total

    @staticmethod
    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        dot = sum(w * b.get(k, 0.0) for k, w in a.items())
        norm = (sum(w * w for w in a.values()) * sum(w * w for w in b.values())) ** 0.5
        return dot / norm if norm else 0.0

    def joined(self, root: int, a: int, b: int) -> None:
        """Record that the groups of roots ``a`` and ``b`` are now one, under ``root``."""
        first, second = self._sums.pop(a), self._sums.pop(b)
        if len(first) < len(second):
            first, second = second, first
        for key, weight in second.items():
            first[key] = first.get(key, 0.0) + weight
        self._sums[root] = first


def merge_cross_pairs(pairs: Sequence[CrossPair], index: AnchorIndex, uf: UnionFind) -> int:
    """Join cross-language pairs in ``uf``, strongest first, unless the groups' anchor
    centroids drift apart; returns the number of merges."""
    if not pairs:
        return 0
    centroids = _AnchorCentroids(index, uf)
    merges = 0
    for _, i, j in pairs:
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or not uf.can_union(ri, rj):
            continue
        ci, cj = centroids.get(ri), centroids.get(rj)
        if (uf.size(ri) > 1 or uf.size(rj) > 1) and centroids.cosine(ci, cj) < CENTROID_MIN:
            continue
        uf.union(ri, rj)
        centroids.joined(uf.find(ri), ri, rj)
        merges += 1
    return merges
