"""Remember LLM answers in the store, so re-running a day costs zero tokens.

An answer is keyed by ``sha256`` of the request's ``sources_hash`` (the content hash of the
sources the prompt was built from), its ``prompt_version``, the model, and the request body
(messages, schema, limits). It lives in the ``llm_cache`` table (migration ``m002_llm_cache``)
of the run's store (``store.url``). Only answers that passed the provider's own checks (JSON
when JSON was asked for) are stored, and, when the caller hands an
:class:`~deepdaily.analyse.providers.usable.AnswerCheck`, only answers it accepts: an answer
that took re-asks is stored under the original request, so the re-run needs none, and an
unusable answer (wrong language, schema-invalid) is never replayed. A stored answer the check
now rejects (an older schema, say) is forgotten and asked again. When *every* provider gave the
request an unusable answer (or a lasting refusal: a retired model, a refused key; not a timeout
or a 5xx: those are worth another try), that outcome is remembered too, under its own key
(:func:`rejection_key`), so the unchanged re-run
reaches the same result, offline, without calling anyone.

:class:`CachingProvider` wraps a provider, usually the fallback chain. On a request it looks up
the key for each member's model in chain order, so an answer given by the second provider
(while the first was down) is still found on the re-run, before anyone is called. A hit comes
back with ``cached=True`` and zero usage, and is logged as a cache hit.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderAuthError,
    ProviderBadOutput,
    ProviderError,
    ProviderGone,
    Usage,
)
from deepdaily.analyse.providers.calllog import CallLog
from deepdaily.analyse.providers.usable import AnswerCheck, checked, complete_usable
from deepdaily.store import Store
from deepdaily.store.schema import UTCDateTime

__all__ = ["CachedAnswer", "CachingProvider", "ResponseCache", "cache_key", "rejection_key"]

logger = logging.getLogger("deepdaily.llm")

llm_cache = Table(
    "llm_cache",
    MetaData(),
    Column("key", String(64), primary_key=True),
    Column("provider", String(200), nullable=False),
    Column("model", String(200), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("response", Text, nullable=False),
    Column("input_tokens", Integer, nullable=False),
    Column("output_tokens", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)


def cache_key(request: ChatRequest, model: str) -> str:
    """The cache key of ``request`` answered by ``model``; ``purpose`` is not part of it."""
    body = request.model_dump(
        mode="json", include={"messages", "json_schema", "schema_name", "max_tokens", "temperature"}
    )
    payload = {
        "sources": request.sources_hash,
        "prompt_version": request.prompt_version,
        "model": model,
        "request": body,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rejection_key(request: ChatRequest, models: list[str]) -> str:
    """The key under which "every one of ``models`` gave ``request`` an unusable answer" is
    remembered (never the key of an answer)."""
    return cache_key(request, "unusable-from:" + ",".join(models))


@dataclass(frozen=True)
class CachedAnswer:
    key: str
    provider: str
    model: str
    purpose: str
    text: str
    input_tokens: int
    output_tokens: int
    created_at: datetime


class ResponseCache:
    """The ``llm_cache`` table of one store."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def get(self, key: str) -> CachedAnswer | None:
        with self.engine.begin() as conn:
            row = conn.execute(select(llm_cache).where(llm_cache.c.key == key)).first()
        if row is None:
            return None
        return CachedAnswer(
            key=row.key,
            provider=row.provider,
            model=row.model,
            purpose=row.purpose,
            text=row.response,
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            created_at=row.created_at,
        )

    def put(self, key: str, response: ChatResponse, purpose: str = "") -> None:
        """Store an answer; a key already stored (by a concurrent request) is left as is."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    llm_cache.insert().values(
                        key=key,
                        provider=response.provider,
                        model=response.model,
                        purpose=purpose,
                        response=response.text,
                        input_tokens=response.usage.input_tokens,
                        output_tokens=response.usage.output_tokens,
                        created_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            pass

    def delete(self, key: str) -> None:
        """Forget one answer (e.g. one that failed verification and must be asked again)."""
        with self.engine.begin() as conn:
            conn.execute(delete(llm_cache).where(llm_cache.c.key == key))

    def prune(self, before: datetime) -> int:
        """Forget answers stored before ``before``; return how many."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(llm_cache).where(llm_cache.c.created_at < before))
            return int(result.rowcount or 0)

    def __len__(self) -> int:
        with self.engine.begin() as conn:
            return int(conn.scalar(select(func.count()).select_from(llm_cache)) or 0)


class CachingProvider:
    """Serve repeated requests from a :class:`ResponseCache`; ask ``inner`` otherwise.

    A broken cache (database error) is logged and bypassed: it may cost tokens, never a digest.
    ``read=False`` refreshes: answers are asked again and stored, never served from the cache.
    """

    checks_answers = True  # complete() takes an AnswerCheck

    def __init__(
        self,
        inner: Provider,
        cache: ResponseCache,
        *,
        log: CallLog | None = None,
        read: bool = True,
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.log = log
        self.read = read
        self.name = inner.name
        self.model = inner.model

    @property
    def usable(self) -> bool:
        """Whether the wrapped chain can still call anyone (cache hits need no one)."""
        return bool(getattr(self.inner, "usable", True))

    def _models(self, only: str | None) -> list[str]:
        members = getattr(self.inner, "providers", None)
        if not isinstance(members, list):
            return [self.inner.model]
        chosen = [p.model for p in members if only is None or p.name == only]
        return list(dict.fromkeys(chosen))

    def lookup(
        self,
        request: ChatRequest,
        *,
        only: str | None = None,
        check: AnswerCheck | None = None,
    ) -> CachedAnswer | None:
        """The cached answer to ``request`` (one ``check`` accepts), without calling anyone."""
        for model in self._models(only):
            try:
                hit = self.cache.get(cache_key(request, model))
            except SQLAlchemyError as exc:
                logger.warning("llm cache unavailable, asking the provider: %s", type(exc).__name__)
                return None
            if hit is None:
                continue
            if check is not None and check.problem(_response(hit)) is not None:
                self._forget(hit.key)
                continue
            return hit
        return None

    def _forget(self, key: str) -> None:
        try:
            self.cache.delete(key)
        except SQLAlchemyError as exc:
            logger.warning("llm cache: stale answer not removed: %s", type(exc).__name__)

    async def complete(
        self,
        request: ChatRequest,
        *,
        only: str | None = None,
        check: AnswerCheck | None = None,
    ) -> ChatResponse:
        hit = self.lookup(request, only=only, check=check) if self.read else None
        if hit is not None:
            if self.log is not None:
                self.log.record(
                    provider=hit.provider,
                    model=hit.model,
                    purpose=request.purpose,
                    ok=True,
                    cached=True,
                )
            return _response(hit)
        if check is not None:
            if self.read:
                self._replay_rejection(request, only)
            try:
                response = await self._complete_checked(request, only, check)
            except (AllProvidersFailed, ProviderBadOutput) as exc:
                self._remember_rejection(request, only, exc)
                raise
        elif only is None:
            response = await self.inner.complete(request)
        else:
            response = await self.inner.complete(request, only=only)  # type: ignore[call-arg]
        try:
            self.cache.put(cache_key(request, response.model), response, request.purpose)
        except SQLAlchemyError as exc:
            logger.warning("llm cache not written: %s", type(exc).__name__)
        return response

    async def _complete_checked(
        self, request: ChatRequest, only: str | None, check: AnswerCheck
    ) -> ChatResponse:
        if getattr(self.inner, "checks_answers", False):
            return await self.inner.complete(request, only=only, check=check)  # type: ignore[call-arg]
        return await complete_usable(checked(self.inner, check), request, check)

    def _members(self, only: str | None) -> dict[str, Provider]:
        """The chain's members by label (``llm[0] name (model)``), as errors name them."""
        members = getattr(self.inner, "providers", None)
        if not isinstance(members, list):
            members = [self.inner]
        chosen = [p for p in members if only is None or p.name == only]
        return {str(getattr(p, "label", p.name)): p for p in chosen}

    def _remember_rejection(
        self, request: ChatRequest, only: str | None, exc: ProviderError
    ) -> None:
        errors = exc.errors if isinstance(exc, AllProvidersFailed) else [exc]
        # A retired model or a refused key fails the same way next run: like an unusable
        # answer, it is no reason to ask again (a timeout or a 5xx is, and is never kept).
        lasting = (ProviderBadOutput, ProviderAuthError, ProviderGone)
        if not errors or not all(isinstance(e, lasting) for e in errors):
            return
        unusable = [e for e in errors if isinstance(e, ProviderBadOutput)]
        if not unusable:
            return
        outcome = [
            {"provider": e.provider, "reason": e.reason, "message": str(e)} for e in unusable
        ]
        text = json.dumps(outcome, ensure_ascii=False)
        remembered = ChatResponse(text=text, provider=self.name, model=self.model)
        try:
            key = rejection_key(request, self._models(only))
            self.cache.put(key, remembered, request.purpose)
        except SQLAlchemyError as exc2:
            logger.warning("llm cache not written: %s", type(exc2).__name__)

    def _replay_rejection(self, request: ChatRequest, only: str | None) -> None:
        """Raise the remembered outcome of a request nobody could answer usably, if any."""
        try:
            hit = self.cache.get(rejection_key(request, self._models(only)))
        except SQLAlchemyError:
            return
        if hit is None:
            return
        members = self._members(only)
        errors: list[ProviderError] = []
        for entry in json.loads(hit.text):
            label, reason = str(entry.get("provider", "")), str(entry.get("reason", ""))
            error = ProviderBadOutput(
                f"{entry.get('message', label)} (remembered from an earlier run)",
                provider=label,
                reason=reason,
            )
            errors.append(error)
            member = members.get(label)
            if self.log is not None and member is not None:
                self.log.record(
                    provider=member.name,
                    model=member.model,
                    purpose=request.purpose,
                    ok=False,
                    error=error,
                    cached=True,
                )
                self.log.give_up(member.name, request.purpose, reason)
            count = getattr(self.inner, "count_remembered", None)
            if member is not None and callable(count):
                count(member.name, error)
        lines = "; ".join(str(e) for e in errors)
        raise AllProvidersFailed(
            f"all {len(errors)} LLM provider(s) failed: {lines}", errors=errors
        )

    async def aclose(self) -> None:
        closer = getattr(self.inner, "aclose", None)
        if closer is not None:
            await closer()


def _response(hit: CachedAnswer) -> ChatResponse:
    return ChatResponse(
        text=hit.text, usage=Usage(), provider=hit.provider, model=hit.model, cached=True
    )
