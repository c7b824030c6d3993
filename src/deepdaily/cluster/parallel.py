"""Run the near-duplicate stage in a second process while the main one does the rest.

On a large batch (at least :data:`PARALLEL_MIN` documents) on a platform with the ``fork``
start method (Linux), one worker process computes shingles and MinHash/LSH pairs (``near.py``,
held in a few numpy arrays) while the main process extracts the other features, builds the
TF-IDF space and scores story pairs; the two meet before merging. The worker inherits the
documents (nothing is pickled on the way in) and sends back only index pairs. Anywhere else
(macOS, Windows, inside a daemonic process), or if the worker fails, the same work runs
in-process: the result is identical either way.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

import numpy as np

from deepdaily.cluster.features import doc_shingles
from deepdaily.cluster.near import near_duplicate_pairs
from deepdaily.models import Document

__all__ = ["PARALLEL_MIN", "NearDuplicateJob"]

PARALLEL_MIN = 20_000  # below this a second process costs more than it saves

Pairs = list[tuple[int, int, float]]


def _can_fork() -> bool:
    return (
        "fork" in mp.get_all_start_methods()
        and sys.platform != "darwin"  # fork is unsafe with macOS system frameworks
        and not mp.current_process().daemon  # daemonic processes cannot have children
    )


def _work(documents: Sequence[Document], conn: Connection) -> None:
    try:
        conn.send(near_duplicate_pairs(doc_shingles(doc) for doc in documents))
    finally:
        conn.close()


class NearDuplicateJob:
    """Near-duplicate pairs of ``documents``, computed in the background when worthwhile."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self._documents = documents
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        if len(documents) >= PARALLEL_MIN and _can_fork():
            ctx = mp.get_context("fork")
            receiver, sender = ctx.Pipe(duplex=False)
            self._process = ctx.Process(target=_work, args=(documents, sender), daemon=True)
            # Frozen objects are left out of the worker's garbage collections, which would
            # otherwise write to every object's header and so copy the parent's pages.
            gc.freeze()
            try:
                self._process.start()
            finally:
                gc.unfreeze()
            sender.close()
            self._conn = receiver

    @property
    def in_background(self) -> bool:
        """True when a worker computes the pairs (so features need no shingles)."""
        return self._process is not None

    def result(self, shingle_sets: Sequence[np.ndarray] = ()) -> Pairs:
        """The pairs; computed here if no worker ran, from ``shingle_sets`` (one per document,
        ``DocFeatures.shingles``) where given and not empty, else from the documents."""
        if self._process is not None and self._conn is not None:
            pairs: Pairs | None = None
            try:
                pairs = self._conn.recv()
            except (EOFError, OSError):
                pairs = None  # the worker died: fall back to doing the work here
            finally:
                self._conn.close()
                self._process.join()
            if pairs is not None:
                return pairs
        if not shingle_sets:
            return near_duplicate_pairs(doc_shingles(doc) for doc in self._documents)
        return near_duplicate_pairs(
            shingles if len(shingles) else doc_shingles(doc)
            for shingles, doc in zip(shingle_sets, self._documents, strict=True)
        )
