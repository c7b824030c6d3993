"""DingTalk (钉钉) custom robot: ``markdown`` messages, signed when ``secret_env`` is set.

Settings (``[[deliver]] type = "dingtalk"``): ``url_env`` (the webhook URL with its
``access_token``), ``secret_env`` (the robot's signing secret, ``SEC…``; optional).

Signing, as DingTalk checks it: the string ``timestamp + "\\n" + secret`` (timestamp in
milliseconds) is HMAC-SHA256'd with the secret as key, Base64-encoded, URL-encoded, and sent as
the ``timestamp`` and ``sign`` query parameters (DingTalk refuses a timestamp over an hour
old). DingTalk publishes no size for a markdown message; 20,000 bytes is the cap reported in
practice, so messages are kept under 18,000 UTF-8 bytes. A robot takes 20 messages a minute
(``errcode`` 130101 when over: retried after a minute). The answer's ``errcode`` must be 0.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import httpx

from deepdaily.deliver.base import Message, errcode_check, post_json, register
from deepdaily.deliver.inline import plain, simple_markdown
from deepdaily.deliver.layout import Style
from deepdaily.deliver.text import TextChannel

__all__ = ["DingTalkChannel", "dingtalk_sign"]

_RATE_LIMITED = {130101, 130102}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The ``sign`` query value (already URL-encoded) for ``timestamp_ms``."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def _md_plain(text: str) -> str:
    return text.replace("*", "＊").replace("[", "［").replace("]", "］")


def markdown_style() -> Style:
    """The Markdown subset DingTalk and WeCom render."""
    return Style(
        inline=simple_markdown,
        bold=lambda text: f"**{_md_plain(text)}**" if text.strip() else text,
        link=lambda url, text: f"[{_md_plain(text)}]({url.replace(')', '%29')})",
        escape=lambda text: text,
        bullet="- ",
        sub="  - ",
        heading=lambda md: f"#### {_md_plain(plain(md))}",
    )


@register
class DingTalkChannel(TextChannel):
    type = "dingtalk"
    limit = 18_000
    line_sep = "\n\n"

    def style(self) -> Style:
        return markdown_style()

    def measure(self, text: str) -> int:
        return len(text.encode("utf-8"))

    def body(self, text: str, title: str) -> object:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}

    def signed_url(self, now_ms: int | None = None) -> str:
        url = self.secrets["url_env"]
        secret = self.secrets.get("secret_env", "")
        if not secret:
            return url
        stamp = int(time.time() * 1000) if now_ms is None else now_ms
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        check = errcode_check(self, "DingTalk", _RATE_LIMITED)
        return await post_json(self, client, self.signed_url(), json_body=message.body, check=check)
