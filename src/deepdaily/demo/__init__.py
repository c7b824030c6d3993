"""The bundled demo: a two-day snapshot of fictional sources, served offline.

``SNAPSHOT_ROOT`` holds ``web/<host>/<path>`` files for :class:`SnapshotTransport`;
``SOURCES_PATH`` is a ``[[sources]]`` TOML file the settings loader reads as-is. The snapshot
covers 2026-11-25 and 2026-11-26 (UTC): the windows of the digests dated 2026-11-26 and
2026-11-27 (see :mod:`deepdaily.demo.runner`). ``tools/make_snapshot.py`` regenerates it.
"""

from __future__ import annotations

from pathlib import Path

from deepdaily.demo.transport import SnapshotTransport

__all__ = ["SNAPSHOT_ROOT", "SOURCES_PATH", "SnapshotTransport"]

SNAPSHOT_ROOT = Path(__file__).with_name("snapshot")
SOURCES_PATH = Path(__file__).with_name("sources.toml")
