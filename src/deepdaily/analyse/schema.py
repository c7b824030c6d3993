"""The JSON the LLM must answer with, as pydantic models, and a tolerant parser for it.

The models double as the JSON schema sent with each request (``ChatRequest.json_schema``): every
field is required and no other field is allowed, which is what OpenAI's strict structured
output and most OpenAI-compatible servers expect. Length limits are stated in the field
descriptions and enforced by the analyser by truncation, not by validation, so an over-long
answer costs no re-ask.

:func:`parse_answer` accepts the JSON object bare, inside a Markdown code fence or surrounded by
prose, and raises :class:`AnswerError` with one line per problem, which the analyser sends
back to the model when it re-asks.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "AnswerError",
    "ClaimOut",
    "EventAnalysis",
    "JudgeAnswer",
    "JudgeVerdict",
    "SynthesisAnswer",
    "TrendOut",
    "WatchOut",
    "parse_answer",
    "response_schema",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimOut(_Out):
    text: str = Field(
        description="A factual phrase copied word for word from a sentence of "
        "what, technical or impact."
    )
    passage: str = Field(
        description="The sentence(s) of one SOURCE's Text that state this "
        "fact, copied character for character (1-2 sentences, "
        "original language)."
    )
    source_url: str = Field(description="The URL line of the SOURCE the passage is copied from.")


class EventAnalysis(_Out):
    title: str = Field(
        description="The item title in the output language; product names stay as written."
    )
    organisation: str = Field(
        description="The organisation or community behind the update, as the sources name it."
    )
    what: str = Field(
        min_length=1,
        description='What it is: 1-3 factual sentences; attribute claims ("reported", "claims").',
    )
    why: str = Field(description="Why it matters for engineers: 1-3 sentences of judgement.")
    technical_label: str = Field(
        description="Label of the technical section, one of the labels listed in the instructions."
    )
    technical: list[str] = Field(description="0-4 technical points from the sources.")
    impact: list[str] = Field(description="1-3 likely impacts.")
    advice_lead: str = Field(description='Optional lead-in for the advice list, or "".')
    advice: list[str] = Field(description="1-4 concrete, actionable recommendations.")
    claims: list[ClaimOut] = Field(
        description="2-6 facts the analysis rests on, each with its verbatim passage."
    )


class TrendOut(_Out):
    lead: str = Field(description="A short bold lead phrase.")
    text: str = Field(description="One or two sentences drawn from the items.")
    items: list[int] = Field(description="The 1-based numbers of the items it draws on.")


class WatchOut(_Out):
    lead: str = Field(description="A short bold lead phrase: what to follow next.")
    text: str = Field(description="One sentence: what to look for and why.")
    terms: list[str] = Field(description="1-4 names or keywords to follow.")


class SynthesisAnswer(_Out):
    trends: list[TrendOut] = Field(description="3-5 trends across the items.")
    watch: list[WatchOut] = Field(description="2-4 things to watch next.")


class JudgeVerdict(_Out):
    claim: int = Field(description="The claim's number as given.")
    supported: bool = Field(description="True only if the passage states the claim.")


class JudgeAnswer(_Out):
    verdicts: list[JudgeVerdict]


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
