"""Storage: SQLAlchemy 2, SQLite by default, ordered named migrations."""

from deepdaily.store.store import SourceState, Store, StoredDigest, StoredDocument

__all__ = ["SourceState", "Store", "StoredDigest", "StoredDocument"]
