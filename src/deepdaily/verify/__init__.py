"""Verification: what a model wrote is checked against the event's sources before publishing.

- :mod:`.answer`: the JSON a model must answer with (claims with ids and verbatim passages;
  sentences citing them), and its parser;
- :mod:`.claims`: a claim's passage must be located verbatim in a source
  (:func:`deepdaily.text.agree.locate_passage`), be no instruction, and agree with the claim
  (:func:`deepdaily.text.agree.disagreements`);
- :mod:`.backing`: a sentence's facts must be in the passages of the claims it cites;
- :mod:`.sentence`: one sentence of output: instructions, echoes, language;
- :mod:`.analysis`: the whole of a model's answer, claim by claim and sentence by sentence;
- :mod:`.tally`: every sentence and claim over the rounds of one item, and what became of it;
- :mod:`.item`: the evidence of an event, and :func:`verify_item`, the guard for items without
  per-sentence backing (the offline engine's);
- :mod:`.report`: :class:`VerificationReport`, the counts and reasons for the run manifest.
"""

from __future__ import annotations

from deepdaily.verify.analysis import Checked, Problem, SentenceCheck, check_analysis
from deepdaily.verify.backing import backing_problems
from deepdaily.verify.claims import MIN_PASSAGE_TOKENS, ClaimCheck, check_claim
from deepdaily.verify.item import evidence_for, verify_item
from deepdaily.verify.report import VerificationReport, totals
from deepdaily.verify.sentence import Evidence, language_problem, sentence_problems

__all__ = [
    "MIN_PASSAGE_TOKENS",
    "Checked",
    "ClaimCheck",
    "Evidence",
    "Problem",
    "SentenceCheck",
    "VerificationReport",
    "backing_problems",
    "check_analysis",
    "check_claim",
    "evidence_for",
    "language_problem",
    "sentence_problems",
    "totals",
    "verify_item",
]
