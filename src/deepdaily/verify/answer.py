"""The JSON a model must answer with, as pydantic models, and a tolerant parser for it.

The models double as the JSON schema sent with each request (``ChatRequest.json_schema``): every
field is required and no other field is allowed, which is what OpenAI's strict structured
output and most OpenAI-compatible servers expect. Length limits are stated in the field
descriptions and enforced by the analyser by truncation, not by validation, so an over-long
answer costs no re-ask.

The analysis is built on its claims. Each claim has an ``id``, its ``text`` (the fact, in the
output language), a ``passage`` copied from one source and that source's URL. Every sentence of
every section cites the ids of the claims it rests on (:class:`Sentence`); the judgement
sections (why, impact, advice) may instead mark a sentence as an opinion
(:class:`JudgedSentence` with ``judgement: true``), which may then state no fact beyond the
passages it cites. The synthesis cites the claims of the day's items the same way, by the ids
its prompt gives them. Field names are short and descriptions terse: the schema travels with
every request.

These models live in :mod:`deepdaily.verify` because the verifier reads them; the analyser
imports them from here (downward). :func:`parse_answer` accepts the JSON object bare, inside a
Markdown code fence or surrounded by prose, and raises :class:`AnswerError` with one line per
problem, which the analyser sends back to the model when it re-asks.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimOut(_Out):
    id: int = Field(description="1, 2, 3...; sentences cite it.")
    text: str = Field(description="The fact, in the output language; no more than the passage.")
    passage: str = Field(
        description="1-2 sentences copied character for character from one SOURCE's Text."
    )
    source_url: str = Field(description="That SOURCE's URL line.")


class Sentence(_Out):
    text: str = Field(description="One sentence.")
    claims: list[int] = Field(description="Ids of the claims whose passages state its facts.")


class JudgedSentence(_Out):
    text: str = Field(description="One sentence.")
    claims: list[int] = Field(description="Ids of the claims whose passages state its facts.")
    judgement: bool = Field(description="true: an opinion, with no fact beyond its claims.")


class EventAnalysis(_Out):
    title: str = Field(description="The item title; product names as written.")
    organisation: str = Field(description="Who is behind the update, as the sources name it.")
    claims: list[ClaimOut] = Field(description="2-8 facts, each with its verbatim passage.")
    what: list[Sentence] = Field(description="1-3 sentences: what it is.")
    why: list[JudgedSentence] = Field(description="1-3 sentences: why it matters.")
    technical_label: str = Field(description="One of the labels listed in the instructions.")
    technical: list[Sentence] = Field(description="0-4 technical points.")
    impact: list[JudgedSentence] = Field(description="1-3 likely impacts.")
    advice_lead: str = Field(description='Lead-in for the advice, or "".')
    advice: list[JudgedSentence] = Field(description="2-4 actionable recommendations.")


class TrendOut(_Out):
    lead: str = Field(description="A short bold lead phrase.")
    text: str = Field(description="One sentence across items.")
    claims: list[int] = Field(description="Ids [C n] of the item claims it rests on (1 or more).")
    judgement: bool = Field(description="true: a generalisation, with no fact beyond its claims.")


class WatchOut(_Out):
    lead: str = Field(description="A short bold lead phrase: what to follow next.")
    text: str = Field(description="One sentence: what to look for and why.")
    claims: list[int] = Field(description="Ids [C n] of the item claims it rests on.")
    judgement: bool = Field(description="true: an opinion, with no fact beyond its claims.")
    terms: list[str] = Field(description="1-4 names or keywords to follow.")


class SynthesisAnswer(_Out):
    trends: list[TrendOut] = Field(description="3-5 trends across the items.")
    watch: list[WatchOut] = Field(description="2-4 things to watch next.")


class EntailmentVerdict(_Out):
    claim: int = Field(description="The claim's number as given.")
    verdict: Literal["entailed", "contradicted", "not_supported"]


class EntailmentAnswer(_Out):
    verdicts: list[EntailmentVerdict]


Model = TypeVar("Model", bound=BaseModel)


class AnswerError(ValueError):
    """The model's answer is not JSON for the schema; ``str()`` is what to tell the model."""


def response_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model``, as sent in ``ChatRequest.json_schema``."""
    return model.model_json_schema()


_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


def _json_text(text: str) -> str:
    fenced = _FENCE_RE.search(text)
    if fenced:
        text = fenced.group(1)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise AnswerError("the answer contains no JSON object")
    return text[start : end + 1]


def parse_answer(text: str, model: type[Model]) -> Model:
    """The answer ``text`` as ``model``; raises :class:`AnswerError`."""
    try:
        data = json.loads(_json_text(text))
    except json.JSONDecodeError as exc:
        raise AnswerError(
            f"the answer is not valid JSON: {exc.msg} at character {exc.pos}"
        ) from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors()[:8]:
            where = ".".join(str(p) for p in error["loc"]) or "(root)"
            lines.append(f"{where}: {error['msg']}")
        raise AnswerError("the JSON does not match the schema: " + "; ".join(lines)) from None
