"""``deepdaily worker``: consume the collect and analyse tasks of distributed runs.

One process runs a Dramatiq worker with ``threads`` worker threads (each task does its own I/O
and extraction in its thread), a prefetch of one message per thread (a message waits in a
queue, where any worker can take it, rather than behind a busy one), and a heartbeat thread that
tells the broker every quarter of ``[distributed] heartbeat_timeout_s`` that the process lives
(Dramatiq's consumer only does so when it fetches, which it stops doing while every thread is
busy: a long task would look like a dead worker). ``--processes N`` starts N such processes
(spawned; each dies with its parent) and waits for them. SIGTERM or Ctrl-C stops a worker: its
threads finish the task in hand within ``stop_timeout_s``, and what it had not finished goes
back to the queue.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from typing import Any

from deepdaily.config import Settings

__all__ = ["serve"]

log = logging.getLogger(__name__)

#: How long a stopping worker gives its threads to finish the task in hand (ms).
STOP_TIMEOUT_MS = 10_000


def serve(settings: Settings, store_url: str, *, processes: int = 1, threads: int = 2) -> None:
    """Run ``processes`` worker processes until stopped."""
    from deepdaily.distributed.broker import check_broker

    check_broker(settings.distributed)
    if processes <= 1:
        _worker_process(settings.model_dump_json(), store_url, threads, False)
        return
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(
            target=_worker_process,
            args=(settings.model_dump_json(), store_url, threads, True),
            name=f"deepdaily-worker-{n}",
        )
        for n in range(processes)
    ]
    for child in children:
        child.start()
    stop = threading.Event()

    def stopping(signum: int, _frame: Any) -> None:
        stop.set()
        for child in children:
            if child.pid is not None and child.is_alive():
                child.terminate()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    for child in children:
        child.join()


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when the one that spawned it dies (even by SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker_process(settings_json: str, store_url: str, threads: int, child: bool) -> None:
    import dramatiq
    from dramatiq.middleware import CurrentMessage

    from deepdaily.distributed import tasks
    from deepdaily.distributed.broker import declare, make_broker
    from deepdaily.store import Store

    if child:
        _die_with_parent()
    settings = Settings.model_validate_json(settings_json)
    dist = settings.distributed
    store = Store(store_url)
    tasks.configure(tasks.WorkerContext(settings=settings, store=store))
    # loaded once here rather than by the first tasks (trafilatura, the clustering stack...)
    import deepdaily.analyse.offline
    import deepdaily.extract.article
    import deepdaily.pipeline.collect  # noqa: F401

    broker = make_broker(dist)
    broker.add_middleware(CurrentMessage())  # tasks ask whether they will be retried
    declare(broker, dist)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=250)
    worker.queue_prefetch = threads
    stop = threading.Event()

    def stopping(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    worker.start()
    beat = max(0.05, dist.heartbeat_timeout_s / 4)
    queues = sorted(broker.get_declared_queues())
    print(
        f"worker {tasks._ctx().name} ready: {threads} thread(s), queues {', '.join(queues)}",
        flush=True,
    )
    try:
        while not stop.wait(beat):
            for queue in queues:  # every broker call records this worker's heartbeat
                try:
                    broker.do_qsize(queue)
                except Exception:  # the broker away for a moment: the next beat tries again
                    log.debug("heartbeat failed", exc_info=True)
    finally:
        worker.stop(timeout=STOP_TIMEOUT_MS)
        broker.close()
        store.close()
        tasks.configure(None)
