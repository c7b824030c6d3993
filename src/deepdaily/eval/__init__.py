"""Evaluation: replay labelled days through clustering and selection and score the picks.

* ``dataset.py``: read and check a labelled day file (header record, line-numbered errors);
* ``corpus.py``: turn it into Documents, labels kept aside (``load_labelled_day``);
* ``replay.py``: cluster + select as the pipeline does, after any history days (``replay``);
* ``metrics.py``: gold recall, precision at k, duplicate rate, clustering pairs (``measure``);
* ``floors.py``: pinned floors in ``eval/floors.toml``, the gate and its updates;
* ``report.py``: text and JSON for ``deepdaily eval``.

``deepdaily eval DATASET`` (or ``python -m deepdaily.eval DATASET``) prints the figures.
"""

from __future__ import annotations

from deepdaily.eval.authority import first_party_authority
from deepdaily.eval.corpus import LabelledDay, load_labelled_day
from deepdaily.eval.dataset import DatasetError, read_dataset
from deepdaily.eval.floors import (
    Breach,
    FloorsError,
    GateResult,
    UpdateResult,
    load_floors,
    run_gate,
    update_floors,
)
from deepdaily.eval.metrics import DayMetrics, Ratio, measure
from deepdaily.eval.replay import Replay, default_profile, replay

__all__ = [
    "Breach",
    "DatasetError",
    "DayMetrics",
    "FloorsError",
    "GateResult",
    "LabelledDay",
    "Ratio",
    "Replay",
    "UpdateResult",
    "default_profile",
    "first_party_authority",
    "load_floors",
    "load_labelled_day",
    "measure",
    "read_dataset",
    "replay",
    "run_gate",
    "update_floors",
]
