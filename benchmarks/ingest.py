"""The ingest benchmark: deepdaily's collect stage against a naive loop and the CPU floor.

A deterministic synthetic web (:mod:`benchmarks.corpus`: RSS 2.0 feeds whose entries carry a
teaser and a link, 30-80 KB article pages) is served on 127.0.0.1 with every response delayed
uniformly between 20 and 200 ms. On it, in one invocation, we time:

a. ``deepdaily.pipeline.collect.collect`` with one ``feed`` source per feed and a fresh SQLite
   store, then a second run on the same store (conditional GET: feeds answer 304);
b. a naive baseline: sequential ``httpx.get`` + ``feedparser.parse``, then ``httpx.get`` and
   ``trafilatura.extract`` for every entry;
c. the extraction floor: ``trafilatura.extract`` over the pre-downloaded pages in one process,
   and the same split over two worker processes;
d. deepdaily's own ``extract_article`` in one process: once per extraction mode (``[fetch]
   extraction``: fast, standard, precision, recall) as collect calls it when the feed gave the
   title and date, and once with the metadata pass (title, author, the page's date found in the
   same parse) beside the way it was done before, a second parse of the page for htmldate.

Every extraction is also scored against the page's true body (the corpus knows each article's
paragraphs, headings, list items and code lines): *recall* is the share of the body's words in
blocks found whole in the extracted text, *precision* the share of the extracted words on lines
that belong to the body (the headline counts as neither). The default mode is the cheapest one
keeping recall at or above :data:`TARGET_RECALL`.

Each measurement runs in its own fresh process (started by a ``forkserver``), while the servers
stay in this one, so the client being timed never shares an interpreter with the server and
each peak-memory figure belongs to one measurement only.

Run ``python -m benchmarks.ingest`` (``--quick`` for a smoke run, ``--help`` for the flags).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import platform
import resource
import signal
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import Corpus, Web, generate

RUN_DATE = "2026-01-01"
TARGET_SPEEDUP = 5.0  # baseline / deepdaily, at least
TARGET_FLOOR = 1.5  # deepdaily / one-process extraction floor, wall, at most (on 2 cores)
TARGET_CPU = 1.2  # deepdaily / one-process extraction floor, CPU seconds, at most
TARGET_RECALL = 0.95  # main-text recall the default extraction mode keeps, at least
MODES = ("fast", "standard", "precision", "recall")


# ---------------------------------------------------------------------------------------------
# Measurements, each run in a child process
# ---------------------------------------------------------------------------------------------


class Meter:
    """Wall clock, CPU time and (optionally) tracemalloc around the timed part of a measurement.

    CPU time is user + system time of this process, of child processes reaped during the
    timed part (RUSAGE_CHILDREN) and of descendants still alive at the end (a pool kept for
    reuse), read from ``/proc/<pid>/stat``. Unlike wall time it hardly changes when other
    work on the machine competes for the cores.
    """

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.wall = 0.0
        self.py_peak: int | None = None
        self.workers_hwm_kb: list[int] = []
        self.rss_start_kb = 0
        self.children_start_kb = 0
        self.cpu = 0.0
        self.cpu_self = 0.0  # this process alone (the rest: its workers)
        self._t0 = 0.0
        self._cpu0 = 0.0
        self._self0 = 0.0
        self._live0: dict[int, float] = {}

    def start(self) -> None:
        self.rss_start_kb = _status_kb("VmRSS")
        self.children_start_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if self.trace:
            import tracemalloc

            tracemalloc.start()
        self._live0 = {pid: _cpu_of(pid) for pid in _descendants()}
        self._cpu0 = _rusage_cpu()
        self._self0 = _rusage_cpu(self_only=True)
        self._t0 = time.perf_counter()

    def stop(self) -> None:
        self.wall = time.perf_counter() - self._t0
        live = {pid: _cpu_of(pid) - self._live0.get(pid, 0.0) for pid in _descendants()}
        self.cpu = _rusage_cpu() - self._cpu0 + sum(live.values())
        self.cpu_self = _rusage_cpu(self_only=True) - self._self0
        # Worker processes still alive (a pool kept for reuse, possibly under a forkserver,
        # so grandchildren) are not in RUSAGE_CHILDREN: read their high-water marks now.
        self.workers_hwm_kb = [
            kb for kb in (_status_kb("VmHWM", pid) for pid in _descendants()) if kb
        ]
        if self.trace:
            import tracemalloc

            self.py_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()


def _rusage_cpu(*, self_only: bool = False) -> float:
    """User + system seconds of this process and (unless ``self_only``) its reaped children."""
    total = 0.0
    whom = (
        (resource.RUSAGE_SELF,) if self_only else (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    for who in whom:
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _cpu_of(pid: int) -> float:
    """User + system seconds of a live process (0 when it is gone or there is no procfs)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _status_kb(field: str, pid: int | str = "self") -> int:
    """A ``kB`` field of ``/proc/<pid>/status`` (0 where there is no procfs)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int | str = "self") -> list[int]:
    """Live descendant processes (a forkserver's workers are grandchildren, not children)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                for child in (int(p) for p in f.read().split()):
                    found.append(child)
                    found.extend(_descendants(child))
    except OSError:
        pass
    return found


def _measure(name: str, params: dict[str, Any], conn: Any) -> None:
    """Child-process entry point: run one measurement, send its figures back."""
    try:
        meter = Meter(trace=bool(params.get("tracemalloc")))
        result = MEASUREMENTS[name](params, meter)
        live = meter.workers_hwm_kb
        children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if children_kb == meter.children_start_kb:  # no child ended during the timed part
            children_kb = 0
        children_kb = max([children_kb, *live])
        result.update(
            wall=meter.wall,
            cpu=meter.cpu,
            cpu_self=meter.cpu_self,
            # ru_maxrss is in KiB on Linux: the peak resident set of this process...
            rss_self_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            rss_at_start_mb=meter.rss_start_kb / 1024,
            # ...and the largest peak among the child processes it ran in the timed part.
            rss_children_mb=children_kb / 1024 if children_kb else None,
            live_children_mb=[kb / 1024 for kb in live],
            py_peak_mb=None if meter.py_peak is None else meter.py_peak / 2**20,
        )
        conn.send(("ok", result))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()
        _stop_deepdaily_workers()


def _stop_deepdaily_workers() -> None:
    """deepdaily keeps its extraction pool for reuse and stops it at interpreter exit; a
    multiprocessing child exits without running atexit hooks, so stop the pool here."""
    extract = sys.modules.get("deepdaily.extract")
    if extract is not None and hasattr(extract, "shutdown_workers"):
        extract.shutdown_workers()


def _deepdaily(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    import asyncio

    import httpcore  # noqa: F401  (httpx imports it on first client: keep imports untimed)

    from deepdaily.config import FetchSettings, Settings, SourceSpec, StoreSettings
    from deepdaily.pipeline.collect import collect
    from deepdaily.store import Store

    settings = Settings(
        store=StoreSettings(url=params["db"]),
        fetch=FetchSettings(**params.get("fetch", {})),
        sources=[
            SourceSpec(name=f"site-{index:03d}", url=url, type="feed")
            for index, url in enumerate(params["feeds"])
        ],
    )
    store = Store(settings.store.resolved_url())
    run_id = params["run_id"]
    store.start_run(run_id, "bench", RUN_DATE)
    profiler = None
    if params.get("profile"):
        import cProfile

        # CPU time of this thread, the event loop's: time spent waiting is not counted.
        profiler = cProfile.Profile(time.thread_time)
    meter.start()
    if profiler is not None:
        profiler.enable()
    report = asyncio.run(collect(settings, store, run_id))
    if profiler is not None:
        profiler.disable()
    meter.stop()
    store.finish_run(run_id, "ok", {"benchmark": "ingest"})
    failed = [o for o in report.outcomes if not o.ok]
    result = {
        "documents": store.count("documents"),
        "documents_new": report.documents_new,
        "documents_seen": report.documents_seen,
        "entries": report.entries,
        "sources_ok": sum(o.ok for o in report.outcomes),
        "sources_not_modified": sum(bool(o.not_modified) for o in report.outcomes),
        "sources_failed": len(failed),
        "errors": [f"{o.source}: {o.error}" for o in failed][:5],
        "extraction_failures": len(report.extraction_failures),
        "extraction_failure_sample": report.extraction_failures[:3],
        "fetch": {"concurrency": settings.fetch.concurrency, "per_host": settings.fetch.per_host},
    }
    if profiler is not None:
        result["profile"] = profile_shares(profiler)
    store.close()
    return result


#: What each part of the run's own process is, by where its code lives (first match wins).
_PARTS = (
    ("HTTP client (httpx, httpcore, h11, anyio)", ("/httpx/", "/httpcore/", "/h11/", "/anyio/")),
    ("deepdaily fetch (guard, deadlines, decoding)", ("/deepdaily/fetch/",)),
    ("feed parsing (feedparser, deepdaily.sources)", ("/feedparser/", "/deepdaily/sources/")),
    ("store (SQLAlchemy, sqlite3)", ("/sqlalchemy/", "/deepdaily/store/", "sqlite3")),
    ("extraction hand-off (process pool)", ("/concurrent/futures/", "/multiprocessing/")),
    ("deepdaily extract (URLs, plans, documents)", ("/deepdaily/extract/", "/deepdaily/models")),
    ("event loop (asyncio, selectors)", ("/asyncio/", "selectors", "select.epoll")),
    ("sockets", ("socket", "/ssl.py", "_ssl.")),
    ("collect (pipeline, SourceOutcome models)", ("/deepdaily/pipeline/", "/pydantic")),
)


def profile_shares(profiler: Any) -> list[tuple[str, float]]:
    """Own CPU time of the profiled thread (the run's event loop) by part of the code,
    largest first: cProfile's per-function own times added up by :data:`_PARTS`. A function
    of no part (a builtin, a stdlib helper) counts for the parts of its callers, in
    proportion to the time it spent for each."""
    import pstats

    def part_of(path: str, name: str) -> str | None:
        where = f"{path} {name}"
        return next((label for label, keys in _PARTS if any(k in where for k in keys)), None)

    totals: dict[str, float] = {}
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (path, _line, name), (_cc, _nc, own, _cum, callers) in stats.items():
        part = part_of(path, name)
        if part is not None or not callers:
            totals[part or "other"] = totals.get(part or "other", 0.0) + own
            continue
        for (caller_path, _l, caller_name), timing in callers.items():
            label = part_of(caller_path, caller_name) or "other"
            totals[label] = totals.get(label, 0.0) + timing[2]
    return sorted(totals.items(), key=lambda item: -item[1])


def _baseline(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    import feedparser
    import httpx
    import trafilatura

    documents = entries = 0
    extract_seconds = 0.0
    # Warm up httpx's lazy imports against a closed local port (no request reaches the web).
    with contextlib.suppress(httpx.HTTPError):
        httpx.get("http://127.0.0.1:9/")
    meter.start()
    for feed in params["feeds"]:
        parsed = feedparser.parse(httpx.get(feed).content)
        for entry in parsed.entries:
            entries += 1
            html = httpx.get(entry.link).text
            t0 = time.perf_counter()
            text = trafilatura.extract(html)
            extract_seconds += time.perf_counter() - t0
            documents += bool(text)
    meter.stop()
    return {"documents": documents, "entries": entries, "extract_seconds": extract_seconds}


def _read_pages(params: dict[str, Any]) -> list[str]:
    # The exact bytes the server sends for each page, decoded as the clients decode them.
    return [Path(path).read_bytes().decode("utf-8") for path in params["page_files"]]


def score_page(text: str, truth: list[str], title: str) -> tuple[int, int, int, int]:
    """Words of the body found, words of the body, extracted words on body lines, extracted
    words: the counts behind recall and precision (see the module docstring)."""
    flat = " ".join(text.split())
    found = sum(len(block.split()) for block in truth if block in flat)
    total = sum(len(block.split()) for block in truth)
    body = extracted = 0
    for raw in text.split("\n"):
        line = " ".join(raw.split()).removeprefix("- ")
        if not line or line == title:
            continue
        words = len(line.split())
        extracted += words
        if any(line in block for block in truth):
            body += words
    return found, total, body, extracted


def _quality(params: dict[str, Any], texts: list[str]) -> dict[str, Any]:
    """Recall and precision of ``texts`` (one per page) against the corpus's true bodies."""
    truth = json.loads(Path(params["truth_file"]).read_text(encoding="utf-8"))
    sums = [0, 0, 0, 0]
    low = 0
    for text, blocks, title in zip(texts, truth["blocks"], truth["titles"], strict=True):
        counts = score_page(text, blocks, title)
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
        low += counts[1] > 0 and counts[0] / counts[1] < TARGET_RECALL
    found, total, body, extracted = sums
    return {
        "recall": found / total if total else 0.0,
        "precision": body / extracted if extracted else 0.0,
        "pages_low_recall": low,
    }


def _extract_chars(html: str) -> int:
    import trafilatura

    return len(trafilatura.extract(html) or "")


def _floor(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    import trafilatura

    pages = _read_pages(params)
    trafilatura.extract(pages[0])  # warm up (lazy imports, compiled expressions)
    meter.start()
    texts = [trafilatura.extract(page) or "" for page in pages]
    meter.stop()
    return {
        "documents": sum(1 for text in texts if text),
        "chars": sum(map(len, texts)),
        **_quality(params, texts),
    }


def _floor_pool(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    import trafilatura

    pages = _read_pages(params)
    trafilatura.extract(pages[0])  # warm up here, so forked workers start warm too
    workers = int(params.get("workers", 2))
    meter.start()  # includes starting the pool and shipping the pages to it
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        sizes = list(pool.map(_extract_chars, pages, chunksize=8))
    meter.stop()
    return {"documents": sum(1 for n in sizes if n), "chars": sum(sizes), "workers": workers}


def _article(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    """deepdaily's own per-page extraction (``extract_article``) in one process, in the mode
    ``params["mode"]``, with or without the metadata pass."""
    from deepdaily.extract.article import extract_article

    pages = _read_pages(params)
    urls = params["pages"]
    mode, metadata = params["mode"], bool(params.get("metadata"))
    extract_article(pages[0], urls[0], metadata=metadata, mode=mode)
    meter.start()
    done = [
        extract_article(page, url, metadata=metadata, mode=mode)
        for page, url in zip(pages, urls, strict=True)
    ]
    meter.stop()
    texts = [a.text if a is not None else "" for a in done]
    return {
        "documents": sum(1 for text in texts if text),
        "dated": sum(1 for a in done if a is not None and a.published is not None),
        **_quality(params, texts),
    }


def _two_parses(params: dict[str, Any], meter: Meter) -> dict[str, Any]:
    """The metadata pass as deepdaily did it before: the page's date searched again by
    htmldate in a second parse of the page, after the extraction (here the current one)."""
    from htmldate import find_date

    from deepdaily.extract.article import extract_article

    pages = _read_pages(params)
    urls = params["pages"]
    mode = params["mode"]
    options = {"extensive_search": False, "original_date": True}

    def one(page: str, url: str) -> tuple[str, str | None]:
        article = extract_article(page, url, metadata=True, mode=mode)
        return (article.text if article else ""), find_date(page, url=url, **options)

    one(pages[0], urls[0])
    meter.start()
    done = [one(page, url) for page, url in zip(pages, urls, strict=True)]
    meter.stop()
    return {
        "documents": sum(1 for text, _ in done if text),
        "dated": sum(1 for _, date in done if date),
    }


MEASUREMENTS: dict[str, Callable[[dict[str, Any], Meter], dict[str, Any]]] = {
    "deepdaily": _deepdaily,
    "baseline": _baseline,
    "floor": _floor,
    "floor_pool": _floor_pool,
    "article": _article,
    "two_parses": _two_parses,
}


def run_isolated(name: str, params: dict[str, Any], timeout: float = 1800) -> dict[str, Any]:
    """Run measurement ``name`` in a fresh process and return its figures."""
    ctx = mp.get_context("forkserver")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_measure, args=(name, params, sender), name=f"bench-{name}")
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise RuntimeError(f"{name}: no result within {timeout:.0f}s")
        status, payload = receiver.recv()
    except EOFError:
        raise RuntimeError(f"{name}: measurement process died (exit {process.exitcode})") from None
    finally:
        process.join(60)
        if process.is_alive():  # never leave a stuck measurement (or its workers) behind
            for pid in [*_descendants(process.pid), process.pid]:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            process.join(5)
    if status != "ok":
        raise RuntimeError(f"{name} failed:\n{payload}")
    return dict(payload)


# ---------------------------------------------------------------------------------------------
# Orchestration and report
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ingest",
        description="Time deepdaily's collect stage against a naive loop and the extraction "
        "floor on a synthetic web served from 127.0.0.1.",
    )
    parser.add_argument("--feeds", type=int, help="number of feeds/sites (default 100)")
    parser.add_argument("--pages-per-feed", type=int, help="entries per feed (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 20 feeds x 10 pages unless --feeds/--pages-per-feed",
    )
    parser.add_argument(
        "--skip-baseline",
        action="store_true",
        help="skip the naive sequential baseline (the slow part)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--hosts",
        type=int,
        default=0,
        help="loopback ports (distinct host:port sites) the feeds are spread "
        "over; default one per feed, as feeds come from different sites",
    )
    parser.add_argument(
        "--delay",
        type=float,
        nargs=2,
        default=(20.0, 200.0),
        metavar=("MIN_MS", "MAX_MS"),
        help="uniform per-response delay in ms (default 20 200)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run deepdaily's collect under cProfile and print where its own process "
        "spends CPU (the profiler slows it: those timings are not the table's)",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report tracemalloc peaks (slows allocation-heavy code)",
    )
    args = parser.parse_args(argv)
    if args.feeds is None:
        args.feeds = 20 if args.quick else 100
    if args.pages_per_feed is None:
        args.pages_per_feed = 10
    if args.feeds < 1 or args.pages_per_feed < 1:
        parser.error("--feeds and --pages-per-feed must be at least 1")
    if not 0 <= args.delay[0] <= args.delay[1]:
        parser.error("--delay needs 0 <= MIN_MS <= MAX_MS")
    if args.hosts <= 0:
        args.hosts = args.feeds
    return args


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for name in ("deepdaily", "trafilatura", "feedparser", "httpx", "lxml"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


def default_mode() -> str:
    """deepdaily's default ``[fetch] extraction`` mode."""
    from deepdaily.config import FetchSettings

    return FetchSettings().extraction


def run_benchmark(args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    delay = (args.delay[0] / 1000, args.delay[1] / 1000)
    results: dict[str, Any] = {
        "config": {
            "feeds": args.feeds,
            "pages_per_feed": args.pages_per_feed,
            "seed": args.seed,
            "hosts": args.hosts,
            "delay_ms": list(args.delay),
            "cpus": os.cpu_count(),
            "versions": _versions(),
            "loadavg_start": _loadavg(),
            "default_mode": default_mode(),
        },
        "measurements": {},
        "failures": {},
    }
    with tempfile.TemporaryDirectory(prefix="deepdaily-bench-") as tmp:
        root = Path(tmp) / "web"
        root.mkdir()
        with Web(root, hosts=args.hosts, delay=delay, seed=args.seed) as web:
            t0 = time.perf_counter()
            corpus = generate(
                root,
                web.base_urls,
                feeds=args.feeds,
                pages_per_feed=args.pages_per_feed,
                seed=args.seed,
            )
            results["corpus"] = _corpus_stats(corpus, time.perf_counter() - t0)
            results["config"]["server"] = web.kind
            log(
                f"corpus: {len(corpus.feeds)} feeds, {len(corpus.pages)} pages, "
                f"{corpus.bytes_pages / 1e6:.1f} MB, served by {args.hosts} x {web.kind}"
            )
            common = {"tracemalloc": args.tracemalloc}
            db = f"sqlite:///{Path(tmp) / 'bench.db'}"
            truth_file = Path(tmp) / "truth.json"
            truth_file.write_text(
                json.dumps({"blocks": corpus.truth, "titles": corpus.titles}), encoding="utf-8"
            )
            pages = {
                "page_files": [str(p) for p in corpus.page_files],
                "pages": corpus.pages,
                "truth_file": str(truth_file),
            }

            def measure(key: str, name: str, params: dict[str, Any]) -> None:
                log(f"running {key} ...")
                web.reset()
                try:
                    figures = run_isolated(name, {**common, **params})
                except RuntimeError as exc:
                    results["failures"][key] = str(exc)
                    log(f"  {key} FAILED: {exc}")
                    return
                figures["server"] = web.count()
                results["measurements"][key] = figures
                log(f"  {key}: {figures['wall']:.2f} s, {figures['server']['requests']} requests")

            measure(
                "deepdaily", "deepdaily", {"db": db, "feeds": corpus.feeds, "run_id": "bench-1"}
            )
            measure(
                "deepdaily_rerun",
                "deepdaily",
                {"db": db, "feeds": corpus.feeds, "run_id": "bench-2"},
            )
            if args.profile:
                measure(
                    "deepdaily_profiled",
                    "deepdaily",
                    {
                        "db": f"sqlite:///{Path(tmp) / 'bench-profiled.db'}",
                        "feeds": corpus.feeds,
                        "run_id": "bench-p",
                        "profile": True,
                    },
                )
            fast_db = f"sqlite:///{Path(tmp) / 'bench-fast.db'}"
            measure(
                "deepdaily_fast",
                "deepdaily",
                {
                    "db": fast_db,
                    "feeds": corpus.feeds,
                    "run_id": "bench-3",
                    "fetch": {"extraction": "fast"},
                },
            )
            if not args.skip_baseline:
                measure("baseline", "baseline", {"feeds": corpus.feeds})
            measure("floor", "floor", pages)
            measure("floor_2proc", "floor_pool", {**pages, "workers": 2})
            for mode in MODES:
                measure(f"mode_{mode}", "article", {**pages, "mode": mode})
            measure("metadata", "article", {**pages, "mode": default_mode(), "metadata": True})
            measure("metadata_two_parses", "two_parses", {**pages, "mode": default_mode()})
    results["config"]["loadavg_end"] = _loadavg()
    results["summary"] = _summary(results)
    return results


def _loadavg() -> list[float] | None:
    """1, 5 and 15 minute load averages: other work on the machine skews the timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _corpus_stats(corpus: Corpus, seconds: float) -> dict[str, Any]:
    sizes = corpus.page_sizes()
    return {
        "feeds": len(corpus.feeds),
        "pages": len(corpus.pages),
        "page_bytes_total": corpus.bytes_pages,
        "page_kb_mean": statistics.mean(sizes) / 1024,
        "page_kb_min": min(sizes) / 1024,
        "page_kb_max": max(sizes) / 1024,
        "feed_bytes_total": corpus.bytes_feeds,
        "words_per_page_mean": corpus.words / len(sizes),
        "generate_seconds": seconds,
    }


def _summary(results: dict[str, Any]) -> dict[str, Any]:
    m = results["measurements"]
    out: dict[str, Any] = {"documents_expected": results["corpus"]["pages"]}
    dd = m.get("deepdaily")
    if dd is None:
        return out
    wall = dd["wall"]
    out["documents_stored"] = dd["documents"]
    # Every page is a distinct article, so exactly one document per page is expected.
    out["documents_ok"] = dd["documents"] == out["documents_expected"]
    if "baseline" in m:
        out["baseline_over_deepdaily"] = m["baseline"]["wall"] / wall
        out["speedup_target_met"] = out["baseline_over_deepdaily"] >= TARGET_SPEEDUP
    if "floor" in m:
        out["deepdaily_over_floor"] = wall / m["floor"]["wall"]
        out["floor_target_met"] = out["deepdaily_over_floor"] <= TARGET_FLOOR
    if "floor_2proc" in m:
        out["deepdaily_over_floor_2proc"] = wall / m["floor_2proc"]["wall"]
    if "floor" in m:
        out["deepdaily_cpu_over_floor_cpu"] = dd["cpu"] / m["floor"]["cpu"]
        out["cpu_target_met"] = out["deepdaily_cpu_over_floor_cpu"] <= TARGET_CPU
        if "deepdaily_fast" in m:
            out["fast_cpu_over_floor_cpu"] = m["deepdaily_fast"]["cpu"] / m["floor"]["cpu"]
    modes = {mode: m[f"mode_{mode}"] for mode in MODES if f"mode_{mode}" in m}
    keeping = sorted(
        (fig["cpu"], mode) for mode, fig in modes.items() if fig["recall"] >= TARGET_RECALL
    )
    if keeping:
        out["cheapest_mode_keeping_recall"] = keeping[0][1]
        out["default_mode_is_cheapest"] = keeping[0][1] == results["config"]["default_mode"]
    if "metadata" in m and "metadata_two_parses" in m:
        out["metadata_two_parses_over_one"] = m["metadata_two_parses"]["cpu"] / m["metadata"]["cpu"]
    rerun = m.get("deepdaily_rerun")
    if rerun is not None:
        out["rerun_seconds"] = rerun["wall"]
        out["rerun_requests"] = rerun["server"]["requests"]
        out["rerun_page_requests"] = rerun["server"]["pages"]
        out["rerun_new_documents"] = rerun["documents_new"]
    return out


def _load(values: list[float] | None) -> str:
    return "?" if not values else f"{values[0]:.2f}"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


_ROWS = [
    ("deepdaily", "deepdaily collect(), fresh store"),
    ("deepdaily_rerun", "deepdaily collect(), 2nd run, same store"),
    ("deepdaily_fast", "deepdaily collect(), fresh store, fast mode"),
    ("baseline", "naive sequential httpx+feedparser+trafilatura"),
    ("floor", "trafilatura.extract floor, 1 process"),
    ("floor_2proc", "trafilatura.extract floor, 2 worker procs"),
    *((f"mode_{mode}", f"deepdaily extract_article, {mode}, 1 process") for mode in MODES),
    ("metadata", "  ... default + metadata, date in that parse"),
    ("metadata_two_parses", "  ... as before, htmldate parsing it again"),
]


def _profile_table(results: dict[str, Any]) -> list[str]:
    """Where deepdaily's own process spent its CPU (``--profile``)."""
    fig = results["measurements"].get("deepdaily_profiled")
    if not fig or not fig.get("profile"):
        return []
    parts = fig["profile"]
    total = sum(seconds for _, seconds in parts) or 1.0
    pages = results["corpus"]["pages"]
    lines = [
        "",
        f"deepdaily's own process under cProfile (event-loop thread; {fig['cpu_self']:.2f} CPU s "
        "profiled, the feed parser's thread and the extraction workers not included):",
    ]
    for label, seconds in parts:
        lines.append(
            f"  {label:<48}{seconds:>7.2f} s {seconds / total:>6.1%}"
            f"  {seconds / pages * 1000:>6.2f} ms/page"
        )
    return lines


def _quality_table(results: dict[str, Any]) -> list[str]:
    """Cost and main-text quality of each extraction mode, the floor's for reference."""
    m, s = results["measurements"], results["summary"]
    floor = m.get("floor")
    rows = [(f"deepdaily {mode}", m.get(f"mode_{mode}")) for mode in MODES]
    rows.append(("trafilatura.extract (floor, comments on)", floor))
    if not any(fig for _, fig in rows):
        return []
    default = results["config"]["default_mode"]
    header = f"{'extraction mode':<42}{'CPU s':>8}{'x floor':>9}{'recall':>8}{'precision':>11}"
    header += f"{'pages < ' + format(TARGET_RECALL, 'g'):>14}"
    lines = ["", header, "-" * len(header)]
    for label, fig in rows:
        if fig is None:
            continue
        ratio = f"{fig['cpu'] / floor['cpu']:.2f}" if floor else "-"
        mark = "  (default)" if label == f"deepdaily {default}" else ""
        lines.append(
            f"{label:<42}{fig['cpu']:>8.2f}{ratio:>9}{fig['recall']:>8.3f}"
            f"{fig['precision']:>11.3f}{fig['pages_low_recall']:>14}{mark}"
        )
    best = s.get("cheapest_mode_keeping_recall")
    if best is None:
        lines.append(f"no mode keeps recall >= {TARGET_RECALL:g}")
    else:
        verdict = "the default" if s["default_mode_is_cheapest"] else f"NOT the default {default}"
        lines.append(
            f"cheapest mode keeping recall >= {TARGET_RECALL:g}: {best} ({verdict}); "
            "recall/precision: words of the true body found / extracted words on body lines"
        )
    return lines


def render_table(results: dict[str, Any]) -> str:
    c, cfg, m, s = results["corpus"], results["config"], results["measurements"], results["summary"]
    v = cfg["versions"]
    dd = m.get("deepdaily")
    fetch = dd["fetch"] if dd else None
    lines = [
        "deepdaily ingest benchmark",
        f"corpus   {c['feeds']} RSS 2.0 feeds x {cfg['pages_per_feed']} entries = {c['pages']} "
        f"article pages, {c['page_bytes_total'] / 1e6:.1f} MB HTML (page {c['page_kb_min']:.0f}-"
        f"{c['page_kb_max']:.0f} KB, mean {c['page_kb_mean']:.0f} KB, "
        f"{c['words_per_page_mean']:.0f} words/article), seed {cfg['seed']}",
        f"server   {cfg['server']} x {cfg['hosts']} on 127.0.0.1 (own port each), feeds spread "
        f"over them; every response delayed U({cfg['delay_ms'][0]:g}, {cfg['delay_ms'][1]:g}) ms; "
        "ETag/Last-Modified with 304",
        f"machine  {cfg['cpus']} CPUs, Python {v['python']}, trafilatura {v['trafilatura']}, "
        f"feedparser {v['feedparser']}, httpx {v['httpx']}"
        + (
            f"; deepdaily [fetch] concurrency {fetch['concurrency']}, per_host {fetch['per_host']}"
            if fetch
            else ""
        ),
        f"load     1-min load average {_load(cfg.get('loadavg_start'))} at start, "
        f"{_load(cfg.get('loadavg_end'))} at end (other processes on the machine skew timings)",
        "",
    ]
    trace = any(fig.get("py_peak_mb") is not None for fig in m.values())
    header = (
        f"{'measurement':<48}{'wall s':>9}{'CPU s':>8}{'requests':>10}{'docs':>7}"
        f"{'RSS MB':>8}{'children':>10}" + (f"{'py peak':>9}" if trace else "")
    )
    lines += [header, "-" * len(header)]
    for key, label in _ROWS:
        fig = m.get(key)
        if fig is None:
            if key in results["failures"]:
                lines.append(f"{label:<48}{'FAILED':>9}")
            continue
        docs = fig["documents_new"] if key.startswith("deepdaily") else fig["documents"]
        row = (
            f"{label:<48}{fig['wall']:>9.2f}{fig['cpu']:>8.2f}"
            f"{fig['server']['requests']:>10}{docs:>7}"
            f"{_mb(fig['rss_self_mb']):>8}{_mb(fig['rss_children_mb']):>10}"
        )
        if trace:
            row += f"{_mb(fig.get('py_peak_mb')):>9}"
        lines.append(row)
    lines.append("")
    if "baseline_over_deepdaily" in s:
        met = "met" if s["speedup_target_met"] else "MISSED"
        lines.append(
            f"baseline / deepdaily              {s['baseline_over_deepdaily']:6.2f}x   "
            f"target >= {TARGET_SPEEDUP:g}x: {met}"
        )
    if "deepdaily_over_floor" in s:
        met = "met" if s["floor_target_met"] else "MISSED"
        lines.append(
            f"deepdaily / floor (1 process)     {s['deepdaily_over_floor']:6.2f}x   "
            f"target <= {TARGET_FLOOR:g}x on 2 cores: {met}"
        )
    if "deepdaily_over_floor_2proc" in s:
        lines.append(
            f"deepdaily / floor (2 processes)   {s['deepdaily_over_floor_2proc']:6.2f}x"
            "   (reference)"
        )
    if "deepdaily_cpu_over_floor_cpu" in s:
        met = "met" if s["cpu_target_met"] else "MISSED"
        lines.append(
            f"CPU: deepdaily / floor (1 proc)   {s['deepdaily_cpu_over_floor_cpu']:6.2f}x"
            f"   target <= {TARGET_CPU:g}x: {met} (CPU seconds, all processes; steady "
            "under load)"
        )
    if dd:
        lines.append(
            f"deepdaily CPU split               {dd['cpu_self']:.2f} s in the run's own process "
            f"(fetching, feeds, storing), {dd['cpu'] - dd['cpu_self']:.2f} s in its extraction "
            "workers"
        )
    default = m.get(f"mode_{cfg['default_mode']}")
    if default and "metadata" in m:
        lines.append(
            f"metadata pass                     {m['metadata']['cpu'] / default['cpu'] - 1:6.1%}"
            "   more CPU per page; skipped where the feed gave the title and a sound date"
        )
    if "fast_cpu_over_floor_cpu" in s:
        lines.append(
            f"CPU: ... in fast mode / floor     {s['fast_cpu_over_floor_cpu']:6.2f}x"
            '   ([fetch] extraction = "fast": cheaper, lower recall, see below)'
        )
    if "metadata_two_parses_over_one" in s:
        lines.append(
            f"metadata pass: two parses / one   {s['metadata_two_parses_over_one']:6.2f}x"
            "   (CPU; the page's date searched in trafilatura's tree, not a second parse)"
        )
    if dd:
        lines.append(
            f"documents stored                  {dd['documents']} of {s['documents_expected']} "
            f"pages ({dd['entries']} feed entries, {dd['sources_failed']} sources failed, "
            f"{dd['extraction_failures']} extraction failures)"
            + ("" if s["documents_ok"] else "   CHECK FAILED: one document per page expected")
        )
    rr = m.get("deepdaily_rerun")
    if rr:
        sources = rr["sources_ok"] + rr["sources_failed"]
        lines.append(
            f"second run                        {rr['wall']:.2f} s, "
            f"{rr['server']['requests']} requests ({rr['server']['conditional']} conditional, "
            f"{rr['server']['pages']} pages), {rr['sources_not_modified']}/{sources} feeds "
            f"not modified, {rr['documents_new']} new documents"
        )
    if "baseline" in m:
        b = m["baseline"]
        lines.append(
            f"baseline split                    {b['extract_seconds']:.2f} s in "
            f"trafilatura.extract, {b['wall'] - b['extract_seconds']:.2f} s fetching "
            "and parsing"
        )
    lines += _quality_table(results)
    lines += _profile_table(results)
    for key in ("deepdaily", "deepdaily_rerun", "deepdaily_fast"):
        if key in m:
            for error in m[key]["errors"] + m[key]["extraction_failure_sample"]:
                lines.append(f"  {key}: {error}")
    for key, error in results["failures"].items():
        lines.append(f"FAILED {key}: {error.strip().splitlines()[-1]}")
    lines += [
        "",
        "wall s: the timed part only (imports, corpus generation, store creation excluded). "
        "CPU s: user+system time in that part, worker processes included.",
        "requests: HTTP requests the servers received. docs: documents newly stored (deepdaily) "
        "or non-empty extractions (others).",
        "RSS MB: peak resident set of the measurement's own process (getrusage RUSAGE_SELF "
        "ru_maxrss, imports included); children: largest peak among its worker processes "
        "(RUSAGE_CHILDREN ru_maxrss, or VmHWM for workers still alive), which for forked workers "
        "includes pages shared with the parent."
        + (
            " py peak: tracemalloc peak of Python allocations during the timed part (this "
            "process only)."
            if trace
            else ""
        ),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    results = run_benchmark(args, log)
    results["total_seconds"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True, default=str))
    else:
        print(render_table(results))
        print(f"\ntotal benchmark time {results['total_seconds']:.0f} s")
    return 1 if results["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
