"""Near-duplicate pairs: MinHash signatures bucketed by banded LSH, confirmed by exact Jaccard.

A lightly edited copy of an article (syndication, a scraper, a re-post with a new headline)
keeps most of its three-token shingles (a token is a word or one CJK character; shingles are
32-bit hashes, see ``text.shingles``), so its
Jaccard similarity with the original stays high while unrelated texts share almost none.
Banded LSH finds candidate pairs in about linear time; each candidate is then checked
against the real shingle sets, so LSH false positives never merge anything.

Everything is held in a few numpy arrays, never one Python object per document: the shingle
sets as one flat array with offsets, the signatures as one ``(documents, NUM_PERM)`` uint32
matrix (datasketch's ``affine32`` MinHash, computed in bulk with its permutations), and each
band's buckets found by sorting the band's values, so two documents are candidates exactly
when datasketch's ``MinHashLSH`` with the same bands would put them in one bucket.

Governed by the module constants :data:`NEAR_DUPLICATE_JACCARD`, :data:`NUM_PERM` and
:data:`LSH_BANDS`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash
from numpy.typing import NDArray

__all__ = [
    "NEAR_DUPLICATE_JACCARD",
    "NUM_PERM",
    "candidate_pairs",
    "jaccard",
    "minhash_signatures",
    "near_duplicate_pairs",
]

NEAR_DUPLICATE_JACCARD = 0.55  # shingle Jaccard at or above which two texts are one article
NUM_PERM = 64  # signature length: enough for a 0.55 threshold, cheap for 100k documents
# 16 bands of 4 rows: a pair at Jaccard 0.55 becomes a candidate with p = 0.79, at 0.65 with
# p = 0.96; datasketch's default split (12 x 5) would miss half the pairs at the threshold.
# Extra candidates cost one exact check each.
LSH_BANDS = (16, 4)
MIN_SHINGLES = 8  # shorter texts (bare headlines) are left to the story stage
CHUNK_SHINGLES = 1 << 16  # shingles hashed per vectorised batch (its temporary matrix: 16 MB)
_SEED = 1  # datasketch's default MinHash seed

# The MurmurHash3 32-bit finalizer, applied to each shingle before the affine permutations
# (what datasketch's affine32 scheme does to its input hashes).
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))

Pairs = list[tuple[int, int, float]]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted, unique shingle-hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def _fmix32(hv: NDArray[np.uint32]) -> NDArray[np.uint32]:
    s1, m1, s2, m2 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s1)


def minhash_signatures(
    flat: NDArray[np.uint32], offsets: NDArray[np.int64], num_perm: int = NUM_PERM
) -> NDArray[np.uint32]:
    """MinHash signatures of the sets ``flat[offsets[k]:offsets[k + 1]]`` (none empty).

    Row ``k`` equals ``datasketch.MinHash(num_perm, hashfunc=int)`` updated with set ``k``
    (the affine32 scheme, seed 1), computed for many sets at once.
    """
    template = MinHash(num_perm=num_perm, seed=_SEED, hashfunc=int, scheme="affine32")
    a, b = (np.asarray(p, dtype=np.uint32) for p in template.permutations)
    n = len(offsets) - 1
    out = np.empty((n, num_perm), dtype=np.uint32)
    first = 0
    while first < n:
        last = int(np.searchsorted(offsets, offsets[first] + CHUNK_SHINGLES, side="right")) - 1
        last = min(max(last, first + 1), n)
        lo, hi = int(offsets[first]), int(offsets[last])
        hv = _fmix32(flat[lo:hi].astype(np.uint32, copy=False))[:, None]
        permuted = hv * a + b  # wraps modulo 2**32, as datasketch's does
        out[first:last] = np.minimum.reduceat(permuted, offsets[first:last] - lo, axis=0)
        first = last
    return out


def candidate_pairs(signatures: NDArray[np.uint32], bands: int, rows: int) -> NDArray[np.int64]:
    """Sorted unique row pairs ``(i, j)``, ``i < j``, equal on every value of some band."""
    found: list[NDArray[np.int64]] = []
    n = len(signatures)
    for band in range(bands):
        cols = signatures[:, band * rows : (band + 1) * rows]
        order = np.lexsort(cols.T[::-1]).astype(np.int64)
        ranked = cols[order]
        new_bucket = np.ones(n, dtype=bool)
        new_bucket[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
        bucket = np.cumsum(new_bucket)
        step = 1
        while True:  # pair every member of a bucket with the ones `step` places after it
            same = bucket[step:] == bucket[:-step]
            if not same.any():
                break
            left, right = order[:-step][same], order[step:][same]
            found.append(np.stack((np.minimum(left, right), np.maximum(left, right)), axis=1))
            step += 1
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack((codes // n, codes % n), axis=1)


def near_duplicate_pairs(
    shingle_sets: Iterable[np.ndarray], threshold: float = NEAR_DUPLICATE_JACCARD
) -> Pairs:
    """Index pairs ``(i, j, jaccard)`` with ``i < j`` whose shingle Jaccard is >= threshold,
    ordered by ``i`` then ``j``.

    ``shingle_sets`` are :func:`~deepdaily.cluster.text.shingles` arrays (sorted, unique
    32-bit hashes), read once (a generator is fine: each set is copied into one flat array as
    it comes); sets of fewer than :data:`MIN_SHINGLES` shingles take no part.
    """
    buffer = array("I")
    lengths: list[int] = []
    index: list[int] = []
    for i, shingle_set in enumerate(shingle_sets):
        if len(shingle_set) >= MIN_SHINGLES:
            buffer.frombytes(np.ascontiguousarray(shingle_set, dtype=np.uint32).tobytes())
            lengths.append(len(shingle_set))
            index.append(i)
    if len(index) < 2:
        return []
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.frombuffer(buffer, dtype=np.uint32)
    return _confirmed(flat, offsets, np.asarray(index, dtype=np.int64), threshold)


def _confirmed(
    flat: NDArray[np.uint32], offsets: NDArray[np.int64], index: NDArray[np.int64], threshold: float
) -> Pairs:
    """Candidate pairs of the flat sets whose exact Jaccard reaches ``threshold``, as pairs of
    ``index`` values."""
    signatures = minhash_signatures(flat, offsets)
    candidates = candidate_pairs(signatures, *LSH_BANDS)
    del signatures
    pairs: Pairs = []
    for a, b in candidates.tolist():
        score = jaccard(flat[offsets[a] : offsets[a + 1]], flat[offsets[b] : offsets[b + 1]])
        if score >= threshold:
            pairs.append((int(index[a]), int(index[b]), score))
    return pairs
