"""What every delivery channel shares: the registry, the message, secrets, and HTTP sending.

A channel type is a :class:`Channel` subclass registered with :func:`register` under its
``[[deliver]] type``; each lives in its own module (:mod:`deepdaily.deliver.slack`, …) and is
imported by :mod:`deepdaily.deliver.channels`. A channel turns the digest's
:class:`~deepdaily.deliver.content.Content` (or the digest itself) into :class:`Message` s in
its platform's format, split at the platform's limits, and sends one message at a time,
returning the id the platform gave it.

Secrets come from the environment variables the entry names (``url_env``, ``secret_env``,
``token_env``, ``password_env``): :meth:`Channel.from_spec` reads them, a missing one is a
:class:`~deepdaily.errors.DeliveryError` naming the channel and the variable, never a value.
Every error a channel raises passes through :func:`scrub`, which replaces any secret (and its
URL-encoded forms) by ``***``; HTTP errors name the host and status only, never the URL.

:func:`post_json` sends over httpx through :class:`~deepdaily.fetch.resolve.GuardedTransport`
as a trusted pool: the address resolved is the address connected to, no proxy from the
environment is used, and private addresses are allowed, since a delivery target is configured
by the user (a relay or a bot server on the LAN). Failures are classified for the retry loop
(:mod:`deepdaily.deliver.send`): 429 and 5xx are retryable (``Retry-After`` read), a refused
connection is retryable, a 4xx is not, and a connection lost after the request went out leaves
the outcome unknown.
"""

from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import quote, quote_plus, urlsplit

import httpx

from deepdaily.errors import DeliveryError

if TYPE_CHECKING:
    from deepdaily.deliver.content import Content
    from deepdaily.models import Digest

__all__ = [
    "CHANNELS",
    "Channel",
    "Message",
    "Payload",
    "classify_response",
    "errcode_check",
    "host_of",
    "post_json",
    "register",
    "retry_after_seconds",
    "scrub",
]

CHANNELS: dict[str, type[Channel]] = {}
C = TypeVar("C", bound="type[Channel]")


def register(cls: C) -> C:
    """Class decorator: make ``cls`` the channel of its ``type``."""
    CHANNELS[cls.type] = cls
    return cls


@dataclass(frozen=True)
class Payload:
    """What goes on the wire for one message: the digest being sent, as the channel needs it."""

    content: Content
    digest: Digest
    digest_json: str  # the published JSON, as stored
    markdown: str = ""  # the post's Markdown, without its front matter (email)


@dataclass
class Message:
    """One message of a delivery: its body (a platform's JSON, or an email) and a short
    description for errors ("part 2 of 3")."""

    body: Any
    size: int = 0  # in the platform's unit (characters or bytes), for the report


@dataclass
class Channel(ABC):
    """A configured ``[[deliver]]`` entry with its secrets read from the environment."""

    type: ClassVar[str]
    spec: Any
    secrets: dict[str, str] = field(default_factory=dict)  # key -> value

    @classmethod
    def from_spec(cls, spec: Any, environ: Mapping[str, str] | None = None) -> Channel:
        """The channel of ``spec``, its ``*_env`` variables read from ``environ``."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for key, name in spec.env_names().items():
            value = env.get(name, "")
            if not value.strip():
                raise DeliveryError(
                    f"deliver {spec.name!r} ({spec.type}): environment variable {name} "
                    f"({key}) is not set"
                )
            values[key] = value.strip()
        return cls(spec=spec, secrets=values)

    @property
    def name(self) -> str:
        return str(self.spec.name)

    def secret_values(self) -> list[str]:
        return [v for v in self.secrets.values() if v]

    def fail(self, message: str, **kwargs: Any) -> DeliveryError:
        """A :class:`DeliveryError` for this channel, secrets scrubbed."""
        text = scrub(f"deliver {self.name!r} ({self.type}): {message}", self.secret_values())
        return DeliveryError(text, **kwargs)

    @abstractmethod
    def messages(self, payload: Payload) -> list[Message]:
        """The digest as this platform's messages, each within its limits."""

    @abstractmethod
    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        """Send one message; return the platform's id for it ("" when it gives none).
        Raises :class:`DeliveryError` (classified) on failure."""


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, and each token-like path or query part of a secret URL
    (a hook id, an access token, a key), as ``***``."""
    pieces: set[str] = set()
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        pieces.update({secret, quote(secret, safe=""), quote_plus(secret)})
        parts = urlsplit(secret) if "://" in secret else None
        if parts is not None:
            for chunk in re.split(r"[/?&=]", f"{parts.path}?{parts.query}"):
                # a token, a key, a hook id; a lower-case word ("services") is not one
                word = chunk.replace("_", "").replace("-", "").isalpha() and chunk.islower()
                if len(chunk) >= 8 and (len(chunk) >= 20 or not word):
                    pieces.add(chunk)
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, "***")
    return text


def host_of(url: str) -> str:
    """The host (and port) of ``url``, the only part of a secret URL errors may show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    return parts.netloc.rsplit("@", 1)[-1] or "?"


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header as seconds: delta-seconds or an HTTP date; None if absent or
    unreadable."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        from datetime import UTC, datetime

        when = parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError, IndexError):
        return None


def classify_response(channel: Channel, response: httpx.Response, what: str) -> DeliveryError:
    """The error for a non-2xx answer: 429 and 5xx retryable (with ``Retry-After``)."""
    status = response.status_code
    retry = retry_after_seconds(response.headers.get("retry-after"))
    if retry is None and status == 429:
        retry = _retry_after_in_body(response)
    snippet = " ".join(response.text[:200].split()) if response.content else ""
    detail = f": {snippet}" if snippet else ""
    return channel.fail(
        f"{what} answered HTTP {status}{detail}",
        retryable=status == 429 or status >= 500,
        retry_after=retry,
        status=status,
    )


def _retry_after_in_body(response: httpx.Response) -> float | None:
    """The wait a JSON answer asks for: Discord's ``retry_after``, Telegram's
    ``parameters.retry_after`` (seconds)."""
    try:
        data = response.json()
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    value = data.get("retry_after")
    parameters = data.get("parameters")
    if value is None and isinstance(parameters, dict):
        value = parameters.get("retry_after")
    return float(value) if isinstance(value, int | float) and value >= 0 else None


Check = Callable[[httpx.Response], str]
"""Reads a 2xx answer: returns the message id, or raises the platform's error."""


async def post_json(
    channel: Channel,
    client: httpx.AsyncClient,
    url: str,
    *,
    json_body: Any = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    check: Check | None = None,
) -> str:
    """POST to ``url`` (within the channel's ``timeout``) and return the message id ``check``
    reads from the answer."""
    what = host_of(url)
    timeout = float(getattr(channel.spec, "timeout", 15.0))
    try:
        if content is not None:
            response = await client.post(
                url, content=content, headers=dict(headers or {}), params=params, timeout=timeout
            )
        else:
            response = await client.post(
                url, json=json_body, headers=dict(headers or {}), params=params, timeout=timeout
            )
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise channel.fail(
            f"cannot connect to {what} ({type(exc).__name__})", retryable=True
        ) from None
    except (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise channel.fail(
            f"{what} did not answer ({type(exc).__name__}); the message may have arrived, so "
            "it is not sent again on its own",
            unknown=True,
        ) from None
    except httpx.HTTPError as exc:
        raise channel.fail(f"request to {what} failed ({type(exc).__name__})") from None
    if response.status_code >= 300:
        raise classify_response(channel, response, what)
    return check(response) if check is not None else ""


def json_of(channel: Channel, response: httpx.Response) -> dict[str, Any]:
    """The JSON object of an answer, or a (not retryable) error saying it is not one."""
    try:
        data = response.json()
    except ValueError:
        raise channel.fail(f"{host_of(str(response.url))} answered with no JSON") from None
    if not isinstance(data, dict):
        raise channel.fail(f"{host_of(str(response.url))} answered with no JSON object")
    return data


def errcode_check(
    channel: Channel, platform: str, rate_limited: Collection[int]
) -> Callable[[httpx.Response], str]:
    """The check of platforms that answer HTTP 200 with an ``errcode`` (DingTalk, WeCom): 0 is
    sent; a code in ``rate_limited`` is retried after a minute; any other is refused."""

    def check(response: httpx.Response) -> str:
        data = json_of(channel, response)
        code = data.get("errcode", 0)
        if code != 0:
            limited = code in rate_limited
            raise channel.fail(
                f"{platform} refused the message (errcode {code}: {data.get('errmsg', '')})",
                retryable=limited,
                retry_after=60.0 if limited else None,
            )
        return ""

    return check
