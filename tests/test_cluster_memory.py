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
from deepdaily.cluster.columns import as_columns, entity_key_counts
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
from deepdaily.cluster.text import Entity
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


def _reference_space(term_lists: list[list[str]]) -> tuple[dict[str, int], sparse.csr_matrix]:
    """The TF-IDF space as first written: a matrix per step (weights, squares, the product
    with the diagonal of inverse norms)."""
    vocabulary: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for terms in term_lists:
        counts = Counter(terms)
        indices.extend(vocabulary.setdefault(term, len(vocabulary)) for term in counts)
        values.extend(counts.values())
        indptr.append(len(indices))
    matrix = sparse.csr_matrix(
        (np.asarray(values, dtype=np.float64), indices, indptr),
        shape=(len(term_lists), len(vocabulary)),
    )
    idf = 1.0 + np.log((1.0 + matrix.shape[0]) / (1.0 + np.bincount(matrix.indices)))
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return vocabulary, sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


def _features_with(entities_: set[Entity], source: str) -> DocFeatures:
    return DocFeatures(
        terms=[],
        title_terms=(),
        entities=frozenset(entities_),
        shingles=np.empty(0, dtype=np.uint32),
        fingerprint="",
        links=frozenset(),
        source=source,
    )


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_tfidf_space_normalised_in_place_is_bit_identical(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Guards the in-place weighting and normalisation (in row blocks of ``_CHUNK`` values):
    every stored value and its position equal the matrix-per-step version's, bit for bit,
    including a batch whose rows all list their terms in ascending order, where scipy adds
    the squares in another order."""
    monkeypatch.setattr("deepdaily.cluster.vectors._CHUNK", chunk)
    batches = [
        [doc_features(doc, with_shingles=False).terms for doc in _batch(300)],
        [["alpha", "beta", "gamma"], ["alpha", "epsilon"], [], ["zeta"]],  # rows ascend
    ]
    for terms in batches:
        vocabulary, expected = _reference_space(terms)
        space = TfidfSpace(iter(terms))
        assert space.vocabulary == vocabulary
        assert np.array_equal(space.matrix.indptr, expected.indptr)
        assert np.array_equal(space.matrix.indices, expected.indices)
        assert np.array_equal(space.matrix.data, expected.data)  # exact, not close


def test_entity_key_counts_equal_counting_the_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the block-wise count of the story stage's entity frequencies: one key held in
    two kinds by one document counts once, and no document is lost at a block edge."""
    monkeypatch.setattr("deepdaily.cluster.columns._BLOCK", 5)
    features = [doc_features(doc, with_shingles=False) for doc in _batch(400)]
    features.append(_features_with({Entity("h100", "name"), Entity("h100", "model")}, "x"))
    n, df = entity_key_counts(as_columns(features))
    assert n == len(features)
    assert df == stories.EntityStats([f.entities for f in features]).df


def test_a_key_of_two_kinds_counts_the_heavier_whatever_the_set_order() -> None:
    """Regression: "h100" is both a name (weight 1) and a model (weight 2); the story stage
    used to keep whichever kind the frozenset yielded last, an order that follows the string
    hash seed, so which pairs were compared (and so the events) changed from one process to
    the next."""
    both = {Entity("h100", "name"), Entity("h100", "model")}
    columns = as_columns([_features_with(both, "a"), _features_with(both, "b")])
    keys, weights, _ = columns.key_rows()
    assert keys.tolist() == [0, 0] and weights.tolist() == [2, 2]
    left, right = stories._candidate_pairs(columns)  # one shared key of weight 2 suffices
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]


_SEED_SCRIPT = """
import random
from datetime import UTC, datetime
from deepdaily.cluster import cluster_documents
from deepdaily.models import Document, content_id

words = ("quiet engine folds memory into smaller pages while schedulers wait for idle cores "
         "and operators measure every batch before release").split()
rng = random.Random(3)
docs = []
for k, (title, source) in enumerate([("fresh chip", "alpha"), ("vendor update", "beta")]):
    body = words[:]
    rng.shuffle(body)  # the same words in another order: similar, yet no shared shingles
    body.insert(5, "Kx100")  # their one shared key, a name and a model at once
    text = " ".join(body)
    url = f"https://{source}.example/{k}"
    moment = datetime(2026, 2, 11, tzinfo=UTC)
    docs.append(Document(id=content_id(url, text), source=source, url=url, canonical_url=url,
                         title=title, text=text, published=moment, fetched_at=moment))
print(len(cluster_documents(docs)))
"""


def test_events_do_not_depend_on_the_string_hash_seed() -> None:
    """Regression: entity sets were read in frozenset order, which follows the per-process
    string hash seed, when weighting a key of two kinds (and numbering keys, adding weights):
    these two reports, sharing only "Kx100", were one event under some seeds and two under
    others (at 30k generated documents three seeds gave three different sets of events)."""
    import os
    import subprocess
    import sys

    counts = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SEED_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        counts.add(done.stdout.strip())
    assert counts == {"1"}  # one story, told twice, under every seed


def test_consumed_features_give_the_same_events_and_are_let_go() -> None:
    """Guards ``consume_features`` (the run's features, some 340 MB at 100k documents, are
    taken out of its mapping as the feature pass reads them): the events are those of the
    same features read without consuming, and of features computed by the clustering."""
    from deepdaily.cluster import cluster_documents

    docs = _batch(300)
    kept = {doc.id: doc_features(doc, with_shingles=False) for doc in docs}
    consumed = dict(kept)
    expected = cluster_documents(docs)
    assert cluster_documents(docs, features_of=kept) == expected
    assert len(kept) == len(docs)  # read, never emptied
    assert cluster_documents(docs, features_of=consumed, consume_features=True) == expected
    assert consumed == {}
