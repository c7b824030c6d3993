"""WeCom (企业微信) group robot: ``markdown`` messages of at most 4096 UTF-8 bytes.

Settings (``[[deliver]] type = "wecom"``): ``url_env`` (the webhook URL with its ``key``).
WeCom counts ``markdown.content`` in bytes (4096 at most, ``errcode`` 40058 beyond) and takes
20 messages a minute per robot (``errcode`` 45009 when over: retried after a minute). WeCom
robots have no signing scheme: the key in the URL is the secret. The answer's ``errcode``
must be 0.
"""

from __future__ import annotations

import httpx

from deepdaily.deliver.base import Message, errcode_check, post_json, register
from deepdaily.deliver.dingtalk import markdown_style
from deepdaily.deliver.layout import Style
from deepdaily.deliver.text import TextChannel

__all__ = ["WeComChannel"]

_RATE_LIMITED = {45009}


@register
class WeComChannel(TextChannel):
    type = "wecom"
    limit = 4096

    def style(self) -> Style:
        return markdown_style()

    def measure(self, text: str) -> int:
        return len(text.encode("utf-8"))

    def body(self, text: str, title: str) -> object:
        return {"msgtype": "markdown", "markdown": {"content": text}}

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        check = errcode_check(self, "WeCom", _RATE_LIMITED)
        url = self.secrets["url_env"]
        return await post_json(self, client, url, json_body=message.body, check=check)
