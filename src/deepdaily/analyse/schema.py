"""The answer schema, as the analyser knows it: re-exported from :mod:`deepdaily.verify.answer`.

The models the LLM must answer with live in the verify stage, which reads them, so that the
dependency points down (analyse -> verify); this module keeps the analyser's old import path.
"""

from __future__ import annotations

from deepdaily.verify.answer import (
    AnswerError,
    ClaimOut,
    EntailmentAnswer,
    EntailmentVerdict,
    EventAnalysis,
    JudgedSentence,
    Sentence,
    SynthesisAnswer,
    TrendOut,
    WatchOut,
    parse_answer,
    response_schema,
)

__all__ = [
    "AnswerError",
    "ClaimOut",
    "EntailmentAnswer",
    "EntailmentVerdict",
    "EventAnalysis",
    "JudgedSentence",
    "Sentence",
    "SynthesisAnswer",
    "TrendOut",
    "WatchOut",
    "parse_answer",
    "response_schema",
]
