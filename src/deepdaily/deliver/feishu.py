"""Feishu / Lark custom bot: ``post`` rich text, signed when ``secret_env`` is set.

Settings (``[[deliver]] type = "feishu"``): ``url_env`` (the webhook URL,
``…/open-apis/bot/v2/hook/…``), ``secret_env`` (the bot's signing secret; optional).

A message is ``{"msg_type": "post", "content": {"post": {"zh_cn": {"title", "content"}}}}``
(``en_us`` for an English digest): ``content`` is a list of paragraphs, each a list of ``text``
(bold where the digest is bold) and ``a`` (link) elements. Feishu refuses a request body over
20 KB, so messages are kept under 19,000 bytes of JSON.

Signing, as Feishu checks it: the string ``timestamp + "\\n" + secret`` (timestamp in seconds)
is the HMAC-SHA256 *key*, the message signed is empty, the digest is Base64-encoded, and
``timestamp`` and ``sign`` go into the JSON body (a timestamp over an hour old is refused).
A bot takes 5 requests a second and 100 a minute. Feishu answers HTTP 200 with ``code`` 0;
any other code is a refusal (11232: rate limited, retried).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from typing import Any

import httpx

from deepdaily.deliver.base import Channel, Message, Payload, json_of, post_json, register
from deepdaily.deliver.content import Content, Section, pack
from deepdaily.deliver.inline import plain, runs

__all__ = ["FeishuChannel", "feishu_sign"]

MAX_BYTES = 19_000
_RATE_LIMITED = {11232}

Paragraph = list[dict[str, Any]]


def feishu_sign(secret: str, timestamp: int) -> str:
    """The ``sign`` for ``timestamp`` (seconds)."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _inline(markdown: str) -> Paragraph:
    out: Paragraph = []
    for run in runs(markdown):
        if run.href:
            out.append({"tag": "a", "text": run.text, "href": run.href})
        else:
            node: dict[str, Any] = {"tag": "text", "text": run.text}
            style = [name for name, on in (("bold", run.bold), ("italic", run.italic)) if on]
            if style:
                node["style"] = style
            out.append(node)
    return out


def _paragraphs(section: Section, content: Content) -> list[Paragraph]:
    source, colon = content.labels.get("source", "Source"), content.labels.get("colon", ": ")
    out: list[Paragraph] = []
    if section.heading:
        out.append([{"tag": "text", "text": plain(section.heading), "style": ["bold"]}])
    for url in section.sources:
        out.append(
            [{"tag": "text", "text": source + colon}, {"tag": "a", "text": url, "href": url}]
        )
    if section.note:
        out.append(_inline(section.note))
    for entry in section.entries:
        line: Paragraph = []
        if entry.number:
            line.append({"tag": "text", "text": f"{entry.number}. "})
        elif entry.label:
            line.append({"tag": "text", "text": "• "})
        if entry.label:
            line.append({"tag": "text", "text": entry.label, "style": ["bold"]})
            if entry.text:
                line.append({"tag": "text", "text": colon})
        line.extend(_inline(entry.text))
        out.append(line)
        for sub in entry.subs:
            out.append([{"tag": "text", "text": "    ◦ "}, *_inline(sub)])
    out.append([{"tag": "text", "text": ""}])
    return out


@register
class FeishuChannel(Channel):
    type = "feishu"

    def post(
        self, content: Content, sections: Sequence[Section], index: int, total: int
    ) -> dict[str, Any]:
        paragraphs: list[Paragraph] = []
        if index == 1:
            for text in (content.tagline, content.banner):
                if text:
                    paragraphs.append(_inline(text))
        for section in sections:
            paragraphs.extend(_paragraphs(section, content))
        if index == total and content.url:
            paragraphs.append([{"tag": "a", "text": content.full_label, "href": content.url}])
        language = "zh_cn" if content.language.startswith("zh") else "en_us"
        title = content.title + content.part_suffix(index, total)
        return {
            "msg_type": "post",
            "content": {"post": {language: {"title": title, "content": paragraphs}}},
        }

    @staticmethod
    def size(body: dict[str, Any]) -> int:
        return len(json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def messages(self, payload: Payload) -> list[Message]:
        content = payload.content

        def fits(sections: Sequence[Section], first: bool) -> bool:
            body = self.post(content, sections, 1 if first else 2, 99)
            return self.size(body) + 400 <= MAX_BYTES  # + the link and the signature

        groups = pack(content, fits)
        total = len(groups)
        bodies = [self.post(content, g, n, total) for n, g in enumerate(groups, start=1)]
        return [Message(body, self.size(body)) for body in bodies]

    def signed(self, body: dict[str, Any], now: int | None = None) -> dict[str, Any]:
        secret = self.secrets.get("secret_env", "")
        if not secret:
            return body
        stamp = int(time.time()) if now is None else now
        return {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        def check(response: httpx.Response) -> str:
            data = json_of(self, response)
            code = data.get("code", data.get("StatusCode", 0))
            if code != 0:
                limited = code in _RATE_LIMITED
                raise self.fail(
                    f"Feishu refused the message (code {code}: {data.get('msg', '')})",
                    retryable=limited,
                )
            inner = data.get("data")
            return str(inner.get("message_id", "")) if isinstance(inner, dict) else ""

        url = self.secrets["url_env"]
        return await post_json(self, client, url, json_body=self.signed(message.body), check=check)
