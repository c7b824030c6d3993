"""The deliveries record: one row per digest (profile, date) and ``[[deliver]]`` channel.

The table is migration ``m007_deliveries``'s; it is defined here beside the code that uses it
(as ``review_edits`` is in :mod:`deepdaily.store.edits`). A channel's row says where its
delivery stands:

- ``sending``: messages are going out; ``parts_sent`` of ``parts_total`` were confirmed by
  the platform (their ids in ``message_ids``). A run that stops here (a crash, a refusal after
  some parts) is resumed from the first unconfirmed part by the next ``deliver``;
- ``sent``: every part confirmed, ``sent_at`` set: never sent again unless forced;
- ``failed``: the last attempt failed, ``last_error`` says why (secrets scrubbed);
- ``unknown``: the connection was lost after part ``parts_sent + 1`` went out, so it may have
  arrived: nothing more is sent unless forced.

``attempts`` counts requests made for the row over all runs; ``content_hash`` is the SHA-256 of
the digest JSON that was sent, so a partial send is resumed only for the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, Text, select

from deepdaily.store.schema import UTCDateTime
from deepdaily.store.store import Store

__all__ = ["Delivery", "DeliveryLog", "deliveries"]

deliveries = Table(
    "deliveries",
    MetaData(),
    Column("profile", String(100), primary_key=True),
    Column("date", String(10), primary_key=True),
    Column("channel", String(100), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("parts_total", Integer, nullable=False, default=0),
    Column("parts_sent", Integer, nullable=False, default=0),
    Column("content_hash", String(64), nullable=False),
    Column("message_ids", JSON, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("started_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
)


@dataclass
class Delivery:
    """One row."""

    profile: str
    date: str
    channel: str
    type: str
    status: str = "sending"
    attempts: int = 0
    parts_total: int = 0
    parts_sent: int = 0
    content_hash: str = ""
    message_ids: list[str] = field(default_factory=list)
    last_error: str = ""
    started_at: datetime | None = None
    sent_at: datetime | None = None
    updated_at: datetime | None = None


class DeliveryLog:
    """The ``deliveries`` table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, profile: str, date: str, channel: str) -> Delivery | None:
        query = select(deliveries).where(
            (deliveries.c.profile == profile)
            & (deliveries.c.date == date)
            & (deliveries.c.channel == channel)
        )
        with self.store.begin() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        values: dict[str, Any] = dict(row._mapping)
        values["message_ids"] = [str(v) for v in values.get("message_ids") or []]
        return Delivery(**values)

    def of_day(self, profile: str, date: str) -> list[Delivery]:
        """Every channel's row for the digest, by channel name."""
        query = (
            select(deliveries.c.channel)
            .where((deliveries.c.profile == profile) & (deliveries.c.date == date))
            .order_by(deliveries.c.channel)
        )
        with self.store.begin() as conn:
            names = [row.channel for row in conn.execute(query)]
        return [d for d in (self.get(profile, date, n) for n in names) if d is not None]

    def save(self, delivery: Delivery) -> Delivery:
        """Write the row as it stands now (``updated_at`` is now)."""
        delivery.updated_at = datetime.now(UTC)
        values = {
            name: getattr(delivery, name)
            for name in (
                "type",
                "status",
                "attempts",
                "parts_total",
                "parts_sent",
                "content_hash",
                "message_ids",
                "last_error",
                "started_at",
                "sent_at",
                "updated_at",
            )
        }
        key = (
            (deliveries.c.profile == delivery.profile)
            & (deliveries.c.date == delivery.date)
            & (deliveries.c.channel == delivery.channel)
        )
        with self.store.begin() as conn:
            updated = conn.execute(deliveries.update().where(key).values(**values)).rowcount
            if not updated:
                conn.execute(
                    deliveries.insert().values(
                        profile=delivery.profile,
                        date=delivery.date,
                        channel=delivery.channel,
                        **values,
                    )
                )
        return delivery
