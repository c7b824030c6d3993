"""A TF-IDF space over term lists, as a sparse matrix, for cosine similarity in bulk.

Term frequencies are sublinear (``1 + log tf``), inverse document frequencies smoothed
(``1 + log((1 + n) / (1 + df))``) and rows L2-normalised, so a row product is a cosine.
The idf is fitted on the batch being compared: a word every report of the day uses ("AI",
"model") weighs little, a word only two reports share weighs a lot.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

__all__ = ["TfidfSpace"]


class TfidfSpace:
    """Rows of L2-normalised TF-IDF vectors, one per term list."""

    def __init__(self, term_lists: Iterable[Iterable[str]]) -> None:
        """Build the space from ``term_lists``, read once, in order (a generator is fine)."""
        vocabulary: dict[str, int] = {}
        # Machine-typed buffers, not Python lists: a list holds one int object per stored
        # entry (tens of bytes each, millions of entries on a large batch).
        indptr = array("q", [0])
        indices = array("q")
        values = array("d")
        for terms in term_lists:
            counts = Counter(terms)
            indices.extend([vocabulary.setdefault(term, len(vocabulary)) for term in counts])
            values.extend(counts.values())
            indptr.append(len(indices))
        n_rows, n_terms = len(indptr) - 1, len(vocabulary)
        matrix = sparse.csr_matrix(
            (
                np.frombuffer(values, dtype=np.float64),
                np.frombuffer(indices, dtype=np.int64),
                np.frombuffer(indptr, dtype=np.int64),
            ),
            shape=(n_rows, n_terms),
        )
        del values, indices, indptr
        df = np.bincount(matrix.indices, minlength=n_terms)
        self.idf = 1.0 + np.log((1.0 + n_rows) / (1.0 + df))
        matrix.data = (1.0 + np.log(matrix.data)) * self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        self.matrix: sparse.csr_matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)
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
