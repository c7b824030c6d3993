"""Telegram: ``sendMessage`` with ``parse_mode`` HTML to ``chat_id``, split at 4096 characters.

Settings (``[[deliver]] type = "telegram"``): ``token_env`` (the variable holding the bot
token), ``chat_id``, ``api_url`` (the Bot API server, default ``https://api.telegram.org``).
Telegram counts the limit on the text after its entities are parsed, in UTF-16 code units, so
a message is measured without its tags and with its entities decoded. The answer's
``result.message_id`` is recorded; ``ok: false`` is a refusal (``error_code`` 429 with
``parameters.retry_after`` is waited for, as HTTP 429 is).
"""

from __future__ import annotations

import html
import re

import httpx

from deepdaily.deliver.base import Message, json_of, post_json, register
from deepdaily.deliver.inline import telegram as inline_html
from deepdaily.deliver.layout import Style
from deepdaily.deliver.text import TextChannel

__all__ = ["TelegramChannel", "visible_length"]

_TAG = re.compile(r"<[^>]*>")


def visible_length(markup: str) -> int:
    """Length of the text Telegram shows for ``markup``, in UTF-16 code units."""
    text = html.unescape(_TAG.sub("", markup))
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


@register
class TelegramChannel(TextChannel):
    type = "telegram"
    limit = 4096

    def style(self) -> Style:
        return Style(
            inline=inline_html,
            bold=lambda text: f"<b>{_escape(text)}</b>",
            link=lambda url, text: f'<a href="{html.escape(url, quote=True)}">{_escape(text)}</a>',
            escape=_escape,
        )

    def measure(self, text: str) -> int:
        return visible_length(text)

    def body(self, text: str, title: str) -> object:
        return {
            "chat_id": self.spec.chat_id,
            "text": text,
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        url = f"{str(self.spec.api_url).rstrip('/')}/bot{self.secrets['token_env']}/sendMessage"

        def check(response: httpx.Response) -> str:
            data = json_of(self, response)
            if data.get("ok") is not True:
                code = data.get("error_code")
                raise self.fail(
                    f"Telegram refused the message ({code}: {data.get('description', '')})",
                    retryable=code == 429,
                    status=int(code) if isinstance(code, int) else 0,
                )
            result = data.get("result")
            return str(result.get("message_id", "")) if isinstance(result, dict) else ""

        return await post_json(self, client, url, json_body=message.body, check=check)
