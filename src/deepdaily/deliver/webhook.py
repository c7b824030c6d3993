"""A generic webhook: the published digest's JSON, signed with HMAC-SHA256.

Settings (``[[deliver]] type = "webhook"``): ``url_env`` (the endpoint), ``secret_env`` (the
signing secret; optional).

The body is the digest JSON exactly as published (``docs/digest-json.md``), sent once, whole,
as ``application/json``. Headers: ``X-Deepdaily-Event: digest.published``,
``X-Deepdaily-Delivery`` (``profile/date``), ``X-Deepdaily-Timestamp`` (Unix seconds) and, with
a secret, ``X-Deepdaily-Signature: sha256=<hex>``: the HMAC-SHA256, keyed by the secret, of
``<timestamp>.<body>`` (the timestamp header's value, a dot, then the body's bytes). A receiver
recomputes it over the bytes it got, compares in constant time and refuses old timestamps.
Any 2xx is success; the answer's JSON ``id``, if any, is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx

from deepdaily.deliver.base import Channel, Message, Payload, post_json, register

__all__ = ["WebhookChannel", "webhook_signature"]


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` over ``<timestamp>.<body>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


@register
class WebhookChannel(Channel):
    type = "webhook"

    def messages(self, payload: Payload) -> list[Message]:
        body = payload.digest_json.encode("utf-8")
        key = f"{payload.digest.profile}/{payload.digest.date}"
        return [Message({"body": body, "key": key}, len(body))]

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        body: bytes = message.body["body"]
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Deepdaily-Event": "digest.published",
            "X-Deepdaily-Delivery": str(message.body["key"]),
            "X-Deepdaily-Timestamp": stamp,
        }
        secret = self.secrets.get("secret_env", "")
        if secret:
            headers["X-Deepdaily-Signature"] = webhook_signature(secret, stamp, body)

        def check(response: httpx.Response) -> str:
            try:
                data = response.json()
            except ValueError:
                return ""
            return str(data.get("id", "")) if isinstance(data, dict) else ""

        url = self.secrets["url_env"]
        return await post_json(self, client, url, content=body, headers=headers, check=check)
