"""Evaluation against labelled days: load one, run cluster + select on it, score the picks.

``corpus.load_labelled_day(path)`` reads a labelled JSONL day (labels kept aside for scoring),
``corpus.run_day`` clusters and selects it and ``corpus.score_selection`` reports gold recall in
the top k, stories picked twice and attacks picked. ``python -m deepdaily.eval PATH``
prints the figures.
"""

from __future__ import annotations

from deepdaily.eval.corpus import (
    DayScore,
    LabelledDay,
    first_party_authority,
    load_labelled_day,
    run_day,
    score_selection,
)

__all__ = [
    "DayScore",
    "LabelledDay",
    "first_party_authority",
    "load_labelled_day",
    "run_day",
    "score_selection",
]
