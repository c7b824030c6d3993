"""Collect every enabled source into stored documents.

Sources are fetched concurrently through one :class:`~deepdaily.fetch.Fetcher` (so the global
and per-host limits of ``[fetch]`` hold across sources); each source's entries are turned into
documents (pages fetched and extracted only for entries not stored yet) and written to the
store. A failing source is recorded with a one-line reason and never stops the others.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from deepdaily.config import Settings, SourceSpec
from deepdaily.errors import DeepdailyError
from deepdaily.extract import canonical_url, to_documents
from deepdaily.fetch import Fetcher
from deepdaily.models import SourceOutcome
from deepdaily.sources import Validators, collect_source
from deepdaily.store import Store

__all__ = ["CollectReport", "collect"]

Progress = Callable[[SourceOutcome], None]


@dataclass
class CollectReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    entries: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    extraction_failures: list[str] = field(default_factory=list)


async def collect(
    settings: Settings,
    store: Store,
    run_id: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_source: Progress | None = None,
    workers: int | None = None,
) -> CollectReport:
    """Fetch, parse and extract every enabled source; store new documents."""
    specs = [spec for spec in settings.sources if spec.enabled]
    store.sync_sources(settings.sources)
    states = store.source_states()
    report = CollectReport()
    authority = {spec.name: spec.authority for spec in settings.sources}
    source_urls = {spec.name: spec.url for spec in settings.sources}
    lock = asyncio.Lock()

    async def one(spec: SourceSpec, fetcher: Fetcher) -> None:
        started = time.perf_counter()
        state: dict[str, Any] = states.get(spec.name) or {}
        validators = Validators(etag=state.get("etag"), last_modified=state.get("last_modified"))
        outcome = SourceOutcome(source=spec.name, url=spec.url, ok=False)
        try:
            collected = await collect_source(spec, fetcher, validators)
            result = None
            if collected.entries:
                known = store.known_urls(canonical_url(e.url) for e in collected.entries)
                result = await to_documents(
                    collected.entries,
                    fetcher=fetcher,
                    authority=authority,
                    known_urls=known.__contains__,
                    fetch_pages=settings.fetch.fetch_pages,
                    workers=workers,
                    source_urls=source_urls,
                )
            async with lock:
                new = store.add_documents(result.documents) if result else 0
                if result:
                    report.documents_seen += result.skipped_known
                    report.extraction_failures.extend(
                        f"{spec.name}: {url}: {reason}" for url, reason in result.failures
                    )
            outcome = outcome.model_copy(
                update={
                    "ok": True,
                    "status": collected.status,
                    "not_modified": collected.not_modified,
                    "entries": len(collected.entries),
                    "new_documents": new,
                }
            )
            etag, last_modified = collected.validators.etag, collected.validators.last_modified
        except DeepdailyError as exc:
            outcome = outcome.model_copy(
                update={
                    "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                    "status": getattr(exc, "status", None),
                }
            )
            etag = last_modified = None
        outcome = outcome.model_copy(
            update={"elapsed_ms": int((time.perf_counter() - started) * 1000)}
        )
        async with lock:
            store.record_fetch(run_id, outcome, etag=etag, last_modified=last_modified)
            report.outcomes.append(outcome)
            report.entries += outcome.entries
            report.documents_new += outcome.new_documents
        if on_source:
            on_source(outcome)

    async with Fetcher(settings.fetch, transport=transport) as fetcher:
        await asyncio.gather(*(one(spec, fetcher) for spec in specs))
    report.outcomes.sort(key=lambda o: [s.name for s in specs].index(o.source))
    return report
