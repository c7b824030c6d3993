"""Asking a provider for JSON: one schema, bounded re-asks, and the budget checked first.

:meth:`JsonAsker.ask` sends a request whose ``json_schema`` is the pydantic model's schema and
parses the answer (:func:`~deepdaily.analyse.schema.parse_answer`). An answer that is not JSON
for the schema (or an endpoint that reports bad output, alone or as the only kind of failure
in a chain's :class:`AllProvidersFailed`) is sent back with the error, at most :data:`REASKS`
times, after which :class:`ProviderBadOutput` is raised. Any other provider error propagates.
Before every re-ask, :meth:`JsonAsker.affordable` asks the run's budget; when it says no,
:class:`BudgetTight` is raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

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
from deepdaily.analyse.schema import AnswerError, parse_answer, response_schema
from deepdaily.verify.report import VerificationReport

__all__ = ["REASKS", "BudgetTight", "JsonAsker"]

REASKS = 2
"""How many times an answer that is not JSON for the schema is sent back before giving up."""

Model = TypeVar("Model", bound=BaseModel)


class BudgetTight(Exception):
    """The budget does not allow the next call."""


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
        conversation = list(messages)
        error = ""
        for attempt in range(REASKS + 1):
            request = ChatRequest(
                messages=conversation,
                json_schema=response_schema(model),
                schema_name=model.__name__,
                max_tokens=self.max_tokens,
                purpose=purpose,
                sources_hash=sources_hash,
                prompt_version=PROMPT_VERSION,
            )
            try:
                response = await (provider or self.provider).complete(request)
            except ProviderBadOutput as exc:
                bad_text, error = exc.text, str(exc)
            except AllProvidersFailed as exc:
                bad = [e for e in exc.errors if isinstance(e, ProviderBadOutput)]
                if not bad:
                    raise
                bad_text, error = bad[-1].text, str(bad[-1])
            else:
                try:
                    return parse_answer(response.text, model), response
                except AnswerError as exc:
                    bad_text, error = response.text, str(exc)
            if attempt == REASKS:
                break
            report.reasks += 1
            report.reason(f"{purpose}: re-asked: {error[:200]}")
            conversation = list(messages)
            if bad_text.strip():
                conversation.append(ChatMessage(role="assistant", content=bad_text[:4000]))
            conversation.append(
                ChatMessage(role="user", content=prompts.reask.format(error=error[:500]))
            )
            if not self.affordable(conversation):
                raise BudgetTight(f"{purpose}: the budget does not allow re-asking")
        answered = await self._other_members(messages, model, purpose, sources_hash, provider)
        if answered is not None:
            report.reason(
                f"{purpose}: invalid JSON after {REASKS} re-asks; another provider answered"
            )
            return answered
        raise ProviderBadOutput(f"{purpose}: no valid JSON after {REASKS} re-asks: {error}")

    async def _other_members(
        self,
        messages: list[ChatMessage],
        model: type[Model],
        purpose: str,
        sources_hash: str,
        provider: Provider | None,
    ) -> tuple[Model, ChatResponse] | None:
        """After the re-asks failed, each other provider of the chain gets the request once."""
        chain = provider or self.provider
        inner = getattr(chain, "inner", chain)  # through a CachingProvider
        members = getattr(inner, "providers", None)
        if not members or len(members) < 2:
            return None
        request = ChatRequest(
            messages=list(messages),
            json_schema=response_schema(model),
            schema_name=model.__name__,
            max_tokens=self.max_tokens,
            purpose=purpose,
            sources_hash=sources_hash,
            prompt_version=PROMPT_VERSION,
        )
        for member in members[1:]:
            if not self.affordable(messages):
                return None
            try:
                response = await chain.complete(request, only=member.name)  # type: ignore[call-arg]
                return parse_answer(response.text, model), response
            except (ProviderError, AnswerError):
                continue
        return None
