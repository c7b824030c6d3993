"""Clustering in bounded memory, with the same results as the object-per-document version.

The near-duplicate stage keeps signatures and buckets in numpy arrays instead of datasketch's
``MinHash`` objects and ``MinHashLSH`` tables; the story stage numbers its keys into typed
buffers; the TF-IDF space reads term lists once. Each test compares the compact version with
the straightforward one it replaced, on inputs where they could differ.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from scipy import sparse

from deepdaily.cluster import stories
from deepdaily.cluster.features import DocFeatures, doc_features
from deepdaily.cluster.near import (
    LSH_BANDS,
    MIN_SHINGLES,
    NEAR_DUPLICATE_JACCARD,
    NUM_PERM,
    candidate_pairs,
    jaccard,
    minhash_signatures,
    near_duplicate_pairs,
)
from deepdaily.cluster.vectors import TfidfSpace
from deepdaily.models import Document, content_id


def _made_up_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
        for _ in range(count)
    ]


WORDS = _made_up_words(3000, 11)  # a vocabulary wide enough that stories differ
NAMES = [word.capitalize() for word in _made_up_words(400, 12)]


def _shingle_sets(seed: int, n: int) -> list[np.ndarray]:
    """Random sorted shingle sets, a third of them edited copies of earlier ones."""
    rng = np.random.default_rng(seed)
    sets: list[np.ndarray] = []
    for k in range(n):
        if k and rng.random() < 0.35:
            base = sets[int(rng.integers(len(sets)))]
            kept = base[rng.random(len(base)) < 0.85]
            extra = rng.integers(0, 2**32, 4, dtype=np.uint64).astype(np.uint32)
            sets.append(np.unique(np.concatenate([kept, extra])))
        else:
            size = int(rng.integers(1, 90))
            sets.append(np.unique(rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)))
    return sets


def _flat(sets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in sets], out=offsets[1:])
    return np.concatenate(sets), offsets


def test_bulk_signatures_equal_datasketch_minhash() -> None:
    """Guards the numpy MinHash: a different permutation, input mixing or overflow rule would
    change which pairs LSH proposes, silently changing which documents merge."""
    sets = [s for s in _shingle_sets(1, 400) if len(s)]
    flat, offsets = _flat(sets)
    ours = minhash_signatures(flat, offsets)
    assert ours.shape == (len(sets), NUM_PERM)
    for row, shingle_set in zip(ours, sets, strict=True):
        theirs = MinHash(num_perm=NUM_PERM, hashfunc=int)
        theirs.update_batch(shingle_set.tolist())
        assert np.array_equal(row, theirs.hashvalues)


def test_signatures_do_not_depend_on_the_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the chunked hashing: a set split across two chunks must not lose shingles."""
    sets = [s for s in _shingle_sets(2, 300) if len(s)]
    flat, offsets = _flat(sets)
    whole = minhash_signatures(flat, offsets)
    monkeypatch.setattr("deepdaily.cluster.near.CHUNK_SHINGLES", 37)
    assert np.array_equal(minhash_signatures(flat, offsets), whole)


def test_banded_candidates_equal_datasketch_lsh_buckets() -> None:
    """Guards the sort-based buckets: exactly the pairs MinHashLSH with the same bands would
    return, so the exact Jaccard check sees the same candidates."""
    sets = [s for s in _shingle_sets(3, 1500) if len(s) >= MIN_SHINGLES]
    flat, offsets = _flat(sets)
    signatures = minhash_signatures(flat, offsets)
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=NUM_PERM, params=LSH_BANDS)
    hashes = []
    for key, row in enumerate(signatures):
        minhash = MinHash(num_perm=NUM_PERM, hashfunc=int, hashvalues=row, scheme="affine32")
        lsh.insert(key, minhash)
        hashes.append(minhash)
    expected = {(i, j) for i, m in enumerate(hashes) for j in lsh.query(m) if j > i}
    found = candidate_pairs(signatures, *LSH_BANDS)
    assert len(expected) > 100  # the edited copies make buckets
    assert {(int(i), int(j)) for i, j in found} == expected
    assert found.tolist() == sorted(found.tolist())  # sorted, unique


def test_near_duplicate_pairs_are_exact_and_read_a_generator_once() -> None:
    """Guards the flat shingle buffer: indices must map back to the caller's positions,
    skipping short sets, and every reported pair must reach the threshold exactly."""
    sets = _shingle_sets(4, 800)
    from_list = near_duplicate_pairs(sets)
    assert from_list == near_duplicate_pairs(iter(sets))
    assert len(from_list) > 50
    for i, j, score in from_list:
        assert i < j
        assert min(len(sets[i]), len(sets[j])) >= MIN_SHINGLES
        assert score == jaccard(sets[i], sets[j]) >= NEAR_DUPLICATE_JACCARD


def _document(i: int, rng: random.Random) -> Document:
    title = " ".join([rng.choice(NAMES), *rng.choices(WORDS, k=6), f"v{rng.randrange(9)}.1"])
    text = " ".join(
        [rng.choice(NAMES), rng.choice(NAMES), *rng.choices(WORDS, k=40), f"{rng.randrange(90)}B"]
    )
    url = f"https://site{rng.randrange(40)}.example/{i}"
    moment = datetime(2026, 2, 11, tzinfo=UTC) + timedelta(minutes=rng.randrange(3000))
    return Document(
        id=content_id(url, text),
        source=f"site{rng.randrange(40)}",
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        published=moment,
        fetched_at=moment,
    )


def _batch(n: int, seed: int = 5) -> list[Document]:
    rng = random.Random(seed)
    docs: list[Document] = []
    for i in range(n):
        if docs and rng.random() < 0.2:  # a re-post, lightly edited, under another URL
            src = rng.choice(docs)
            url = f"https://mirror{rng.randrange(9)}.example/{i}"
            text = src.text.replace(rng.choice(WORDS), "reportedly", 1)
            docs.append(
                src.model_copy(update={"id": content_id(url, text), "url": url, "text": text})
            )
        else:
            docs.append(_document(i, rng))
    return docs


def _reference_candidates(features: list[DocFeatures]) -> set[tuple[int, int]]:
    """The story stage's candidate pairs as first written: one dict of key strings per
    document and the whole pair-score product at once."""
    keys_per_doc = [
        {f"e:{e.key}": 1.0 if e.kind == "name" else 2.0 for e in f.entities}
        | {f"t:{t}": 1.0 for t in f.title_terms}
        | {f"l:{link}": 2.0 for link in f.links}
        for f in features
    ]
    df = Counter(key for keys in keys_per_doc for key in keys)
    ids: dict[str, int] = {}
    rows, cols, data = [], [], []
    for row, keys in enumerate(keys_per_doc):
        for key, weight in keys.items():
            if 2 <= df[key] <= stories.MAX_POSTINGS:
                rows.append(row)
                cols.append(ids.setdefault(key, len(ids)))
                data.append(weight**0.5)
    incidence = sparse.csr_matrix((data, (rows, cols)), shape=(len(features), len(ids)))
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    keep = shared.data >= stories.MIN_KEY_SCORE - 1e-9
    return set(zip(shared.row[keep].tolist(), shared.col[keep].tolist(), strict=True))


def test_story_candidates_scored_in_blocks_equal_the_whole_product(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guards the buffered key incidence and the row blocks: no pair lost at a block edge and
    a key's weight (the last kind of an entity key counts) kept."""
    features = [doc_features(doc, with_shingles=False) for doc in _batch(600)]
    expected = _reference_candidates(features)
    assert len(expected) > 100
    monkeypatch.setattr(stories, "SCORE_ROWS", 7)
    left, right = stories._candidate_pairs(features)
    assert set(zip(left.tolist(), right.tolist(), strict=True)) == expected


def test_tfidf_space_reads_a_generator_as_it_reads_a_list() -> None:
    """Guards the typed buffers of the TF-IDF space: the same matrix, however it is fed."""
    terms = [doc_features(doc, with_shingles=False).terms for doc in _batch(300)]
    listed, streamed = TfidfSpace(terms), TfidfSpace(t for t in terms)
    assert listed.vocabulary == streamed.vocabulary
    assert (listed.matrix != streamed.matrix).nnz == 0
    norms = np.sqrt(np.asarray(streamed.matrix.multiply(streamed.matrix).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0)  # every row has terms, so every row is a unit vector
