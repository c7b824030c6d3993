"""Shared pieces of the LLM analyser tests: the real SDK path to a scripted loopback server.

Each provider is an :class:`OpenAICompatProvider` (the official ``openai`` SDK) talking to a
:class:`ScriptedLLMServer` on 127.0.0.1, wrapped in a :class:`FallbackProvider` as in a run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from deepdaily.analyse.llm import LLMAnalyser
from deepdaily.analyse.offline import OfflineAnalyser
from deepdaily.analyse.providers import (
    AnthropicProvider,
    Budget,
    CallLog,
    FallbackProvider,
    OpenAICompatProvider,
    Provider,
)
from deepdaily.config import AnalysisSettings, LLMSpec
from deepdaily.models import Document, Event
from deepdaily.testing.llm_server import ScriptedLLMServer

NOW = datetime(2026, 2, 11, 3, tzinfo=UTC)
# SDK clients to close before the test's event loop ends
OPEN: list[OpenAICompatProvider | AnthropicProvider] = []


async def close_all() -> None:
    """Close every SDK client made by :func:`endpoint` (call from the test's own loop)."""
    while OPEN:
        await OPEN.pop().aclose()


async def no_sleep(_: float) -> None:
    """The chain's back-off, made instant for tests."""


def endpoint(
    server: ScriptedLLMServer, name: str = "primary", model: str = "scripted-1"
) -> OpenAICompatProvider:
    spec = LLMSpec(name=name, model=model, base_url=server.openai_url, max_retries=0, timeout=5.0)
    provider = OpenAICompatProvider(spec, None)
    OPEN.append(provider)
    return provider


def claude(server: ScriptedLLMServer, name: str = "claude") -> AnthropicProvider:
    """An Anthropic Messages API endpoint (the official ``anthropic`` SDK) on the server."""
    spec = LLMSpec(
        name=name,
        kind="anthropic",
        model="claude-scripted",
        base_url=server.anthropic_url,
        max_retries=0,
        timeout=5.0,
    )
    provider = AnthropicProvider(spec, "test-key")
    OPEN.append(provider)
    return provider


def chain(*servers: ScriptedLLMServer, log: CallLog) -> FallbackProvider:
    members: list[Provider] = [endpoint(s, f"p{i}", f"model-{i}") for i, s in enumerate(servers)]
    return FallbackProvider(members, log=log, backoff=0.0, sleep=no_sleep)


def analyser(
    provider: Provider,
    log: CallLog,
    *,
    judge: Provider | None = None,
    budget: Budget | None = None,
    **settings: Any,
) -> LLMAnalyser:
    return LLMAnalyser(
        provider,
        settings=AnalysisSettings(**settings),
        fallback=OfflineAnalyser(),
        log=log,
        budget=budget,
        judge=judge,
    )


def document(
    text: str,
    *,
    url: str,
    title: str,
    source: str = "blog",
    authority: float = 0.6,
    summary: str = "",
) -> Document:
    return Document(
        id=url.rsplit("/", 1)[-1] or url,
        source=source,
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        summary=summary,
        published=NOW,
        fetched_at=NOW,
        authority=authority,
    )


def event(*docs: Document, event_id: str = "ev-1") -> Event:
    return Event(
        id=event_id, title=docs[0].title, documents=list(docs), first_seen=NOW, last_seen=NOW
    )


def user_message(request: Any) -> str:
    """The text of the first user message of a recorded request."""
    return next(m["content"] for m in request.messages if m["role"] == "user")


def system_message(request: Any) -> str:
    return next(m["content"] for m in request.messages if m["role"] == "system")


def legacy_answer(old: dict[str, Any]) -> dict[str, Any]:
    """An answer written in the pre-backing shape (``what``/``why`` strings, lists of strings,
    claims without ids) as the current schema asks for it: claims numbered 1, 2, 3…, and every
    sentence citing all of them, the opinion sections marked as judgement. For tests of
    defences that do not depend on which claim backs which sentence (injections, links)."""
    ids = list(range(1, len(old.get("claims", [])) + 1))
    claims = [{"id": i, **claim} for i, claim in zip(ids, old.get("claims", []), strict=True)]

    def facts(values: list[str] | str) -> list[dict[str, Any]]:
        values = [values] if isinstance(values, str) else values
        return [{"text": text, "claims": ids} for text in values if text]

    def opinions(values: list[str] | str) -> list[dict[str, Any]]:
        return [entry | {"judgement": True} for entry in facts(values)]

    return {
        "title": old["title"],
        "organisation": old["organisation"],
        "claims": claims,
        "what": facts(old["what"]),
        "why": opinions(old["why"]),
        "technical_label": old["technical_label"],
        "technical": facts(old["technical"]),
        "impact": opinions(old["impact"]),
        "advice_lead": old["advice_lead"],
        "advice": opinions(old["advice"]),
    }
