"""Pinned floors: the figures a change may not make worse (``eval/floors.toml``).

The file lists datasets, each with its ``k`` and the pinned value of each metric::

    root = ".."            # dataset paths are relative to this folder (itself relative to
                           # the floors file): the repository root
    [[dataset]]
    path = "eval/data/corpus/day-2026-02-12.jsonl"
    k = 8
    # window_hours = 72    # optional, as --window-hours; else the header's, else 24
    [dataset.metrics]
    gold_recall = 0.8
    duplicate_rate = 0.0   # a ceiling: lower is better

For most metrics the pinned value is a floor (the measured value must not be lower); for
:data:`~deepdaily.eval.metrics.CEILINGS` (``duplicate_rate``, ``adversarial_selected``) it is a
ceiling (must not be higher). A metric pinned but not measurable (``n/a``) breaches.

:func:`run_gate` measures every dataset and lists the breaches. :func:`update_floors` pins the
measured values; a value worse than its pin *loosens* that pin (lowers a floor, raises a
ceiling), which it refuses unless ``allow_lower``, writing nothing. A dataset added with no
``[dataset.metrics]`` gets its first pins from the update. Edits go through tomlkit, so the
file's comments survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from deepdaily.errors import ConfigError
from deepdaily.eval.corpus import load_labelled_day
from deepdaily.eval.metrics import CEILINGS, GATED_METRICS
from deepdaily.eval.replay import DEFAULT_K, Replay, replay
from deepdaily.fileio import write_atomic

__all__ = [
    "DEFAULT_FLOORS",
    "Breach",
    "Change",
    "Floors",
    "FloorsError",
    "GateResult",
    "PinnedDataset",
    "UpdateResult",
    "breaches",
    "load_floors",
    "run_gate",
    "update_floors",
]

DEFAULT_FLOORS = Path("eval") / "floors.toml"


class FloorsError(ConfigError):
    """The floors file is missing or malformed (exit code 2)."""


@dataclass(frozen=True)
class PinnedDataset:
    """One ``[[dataset]]`` entry: where it is, how to replay it and its pins."""

    name: str  # the path as written in the file
    file: Path  # resolved against ``root``
    k: int = DEFAULT_K
    window_hours: int | None = None
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Floors:
    path: Path
    datasets: list[PinnedDataset]


@dataclass(frozen=True)
class Breach:
    """A measured value worse than its pin."""

    dataset: str
    metric: str
    pinned: float
    measured: float | None

    def __str__(self) -> str:
        if self.measured is None:
            return f"{self.dataset}: {self.metric} not measurable (n/a), pinned {self.pinned:g}"
        bound, op = ("ceiling", ">") if self.metric in CEILINGS else ("floor", "<")
        return f"{self.dataset}: {self.metric} {self.measured:g} {op} {bound} {self.pinned:g}"


@dataclass(frozen=True)
class Change:
    dataset: str
    metric: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class GateResult:
    replays: list[tuple[PinnedDataset, Replay]]
    breaches: list[Breach]

    @property
    def passed(self) -> bool:
        return not self.breaches


@dataclass(frozen=True)
class UpdateResult:
    changes: list[Change]
    loosened: list[Breach]  # pins made worse (written only with allow_lower)
    written: bool


def _fail(path: Path, problem: str) -> FloorsError:
    return FloorsError(f"{path}: {problem}")


def _dataset(path: Path, root: Path, number: int, raw: Any) -> PinnedDataset:
    where = f"dataset #{number}"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("path"), str):
        raise _fail(path, f"{where} needs a 'path' (a string)")
    k, hours, metrics = raw.get("k", DEFAULT_K), raw.get("window_hours"), raw.get("metrics", {})
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise _fail(path, f"{where} ({raw['path']}): 'k' must be a positive integer")
    if hours is not None and (not isinstance(hours, int) or isinstance(hours, bool) or hours < 1):
        raise _fail(path, f"{where} ({raw['path']}): 'window_hours' must be a positive integer")
    if not isinstance(metrics, Mapping):
        raise _fail(path, f"{where} ({raw['path']}): 'metrics' must be a table")
    for name, value in metrics.items():
        if name not in GATED_METRICS:
            raise _fail(
                path,
                f"{where} ({raw['path']}): unknown metric {name!r} "
                f"(known: {', '.join(GATED_METRICS)})",
            )
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise _fail(path, f"{where} ({raw['path']}): metric {name!r} must be a number")
    return PinnedDataset(
        name=raw["path"],
        file=root / raw["path"],
        k=k,
        window_hours=hours,
        metrics={name: float(value) for name, value in metrics.items()},
    )


def _read(path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "floors file not found") from None
    except tomlkit.exceptions.ParseError as exc:
        raise _fail(path, f"invalid TOML: {exc}") from None


def load_floors(path: Path | str = DEFAULT_FLOORS) -> Floors:
    """Read and check the floors file."""
    path = Path(path)
    data = _read(path).unwrap()
    root = (path.parent / str(data.get("root", "."))).resolve()
    entries = data.get("dataset", [])
    if not isinstance(entries, list) or not entries:
        raise _fail(path, "no [[dataset]] entries")
    return Floors(path, [_dataset(path, root, n, raw) for n, raw in enumerate(entries, 1)])


def _worse(metric: str, measured: float | None, pinned: float) -> bool:
    if measured is None:
        return True
    return measured > pinned if metric in CEILINGS else measured < pinned


def breaches(pinned: PinnedDataset, measured: Mapping[str, float | None]) -> list[Breach]:
    """The pins of ``pinned`` that ``measured`` falls short of."""
    return [
        Breach(pinned.name, metric, value, measured.get(metric))
        for metric, value in pinned.metrics.items()
        if _worse(metric, measured.get(metric), value)
    ]


def _replay(pinned: PinnedDataset) -> Replay:
    return replay(load_labelled_day(pinned.file), k=pinned.k, window_hours=pinned.window_hours)


def run_gate(path: Path | str = DEFAULT_FLOORS) -> GateResult:
    """Replay every pinned dataset and collect the breaches."""
    floors = load_floors(path)
    replays = [(pinned, _replay(pinned)) for pinned in floors.datasets]
    found = [b for pinned, run in replays for b in breaches(pinned, run.metrics.gated())]
    return GateResult(replays, found)


def update_floors(path: Path | str = DEFAULT_FLOORS, *, allow_lower: bool = False) -> UpdateResult:
    """Pin every dataset's measured values; refuse to loosen a pin unless ``allow_lower``."""
    floors = load_floors(path)
    measured = [(pinned, _replay(pinned).metrics.gated()) for pinned in floors.datasets]
    loosened = [b for pinned, values in measured for b in breaches(pinned, values)]
    changes = [
        Change(pinned.name, metric, pinned.metrics.get(metric), values[metric])
        for pinned, values in measured
        for metric in GATED_METRICS
        if values[metric] != pinned.metrics.get(metric)
    ]
    if loosened and not allow_lower:
        return UpdateResult(changes, loosened, written=False)
    document = _read(floors.path)
    for table, (_, values) in zip(document["dataset"], measured, strict=True):
        if "metrics" not in table:
            table["metrics"] = tomlkit.table()
        pins = table["metrics"]
        for metric in GATED_METRICS:  # in place, so comments beside the pins survive
            if values[metric] is not None:
                pins[metric] = values[metric]
            elif metric in pins:
                del pins[metric]
    write_atomic(floors.path, tomlkit.dumps(document))
    return UpdateResult(changes, loosened, written=True)
