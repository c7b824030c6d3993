"""Verification: what a model wrote is checked against the event's sources before publishing.

- :mod:`.claims`: a claim's passage must be in a source (normalised, fuzzy-tolerant);
- facts (numbers, versions, dates, names) and links are read by :mod:`deepdaily.text.facts` and
  :mod:`deepdaily.text.links`; only the event's source URLs may appear;
- :mod:`.sentence`: one sentence of output: instructions, echoes, unsupported facts, language;
- :mod:`.analysis`: the whole of a model's answer, sentence by sentence, for revision rounds;
- :mod:`.item`: :func:`verify_item`, the stage's seam for a finished item of any engine;
- :mod:`.report`: :class:`VerificationReport`, the counts and reasons for the run manifest.
"""

from __future__ import annotations

from deepdaily.verify.analysis import Checked, Problem, check_analysis
from deepdaily.verify.claims import (
    JUDGE_FLOOR,
    PASSAGE_THRESHOLD,
    ClaimCheck,
    PassageMatch,
    check_claim,
    find_passage,
)
from deepdaily.verify.item import evidence_for, verify_item
from deepdaily.verify.report import VerificationReport, totals
from deepdaily.verify.sentence import Evidence, language_problem, sentence_problems

__all__ = [
    "JUDGE_FLOOR",
    "PASSAGE_THRESHOLD",
    "Checked",
    "ClaimCheck",
    "Evidence",
    "PassageMatch",
    "Problem",
    "VerificationReport",
    "check_analysis",
    "check_claim",
    "evidence_for",
    "find_passage",
    "language_problem",
    "sentence_problems",
    "totals",
    "verify_item",
]
