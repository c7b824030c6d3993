"""Collect every enabled source into stored documents.

Sources are fetched concurrently through one :class:`~deepdaily.fetch.Fetcher` (so the global
and per-host limits of ``[fetch]`` hold across sources); each source's entries are turned into
documents (pages fetched and extracted only for entries not stored yet, or whose source text
changed since) and written to the store. Every listed entry ends up stored, already stored, or
in :attr:`CollectReport.merges` with the reason it is part of another document, or in
:attr:`CollectReport.extraction_failures` with the reason it was refused or could not be made a
document. Decoding problems (bytes replaced, a lying charset) and refused entries are warnings
of their source's outcome.

Every source fails alone. Any exception while fetching, parsing, extracting or storing one
source is that source's failure, recorded in its outcome and the fetch log as one line naming
the source and the stage: deepdaily's own errors as they are, anything else as
``"<type> <url>: <stage> error: <Exception> (<message>)"``, with the traceback logged at debug
level only. What still ends the run: ``KeyboardInterrupt``, ``SystemExit`` and task
cancellation (not ``Exception`` subclasses, so never caught here) and ``MemoryError`` (the
process itself is in trouble, and other sources would fail the same way). A bad entry costs
itself: the source types skip unreadable items with a reason, and extraction records per-entry
failures, so the source's other entries are kept. Entries per source, their fields and links
are bounded by :mod:`deepdaily.sources.limits` (``[fetch] max_entries``).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from deepdaily.config import Settings, SourceSpec
from deepdaily.errors import DeepdailyError, HTTPStatusError
from deepdaily.extract import StoredEntry, pages_of, to_documents
from deepdaily.fetch import Fetcher
from deepdaily.fetch.guard import shown
from deepdaily.models import Document, Entry, SourceOutcome
from deepdaily.sources import Validators, collect_source
from deepdaily.sources.limits import one_line
from deepdaily.store import Store

__all__ = ["CollectReport", "collect", "failure_reason"]

log = logging.getLogger(__name__)

Progress = Callable[[SourceOutcome], None]
#: Records one source's outcome and validators (default: :meth:`Store.record_fetch`).
Recorder = Callable[..., None]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Refused entries listed one by one per source in the run's extraction failures.
MAX_LISTED_REFUSALS = 50
#: The stage an unexpected exception is blamed on: the first of these packages on its path.
_STAGES = (
    ("deepdaily.fetch", "fetch"),
    ("deepdaily.sources", "parser"),
    ("deepdaily.extract", "extraction"),
    ("deepdaily.store", "store"),
)


def _stage(exc: BaseException, default: str) -> str:
    """What was being done when ``exc`` was raised: fetching, parsing, extracting, storing."""
    modules: list[str] = []
    tb = exc.__traceback__
    while tb is not None:
        modules.append(str(tb.tb_frame.f_globals.get("__name__", "")))
        tb = tb.tb_next
    for package, stage in _STAGES:
        if any(module == package or module.startswith(package + ".") for module in modules):
            return stage
    return default


def failure_reason(spec: SourceSpec, exc: Exception, *, stage: str = "collect") -> str:
    """One line for a source's failure: deepdaily's own errors say it themselves; anything
    else names the source, the stage and the exception."""
    if isinstance(exc, DeepdailyError):
        line = " ".join(str(exc).split())
        return line or type(exc).__name__
    kind = f"{spec.type} " if spec.type != "auto" else ""
    return f"{kind}{shown(spec.url)}: {_stage(exc, stage)} error: {one_line(exc)}"


def _clean(documents: list[Document]) -> list[Document]:
    """The documents without control characters in their text fields: a page fetched for an
    entry is extracted after the entry gate, and NUL bytes are not text (PostgreSQL refuses
    them outright)."""
    cleaned: list[Document] = []
    for doc in documents:
        fields = {
            "title": doc.title,
            "text": doc.text,
            "summary": doc.summary,
            "author": doc.author,
        }
        dirty = {name: value for name, value in fields.items() if _CONTROL.search(value)}
        if dirty:
            doc = doc.model_copy(
                update={name: _CONTROL.sub("", value) for name, value in dirty.items()}
            )
        cleaned.append(doc)
    return cleaned


def _refusals(source: str, refused: list[str]) -> list[str]:
    lines = [f"{source}: {line}" for line in refused[:MAX_LISTED_REFUSALS]]
    if len(refused) > MAX_LISTED_REFUSALS:
        lines.append(f"{source}: … and {len(refused) - MAX_LISTED_REFUSALS} more refused entries")
    return lines


@dataclass
class CollectReport:
    """What collecting did. ``merges`` lists, one line each, the entries that are part of
    another document ("<source>: <url>: same page as <url>: same title and text")."""

    outcomes: list[SourceOutcome] = field(default_factory=list)
    entries: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    documents_updated: int = 0
    extraction_failures: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)


def _stored(store: Store, entries: list[Entry]) -> dict[str, list[StoredEntry]]:
    """The documents stored on the pages of ``entries``, by page."""
    return {
        page: [
            StoredEntry(
                url=row["canonical_url"],
                source=row["source"],
                title=row["title"],
                text=row["text"],
                entry_hash=row["entry_hash"],
            )
            for row in rows
        ]
        for page, rows in store.stored_entries(pages_of(entries)).items()
    }


async def collect(
    settings: Settings,
    store: Store,
    run_id: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_source: Progress | None = None,
    workers: int | None = None,
    record: Recorder | None = None,
) -> CollectReport:
    """Fetch, parse and extract every enabled source; store new documents.

    ``record`` replaces :meth:`Store.record_fetch` (a distributed task hands the outcome to its
    coordinator, which logs it once however often the task ran)."""
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
        stage = "collect"  # what an exception raised outside deepdaily's packages is blamed on
        try:
            collected = await collect_source(spec, fetcher, validators)
            warnings = list(collected.warnings)
            result = None
            if collected.entries:
                stage = "extraction"
                result = await to_documents(
                    collected.entries,
                    fetcher=fetcher,
                    authority=authority,
                    stored=_stored(store, collected.entries),
                    fetch_pages=settings.fetch.fetch_pages,
                    workers=workers,
                    source_urls=source_urls,
                    mode=settings.fetch.extraction,
                )
                warnings.extend(result.warnings)
            new = updated = 0
            stage = "store"
            async with lock:
                report.extraction_failures.extend(_refusals(spec.name, collected.refused))
                if result:
                    documents, updates = _clean(result.documents), _clean(result.updates)
                    new = store.add_documents(documents, result.fingerprints)
                    updated = store.update_documents(updates, result.fingerprints)
                    report.documents_seen += result.skipped_known
                    report.documents_updated += updated
                    report.merges.extend(str(merge) for merge in result.merges)
                    report.extraction_failures.extend(
                        f"{spec.name}: {url}: {reason}" for url, reason in result.failures
                    )
            for warning in warnings:
                log.info("%s: %s", spec.name, warning)  # the run summary shows it
            outcome = outcome.model_copy(
                update={
                    "ok": True,
                    "status": collected.status,
                    "not_modified": collected.not_modified,
                    "entries": len(collected.entries),
                    "new_documents": new,
                    "warnings": warnings,
                }
            )
            etag, last_modified = collected.validators.etag, collected.validators.last_modified
        except MemoryError:
            raise  # the process is in trouble: the run ends (see the module docstring)
        except Exception as exc:  # every source fails alone
            if not isinstance(exc, DeepdailyError):
                log.debug("%s: unexpected failure", spec.name, exc_info=True)
            outcome = outcome.model_copy(
                update={
                    "error": failure_reason(spec, exc, stage=stage),
                    "status": exc.status if isinstance(exc, HTTPStatusError) else None,
                }
            )
            etag = last_modified = None
        outcome = outcome.model_copy(
            update={"elapsed_ms": int((time.perf_counter() - started) * 1000)}
        )
        async with lock:
            (record or store.record_fetch)(run_id, outcome, etag=etag, last_modified=last_modified)
            report.outcomes.append(outcome)
            report.entries += outcome.entries
            report.documents_new += outcome.new_documents
        if on_source:
            on_source(outcome)

    async with Fetcher(settings.fetch, transport=transport) as fetcher:
        # Tasks copy the context they start in, so this bound holds inside every source.
        with fetcher.deadline(settings.fetch.collect_deadline_s, "collect deadline"):
            await asyncio.gather(*(one(spec, fetcher) for spec in specs))
    report.outcomes.sort(key=lambda o: [s.name for s in specs].index(o.source))
    return report
