"""What a worker does for one message: collect one source, or analyse one event.

Both run in a worker thread of ``deepdaily worker`` with the worker's own store (which must be
the coordinator's) and the run's settings read from the ledger. A task first counts an attempt
(:func:`~deepdaily.distributed.ledger.start_task`), then does its work, then writes its result
over its ledger row; the message is acknowledged only after that. Run twice (a redelivery after
its first worker was killed), a collect task stores no document twice (documents are upserted
by content hash and canonical URL, see :meth:`deepdaily.store.Store.add_documents`) and an
analyse task writes the same row again. Pages are extracted in the task's own thread
(``workers=0``): a worker process is the unit of parallelism, and a killed worker leaves no
extraction process behind.

A task that raises is tried again by Dramatiq (``[distributed] max_retries``, with backoff); on
its last attempt the failure itself becomes the result, so the coordinator never waits for a
task that will not come: a collect task's source is then failed with the reason (a broken
source never stops a run), an analyse task's failure fails the run naming the event.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from deepdaily.config import Settings
from deepdaily.distributed import ledger
from deepdaily.errors import DistributedError
from deepdaily.store import Store

__all__ = ["WorkerContext", "analyse_task", "collect_task", "configure"]


@dataclass
class WorkerContext:
    """What every task of one worker process shares."""

    settings: Settings  # the worker's own settings: [distributed] and [store]
    store: Store
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _runs: dict[str, tuple[ledger.RunRecord, Settings]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, dist_id: str) -> tuple[ledger.RunRecord, Settings]:
        with self._lock:
            found = self._runs.get(dist_id)
        if found is None:
            record = ledger.read_run(self.store, dist_id)
            found = (record, Settings.model_validate(json.loads(record.settings)))
            with self._lock:
                self._runs[dist_id] = found
        return found


_context: WorkerContext | None = None


def configure(context: WorkerContext | None) -> None:
    """Set (or clear) the context the tasks of this process use."""
    global _context
    _context = context


def _ctx() -> WorkerContext:
    if _context is None:
        raise DistributedError("a deepdaily task ran outside `deepdaily worker`")
    return _context


def _last_attempt(ctx: WorkerContext) -> bool:
    """Whether the message being processed will not be retried if it fails now."""
    from dramatiq.middleware import CurrentMessage

    message = CurrentMessage.get_current_message()
    if message is None:  # called outside a worker's message (tests): no retry either
        return True
    retries = int(message.options.get("retries", 0))
    return retries >= int(message.options.get("max_retries", ctx.settings.distributed.max_retries))


def _reason(ctx: WorkerContext, exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"worker {ctx.name}: {type(exc).__name__}" + (f": {message}" if message else "")


def collect_task(dist_id: str, source: str) -> None:
    """Collect one source of the run into the store; its outcome goes to the ledger."""
    ctx = _ctx()
    try:
        _collect(ctx, dist_id, source)
    except Exception as exc:
        if not _last_attempt(ctx):
            raise
        from deepdaily.models import SourceOutcome

        _record, settings = ctx.run(dist_id)
        url = next((s.url for s in settings.sources if s.name == source), "")
        outcome = SourceOutcome(source=source, url=url, ok=False, error=_reason(ctx, exc))
        failed = {
            "outcome": outcome.model_dump(mode="json"),
            "etag": None,
            "last_modified": None,
            "report": {
                "entries": 0,
                "documents_new": 0,
                "documents_seen": 0,
                "documents_updated": 0,
                "extraction_failures": [],
                "merges": [],
            },
        }
        ledger.finish_task(ctx.store, dist_id, "collect", source, json.dumps(failed))


def _collect(ctx: WorkerContext, dist_id: str, source: str) -> None:
    from deepdaily.distributed.gate import RedisHostGate
    from deepdaily.fetch.gate import HOST_GATE
    from deepdaily.pipeline.collect import collect

    record, settings = ctx.run(dist_id)
    ledger.start_task(ctx.store, dist_id, "collect", source, ctx.name)
    one = settings.model_copy(update={"sources": [s for s in settings.sources if s.name == source]})
    kept: dict[str, Any] = {}

    def keep(_run: str, outcome: Any, *, etag: str | None, last_modified: str | None) -> None:
        kept.update(outcome=outcome.model_dump(mode="json"), etag=etag, last_modified=last_modified)

    async def go() -> Any:
        dist = ctx.settings.distributed
        gate = RedisHostGate(
            dist.broker_url, dist.queue_prefix, settings.fetch.per_host, dist.host_lease_s
        )
        token = HOST_GATE.set(gate)
        try:
            return await collect(one, ctx.store, record.run_id, workers=0, record=keep)
        finally:
            HOST_GATE.reset(token)
            await gate.aclose()

    report = asyncio.run(go())
    if "outcome" not in kept:
        raise DistributedError(f"source {source!r} is not among the run's enabled sources")
    summary = asdict(report)
    summary.pop("outcomes")
    ledger.finish_task(
        ctx.store, dist_id, "collect", source, json.dumps({**kept, "report": summary})
    )


def analyse_task(dist_id: str, event_id: str) -> None:
    """Analyse one chosen event of the run; the item goes to the ledger."""
    ctx = _ctx()
    try:
        _analyse(ctx, dist_id, event_id)
    except Exception as exc:
        if not _last_attempt(ctx):
            raise
        failed = json.dumps({"error": _reason(ctx, exc)})
        ledger.finish_task(ctx.store, dist_id, "analyse", event_id, failed)


def _analyse(ctx: WorkerContext, dist_id: str, event_id: str) -> None:
    from deepdaily.analyse.factory import build_engine
    from deepdaily.analyse.llm import analyse_many
    from deepdaily.distributed.budget import shared_budget
    from deepdaily.models import Event

    record, settings = ctx.run(dist_id)
    ledger.start_task(ctx.store, dist_id, "analyse", event_id, ctx.name)
    event = Event.model_validate_json(ledger.task_input(ctx.store, dist_id, "analyse", event_id))

    async def go() -> str:
        engine = build_engine(settings, ctx.store, offline=record.offline)
        with shared_budget(engine, ctx.settings.distributed, dist_id):
            try:
                items = await analyse_many(engine.analyser, [event], settings.profile, 1)
            finally:
                await engine.aclose()
        return items[0].model_dump_json()

    ledger.finish_task(ctx.store, dist_id, "analyse", event_id, asyncio.run(go()))
