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

import multiprocessing as mp
import sys
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from deepdaily.cluster.features import DocFeatures, doc_shingles
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
            self._process.start()
            sender.close()
            self._conn = receiver

    @property
    def in_background(self) -> bool:
        """True when a worker computes the pairs (so features need no shingles)."""
        return self._process is not None

    def result(self, features: Sequence[DocFeatures]) -> Pairs:
        """The pairs; computed here, from ``features`` or the documents, if no worker ran."""
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
        return near_duplicate_pairs(
            f.shingles if len(f.shingles) else doc_shingles(doc)
            for f, doc in zip(features, self._documents, strict=True)
        )
