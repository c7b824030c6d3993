"""Exact duplicates: one document id, one canonical URL, or one normalised text.

The cheapest stage runs first: a page fetched twice, a feed entry and its full page under the
same canonical URL, or a verbatim copy on another site (same text once case, spacing and
punctuation are normalised) are one document for the story's purposes. Texts shorter than
``features.MIN_FINGERPRINT_CHARS`` are not hashed, so two bare headlines never merge here.
"""

from __future__ import annotations

from collections.abc import Sequence

from deepdaily.cluster.unionfind import UnionFind
from deepdaily.models import Document

__all__ = ["merge_exact_duplicates"]


def merge_exact_duplicates(
    documents: Sequence[Document], fingerprints: Sequence[str], uf: UnionFind
) -> int:
    """Join, in ``uf``, documents with the same id, canonical URL or text (``fingerprints``:
    ``DocFeatures.fingerprint`` of each document); returns merges."""
    # One table per kind of key (id, URL, text fingerprint), holding the documents' own
    # strings: no key string is built per document.
    first_seen: tuple[dict[str, int], dict[str, int], dict[str, int]] = ({}, {}, {})
    merges = 0
    for index, (doc, fingerprint) in enumerate(zip(documents, fingerprints, strict=True)):
        url = (doc.canonical_url or doc.url).strip().rstrip("/")
        keys = (doc.id, url, fingerprint)
        for kind, (table, key) in enumerate(zip(first_seen, keys, strict=True)):
            if kind and not key:
                continue  # no URL, or a text too short to fingerprint (an id always counts)
            other = table.setdefault(key, index)
            if other != index and uf.union(other, index):
                merges += 1
    return merges
