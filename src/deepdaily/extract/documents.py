"""From entries to documents: entry URL, main text, date, content-hash id.

Which entries are extracted is :func:`~deepdaily.extract.identity.plan_entries`'s decision:
entries are identified by their entry URL (the canonical page plus a fragment that names an
entry of its own), entries of one page with the same content are merged and reported, an entry
already stored is skipped (counted) unless its source's text changed since, in which case it is
re-extracted as an update of the stored document. So a re-run extracts nothing twice, and a
source fixed after storing mojibake repairs its documents.

The text is the entry's ``content_text``, else the text of its ``content_html`` (all of it for
a fragment such as a feed's body, the main text via trafilatura for a whole page), else the
main text of the page, fetched when ``fetch_pages`` is on (the ``[fetch] fetch_pages``
setting) through the fetcher with the SSRF guard armed and decoded by
:func:`~deepdaily.fetch.decode_body` (what it had to guess or replace becomes a warning); when
that fails the entry's summary stands in. An entry with no text at all is a failure, never an
empty document. The date is the entry's; where it has none, or one in the future, the page's
own (htmldate, in the same parse as the text) wins when there is one. A page whose feed gave
its title and a date that is not in the future skips the metadata pass altogether. ``[fetch]
extraction`` picks the main-text mode (:data:`~deepdaily.extract.article.EXTRACTION_MODES`).

Extraction is CPU-bound, so it runs in a process pool of ``workers`` processes (default: one
per CPU), created on first use and reused; page fetches overlap with it. ``workers=0`` extracts
in a thread of this process instead. The pool dies with the process that made it, even one
killed with SIGKILL: each worker asks Linux to kill it when its parent dies
(``PR_SET_PDEATHSIG``) and watches the creating process itself (a ``pidfd`` where available,
else a poll of its pid), exiting within a second of its end, so no worker outlives a killed run.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

from deepdaily.errors import SourceError
from deepdaily.extract.article import (
    DEFAULT_MODE,
    Article,
    ExtractionMode,
    extract_article,
    html_to_text,
)
from deepdaily.extract.identity import Merge, Planned, StoredEntry, plan_entries
from deepdaily.extract.urls import links_in_html
from deepdaily.fetch import Fetcher
from deepdaily.models import Document, Entry, content_id

__all__ = ["ToDocumentsResult", "normalise_text", "shutdown_workers", "to_documents"]

_HTML_TYPES = ("", "text/html", "application/xhtml+xml", "text/plain")
_POOLS: dict[int, ProcessPoolExecutor] = {}
_FULL_PAGE = re.compile(r"<(?:html|body|head)\b|<!doctype html", re.IGNORECASE)
#: A feed date this far ahead of the clock is a mistake, not a publication time.
_CLOCK_SKEW = timedelta(hours=1)


@dataclass
class ToDocumentsResult:
    """Documents made (new ones, and updates of stored ones whose source text changed),
    entries skipped because already stored, entries merged into another document (with the
    reason), per-URL failures, and one-line warnings (e.g. bytes replaced decoding a page)."""

    documents: list[Document] = field(default_factory=list)
    updates: list[Document] = field(default_factory=list)
    skipped_known: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fingerprints: dict[str, str] = field(default_factory=dict)  # entry URL -> entry_hash

    @property
    def duplicates(self) -> int:
        """Entries that are another entry's document (see :attr:`merges`)."""
        return len(self.merges)


def normalise_text(text: str) -> str:
    """Whitespace-collapsed text: the form the content id hashes."""
    return " ".join(text.split())


def _die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent (the forkserver, or the
    run itself under spawn) dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)


def _watch_owner(owner: int) -> None:
    """Exit (at once, no cleanup) when the process that created the pool ends."""
    try:
        handle = os.pidfd_open(owner)
    except (AttributeError, OSError):
        handle = -1
    if handle >= 0:
        import select

        poller = select.poll()
        poller.register(handle, select.POLLIN)
        while not poller.poll(1000):
            pass  # readable once the process has ended
        os._exit(1)
    while True:  # no pidfd: poll the pid (reused pids only delay this by a poll or so)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(0.5)


def _worker_started(owner: int) -> None:
    """Initializer of every extraction worker: die with the run that started the pool."""
    _die_with_parent()
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        os._exit(1)  # the owner died before the watch began
    except PermissionError:
        pass
    threading.Thread(target=_watch_owner, args=(owner,), name="owner-watch", daemon=True).start()


def _pool(workers: int) -> ProcessPoolExecutor:
    pool = _POOLS.get(workers)
    if pool is None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            # The fork server imports the extraction code once and every worker is forked
            # from it warm (without this, each worker pays the imports, ~0.3 s of CPU).
            context.set_forkserver_preload([extract_article.__module__])
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_started,
            initargs=(os.getpid(),),
        )
        _POOLS[workers] = pool
    return pool


def shutdown_workers() -> None:
    """Stop the extraction processes (they are also stopped at exit)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_workers)


class _Extractor:
    """Runs :func:`extract_article` off the event loop, a bounded number at a time."""

    def __init__(self, workers: int | None, mode: ExtractionMode = DEFAULT_MODE) -> None:
        self.workers = (os.cpu_count() or 1) if workers is None else max(0, workers)
        self.mode = mode
        # Fetched pages wait here rather than pile up in the pool's queue.
        self._slots = asyncio.Semaphore(max(2, 2 * self.workers))

    async def __call__(self, html: str, url: str, *, metadata: bool = True) -> Article | None:
        if not _FULL_PAGE.search(html[:4096]):
            return _fragment_article(html, url)
        work = partial(extract_article, html, url, metadata=metadata, mode=self.mode)
        async with self._slots:
            try:
                if self.workers == 0:
                    return await asyncio.to_thread(work)
                executor: Executor = _pool(self.workers)
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(executor, work)
            except BrokenProcessPool:
                _POOLS.pop(self.workers, None)  # a worker died (e.g. out of memory): start afresh
                return await asyncio.to_thread(work)
            except Exception:  # one hostile page must not sink the batch; it has no text then
                return None


def _fragment_article(html: str, url: str) -> Article | None:
    """A feed's or forum's body is already the main content: keep all of it, no boilerplate
    removal (which would cut short fragments)."""
    text = html_to_text(html)
    if not text:
        return None
    return Article(title="", text=text, links=tuple(links_in_html(html, url)))


def _date_trusted(entry: Entry, now: datetime) -> bool:
    """Whether the entry's feed date can stand for the page's own: present and not in the
    future. (A date shared by many entries of a feed stands too: it may be a build time, but
    for a batch such as an arXiv announcement it is the day the items became news, which the
    pages' older submission dates are not.)"""
    return entry.published is not None and entry.published <= now + _CLOCK_SKEW


@dataclass
class _Job:
    planned: Planned
    discovered_from: str
    date_trusted: bool = False  # the feed's date stands: no search for the page's own
    warnings: list[str] = field(default_factory=list)

    @property
    def entry(self) -> Entry:
        return self.planned.entry


async def _page_article(
    job: _Job, fetcher: Fetcher, extract: _Extractor
) -> tuple[Article | None, str]:
    """The fetched page's article, or None and the one-line reason."""
    try:
        response = await fetcher.get(job.entry.url, discovered_from=job.discovered_from)
    except SourceError as exc:
        return None, str(exc)
    if response.content_type not in _HTML_TYPES and "html" not in response.content_type:
        return None, f"{job.entry.url}: page is {response.content_type}, not HTML"
    decoded = response.decoded
    if decoded.warning:
        job.warnings.append(f"{job.entry.url}: {decoded.warning}")
    # The feed's title and a trustworthy feed date win over the page's, so don't extract what
    # would be dropped (the page's author is lost then; the digest never shows authors).
    needs_metadata = not (job.entry.title and job.date_trusted)
    article = await extract(decoded.text, response.final_url, metadata=needs_metadata)
    if article is None:
        return None, f"{job.entry.url}: no main text found in the page"
    return article, ""


async def _document(
    job: _Job,
    *,
    fetcher: Fetcher,
    extract: _Extractor,
    authority: Mapping[str, float],
    fetch_pages: bool,
) -> Document | str:
    """A document for ``job``, or the one-line reason there is none."""
    entry = job.entry
    text = entry.content_text.strip()
    article: Article | None = None
    reason = ""
    if not text and entry.content_html.strip():
        article = await extract(entry.content_html, entry.url)
        text = article.text if article else ""
    if not text and fetch_pages:
        article, reason = await _page_article(job, fetcher, extract)
        text = article.text if article else ""
    if not text:
        text = entry.summary.strip()
        if text and reason:  # the entry lives on its summary; say why it has no more
            job.warnings.append(f"{reason}; kept the entry's summary")
    if not text:
        if reason:
            return reason
        why = "no content or summary" + ("" if fetch_pages else " and page fetching is off")
        return f"{entry.url}: {why}"
    published = entry.published
    if not job.date_trusted and article is not None and article.published is not None:
        published = article.published  # the page's own date beats a doubtful feed date
    language = article.language if article else ""
    if not language:
        language = next((t.removeprefix("lang:") for t in entry.tags if t.startswith("lang:")), "")
    return Document(
        id=content_id(job.planned.key, normalise_text(text)),
        source=entry.source,
        url=entry.url,
        canonical_url=job.planned.key,
        title=entry.title or (article.title if article else "") or entry.url,
        text=text,
        summary=entry.summary,
        published=published,
        fetched_at=datetime.now(UTC),
        author=entry.author or (article.author if article else ""),
        language=language,
        authority=authority.get(entry.source, 0.5),
        tags=list(entry.tags),
        links=list(entry.links or (article.links if article else ())),
    )


async def to_documents(
    entries: list[Entry],
    *,
    fetcher: Fetcher,
    authority: Mapping[str, float],
    stored: Mapping[str, Sequence[StoredEntry]] | None = None,
    fetch_pages: bool = True,
    workers: int | None = None,
    source_urls: Mapping[str, str] | None = None,
    mode: ExtractionMode = DEFAULT_MODE,
) -> ToDocumentsResult:
    """Documents for the new and changed entries, in entry order.

    ``authority`` maps source names to their authority (default 0.5); ``stored`` maps each
    page to the documents stored on it (:meth:`deepdaily.store.Store.stored_entries`), which
    decides what is known, changed or merged (:func:`plan_entries`). ``source_urls`` maps
    source names to the URL each entry list was read from: page fetches then count as
    discovered there, so the SSRF guard refuses an entry that points from a public feed into a
    private network. Without it an entry's own URL is used, which checks schemes only.
    ``mode`` is the page extraction mode (``[fetch] extraction``).
    """
    plan = plan_entries(entries, stored)
    result = ToDocumentsResult(skipped_known=plan.known, merges=plan.merges)
    now = datetime.now(UTC)
    jobs = [
        _Job(
            planned,
            (source_urls or {}).get(planned.entry.source, planned.entry.url),
            date_trusted=_date_trusted(planned.entry, now),
        )
        for planned in plan.jobs
    ]
    extract = _Extractor(workers, mode)
    outcomes = await asyncio.gather(
        *(
            _document(
                job,
                fetcher=fetcher,
                extract=extract,
                authority=authority,
                fetch_pages=fetch_pages,
            )
            for job in jobs
        ),
        return_exceptions=True,  # one entry's unexpected exception costs that entry alone
    )
    for job, outcome in zip(jobs, outcomes, strict=True):
        result.warnings.extend(job.warnings)
        if isinstance(outcome, Document):
            (result.updates if job.planned.update else result.documents).append(outcome)
            result.fingerprints[job.planned.key] = job.planned.fingerprint
        elif isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception) or isinstance(outcome, MemoryError):
                raise outcome  # cancellation, interrupts and memory exhaustion end the run
            why = " ".join(str(outcome).split())[:160]
            problem = type(outcome).__name__ + (f" ({why})" if why else "")
            result.failures.append((job.entry.url, f"extraction error: {problem}"))
        else:
            result.failures.append((job.entry.url, outcome))
    return result
