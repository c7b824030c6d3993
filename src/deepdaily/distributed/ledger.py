"""The shared record of a distributed run, in the store every worker opens.

The coordinator writes a run's settings (:func:`open_run`) and one row per task with its input
(:func:`add_tasks`) before it sends any message; a worker marks a task started
(:func:`start_task`: one more attempt, its name) and then writes its result
(:func:`finish_task`). Every write is keyed by (run, stage, key), so a message delivered twice
(its first worker killed before the acknowledgement) overwrites the same row: the results are
counted once whatever the attempts. The coordinator reads what is done with :func:`progress` and
:func:`results`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, select

from deepdaily.distributed.tables import dist_runs, dist_tasks
from deepdaily.errors import DistributedError
from deepdaily.store import Store

__all__ = [
    "RunRecord",
    "Task",
    "add_tasks",
    "done_keys",
    "finish_task",
    "open_run",
    "progress",
    "read_run",
    "results",
    "start_task",
    "task_input",
]


@dataclass(frozen=True)
class RunRecord:
    dist_id: str
    run_id: str
    settings: str  # the run's settings as JSON
    offline: bool


@dataclass(frozen=True)
class Task:
    key: str
    input: str


def _now() -> datetime:
    return datetime.now(UTC)


def open_run(store: Store, record: RunRecord) -> None:
    """Record a run for the workers (once: a second call changes nothing)."""
    with store.begin() as conn:
        exists = conn.execute(
            select(dist_runs.c.dist_id).where(dist_runs.c.dist_id == record.dist_id)
        ).first()
        if exists is None:
            conn.execute(
                dist_runs.insert().values(
                    dist_id=record.dist_id,
                    run_id=record.run_id,
                    settings=record.settings,
                    offline=record.offline,
                    created_at=_now(),
                )
            )


def read_run(store: Store, dist_id: str) -> RunRecord:
    with store.begin() as conn:
        row = conn.execute(select(dist_runs).where(dist_runs.c.dist_id == dist_id)).first()
    if row is None:
        raise DistributedError(
            f"distributed run {dist_id} is not in the store {store.url.split('@')[-1]}: "
            "the worker and the coordinator must open the same database"
        )
    return RunRecord(row.dist_id, row.run_id, row.settings, bool(row.offline))


def add_tasks(store: Store, dist_id: str, stage: str, tasks: Sequence[Task]) -> None:
    """One row per task of ``stage``, in order; tasks already recorded are left as they are."""
    with store.begin() as conn:
        known = set(
            conn.scalars(
                select(dist_tasks.c.key).where(
                    (dist_tasks.c.dist_id == dist_id) & (dist_tasks.c.stage == stage)
                )
            )
        )
        rows = [
            {"dist_id": dist_id, "stage": stage, "key": t.key, "position": i, "input": t.input}
            for i, t in enumerate(tasks)
            if t.key not in known
        ]
        if rows:
            conn.execute(dist_tasks.insert(), rows)


def _key(dist_id: str, stage: str, key: str) -> ColumnElement[bool]:
    row = dist_tasks.c
    return (row.dist_id == dist_id) & (row.stage == stage) & (row.key == key)


def task_input(store: Store, dist_id: str, stage: str, key: str) -> str:
    with store.begin() as conn:
        found = conn.scalar(select(dist_tasks.c.input).where(_key(dist_id, stage, key)))
    if found is None:
        raise DistributedError(f"distributed run {dist_id}: no {stage} task {key!r} recorded")
    return str(found)


def start_task(store: Store, dist_id: str, stage: str, key: str, worker: str) -> int:
    """Count one more attempt of the task by ``worker``; return the attempts so far."""
    with store.begin() as conn:  # one statement: two workers never read the same count
        counted = conn.scalar(
            dist_tasks.update()
            .where(_key(dist_id, stage, key))
            .values(attempts=dist_tasks.c.attempts + 1, worker=worker, started_at=_now())
            .returning(dist_tasks.c.attempts)
        )
        return int(counted or 0)


def finish_task(store: Store, dist_id: str, stage: str, key: str, result: str) -> None:
    """Write the task's result (over any earlier one: a redelivered task's)."""
    with store.begin() as conn:
        conn.execute(
            dist_tasks.update()
            .where(_key(dist_id, stage, key))
            .values(result=result, done_at=_now())
        )


def progress(store: Store, dist_id: str, stage: str) -> tuple[int, int]:
    """(done, total) of the stage's tasks."""
    where = (dist_tasks.c.dist_id == dist_id) & (dist_tasks.c.stage == stage)
    with store.begin() as conn:
        total = conn.scalar(select(func.count()).select_from(dist_tasks).where(where)) or 0
        done = (
            conn.scalar(
                select(func.count())
                .select_from(dist_tasks)
                .where(where & dist_tasks.c.done_at.is_not(None))
            )
            or 0
        )
    return int(done), int(total)


def done_keys(store: Store, dist_id: str, stage: str) -> list[str]:
    """The keys of the stage's tasks that have a result (keys only: cheap to poll)."""
    row = dist_tasks.c
    where = (row.dist_id == dist_id) & (row.stage == stage) & row.done_at.is_not(None)
    with store.begin() as conn:
        return list(conn.scalars(select(row.key).where(where)))


def results(
    store: Store, dist_id: str, stage: str, keys: Sequence[str] | None = None
) -> list[tuple[str, str | None]]:
    """(key, result or None while not done) of every task of the stage (or of ``keys``), in
    task order."""
    where = (dist_tasks.c.dist_id == dist_id) & (dist_tasks.c.stage == stage)
    query = select(dist_tasks.c.key, dist_tasks.c.result).where(where)
    query = query.add_columns(dist_tasks.c.position)
    wanted = [None] if keys is None else list(keys)
    found: list[tuple[int, str, str | None]] = []
    with store.begin() as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            part = query if keys is None else query.where(dist_tasks.c.key.in_(chunk))
            found.extend((r.position, r.key, r.result) for r in conn.execute(part))
    return [(key, result) for _position, key, result in sorted(found, key=lambda f: f[0])]
