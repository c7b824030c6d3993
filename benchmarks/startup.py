"""The start-up benchmark: what a CLI command costs before it does anything, against typer.

A command-line tool run from cron, a shell prompt or a completion script should start at once.
This benchmark times whole processes (interpreter start, imports, the command, exit) of:

a. **baseline**: ``python -c "import typer"``, the floor any typer CLI pays;
b. ``deepdaily --help``;
c. ``deepdaily sources list`` on the demo's 14 sources and a store holding their fetch state;
d. ``deepdaily digest show`` printing a stored digest.

The runs are interleaved (a, b, c, d, a, b, …) so a busy machine slows them alike, and each
command's median is printed with its ratio to the baseline's median. Target: (b) <= 2x (a).
(c) and (d) also read the settings (pydantic) and the database (SQLAlchemy), which the baseline
does not; the pipeline (numpy, scipy, datasketch, trafilatura, the LLM SDKs) is never imported by
any of them, which ``tests/test_cli_startup.py`` checks module by module.

The store is prepared once by running the bundled demo (offline, a few seconds). Run
``python -m benchmarks.startup`` from the repository root (``--runs N``, ``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path


@dataclass
class Timing:
    name: str
    command: list[str]
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def _deepdaily() -> list[str]:
    """The installed console script when it sits beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("deepdaily")
    if script.exists():
        return [str(script)]
    found = shutil.which("deepdaily")
    return [found] if found else [sys.executable, "-m", "deepdaily"]


def _prepare(workdir: Path) -> tuple[Path, str]:
    """Run the demo into ``workdir``: the sources file and the database URL it used."""
    from deepdaily.demo.runner import demo_settings, run_demo

    settings = demo_settings(workdir)
    asyncio.run(run_demo(settings))
    sources = Path(str(resources.files("deepdaily.demo").joinpath("sources.toml")))
    return sources, settings.store.resolved_url()


def _time(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-500:]}"
        )
    return elapsed


def measure(runs: int, workdir: Path) -> list[Timing]:
    sources, db = _prepare(workdir)
    cli = _deepdaily()
    common = [*cli, "--config", str(sources), "--db", db]
    timings = [
        Timing("import typer (baseline)", [sys.executable, "-c", "import typer"], []),
        Timing("deepdaily --help", [*cli, "--help"], []),
        Timing("deepdaily sources list", [*common, "sources", "list"], []),
        Timing("deepdaily digest show", [*common, "digest", "show"], []),
    ]
    for timing in timings:  # warm the file cache and .pyc files once
        _time(timing.command, workdir)
    for _ in range(runs):
        for timing in timings:
            timing.seconds.append(_time(timing.command, workdir))
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deepdaily-startup-") as tmp:
        timings = measure(args.runs, Path(tmp))
    base = timings[0].median
    if args.json:
        rows = [
            {**asdict(t), "median": t.median, "best": t.best, "ratio": t.median / base}
            for t in timings
        ]
        print(json.dumps({"runs": args.runs, "python": sys.version.split()[0], "rows": rows}))
        return 0
    print(f"start-up, {args.runs} interleaved runs each, Python {sys.version.split()[0]}")
    print(f"{'command':28} {'median ms':>10} {'best ms':>9} {'x typer':>8}")
    for t in timings:
        print(f"{t.name:28} {t.median * 1000:10.0f} {t.best * 1000:9.0f} {t.median / base:8.2f}")
    help_ratio = timings[1].median / base
    verdict = "met" if help_ratio <= 2.0 else "NOT met"
    print(f"target deepdaily --help <= 2.0x import typer: {help_ratio:.2f}x, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
