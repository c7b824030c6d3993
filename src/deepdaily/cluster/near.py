"""Near-duplicate pairs: MinHash signatures bucketed by LSH, confirmed by exact Jaccard.

A lightly edited copy of an article (syndication, a scraper, a re-post with a new headline)
keeps most of its three-token shingles (a token is a word or one CJK character), so its
Jaccard similarity with the original stays high while unrelated texts share almost none.
``datasketch`` finds candidate pairs in about linear time; each candidate is then checked
against the real shingle sets, so LSH false positives never merge anything.

Governed by the module constants :data:`NEAR_DUPLICATE_JACCARD` and :data:`NUM_PERM`.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

__all__ = ["NEAR_DUPLICATE_JACCARD", "NUM_PERM", "jaccard", "near_duplicate_pairs"]

NEAR_DUPLICATE_JACCARD = 0.55  # shingle Jaccard at or above which two texts are one article
NUM_PERM = 64  # signature length: enough for a 0.55 threshold, cheap for 100k documents
MIN_SHINGLES = 8  # shorter texts (bare headlines) are left to the story stage


def _hash(shingle: str) -> int:
    return zlib.crc32(shingle.encode("utf-8"))


def jaccard(a: set[str], b: set[str]) -> float:
    """Exact Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def near_duplicate_pairs(
    shingle_sets: Sequence[set[str]], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, jaccard)`` with ``i < j`` whose shingle Jaccard is >= threshold."""
    usable = [i for i, s in enumerate(shingle_sets) if len(s) >= MIN_SHINGLES]
    if len(usable) < 2:
        return []
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    signatures = MinHash.bulk((shingle_sets[i] for i in usable), num_perm=NUM_PERM, hashfunc=_hash)
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
