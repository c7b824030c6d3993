"""Where the database is: ``[store] url``, or a default next to the settings file.

- ``url`` set: used as given, except that a relative SQLite path written in a settings file
  (``url = "sqlite:///state/deepdaily.db"``) is relative to that file's folder, so the same
  file finds the same database from any working directory (cron). A relative path from
  ``--db`` or ``DEEPDAILY_STORE__URL`` stays relative to the working directory, as a shell user
  expects.
- ``url`` empty: ``deepdaily.db`` next to the settings file, so unrelated sites never share a
  database; with no settings file, ``deepdaily.db`` in the user data directory (platformdirs).
- ``keep_days``: the retention policy (:mod:`deepdaily.store.retention`): after each run of a
  recent day, what is older than this many days and no digest stands on is removed; 0 keeps
  everything. It must be longer than the event memory (14 days).

:meth:`StoreSettings.describe` says which of these applied, for ``doctor`` and run summaries.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field, PrivateAttr, field_validator

from deepdaily.config.base import StrictModel

__all__ = [
    "DATABASE_FILENAME",
    "EVENT_MEMORY_DAYS",
    "StoreSettings",
    "anchor_sqlite_url",
    "user_database",
]

DATABASE_FILENAME = "deepdaily.db"


def user_database() -> Path:
    """The per-user default database, used when no settings file is."""
    return Path(platformdirs.user_data_dir("deepdaily", appauthor=False)) / DATABASE_FILENAME


def anchor_sqlite_url(url: str, folder: Path) -> str:
    """``url`` with a relative SQLite file path made absolute under ``folder``.

    ``sqlite:///db/x.db`` -> ``sqlite:////abs/folder/db/x.db``; absolute paths, ``:memory:``,
    ``file:`` URIs and other databases are returned unchanged.
    """
    scheme, sep, rest = url.partition(":///")
    if not sep or not scheme.startswith("sqlite"):
        return url
    path, query, params = rest.partition("?")
    if not path or path.startswith(("/", "~", "file:")) or path == ":memory:":
        return url
    return f"{scheme}:///{(folder / path).resolve()}{query}{params}"


#: Days of events a run's clustering joins new documents to (deepdaily.pipeline.run).
EVENT_MEMORY_DAYS = 14


class StoreSettings(StrictModel):
    url: str = ""
    keep_days: int = Field(default=90, ge=0)  # retention (deepdaily.store.retention); 0: all

    @field_validator("keep_days")
    @classmethod
    def _longer_than_memory(cls, value: int) -> int:
        if 0 < value <= EVENT_MEMORY_DAYS:
            raise ValueError(
                f"{value} days would remove documents of events a run still joins new coverage "
                f"to ({EVENT_MEMORY_DAYS} days); use more than {EVENT_MEMORY_DAYS}, or 0 to keep "
                "everything"
            )
        return value

    _settings_file: Path | None = PrivateAttr(default=None)
    _origin: str = PrivateAttr(default="")

    def locate(self, settings_file: Path | None, origin: str) -> None:
        """Record the settings file the default sits beside, and who set ``url``."""
        self._settings_file = settings_file.resolve() if settings_file else None
        self._origin = origin

    def default_path(self) -> Path:
        """The database used when ``url`` is empty."""
        if self._settings_file is not None:
            return self._settings_file.parent / DATABASE_FILENAME
        return user_database()

    def resolved_url(self) -> str:
        """The database URL: ``url``, or a SQLite file at :meth:`default_path`."""
        return self.url or f"sqlite:///{self.default_path()}"

    def describe(self) -> str:
        """The URL and why it is the one used, on one line."""
        url = self.resolved_url()
        if self.url:
            return f"{url} (store.url from {self._origin or 'the settings'})"
        if self._settings_file is None:
            return f"{url} (default: user data directory, no settings file)"
        text = f"{url} (default: next to {self._settings_file})"
        legacy = user_database()
        if not self.default_path().exists() and legacy.exists():
            text += f"; an older per-user database is at {legacy}: set store.url to keep it"
        return text
