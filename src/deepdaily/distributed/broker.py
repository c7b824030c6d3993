"""The Redis broker and the two actors, built from ``[distributed]`` settings.

Dramatiq's Redis broker acknowledges a message only after its actor returned (a worker keeps
the messages it took in a set of its own until then), records each worker's heartbeat, and
moves the unacknowledged messages of a worker silent for ``heartbeat_timeout_s`` back to the
queue (checked on ``maintenance_share`` of broker calls). Queues and keys live under
``queue_prefix``. Actors are declared on a broker built here, never on Dramatiq's global one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deepdaily.config.distributed import DistributedSettings
from deepdaily.distributed.connection import redis_client, safe_broker
from deepdaily.errors import DistributedError

__all__ = ["Actors", "check_broker", "declare", "make_broker"]

#: Dramatiq counts maintenance chances per million broker calls.
_MILLION = 1_000_000


def check_broker(settings: DistributedSettings) -> None:
    """Raise :class:`DistributedError` in one line when the broker does not answer."""
    try:
        import dramatiq  # noqa: F401
        import redis
    except ImportError as exc:
        raise DistributedError(
            f"distributed runs need the 'distributed' extra ({exc.name} is missing): "
            "pip install 'deepdaily[distributed]'"
        ) from None
    client = redis_client(settings)
    try:
        client.ping()
    except redis.RedisError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DistributedError(
            f"[distributed] broker_url {safe_broker(settings.broker_url)}: no broker answering "
            f"({reason}); start Redis there or set broker_url"
        ) from None
    finally:
        client.close()


def make_broker(settings: DistributedSettings) -> Any:
    """A Dramatiq Redis broker for the settings (not made Dramatiq's global broker)."""
    from dramatiq.brokers.redis import RedisBroker

    return RedisBroker(  # type: ignore[no-untyped-call]
        client=redis_client(settings),
        namespace=settings.queue_prefix,
        heartbeat_timeout=int(settings.heartbeat_timeout_s * 1000),
        maintenance_chance=max(1, int(settings.maintenance_share * _MILLION)),
    )


@dataclass(frozen=True)
class Actors:
    collect: Any  # dramatiq.Actor: (dist_id, source name)
    analyse: Any  # dramatiq.Actor: (dist_id, event id)


def declare(broker: Any, settings: DistributedSettings) -> Actors:
    """Declare the collect and analyse actors on ``broker``."""
    import dramatiq

    from deepdaily.distributed import tasks

    options: dict[str, Any] = {
        "broker": broker,
        "max_retries": settings.max_retries,
        "min_backoff": 500,
        "max_backoff": 10_000,
        "time_limit": int(settings.task_timeout_s * 1000),
    }
    collect = dramatiq.actor(actor_name="collect_source", queue_name="collect", **options)
    analyse = dramatiq.actor(actor_name="analyse_event", queue_name="analyse", **options)
    return Actors(collect=collect(tasks.collect_task), analyse=analyse(tasks.analyse_task))
