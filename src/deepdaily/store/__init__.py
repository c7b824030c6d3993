"""Storage: SQLAlchemy 2, SQLite by default, ordered named migrations."""

from deepdaily.store.store import SourceState, Store, StoredDigest

__all__ = ["SourceState", "Store", "StoredDigest"]
