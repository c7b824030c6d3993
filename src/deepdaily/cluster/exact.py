"""Exact duplicates: one document id, one canonical URL, or one normalised text.

The cheapest stage runs first: a page fetched twice, a feed entry and its full page under the
same canonical URL, or a verbatim copy on another site (same text once case, spacing and
punctuation are normalised) are one document for the story's purposes. Texts shorter than
``features.MIN_FINGERPRINT_CHARS`` are not hashed, so two bare headlines never merge here.
"""

from __future__ import annotations

from collections.abc import Sequence

from deepdaily.cluster.features import DocFeatures
from deepdaily.cluster.unionfind import UnionFind
from deepdaily.models import Document

__all__ = ["merge_exact_duplicates"]


def merge_exact_duplicates(
    documents: Sequence[Document], features: Sequence[DocFeatures], uf: UnionFind
) -> int:
    """Join, in ``uf``, documents with the same id, canonical URL or text; returns merges."""
    first_seen: dict[str, int] = {}
    merges = 0
    for index, (doc, feat) in enumerate(zip(documents, features, strict=True)):
        keys = [f"id:{doc.id}"]
        url = (doc.canonical_url or doc.url).strip().rstrip("/")
        if url:
            keys.append(f"url:{url}")
        if feat.fingerprint:
            keys.append(f"text:{feat.fingerprint}")
        for key in keys:
            other = first_seen.setdefault(key, index)
            if other != index and uf.union(other, index):
                merges += 1
    return merges
