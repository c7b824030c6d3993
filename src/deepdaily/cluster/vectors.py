"""A TF-IDF space over term lists, as a sparse matrix, for cosine similarity in bulk.

Term frequencies are sublinear (``1 + log tf``), inverse document frequencies smoothed
(``1 + log((1 + n) / (1 + df))``) and rows L2-normalised, so a row product is a cosine.
The idf is fitted on the batch being compared: a word every report of the day uses ("AI",
"model") weighs little, a word only two reports share weighs a lot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

__all__ = ["TfidfSpace"]


class TfidfSpace:
    """Rows of L2-normalised TF-IDF vectors, one per term list."""

    def __init__(self, term_lists: Sequence[Iterable[str]]) -> None:
        vocabulary: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for terms in term_lists:
            counts = Counter(terms)
            for term, count in counts.items():
                indices.append(vocabulary.setdefault(term, len(vocabulary)))
                values.append(count)
            indptr.append(len(indices))
        n_rows, n_terms = len(indptr) - 1, len(vocabulary)
        matrix = sparse.csr_matrix(
            (np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
            shape=(n_rows, n_terms),
        )
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
        self, left: NDArray[np.int64], right: NDArray[np.int64], chunk: int = 200_000
    ) -> NDArray[np.float64]:
        """Cosine of rows ``left[k]`` and ``right[k]`` for every k."""
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
