"""A TF-IDF space over term lists, as a sparse matrix, for cosine similarity in bulk.

Term frequencies are sublinear (``1 + log tf``), inverse document frequencies smoothed
(``1 + log((1 + n) / (1 + df))``) and rows L2-normalised, so a row product is a cosine.
The idf is fitted on the batch being compared: a word every report of the day uses ("AI",
"model") weighs little, a word only two reports share weighs a lot.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

__all__ = ["TfidfSpace"]

_CHUNK = 1 << 20  # stored values per temporary while weighting (8 MB of float64)


class TfidfSpace:
    """Rows of L2-normalised TF-IDF vectors, one per term list."""

    def __init__(self, term_lists: Iterable[Iterable[str]]) -> None:
        """Build the space from ``term_lists``, read once, in order (a generator is fine)."""
        vocabulary: dict[str, int] = {}
        # Machine-typed buffers, not Python lists: a list holds one int object per stored
        # entry (tens of bytes each, millions of entries on a large batch). Each row is stored
        # back to front: that is the order in which scipy's product with a diagonal matrix
        # (how the rows used to be normalised) left them, and the cosines read them in it.
        indptr = array("q", [0])
        indices = array("i")
        data = array("d")  # term counts, then (in place) their weights
        for terms in term_lists:
            tf = Counter(terms)
            row = [vocabulary.setdefault(term, len(vocabulary)) for term in tf]
            row.reverse()
            indices.extend(row)
            data.extend(reversed(tf.values()))
            indptr.append(len(indices))
        n_rows, n_terms = len(indptr) - 1, len(vocabulary)
        cols = np.frombuffer(indices, dtype=np.int32)
        offsets = np.frombuffer(indptr, dtype=np.int64)
        values = np.frombuffer(data, dtype=np.float64)
        # Weighted and normalised in place, one row-sized temporary at a time: the same
        # arithmetic, in the same order, as (1 + log tf) * idf, a row norm from the sum of
        # squares and a product with the diagonal of inverse norms, without their copies.
        df = np.bincount(cols, minlength=n_terms)
        self.idf = 1.0 + np.log((1.0 + n_rows) / (1.0 + df))
        np.log(values, out=values)
        values += 1.0
        for lo in range(0, len(values), _CHUNK):
            values[lo : lo + _CHUNK] *= self.idf[cols[lo : lo + _CHUNK]]
        norms = np.sqrt(_row_sums_of_squares(values, cols, offsets))
        norms[norms == 0] = 1.0
        inverse = 1.0 / norms
        for lo, hi in _row_blocks(offsets):
            rows = slice(lo, hi)
            values[offsets[lo] : offsets[hi]] *= np.repeat(
                inverse[rows], np.diff(offsets[lo : hi + 1])
            )
        self.matrix: sparse.csr_matrix = sparse.csr_matrix(
            (values, cols, offsets), shape=(n_rows, n_terms)
        )
        self.vocabulary = vocabulary

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def pair_cosines(
        self, left: NDArray[np.int64], right: NDArray[np.int64], chunk: int = 20_000
    ) -> NDArray[np.float64]:
        """Cosine of rows ``left[k]`` and ``right[k]`` for every k, ``chunk`` pairs at a time
        (each chunk copies both rows of its pairs)."""
        out = np.empty(len(left), dtype=np.float64)
        for start in range(0, len(left), chunk):
            a = self.matrix[left[start : start + chunk]]
            b = self.matrix[right[start : start + chunk]]
            out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        return out

    def row_dict(self, row: int) -> dict[int, float]:
        """One row as ``{term index: weight}``, for incremental centroids."""
        start, end = self.matrix.indptr[row], self.matrix.indptr[row + 1]
        return dict(
            zip(
                self.matrix.indices[start:end].tolist(),
                self.matrix.data[start:end].tolist(),
                strict=True,
            )
        )

    def cosine_to_all(self, vector: sparse.csr_matrix) -> NDArray[np.float64]:
        """Cosine of one (normalised) row vector against every row."""
        return np.asarray((self.matrix @ vector.T).todense()).ravel()


def _row_blocks(offsets: NDArray[np.int64]) -> Iterator[tuple[int, int]]:
    """Row ranges ``[lo, hi)`` holding about :data:`_CHUNK` stored values each."""
    n_rows, lo = len(offsets) - 1, 0
    while lo < n_rows:
        hi = int(np.searchsorted(offsets, offsets[lo] + _CHUNK, side="right")) - 1
        hi = min(max(hi, lo + 1), n_rows)
        yield lo, hi
        lo = hi


def _descending_rows(cols: NDArray[np.int32], offsets: NDArray[np.int64], lo: int, hi: int) -> bool:
    """True when every row in ``[lo, hi)`` stores its columns in strictly descending order."""
    start, end = int(offsets[lo]), int(offsets[hi])
    steps = np.diff(cols[start:end])
    inner = np.ones(len(steps), dtype=bool)  # a step from a row's last entry to the next row's
    last = offsets[lo + 1 : hi + 1] - start - 1
    inner[last[(last >= 0) & (last < len(steps))]] = False
    return bool(np.all(steps[inner] < 0))


def _row_sums_of_squares(
    data: NDArray[np.float64], cols: NDArray[np.int32], offsets: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Each row's sum of squared values, added in the order scipy's element-wise product
    would add them: as stored, unless every row's columns ascend (stored descending here),
    when scipy keeps them ascending."""
    lengths = np.diff(offsets)
    ascending = bool(len(cols)) and all(
        _descending_rows(cols, offsets, lo, hi) for lo, hi in _row_blocks(offsets)
    )
    sums = np.zeros(len(lengths), dtype=np.float64)
    for lo, hi in _row_blocks(offsets):
        start, end = int(offsets[lo]), int(offsets[hi])
        squares = data[start:end] * data[start:end]
        local = offsets[lo : hi + 1] - start
        if ascending:  # read each row back to front
            row_of = np.repeat(np.arange(hi - lo), np.diff(local))
            squares = squares[local[row_of] + local[row_of + 1] - 1 - np.arange(end - start)]
        filled = np.flatnonzero(np.diff(local))
        if len(filled):
            sums[lo + filled] = np.add.reduceat(squares, local[filled])
    return sums
