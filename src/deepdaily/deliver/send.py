"""``deliver_digest``: send a published digest to its ``[[deliver]]`` channels, once each.

For settings' profile and ``day``, only a digest whose stored status is ``published`` is sent
(a draft or an approved digest is a :class:`~deepdaily.errors.DeliveryError`). Its published
JSON is read back into a :class:`~deepdaily.models.Digest` and laid out once
(:mod:`deepdaily.deliver.content`); each enabled channel for the profile (``profiles``; a
``channels`` list narrows them by name) then:

1. reads its secrets from the environment: a missing variable fails that channel alone, in
   one line naming it and the variable;
2. is skipped when its row in the deliveries record (:mod:`deepdaily.deliver.record`) says
   ``sent``, unless ``force``;
3. builds its messages; a row left ``sending`` or ``failed`` after some parts were confirmed,
   for the same content and the same split, resumes from the first unconfirmed part;
4. sends each message, the row saved before (``sending``) and after every confirmed part,
   waiting ``interval`` (the platform's pace) between parts; a 429, a 5xx or a refused
   connection is retried up to ``retries`` times after ``backoff * 2**n`` seconds, or what
   ``Retry-After`` asks when it is at most ``max_retry_after`` (longer: the channel fails and
   the next ``deliver`` resumes it);
5. ends ``sent`` or ``failed`` with the last error, secrets scrubbed; or ``unknown`` when the
   connection was lost after a message went out (it may have arrived): such a channel is not
   sent anything again on its own, only with ``force`` (the whole digest again).

Channels run concurrently and independently: one failing never stops another and never
touches the digest. The outcomes are returned in configuration order.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import httpx

from deepdaily.deliver.base import CHANNELS, Channel, Payload, scrub
from deepdaily.deliver.content import build_content, digest_url
from deepdaily.deliver.record import Delivery, DeliveryLog
from deepdaily.errors import DeliveryError, UsageError

if TYPE_CHECKING:
    from deepdaily.config import Settings
    from deepdaily.store import Store

__all__ = ["DeliveryOutcome", "deliver_digest", "deliver_digest_async", "load_payload"]

log = logging.getLogger(__name__)


@dataclass
class DeliveryOutcome:
    """What happened to one channel: ``sent`` (this run), ``skipped`` (sent before),
    ``failed``."""

    channel: str
    type: str
    status: str
    parts_sent: int = 0
    parts_total: int = 0
    attempts: int = 0
    message_ids: list[str] = field(default_factory=list)
    error: str = ""
    resumed_from: int = 0  # the first part sent this run (1-based) when resuming, else 0

    def describe(self) -> str:
        """One line for the console."""
        parts = f"{self.parts_sent}/{self.parts_total} message(s)"
        if self.status == "sent":
            resumed = f", resumed at part {self.resumed_from}" if self.resumed_from else ""
            return f"{self.channel} ({self.type}): sent, {parts}{resumed}"
        if self.status == "skipped":
            return f"{self.channel} ({self.type}): already sent ({parts}); --force sends again"
        return f"{self.channel} ({self.type}): failed after {parts}: {self.error}"


def load_payload(settings: Settings, store: Store, day: date) -> Payload:
    """The published digest of the profile and ``day``, laid out for the channels."""
    from deepdaily.models import Digest

    profile, when = settings.profile.name, day.isoformat()
    row = store.digest(profile, when)
    if row is None:
        raise DeliveryError(
            f"deliver: no digest stored for profile {profile!r} on {when}; run `deepdaily run` "
            "first"
        )
    status = str(row.get("status") or "")
    if status != "published":
        raise DeliveryError(
            f"deliver: the digest of profile {profile!r} on {when} is {status or 'not published'}"
            f", not published; publish it first (`deepdaily publish --approve {when}`)"
        )
    text = str(row.get("published_json") or row.get("json") or "")
    try:
        digest = Digest.model_validate_json(text)
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise DeliveryError(
            f"deliver: the stored digest of {when} cannot be read ({first})"
        ) from None
    from deepdaily.render.markdown import render_markdown

    try:
        markdown = render_markdown(digest, template_dir=settings.template_dir)
    except Exception:  # a broken override template: the packaged one
        markdown = render_markdown(digest)
    if markdown.startswith("+++"):
        markdown = markdown.split("+++", 2)[2].lstrip("\n")
    content = build_content(digest, digest_url(settings, digest))
    return Payload(content=content, digest=digest, digest_json=text, markdown=markdown)


def _selected(settings: Settings, names: Sequence[str] | None) -> list[Any]:
    profile = settings.profile.name
    specs = list(settings.deliver)
    if names:
        known = {spec.name: spec for spec in specs}
        unknown = [n for n in names if n not in known]
        if unknown:
            configured = ", ".join(known) or "none configured"
            raise UsageError(
                f"deliver --channel: no [[deliver]] channel named {', '.join(unknown)} "
                f"(configured: {configured})"
            )
        specs = [known[n] for n in dict.fromkeys(names)]
        off = [s.name for s in specs if not s.enabled]
        if off:
            raise UsageError(f"deliver --channel: {', '.join(off)} is disabled (enabled = false)")
    else:
        specs = [s for s in specs if s.enabled]
    return [s for s in specs if not s.profiles or profile in s.profiles]


def deliver_digest(
    settings: Settings,
    store: Store,
    day: date,
    *,
    force: bool = False,
    channels: Sequence[str] | None = None,
) -> list[DeliveryOutcome]:
    """Send the published digest of settings' profile and ``day`` to every selected channel
    (see the module's docstring); one outcome per channel."""
    coroutine = deliver_digest_async(settings, store, day, force=force, channels=channels)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    result: list[list[DeliveryOutcome]] = []
    failure: list[BaseException] = []

    def in_thread() -> None:  # called from inside an event loop (a web handler)
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=in_thread, name="deepdaily-deliver")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return result[0]


class _Redact(logging.Filter):
    """Scrubs the channels' secrets from the records of httpx and httpcore, which log each
    request's URL (a webhook URL, a bot token) at INFO and DEBUG."""

    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = scrub(text, self.secrets)
        if cleaned != text:
            record.msg, record.args = cleaned, ()
        return True


_REDACTED_LOGGERS = ("httpx", "httpcore", "httpcore.http11", "httpcore.connection")


def _secrets_of(specs: Sequence[Any]) -> list[str]:
    import os

    return [os.environ.get(n, "") for s in specs for n in s.env_names().values() if n]


async def deliver_digest_async(
    settings: Settings,
    store: Store,
    day: date,
    *,
    force: bool = False,
    channels: Sequence[str] | None = None,
) -> list[DeliveryOutcome]:
    """:func:`deliver_digest` inside a running event loop."""
    from deepdaily.deliver.channels import CHANNELS as registered  # registers every type

    assert registered is CHANNELS
    specs = _selected(settings, channels)
    if not specs:
        return []
    payload = load_payload(settings, store, day)
    records = DeliveryLog(store)
    from deepdaily.fetch.resolve import GuardedTransport

    transport = GuardedTransport(allow=None, limits=httpx.Limits(max_connections=16))
    redact = _Redact(_secrets_of(specs))
    loggers = [logging.getLogger(name) for name in _REDACTED_LOGGERS]
    for logger in loggers:
        logger.addFilter(redact)
    try:
        return await _deliver_all(specs, payload, records, transport, force=force)
    finally:
        for logger in loggers:
            logger.removeFilter(redact)


async def _deliver_all(
    specs: Sequence[Any],
    payload: Payload,
    records: DeliveryLog,
    transport: httpx.AsyncBaseTransport,
    *,
    force: bool,
) -> list[DeliveryOutcome]:
    async with httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        headers={"User-Agent": "deepdaily-deliver"},
        trust_env=False,
    ) as client:
        runs = [_deliver_one(spec, payload, records, client, force=force) for spec in specs]
        return list(await asyncio.gather(*runs))


async def _deliver_one(
    spec: Any,
    payload: Payload,
    records: DeliveryLog,
    client: httpx.AsyncClient,
    *,
    force: bool,
) -> DeliveryOutcome:
    digest = payload.digest
    content_hash = hashlib.sha256(payload.digest_json.encode("utf-8")).hexdigest()
    row = records.get(digest.profile, digest.date, spec.name) or Delivery(
        profile=digest.profile, date=digest.date, channel=spec.name, type=spec.type
    )
    outcome = DeliveryOutcome(channel=spec.name, type=spec.type, status="failed")
    if row.status == "sent" and not force:
        outcome.status = "skipped"
        outcome.parts_sent, outcome.parts_total = row.parts_sent, row.parts_total
        outcome.attempts, outcome.message_ids = row.attempts, list(row.message_ids)
        return outcome
    if row.status == "unknown" and not force:
        outcome.parts_sent, outcome.parts_total = row.parts_sent, row.parts_total
        outcome.attempts, outcome.message_ids = row.attempts, list(row.message_ids)
        outcome.error = (
            f"deliver {spec.name!r} ({spec.type}): part {row.parts_sent + 1} of "
            f"{row.parts_total} may have arrived (the connection was lost after it was sent: "
            f"{row.last_error}); check the channel, then `deepdaily deliver --force` sends the "
            "digest again"
        )
        return outcome
    secrets: list[str] = []
    try:
        channel = CHANNELS[spec.type].from_spec(spec)
        secrets = channel.secret_values()
        messages = channel.messages(payload)
    except DeliveryError as exc:
        return _failed(records, row, outcome, str(exc), content_hash)
    except Exception as exc:  # a formatting bug must not stop the other channels
        text = scrub(f"deliver {spec.name!r} ({spec.type}): {type(exc).__name__}: {exc}", secrets)
        return _failed(records, row, outcome, text, content_hash)
    start = 0
    if (
        not force
        and row.status in ("sending", "failed")
        and row.content_hash == content_hash
        and row.parts_total == len(messages)
        and 0 < row.parts_sent < len(messages)
    ):
        start = row.parts_sent
        outcome.resumed_from = start + 1
    else:
        row.parts_sent, row.message_ids = 0, []
    row.type, row.status, row.content_hash = spec.type, "sending", content_hash
    row.parts_total, row.last_error, row.sent_at = len(messages), "", None
    row.started_at = datetime.now(UTC)
    records.save(row)
    for index in range(start, len(messages)):
        if index > start and spec.pace() > 0:
            await asyncio.sleep(spec.pace())
        try:
            message_id = await _with_retries(channel, client, messages[index], row, records)
        except DeliveryError as exc:
            where = f" (part {index + 1} of {len(messages)})" if len(messages) > 1 else ""
            status = "unknown" if exc.unknown else "failed"
            return _failed(records, row, outcome, f"{exc}{where}", content_hash, secrets, status)
        row.parts_sent = index + 1
        row.message_ids = [*row.message_ids, message_id]
        records.save(row)
    row.status, row.sent_at = "sent", datetime.now(UTC)
    records.save(row)
    outcome.status = "sent"
    outcome.parts_sent, outcome.parts_total = row.parts_sent, row.parts_total
    outcome.attempts, outcome.message_ids = row.attempts, list(row.message_ids)
    log.info("delivered %s to %s", digest.date, spec.name)
    return outcome


async def _with_retries(
    channel: Channel,
    client: httpx.AsyncClient,
    message: Any,
    row: Delivery,
    records: DeliveryLog,
) -> str:
    spec = channel.spec
    attempt = 0
    while True:
        row.attempts += 1
        records.save(row)
        try:
            return await channel.send(client, message)
        except DeliveryError as exc:
            if not exc.retryable or attempt >= spec.retries:
                raise
            wait = spec.backoff * 2**attempt
            if exc.retry_after is not None:
                if exc.retry_after > spec.max_retry_after:
                    raise channel.fail(
                        f"{exc} (asked to wait {exc.retry_after:g} s, more than "
                        f"max_retry_after = {spec.max_retry_after:g}; `deepdaily deliver` "
                        "resumes it later)",
                        retryable=True,
                        retry_after=exc.retry_after,
                    ) from None
                wait = exc.retry_after
            attempt += 1
            log.info("%s: retry %d in %.2f s: %s", channel.name, attempt, wait, exc)
            await asyncio.sleep(wait)


def _failed(
    records: DeliveryLog,
    row: Delivery,
    outcome: DeliveryOutcome,
    error: str,
    content_hash: str,
    secrets: Sequence[str] = (),
    status: str = "failed",
) -> DeliveryOutcome:
    text = scrub(" ".join(error.split()), secrets)
    row.status, row.last_error = status, text
    if not row.content_hash:
        row.content_hash = content_hash
    records.save(row)
    outcome.status, outcome.error = "failed", text
    outcome.parts_sent, outcome.parts_total = row.parts_sent, row.parts_total
    outcome.attempts, outcome.message_ids = row.attempts, list(row.message_ids)
    return outcome
