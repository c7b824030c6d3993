"""``[distributed]``: how ``deepdaily run --distributed`` and ``deepdaily worker`` meet.

- ``broker_url``: the Redis server the task queues, the per-host politeness leases and the
  shared LLM token counter live on (``redis://host:port/db``); every worker and the
  coordinator must name the same one.
- ``queue_prefix``: the namespace of the queues and keys (several installations, or tests, can
  share one Redis without seeing each other's work).
- ``heartbeat_timeout_s``: a worker silent this long is dead; its unacknowledged messages are
  given to another worker (``maintenance_share`` is the share of broker calls that look for
  such workers: 1.0 means every call).
- ``task_timeout_s``: the longest one task (one source, one event) may run; ``max_retries``:
  how often a task that raised is tried again.
- ``stage_timeout_s``: how long the coordinator waits for a fan-out stage to complete before
  the run fails; ``poll_s``: how often it looks.
- ``host_lease_s``: a per-host fetch slot held longer than this (by a worker that died holding
  it) is free again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, field_validator

from deepdaily.config.base import StrictModel

__all__ = ["DistributedSettings"]


class DistributedSettings(StrictModel):
    broker_url: str = "redis://127.0.0.1:6379/0"
    queue_prefix: str = Field(default="deepdaily", pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    heartbeat_timeout_s: float = Field(default=30.0, gt=0)
    maintenance_share: float = Field(default=0.01, gt=0, le=1.0)
    task_timeout_s: float = Field(default=900.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=20)
    stage_timeout_s: float = Field(default=3600.0, gt=0)
    poll_s: float = Field(default=0.2, gt=0)
    host_lease_s: float = Field(default=120.0, gt=0)

    @field_validator("broker_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("redis", "rediss", "unix") or (
            parts.scheme != "unix" and not parts.hostname
        ):
            raise ValueError(f"{value!r} is not a Redis URL, e.g. 'redis://127.0.0.1:6379/0'")
        return value.strip()
