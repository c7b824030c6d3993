"""Near-duplicate pairs: MinHash signatures bucketed by LSH, confirmed by exact Jaccard.

A lightly edited copy of an article (syndication, a scraper, a re-post with a new headline)
keeps most of its three-token shingles (a token is a word or one CJK character; shingles are
32-bit hashes, see ``text.shingles``), so its
Jaccard similarity with the original stays high while unrelated texts share almost none.
``datasketch`` finds candidate pairs in about linear time; each candidate is then checked
against the real shingle sets, so LSH false positives never merge anything.

Governed by the module constants :data:`NEAR_DUPLICATE_JACCARD`, :data:`NUM_PERM` and
:data:`LSH_BANDS`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = ["NEAR_DUPLICATE_JACCARD", "NUM_PERM", "jaccard", "near_duplicate_pairs"]

NEAR_DUPLICATE_JACCARD = 0.55  # shingle Jaccard at or above which two texts are one article
NUM_PERM = 64  # signature length: enough for a 0.55 threshold, cheap for 100k documents
# 16 bands of 4 rows: a pair at Jaccard 0.55 becomes a candidate with p = 0.79, at 0.65 with
# p = 0.96; datasketch's default split (12 x 5) would miss half the pairs at the threshold.
# Extra candidates cost one exact check each.
LSH_BANDS = (16, 4)
MIN_SHINGLES = 8  # shorter texts (bare headlines) are left to the story stage


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted, unique shingle-hash arrays."""
    if not len(a) or not len(b):
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def near_duplicate_pairs(
    shingle_sets: Sequence[np.ndarray], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, jaccard)`` with ``i < j`` whose shingle Jaccard is >= threshold.

    ``shingle_sets`` are :func:`~deepdaily.cluster.text.shingles` arrays (32-bit hashes), fed
    to datasketch as they are.
    """
    usable = [i for i, s in enumerate(shingle_sets) if len(s) >= MIN_SHINGLES]
    if len(usable) < 2:
        return []
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=LSH_BANDS)
    signatures = MinHash.bulk(
        (shingle_sets[i].tolist() for i in usable), num_perm=NUM_PERM, hashfunc=int
    )
    with lsh.insertion_session() as session:
        for i, signature in zip(usable, signatures, strict=True):
            session.insert(i, signature, check_duplication=False)
    pairs: list[tuple[int, int, float]] = []
    for i, signature in zip(usable, signatures, strict=True):
        for j in lsh.query(signature):
            if j > i:
                score = jaccard(shingle_sets[i], shingle_sets[j])
                if score >= threshold:
                    pairs.append((i, j, score))
    return pairs
