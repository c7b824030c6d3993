"""The coordinator of ``deepdaily run --distributed``: fan out, wait, fan in.

:func:`deepdaily.pipeline.run_digest` calls :meth:`Distribution.collect` and
:meth:`Distribution.analyse` in place of the single-machine stages; everything else (the run
lock, clustering, selection, synthesis, rendering, storing the digest) runs in the coordinator
as in a plain run, on what the workers stored. Each fan-out stage records its tasks in the
ledger, sends one message per task, and waits until every task has a result (reporting
done/total as results arrive), then puts the results together in task order: the collect
report in source order (the coordinator writes each source's fetch log row and validators,
once), the analysed items in the chosen events' order. A stage not complete within
``[distributed] stage_timeout_s`` fails the run with the tasks still missing named.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Sequence

import httpx

from deepdaily.analyse.base import Analyser
from deepdaily.config import Profile, Settings
from deepdaily.distributed import ledger
from deepdaily.distributed.broker import check_broker, declare, make_broker
from deepdaily.distributed.budget import budget_key, budget_of, share
from deepdaily.distributed.connection import redis_client
from deepdaily.errors import DistributedError, UsageError
from deepdaily.models import DigestItem, Event, SourceOutcome
from deepdaily.pipeline.collect import CollectReport
from deepdaily.store import Store

__all__ = ["Distribution", "StageProgress"]

#: Called with (stage, done, total) whenever a stage's count changes.
StageProgress = Callable[[str, int, int], None]


class Distribution:
    """The fan-out stages of one run, done by ``deepdaily worker`` processes."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        offline: bool = False,
        progress: StageProgress | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.offline = offline
        self.progress = progress
        self.dist = settings.distributed
        check_broker(self.dist)  # one clear line before anything is taken or written
        self.dist_id = uuid.uuid4().hex[:16]
        self.broker = make_broker(self.dist)
        self.actors = declare(self.broker, self.dist)
        self.run_id = ""
        self._opened = False

    def _open(self, run_id: str) -> None:
        if self._opened:
            return
        self.run_id = run_id or self.run_id
        record = ledger.RunRecord(
            dist_id=self.dist_id,
            run_id=self.run_id,
            settings=self.settings.model_dump_json(),
            offline=self.offline,
        )
        ledger.open_run(self.store, record)
        self._opened = True

    # -- fan-out stages, with the signatures of the single-machine ones ------------------------

    async def collect(
        self,
        settings: Settings,
        store: Store,
        run_id: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        on_source: Callable[[SourceOutcome], None] | None = None,
        workers: int | None = None,
    ) -> CollectReport:
        """Collect every enabled source, one task per source; see the module."""
        if transport is not None:
            raise UsageError("a distributed run fetches from the network: no transport")
        self._open(run_id)
        specs = [spec for spec in settings.sources if spec.enabled]
        store.sync_sources(settings.sources)
        names = [spec.name for spec in specs]
        ledger.add_tasks(store, self.dist_id, "collect", [ledger.Task(n, "") for n in names])
        for name in names:
            self.actors.collect.send(self.dist_id, name)
        seen: set[str] = set()

        def arrived(key: str, result: str) -> None:
            if on_source is not None and key not in seen:
                seen.add(key)
                on_source(SourceOutcome.model_validate(json.loads(result)["outcome"]))

        done = await self._wait("collect", arrived)
        report = CollectReport()
        for _name, result in done:
            data = json.loads(result)
            outcome = SourceOutcome.model_validate(data["outcome"])
            store.record_fetch(
                run_id, outcome, etag=data["etag"], last_modified=data["last_modified"]
            )
            part = data["report"]
            report.outcomes.append(outcome)
            report.entries += outcome.entries
            report.documents_new += outcome.new_documents
            report.documents_seen += part["documents_seen"]
            report.documents_updated += part["documents_updated"]
            report.extraction_failures.extend(part["extraction_failures"])
            report.merges.extend(part["merges"])
        return report

    async def analyse(
        self, analyser: Analyser, events: Sequence[Event], profile: Profile, concurrency: int
    ) -> list[DigestItem]:
        """Analyse ``events``, one task per event; results in input order."""
        self._open("")
        budget = budget_of(analyser)
        if budget is not None:  # the coordinator's synthesis draws on the same counter
            share(budget, redis_client(self.dist), budget_key(self.dist, self.dist_id))
        tasks = [ledger.Task(event.id, event.model_dump_json()) for event in events]
        ledger.add_tasks(self.store, self.dist_id, "analyse", tasks)
        for task in tasks:
            self.actors.analyse.send(self.dist_id, task.key)
        done = await self._wait("analyse", None)
        failed = [
            (key, json.loads(result)) for key, result in done if result.startswith('{"error"')
        ]
        if failed:
            key, why = failed[0]
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            raise DistributedError(f"analyse: event {key} failed: {why['error']}{more}")
        return [DigestItem.model_validate_json(result) for _key, result in done]

    # -- waiting ---------------------------------------------------------------------------

    async def _wait(
        self, stage: str, arrived: Callable[[str, str], None] | None
    ) -> list[tuple[str, str]]:
        """Every (key, result) of the stage once all are in, in task order."""
        deadline = time.monotonic() + self.dist.stage_timeout_s
        shown = -1
        seen: set[str] = set()
        while True:  # polls counts and new keys only; results are read once each
            done, total = ledger.progress(self.store, self.dist_id, stage)
            if arrived is not None and done > len(seen):
                keys = ledger.done_keys(self.store, self.dist_id, stage)
                new = [key for key in keys if key not in seen]
                for key, result in ledger.results(self.store, self.dist_id, stage, new):
                    if result is not None:
                        seen.add(key)
                        arrived(key, result)
            if done != shown and self.progress is not None:
                self.progress(stage, done, total)
            shown = done
            if done == total:
                rows = ledger.results(self.store, self.dist_id, stage)
                return [(key, result) for key, result in rows if result is not None]
            if time.monotonic() > deadline:
                rows = ledger.results(self.store, self.dist_id, stage)
                missing = [key for key, result in rows if result is None]
                names = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                raise DistributedError(
                    f"{stage}: {len(missing)} of {len(rows)} tasks not done within "
                    f"[distributed] stage_timeout_s = {self.dist.stage_timeout_s:g} s ({names}); "
                    "is a `deepdaily worker` running against the same broker and store?"
                )
            await asyncio.sleep(self.dist.poll_s)

    def close(self) -> None:
        self.broker.close()
