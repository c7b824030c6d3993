"""The tables of the distributed runs' ledger (created by migration ``m010``)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

from deepdaily.store.schema import UTCDateTime

__all__ = ["dist_runs", "dist_tasks"]

metadata = MetaData()

#: One row per run handed to workers: the settings its tasks run with.
dist_runs = Table(
    "dist_runs",
    metadata,
    Column("dist_id", String(32), primary_key=True),
    Column("run_id", String(32), nullable=False),
    Column("settings", Text, nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

#: One row per task, keyed by (run, stage, key): a task done twice overwrites its own row.
dist_tasks = Table(
    "dist_tasks",
    metadata,
    Column("dist_id", String(32), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("input", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("worker", String(200), nullable=False, default=""),
    Column("result", Text),
    Column("started_at", UTCDateTime),
    Column("done_at", UTCDateTime),
)
