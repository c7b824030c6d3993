"""The Redis connection of ``[distributed]`` settings, shared by the broker, the per-host fetch
slots and the LLM budget (a module of its own, so none of them imports another for it)."""

from __future__ import annotations

from typing import Any

from deepdaily.config.distributed import DistributedSettings

__all__ = ["redis_client", "safe_broker"]


def safe_broker(url: str) -> str:
    """The broker URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        user = f"{parts.username}:***@" if parts.username else ":***@"
        parts = parts._replace(netloc=f"{user}{host}{port}")
    return urlunsplit(parts)


def redis_client(settings: DistributedSettings) -> Any:
    """A blocking Redis client for ``broker_url`` (short connect timeout)."""
    import redis

    return redis.Redis.from_url(
        settings.broker_url, socket_connect_timeout=3.0, socket_timeout=30.0
    )
