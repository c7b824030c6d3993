"""The scale benchmark: ingest throughput of distributed runs against one machine (part one),
and the cost of one day's digest against the history the store holds (part two).

A generated loopback web (:mod:`benchmarks.corpus`: RSS feeds whose entries link to 30-80 KB
article pages, served by :class:`benchmarks.corpus.Web` on 127.0.0.1 with a random delay per
response) is collected, into a fresh SQLite store each time, by:

a. single-machine mode: :func:`deepdaily.pipeline.collect.collect` in one process (its
   extraction pool has one process per CPU);
b. distributed mode with 1, 2 and 4 ``deepdaily worker`` processes (``--threads`` each) on the
   local Redis: the coordinator's collect stage (:meth:`Distribution.collect`: one task per
   feed, the wait, the fetch log) is timed from the first message sent to the last result in.

Each client being timed (the single-machine collect, the coordinator) runs in a fresh process,
and the workers are started and ready before the clock starts, so the figures are the stage's
own. Ratios are pages per second against single-machine mode.

Part two is :mod:`benchmarks.history`: the same day's digest built on stores holding 1, 10 and
90 days of generated history, beside the reload-and-recluster approach the event memory index
replaced; ratios to the one-day store (target: 90 days <= 1.5x one day).

Run ``python -m benchmarks.scale`` (the issue's size: 2,000 feeds x 10 pages, long on 2 cores),
``--feeds 200`` for a shorter run, ``--skip-ingest`` or ``--skip-history`` for one part,
``--help`` for the flags. Needs Redis on 127.0.0.1
(``bash tools/services``) and the ``distributed`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import Web, generate

RUN_DATE = "2026-01-01"
SRC = Path(__file__).resolve().parent.parent / "src"
DEEPDAILY = [sys.executable, "-m", "deepdaily"]


def _settings(feeds: list[str], db: str, broker: str, prefix: str, per_host: int) -> Any:
    from deepdaily.config import Settings

    return Settings.model_validate(
        {
            "store": {"url": db},
            "fetch": {"per_host": per_host, "retries": 1, "collect_deadline_s": 3600},
            "distributed": {
                "broker_url": broker,
                "queue_prefix": prefix,
                "poll_s": 0.1,
                "stage_timeout_s": 7200,
            },
            "sources": [
                {"name": f"site-{i:04d}", "url": url, "type": "feed"} for i, url in enumerate(feeds)
            ],
        }
    )


def _collect_child(params: dict[str, Any], conn: Any) -> None:
    """Child process: one collect stage (single-machine or coordinated), timed."""
    try:
        from deepdaily.pipeline.collect import collect
        from deepdaily.store import Store

        settings = _settings(
            params["feeds"], params["db"], params["broker"], params["prefix"], params["per_host"]
        )
        store = Store(params["db"])
        run_id = uuid.uuid4().hex[:16]
        store.start_run(run_id, "bench", RUN_DATE)
        if params["mode"] == "distributed":
            from deepdaily.distributed.coordinator import Distribution

            spread = Distribution(settings, store)
            started = time.perf_counter()
            report = asyncio.run(spread.collect(settings, store, run_id))
            wall = time.perf_counter() - started
            spread.close()
        else:
            started = time.perf_counter()
            report = asyncio.run(collect(settings, store, run_id))
            wall = time.perf_counter() - started
        store.finish_run(run_id, "ok", {"benchmark": "scale"})
        result = {
            "wall": wall,
            "documents": store.count("documents"),
            "sources_failed": sum(not o.ok for o in report.outcomes),
            "extraction_failures": len(report.extraction_failures),
        }
        store.close()
        conn.send(("ok", result))
    except BaseException as exc:  # report, never hang the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        extract = sys.modules.get("deepdaily.extract")  # its pool outlives an mp child's exit
        if extract is not None and hasattr(extract, "shutdown_workers"):
            extract.shutdown_workers()


def _isolated(params: dict[str, Any], timeout: float) -> dict[str, Any]:
    ctx = mp.get_context("forkserver")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_collect_child, args=(params, sender))
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.kill()
            raise RuntimeError(f"no result within {timeout:.0f} s")
        status, payload = receiver.recv()
    finally:
        process.join(30)
    if status != "ok":
        raise RuntimeError(str(payload))
    return dict(payload)


def _start_workers(
    count: int, threads: int, config: Path, workdir: Path
) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    procs, logs = [], []
    for n in range(count):
        log = workdir / f"worker-{n}.log"
        with log.open("wb") as handle:
            procs.append(
                subprocess.Popen(
                    [*DEEPDAILY, "--config", str(config), "worker", "--threads", str(threads)],
                    cwd=workdir,
                    env=env,
                    stdout=handle,
                    stderr=subprocess.STDOUT,
                )
            )
        logs.append(log)
    deadline = time.monotonic() + 60
    for proc, log in zip(procs, logs, strict=True):
        while " ready:" not in log.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start: {log.read_text(errors='replace')}")
            time.sleep(0.05)
    return procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _clean_redis(broker: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(broker)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def run(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    delay = (args.delay[0] / 1000, args.delay[1] / 1000)
    results: dict[str, Any] = {
        "config": {
            "feeds": args.feeds,
            "pages_per_feed": args.pages_per_feed,
            "hosts": args.hosts,
            "delay_ms": list(args.delay),
            "threads": args.threads,
            "per_host": args.per_host,
            "cpus": os.cpu_count(),
        },
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="deepdaily-scale-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "web").mkdir()
        with Web(tmp / "web", hosts=args.hosts, delay=delay, seed=args.seed) as web:
            corpus = generate(
                tmp / "web",
                web.base_urls,
                feeds=args.feeds,
                pages_per_feed=args.pages_per_feed,
                seed=args.seed,
            )
            pages = len(corpus.pages)
            log(f"corpus: {len(corpus.feeds)} feeds, {pages} pages on {args.hosts} hosts")
            plans: list[tuple[str, int]] = [("single", 0)]
            plans += [("distributed", n) for n in args.workers]
            for mode, workers in plans:
                key = "single" if mode == "single" else f"{workers} worker(s)"
                prefix = f"scale{uuid.uuid4().hex[:8]}"
                workdir = tmp / f"run-{mode}-{workers}"
                workdir.mkdir()
                db = f"sqlite:///{workdir / 'dd.db'}"
                config = workdir / "deepdaily.toml"
                config.write_text(
                    f'[store]\nurl = "{db}"\n[distributed]\nbroker_url = "{args.broker}"\n'
                    f'queue_prefix = "{prefix}"\n',
                    encoding="utf-8",
                )
                procs = _start_workers(workers, args.threads, config, workdir) if workers else []
                web.reset()
                log(f"running {key} ...")
                try:
                    figures = _isolated(
                        {
                            "mode": mode,
                            "feeds": corpus.feeds,
                            "db": db,
                            "broker": args.broker,
                            "prefix": prefix,
                            "per_host": args.per_host,
                        },
                        timeout=args.timeout,
                    )
                finally:
                    _stop(procs)
                    _clean_redis(args.broker, prefix)
                figures["pages_per_s"] = figures["documents"] / figures["wall"]
                figures["requests"] = web.count()["requests"]
                results["runs"][key] = figures
                log(
                    f"  {key}: {figures['wall']:.1f} s, {figures['documents']} documents, "
                    f"{figures['pages_per_s']:.1f} pages/s"
                )
    single = results["runs"]["single"]["pages_per_s"]
    for figures in results["runs"].values():
        figures["vs_single"] = figures["pages_per_s"] / single
    return results


def table(results: dict[str, Any]) -> str:
    c = results["config"]
    lines = [
        f"ingest: {c['feeds']} feeds x {c['pages_per_feed']} pages, {c['hosts']} hosts, "
        f"{c['delay_ms'][0]:g}-{c['delay_ms'][1]:g} ms per response, {c['cpus']} CPUs, "
        f"{c['threads']} threads per worker, per_host {c['per_host']}",
        f"{'mode':<14}{'wall s':>9}{'documents':>11}{'pages/s':>10}{'vs single':>11}",
    ]
    for key, f in results["runs"].items():
        lines.append(
            f"{key:<14}{f['wall']:>9.1f}{f['documents']:>11}{f['pages_per_s']:>10.1f}"
            f"{f['vs_single']:>10.2f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--pages-per-feed", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=50, help="loopback servers (sites)")
    parser.add_argument("--delay", type=float, nargs=2, default=(20.0, 200.0))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--threads", type=int, default=4, help="threads per worker process")
    parser.add_argument("--per-host", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--timeout", type=float, default=7200)
    parser.add_argument("--history-days", default="1,10,90", help="part two's store histories")
    parser.add_argument("--per-day", type=int, default=500, help="part two: documents a day")
    parser.add_argument("--skip-ingest", action="store_true", help="part two only")
    parser.add_argument("--skip-history", action="store_true", help="part one only")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    from benchmarks import history

    results: dict[str, Any] = {}
    if not args.skip_ingest:
        results["ingest"] = run(args, log)
    if not args.skip_history:
        days = [int(d) for d in args.history_days.split(",") if d.strip()]
        results["history"] = history.measure(days, args.per_day, log=log)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    parts = []
    if "ingest" in results:
        parts.append(table(results["ingest"]))
    if "history" in results:
        parts.append(history.table(results["history"]))
    print("\n\n".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
