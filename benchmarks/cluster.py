"""Benchmark: ``cluster_documents`` at 1k, 10k and 100k documents, time and peak memory.

    python -m benchmarks.cluster                       # 1000, 10000 and 100000 documents
    python -m benchmarks.cluster --sizes 1000,10000    # a quicker run
    python -m benchmarks.cluster --json > cluster.json
    python -m benchmarks.cluster --no-tracemalloc      # skip the slower traced runs

**Documents.** Real text from the shared corpus, read at run time from ``../shared/corpus``
beside the repository (never copied): the 793 RSS headlines (``rss_headlines_0208_0215.jsonl``,
title only) and the 264 arXiv abstracts (``arxiv_pool_0210_0213.jsonl``), mixed in at random
positions, up to a quarter of the batch (all 1,057 from 10k documents up). The rest is
generated from the words of those files and of the labelled day, drawn at random so
vocabulary, names and figures follow real frequencies: 75 % fresh documents (a ~12-word
title, a ~60-word body), 10 % lightly edited copies of an earlier document (near duplicates),
5 % verbatim re-posts under another URL (exact duplicates) and 10 % retellings (an earlier
document's names and figures kept, every other word replaced: the same story told
differently). Dates spread over three days; 500 outlets.

**Measurements.** Each size runs in a fresh interpreter (``spawn``), so each peak belongs to one
measurement. Generating the documents comes first and is not timed. Then:

* *features s*: the baseline, ``doc_features`` over every document: tokenising alone, the
  floor any clusterer pays (the features are dropped before clustering starts; the
  tokeniser's memo tables, bounded, stay filled, as in a run, which computes the day's
  features for the event memory before it clusters);
* *cluster s* / *cpu s*: wall and CPU time of ``cluster_documents`` (CPU of the main process;
  from 20k documents the near-duplicate stage runs in a forked worker, see
  ``deepdaily/cluster/parallel.py``);
* *RSS MB*: ``getrusage(RUSAGE_SELF).ru_maxrss`` after clustering, the process's peak resident
  set (interpreter, imports and the documents included); *+RSS* is its growth during
  clustering; *worker MB* is ``RUSAGE_CHILDREN``, the peak of the forked worker (its resident
  set counts the pages it still shares with its parent, so it is not memory added to the
  parent's);
* *result*: a hash of the events (ids, titles, dates, documents in order), to compare two
  versions of the code on one seed; the clustering does not depend on the string hash seed,
  so it is the same in every run;
* *py peak MB* / *traced s*: a second run of the same size under ``tracemalloc``: the peak of
  Python (and numpy) allocations during clustering, in the main process only. Tracing slows
  allocation-heavy code, so its time is printed apart and never used for the targets.

**Targets.** 100k documents clustered in under 60 s on 2 cores, time growing no worse than
15x from 10k to 100k (10x would be linear), and a peak RSS at 100k of at most 600 MB (the
main process, documents included; the forked worker's peak is printed beside it). The exit
status is 0 when every measurement ran, met or not (the report says which), 1 when one failed.
The load average is printed at the start and end: on a busy machine every figure suffers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import platform
import random
import re
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HEADLINES = "rss_headlines_0208_0215.jsonl"
ABSTRACTS = "arxiv_pool_0210_0213.jsonl"
LABELLED_DAY = "day-2026-02-12.jsonl"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
TARGET_100K_SECONDS = 60.0
TARGET_GROWTH = 15.0
TARGET_100K_RSS_MB = 600.0
_NAME_OR_FIGURE = re.compile(r"^(?:[A-Z][\w.\-]*|\S*\d\S*)$")

Row = dict[str, Any]


def _records(name: str) -> list[dict[str, Any]]:
    path = CORPUS / name
    if not path.exists():
        raise SystemExit(f"shared corpus file missing: {path}")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _real_texts() -> list[tuple[str, str, str]]:
    """(source, title, text) of every headline and abstract of the shared corpus."""
    headlines = [(r.get("source") or "rss", r["title"], "") for r in _records(HEADLINES)]
    abstracts = [("arXiv", r["title"], r.get("text") or "") for r in _records(ABSTRACTS)]
    return headlines + abstracts


def _vocabulary(real: list[tuple[str, str, str]]) -> list[str]:
    synopses = [r.get("synopsis") or "" for r in _records(LABELLED_DAY)]
    texts = [f"{title} {text}" for _, title, text in real] + synopses
    return [word for text in texts for word in text.split()]


def _edit(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(max(1, len(words) // 15)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(("reportedly", "new", "the", "its", words[i].upper()))
    return " ".join(words)


def _retell(text: str, vocabulary: list[str], rng: random.Random) -> str:
    """Keep the names and figures, replace every other word."""
    return " ".join(w if _NAME_OR_FIGURE.match(w) else rng.choice(vocabulary) for w in text.split())


def make_documents(n: int, seed: int = 7) -> tuple[list[Any], int]:
    """``n`` documents (real ones mixed in) and how many of them are real."""
    from deepdaily.models import Document, content_id

    rng = random.Random(seed)
    real = _real_texts()
    vocabulary = _vocabulary(real)
    real = rng.sample(real, min(len(real), n // 4))
    base = datetime(2026, 2, 11, tzinfo=UTC)
    slots = sorted(rng.sample(range(n), len(real)))  # where the real documents go
    next_real = dict(zip(slots, real, strict=True))
    docs: list[Document] = []
    for i in range(n):
        roll = rng.random()
        source = f"site{rng.randrange(500)}"
        if i in next_real:
            source, title, text = next_real[i]
        elif docs and roll < 0.10:
            src = rng.choice(docs)
            title, text = src.title, _edit(src.text or src.title, rng)
        elif docs and roll < 0.15:
            src = rng.choice(docs)
            title, text = src.title, src.text
        elif docs and roll < 0.25:
            src = rng.choice(docs)
            title, text = _retell(src.title, vocabulary, rng), _retell(src.text, vocabulary, rng)
        else:
            title = " ".join(rng.choices(vocabulary, k=12))
            text = " ".join(rng.choices(vocabulary, k=60))
        url = f"https://{source.replace(' ', '-').lower()}.example/{i}"
        docs.append(
            Document(
                id=content_id(url, text),
                source=source,
                url=url,
                canonical_url=url,
                title=title,
                text=text,
                published=base + timedelta(minutes=rng.randrange(3 * 24 * 60)),
                fetched_at=base + timedelta(days=3),
            )
        )
    return docs, len(real)


def events_hash(events: list[Any]) -> str:
    """A short hash of the clustering's result (each event's id, title, dates and documents in
    order), so two versions of the code can be compared on the same seed."""
    digest = hashlib.sha256()
    for event in events:
        ids = ",".join(f"{d.id}={d.event_id}" for d in event.documents)
        digest.update(
            f"{event.id}|{event.title}|{event.first_seen}|{event.last_seen}|{ids}\n".encode()
        )
    return digest.hexdigest()[:12]


def _max_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _measure(size: int, seed: int, traced: bool, conn: Connection) -> None:
    """One measurement, in its own interpreter; sends a row (or an error) back."""
    try:
        from deepdaily.cluster import cluster_documents
        from deepdaily.cluster.features import doc_features

        docs, real = make_documents(size, seed)
        row: Row = {"size": size, "real": real}
        if not traced:
            start = time.perf_counter()
            for doc in docs:
                doc_features(doc)
            row["features_s"] = time.perf_counter() - start
        rss_before = _max_rss_mb(resource.RUSAGE_SELF)
        if traced:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        events = cluster_documents(docs)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if traced:
            row.update(traced_s=wall, py_peak_mb=tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.stop()
        else:
            row.update(
                cluster_s=wall,
                cpu_s=cpu,
                rss_mb=_max_rss_mb(resource.RUSAGE_SELF),
                rss_growth_mb=_max_rss_mb(resource.RUSAGE_SELF) - rss_before,
                worker_mb=_max_rss_mb(resource.RUSAGE_CHILDREN),
                events=len(events),
                multi=sum(1 for e in events if len(e.documents) > 1),
                events_hash=events_hash(events),
            )
        conn.send(row)
    except BaseException as exc:  # report, never hang the parent
        conn.send({"size": size, "error": f"{type(exc).__name__}: {exc}"})
        raise
    finally:
        conn.close()


def _run(size: int, seed: int, traced: bool) -> Row:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_measure, args=(size, seed, traced, child))
    process.start()
    child.close()
    try:
        row: Row = parent.recv()
    except EOFError:
        row = {"size": size, "error": "measurement process died"}
    process.join()
    return row


def _load() -> float:
    return os.getloadavg()[0]


def measure_all(sizes: list[int], seed: int, traced: bool) -> dict[str, Any]:
    load_start = _load()
    rows = []
    for size in sizes:
        print(f"clustering {size} documents ...", file=sys.stderr, flush=True)
        row = _run(size, seed, traced=False)
        if traced and "error" not in row:
            print("  again under tracemalloc ...", file=sys.stderr, flush=True)
            row.update(_run(size, seed, traced=True))
        rows.append(row)
    by_size = {row["size"]: row for row in rows if "cluster_s" in row}
    growth = (
        by_size[100_000]["cluster_s"] / by_size[10_000]["cluster_s"]
        if {10_000, 100_000} <= set(by_size)
        else None
    )
    time_100k = by_size[100_000]["cluster_s"] if 100_000 in by_size else None
    rss_100k = by_size[100_000]["rss_mb"] if 100_000 in by_size else None
    return {
        "seed": seed,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(load_start, 2), round(_load(), 2)],
        "corpus": str(CORPUS),
        "rows": rows,
        "growth_10k_100k": growth,
        "targets": {
            "100k_under_60s": None if time_100k is None else time_100k < TARGET_100K_SECONDS,
            "growth_at_most_15x": None if growth is None else growth <= TARGET_GROWTH,
            "100k_rss_at_most_600mb": None if rss_100k is None else rss_100k <= TARGET_100K_RSS_MB,
        },
    }


def _cell(row: Row, key: str, fmt: str) -> str:
    width = int(fmt.split(".")[0])
    return format(row[key], fmt) if key in row else "-".rjust(width)


def table(report: dict[str, Any]) -> str:
    load = report["load_average"]
    lines = [
        f"cluster_documents: {report['cpus']} CPUs, Python {report['python']}, "
        f"seed {report['seed']}, load {load[0]} -> {load[1]}",
        f"documents: generated + shared headlines and arXiv abstracts ({report['corpus']})",
        f"{'size':>7} {'real':>5} {'events':>7} {'multi':>6} {'features s':>10} "
        f"{'cluster s':>9} {'cpu s':>6} {'RSS MB':>7} {'+RSS MB':>7} {'worker MB':>9} "
        f"{'py peak MB':>10} {'traced s':>8} {'result':>12}",
    ]
    for row in report["rows"]:
        if "error" in row:
            lines.append(f"{row['size']:>7} failed: {row['error']}")
            continue
        lines.append(
            f"{row['size']:>7} {row['real']:>5} {row['events']:>7} {row['multi']:>6} "
            f"{_cell(row, 'features_s', '10.2f')} {_cell(row, 'cluster_s', '9.2f')} "
            f"{_cell(row, 'cpu_s', '6.1f')} {_cell(row, 'rss_mb', '7.0f')} "
            f"{_cell(row, 'rss_growth_mb', '7.0f')} {_cell(row, 'worker_mb', '9.0f')} "
            f"{_cell(row, 'py_peak_mb', '10.0f')} {_cell(row, 'traced_s', '8.2f')} "
            f"{row.get('events_hash', '-'):>12}"
        )
    growth, targets = report["growth_10k_100k"], report["targets"]
    if growth is not None:
        verdict = "met" if targets["growth_at_most_15x"] else "MISSED"
        lines.append(f"growth 10k -> 100k: {growth:.1f}x (target <= {TARGET_GROWTH:g}x: {verdict})")
    if targets["100k_under_60s"] is not None:
        verdict = "met" if targets["100k_under_60s"] else "MISSED"
        lines.append(f"100k documents: target < {TARGET_100K_SECONDS:g} s on 2 cores: {verdict}")
    if targets["100k_rss_at_most_600mb"] is not None:
        verdict = "met" if targets["100k_rss_at_most_600mb"] else "MISSED"
        lines.append(f"100k documents: peak RSS target <= {TARGET_100K_RSS_MB:g} MB: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.cluster", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated batch sizes (default: 1000,10000,100000)",
    )
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, not {args.sizes!r}")
    report = measure_all(sizes, args.seed, traced=not args.no_tracemalloc)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 1 if any("error" in row for row in report["rows"]) else 0


if __name__ == "__main__":
    sys.exit(main())
