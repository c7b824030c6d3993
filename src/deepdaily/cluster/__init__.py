"""Cluster stage: group the day's documents into events (stories).

``cluster_documents(documents, known)`` runs exact, near-duplicate and same-story merging and
returns :class:`~deepdaily.models.Event` records with stable ids; see ``events.py``.
"""

from __future__ import annotations

from deepdaily.cluster.events import cluster_documents, document_time

__all__ = ["cluster_documents", "document_time"]
