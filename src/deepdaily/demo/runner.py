"""Run the whole pipeline on the bundled snapshot, offline.

The snapshot's sites live under reserved ``.example`` hosts and are answered by
:class:`~deepdaily.demo.transport.SnapshotTransport` from files inside the package; only the
deliberately unreachable source goes to a loopback port, where nothing listens. The demo
ignores the user's ``deepdaily.toml`` (it is meant to be reproducible) but honours
``DEEPDAILY_*`` variables and flags like any run.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from deepdaily.config import Settings, load_settings
from deepdaily.demo.transport import SnapshotTransport
from deepdaily.pipeline import Hooks, RunResult, run_digest
from deepdaily.store import Store

__all__ = ["DEMO_DATES", "demo_settings", "run_demo", "snapshot_root"]

#: The snapshot covers two days; a digest is written for each, oldest first, so the second
#: one shows novelty against the first.
DEMO_DATES = (date(2026, 11, 26), date(2026, 11, 27))


def snapshot_root() -> Path:
    return Path(str(resources.files("deepdaily.demo").joinpath("snapshot")))


def demo_settings(out_dir: Path, **overrides: Any) -> Settings:
    sources = Path(str(resources.files("deepdaily.demo").joinpath("sources.toml")))
    layer: dict[str, Any] = {
        "output_dir": str(out_dir),
        "store": {"url": f"sqlite:///{(out_dir / 'deepdaily.db').resolve()}"},
    }
    layer.update(overrides)
    return load_settings(sources, overrides=layer)


async def run_demo(
    settings: Settings, *, hooks: Hooks | None = None, days: tuple[date, ...] = DEMO_DATES
) -> list[RunResult]:
    """Produce the demo digests; re-running is idempotent (unchanged sources answer 304)."""
    results: list[RunResult] = []
    with Store(settings.store.resolved_url()) as store:
        for day in days:
            transport = SnapshotTransport(snapshot_root())
            results.append(await run_digest(settings, store, day, transport=transport, hooks=hooks))
    return results
