"""Asking the provider chain for JSON: one schema, bounded re-asks, the right language, and the
budget checked first.

:meth:`JsonAsker.ask` sends a request whose ``json_schema`` is the pydantic model's schema and
hands the chain an answer check (:class:`~deepdaily.analyse.providers.usable.AnswerCheck`), so
that an unusable answer is a failure of the provider that gave it and the next provider in the
chain answers the same request (:mod:`deepdaily.analyse.providers.fallback`):

- not JSON for the schema (:func:`~deepdaily.analyse.schema.parse_answer`): sent back to the
  same provider with the error, at most :data:`REASKS` times, then "schema-invalid after 2
  re-asks";
- JSON whose prose is in another language than the profile's
  (:func:`~deepdaily.text.language.language_mismatch`: "answered in English, expected
  Chinese"), or empty (``{}``, blank, a refusal; the endpoints catch those): the next provider
  at once.

Each provider that gave the request up, and why, goes into the item's verification report.
When no provider gave a usable answer, :class:`ProviderBadOutput` is raised if every one of
them failed on the JSON itself, else the chain's
:class:`~deepdaily.analyse.providers.base.AllProvidersFailed`; any other provider error
propagates (:class:`~deepdaily.analyse.providers.base.DeadlineExceeded` past
``[analysis] deadline_s``). Before every re-ask, :meth:`JsonAsker.affordable` asks the run's
budget; when it says no, :class:`BudgetTight` is raised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from deepdaily.analyse.grounding import estimate_tokens
from deepdaily.analyse.prompts import PROMPT_VERSION, Prompts
from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    ChatMessage,
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderBadOutput,
    ProviderError,
)
from deepdaily.analyse.providers.budget import Budget
from deepdaily.analyse.providers.usable import checked, complete_usable
from deepdaily.analyse.schema import AnswerError, parse_answer, response_schema
from deepdaily.text.language import language_mismatch
from deepdaily.verify.report import VerificationReport

__all__ = ["REASKS", "BudgetTight", "JsonAsker"]

REASKS = 2
"""How many times an answer that is not JSON for the schema is sent back to the same provider
before it gives the request up."""

Model = TypeVar("Model", bound=BaseModel)

# Fields whose text is copied from the sources or names things, not prose in the output
# language: they are left out of the language check.
_VERBATIM_KEY = re.compile(
    r"passage|quote|excerpt|evidence|span|url|source|^terms?$|^ids?$|_ids?$", re.IGNORECASE
)


class BudgetTight(Exception):
    """The budget does not allow the next call."""


def _prose(value: Any, key: str = "") -> list[str]:
    """The strings of an answer that are the model's own prose (see :data:`_VERBATIM_KEY`)."""
    if key and _VERBATIM_KEY.search(key):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _prose(item)]
    if isinstance(value, dict):
        return [text for k, v in value.items() for text in _prose(v, str(k))]
    return []


class _Check(Generic[Model]):
    """What makes an answer usable for one :meth:`JsonAsker.ask`."""

    reasks = REASKS

    def __init__(
        self,
        asker: JsonAsker,
        model: type[Model],
        prompts: Prompts,
        report: VerificationReport,
        purpose: str,
    ) -> None:
        self.asker = asker
        self.model = model
        self.prompts = prompts
        self.language = str(getattr(prompts, "language", "") or "")
        self.report = report
        self.purpose = purpose
        self.parsed: dict[str, Model] = {}
        self.given_up: list[str] = []

    def problem(self, response: ChatResponse) -> ProviderBadOutput | None:
        try:
            answer = parse_answer(response.text, self.model)
        except AnswerError as exc:
            message = str(exc)
            return ProviderBadOutput(
                message,
                text=response.text,
                reason="schema-invalid" if "schema" in message else "not JSON",
                reaskable=True,
            )
        if self.language:
            prose = "\n".join(_prose(answer.model_dump(mode="json")))
            mismatch = language_mismatch(prose, self.language)
            if mismatch:
                return ProviderBadOutput(mismatch, text=response.text, reason=mismatch)
        self.parsed[response.text] = answer
        return None

    def reask(self, request: ChatRequest, bad: ProviderBadOutput) -> ChatRequest | None:
        error = str(bad)
        self.report.reasks += 1
        self.report.reason(f"{self.purpose}: re-asked: {error[:200]}")
        conversation = list(request.messages)
        if bad.text.strip():
            conversation.append(ChatMessage(role="assistant", content=bad.text[:4000]))
        conversation.append(
            ChatMessage(role="user", content=self.prompts.reask.format(error=error[:500]))
        )
        if not self.asker.affordable(conversation):
            raise BudgetTight(f"{self.purpose}: the budget does not allow re-asking")
        return request.model_copy(update={"messages": conversation})

    def gave_up(self, provider: str, reason: str) -> None:
        self.given_up.append(f"{provider} gave up: {reason}")

    def answer(self, response: ChatResponse) -> Model:
        return self.parsed.get(response.text) or parse_answer(response.text, self.model)


def _json_failure(error: ProviderError) -> bool:
    """Whether a provider failed on the JSON itself (not on time, language or content)."""
    return isinstance(error, ProviderBadOutput) and (
        "schema-invalid" in error.reason or "not JSON" in error.reason
    )


class JsonAsker:
    """Structured requests to ``provider`` within ``budget`` (``None``: unlimited)."""

    def __init__(self, provider: Provider, budget: Budget | None, max_tokens: int) -> None:
        self.provider = provider
        self.budget = budget
        self.max_tokens = max_tokens

    def affordable(self, messages: Sequence[ChatMessage]) -> bool:
        """Whether the budget allows a call with ``messages`` and a full-length answer."""
        if self.budget is None:
            return True
        estimate = sum(estimate_tokens(m.content) for m in messages) + self.max_tokens
        return self.budget.allows(estimate)

    async def ask(
        self,
        messages: list[ChatMessage],
        model: type[Model],
        prompts: Prompts,
        report: VerificationReport,
        *,
        purpose: str,
        sources_hash: str,
        provider: Provider | None = None,
    ) -> tuple[Model, ChatResponse]:
        """The answer as ``model`` and the response it came in (see the module docstring)."""
        request = ChatRequest(
            messages=list(messages),
            json_schema=response_schema(model),
            schema_name=model.__name__,
            max_tokens=self.max_tokens,
            purpose=purpose,
            sources_hash=sources_hash,
            prompt_version=PROMPT_VERSION,
        )
        check = _Check(self, model, prompts, report, purpose)
        target = provider or self.provider
        try:
            if getattr(target, "checks_answers", False):
                response = await target.complete(request, check=check)  # type: ignore[call-arg]
            else:
                response = await complete_usable(checked(target, check), request, check)
        except AllProvidersFailed as exc:
            if check.given_up:
                report.reason(f"{purpose}: {'; '.join(check.given_up)}")
            if exc.errors and all(_json_failure(e) for e in exc.errors):
                raise self._no_json(purpose, exc.errors[-1]) from None
            raise
        except ProviderBadOutput as exc:  # a bare provider, not a chain
            if _json_failure(exc):
                raise self._no_json(purpose, exc) from None
            raise AllProvidersFailed(str(exc), errors=[exc]) from None
        if check.given_up and not response.cached:
            report.reason(
                f"{purpose}: {'; '.join(check.given_up)}; another provider answered "
                f"({response.provider})"
            )
        return check.answer(response), response

    @staticmethod
    def _no_json(purpose: str, last: ProviderError) -> ProviderBadOutput:
        return ProviderBadOutput(
            f"{purpose}: no valid JSON after {REASKS} re-asks: {last}",
            reason=last.reason,
        )
