"""Storage: SQLAlchemy 2, SQLite by default, ordered named migrations."""

from deepdaily.store.store import (
    DIGEST_STATUSES,
    SourceState,
    Store,
    StoredDigest,
    StoredDocument,
)

__all__ = ["DIGEST_STATUSES", "SourceState", "Store", "StoredDigest", "StoredDocument"]
