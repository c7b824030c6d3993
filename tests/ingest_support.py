"""Helpers for ingest tests: settings for a few sources, and one collect pass into real SQLite."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline.collect import CollectReport, collect
from deepdaily.store import Store
from deepdaily.store import schema as t


def ingest_settings(tmp_path: Path, sources: list[dict[str, Any]]) -> Settings:
    """Settings reading ``sources`` into ``tmp_path/dd.db``, with fast fetch limits."""
    return load_settings(
        None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "sources": sources,
            "fetch": {"timeout": 2.0, "connect_timeout": 1.0, "retries": 0, "max_bytes": 2_000_000},
        },
    )


def collect_once(settings: Settings) -> CollectReport:
    """One collect pass, as a run does it (a run row first, for the fetch log)."""
    run_id = uuid.uuid4().hex[:16]
    with Store(settings.store.resolved_url()) as store:
        store.start_run(run_id, "default", "2026-02-12")
        return asyncio.run(collect(settings, store, run_id, workers=0))


def stored_documents(settings: Settings) -> list[dict[str, Any]]:
    """Every stored document row, in canonical URL order."""
    with Store(settings.store.resolved_url()) as store, store.engine.begin() as conn:
        query = select(t.documents).order_by(t.documents.c.canonical_url)
        return [dict(row._mapping) for row in conn.execute(query)]
