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


def collect_task(dist_id: str, source: str) -> None:
    """Collect one source of the run into the store; its outcome goes to the ledger."""
    from deepdaily.distributed.gate import RedisHostGate
    from deepdaily.fetch.gate import HOST_GATE
    from deepdaily.pipeline.collect import collect

    ctx = _ctx()
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
    summary = asdict(report)
    summary.pop("outcomes")
    ledger.finish_task(
        ctx.store, dist_id, "collect", source, json.dumps({**kept, "report": summary})
    )


def analyse_task(dist_id: str, event_id: str) -> None:
    """Analyse one chosen event of the run; the item goes to the ledger."""
    from deepdaily.analyse.factory import build_engine
    from deepdaily.analyse.llm import analyse_many
    from deepdaily.distributed.budget import shared_budget
    from deepdaily.models import Event

    ctx = _ctx()
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
