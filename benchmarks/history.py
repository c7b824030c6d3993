"""Benchmark: the cost of one day's digest on stores holding 1, 10 and 90 days of history.

    python -m benchmarks.history                    # 1, 10 and 90 days, 500 documents a day
    python -m benchmarks.history --days 1,10,30 --per-day 300
    python -m benchmarks.history --json

**Corpus.** :func:`deepdaily.testing.coverage.coverage`: each day starts stories and continues
those of the last ten days from other outlets, with re-posts and one-off posts; the same
"today" (the last generated day) is built on every store, after the days before it.

**Measurement.** For each history length H a fresh SQLite store receives the H-1 days before
today, each run as the daily job would (``run_digest`` without fetching, offline engine:
cluster, select, analyse, render, publish, retention), untimed; then today's run is timed:
wall and CPU of the whole ``run_digest``, and of its cluster stage, and how many earlier events
the index recalled. Beside it, the baseline the index replaced, on the same store just before
today's run: clustering today's documents with every event of the 14-day memory window loaded
(``events_since``), as runs did before. The report
gives each figure's ratio to the one-day store; the target is 90 days <= 1.5x one day.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

DEFAULT_DAYS = (1, 10, 90)
TARGET_RATIO = 1.5
Row = dict[str, Any]


def _settings(folder: Path) -> Any:
    from deepdaily.config import load_settings

    return load_settings(
        None,
        overrides={
            "output_dir": str(folder / "site"),
            "store": {"url": f"sqlite:///{folder / 'dd.db'}"},
            "profile": {"timezone": "UTC", "publish_hour": 0, "name": "bench"},
        },
    )


def _measure(history: int, per_day: int, today_index: int, seed: int) -> Row:
    from deepdaily.cluster import cluster_documents
    from deepdaily.pipeline.memory import recall_known
    from deepdaily.pipeline.run import EVENT_MEMORY, run_digest
    from deepdaily.rank import digest_window
    from deepdaily.store import Store
    from deepdaily.testing.coverage import START, coverage

    noise = max(per_day // 2, 1)
    by_day = coverage(today_index + 1, noise=noise, new_stories=max(per_day // 8, 1), seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp))
        store = Store(settings.store.resolved_url())
        for index in range(today_index - history + 1, today_index + 1):
            store.add_documents(by_day[index])
            day = (START + timedelta(days=index + 1)).date()  # its window is day `index`
            if index < today_index:
                asyncio.run(run_digest(settings, store, day, fetch=False, offline=True))
        documents = len(by_day[today_index])
        stored = store.count("documents")
        start, end = digest_window(day, settings.profile)
        today = store.documents_in(start, end)
        recalled = len(recall_known(store, today, start - EVENT_MEMORY).known)
        # the baseline, on the same store before today's run: the whole memory window loaded
        # and clustered with today's documents, as runs did before the index
        baseline = time.perf_counter()
        known = store.events_since(start - EVENT_MEMORY)
        cluster_documents(today, known)
        baseline = time.perf_counter() - baseline
        wall, cpu = time.perf_counter(), time.process_time()
        result = asyncio.run(run_digest(settings, store, day, fetch=False, offline=True))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        cluster_s = next(s.seconds for s in result.manifest.timings if s.stage == "cluster")
        store.close()
    return {
        "history_days": history,
        "documents_today": documents,
        "documents_stored": stored,
        "run_s": wall,
        "run_cpu_s": cpu,
        "cluster_s": cluster_s,
        "window_events": len(known),
        "recalled_events": recalled,
        "baseline_cluster_s": baseline,
    }


def measure(histories: list[int], per_day: int, seed: int = 11, log: Any = print) -> Row:
    """Every history length measured in this process (after a warm-up run), with ratios."""
    histories = sorted(set(histories))
    today = max(histories) - 1
    load = os.getloadavg()[0]
    log("warming up (imports, dictionaries) ...")
    _measure(2, max(per_day // 10, 20), 1, seed + 1)  # the first run pays them
    rows = []
    for history in histories:
        log(f"history {history} days ...")
        rows.append(_measure(history, per_day, today, seed))
    first = rows[0]
    for row in rows:
        for key in ("run_s", "cluster_s", "baseline_cluster_s"):
            row[f"{key}_ratio"] = row[key] / first[key] if first[key] else 0.0
    return {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_start": load,
            "load_end": os.getloadavg()[0],
        },
        "rows": rows,
        "target": f"{max(histories)} days <= {TARGET_RATIO}x one day",
        "met": rows[-1]["run_s_ratio"] <= TARGET_RATIO,
    }


def table(report: Row) -> str:
    """The report as a text table."""
    machine = report["machine"]
    lines = [
        f"history: load {machine['load_start']:.2f} -> {machine['load_end']:.2f}, "
        f"{machine['cpus']} cpus",
        f"{'history':>8} {'today':>6} {'stored':>8} {'run s':>7} {'x':>5} {'cluster s':>10} "
        f"{'x':>5} {'recalled':>8} | {'window events':>13} {'reload+cluster s':>17} {'x':>5}",
    ]
    for row in report["rows"]:
        lines.append(
            f"{row['history_days']:>8} {row['documents_today']:>6} {row['documents_stored']:>8} "
            f"{row['run_s']:>7.2f} {row['run_s_ratio']:>5.2f} {row['cluster_s']:>10.2f} "
            f"{row['cluster_s_ratio']:>5.2f} {row['recalled_events']:>8} | "
            f"{row['window_events']:>13} "
            f"{row['baseline_cluster_s']:>17.2f} {row['baseline_cluster_s_ratio']:>5.2f}"
        )
    verdict = "met" if report["met"] else "NOT met"
    lines.append(f"target {report['target']}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", default=",".join(map(str, DEFAULT_DAYS)))
    parser.add_argument("--per-day", type=int, default=500, help="about this many documents a day")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    histories = [int(d) for d in args.days.split(",") if d.strip()]
    report = measure(histories, args.per_day, args.seed, log=_stderr)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
