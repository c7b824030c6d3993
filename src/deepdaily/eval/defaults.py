"""The evaluation's defaults, in a module light enough for the CLI to read at start-up."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_FLOORS", "DEFAULT_K"]

#: Picks scored per labelled day: the digest's default item count.
DEFAULT_K = 8
#: The pinned floors, relative to the repository root (``deepdaily eval --gate``).
DEFAULT_FLOORS = Path("eval") / "floors.toml"
