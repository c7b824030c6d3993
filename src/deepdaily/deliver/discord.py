"""Discord webhook: the title and tagline in ``content``, one embed per item.

Settings (``[[deliver]] type = "discord"``): ``url_env`` (the webhook URL with its token).

Discord's limits, all in characters: ``content`` 2000; at most 10 embeds a message; an embed's
title 256 and description 4096; 6000 over all the embeds of a message. An item is an embed
(title: its heading; url: its first source; description: its sources and bullets in Discord
Markdown); a heading over 256 characters moves into the description. Mentions are disabled
(``allowed_mentions``), so a digest never pings anyone. Messages are posted with ``?wait=true``
so Discord returns the message and its ``id`` is recorded; 429 carries ``retry_after``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from deepdaily.deliver.base import Channel, Message, Payload, json_of, post_json, register
from deepdaily.deliver.content import Content, Section, pack
from deepdaily.deliver.inline import discord as discord_md
from deepdaily.deliver.inline import discord_escape, plain
from deepdaily.deliver.layout import Style, head_lines, lines

__all__ = ["DiscordChannel"]

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_TOTAL = 6000


def _escape(text: str) -> str:
    return discord_escape(text)


def discord_style() -> Style:
    return Style(
        inline=discord_md,
        bold=lambda text: f"**{_escape(text)}**" if text.strip() else text,
        link=lambda url, text: f"<{url}>" if url == text else f"[{_escape(text)}]({url})",
        escape=_escape,
    )


@register
class DiscordChannel(Channel):
    type = "discord"

    def embed(self, section: Section, content: Content) -> dict[str, Any]:
        style = discord_style()
        body = lines(section, content, style)
        if section.heading:
            body = body[1:]  # the heading is the embed's title
        title = plain(section.heading)
        embed: dict[str, Any] = {}
        if title and len(title) <= MAX_TITLE:
            embed["title"] = title
        elif title:
            body.insert(0, style.bold(title))
        if section.sources and section.sources[0].lower().startswith(("http://", "https://")):
            embed["url"] = section.sources[0]
        embed["description"] = "\n".join(body)
        return embed

    def body(
        self, content: Content, sections: Sequence[Section], index: int, total: int
    ) -> dict[str, Any]:
        style = discord_style()
        text = [style.bold(content.title + content.part_suffix(index, total))]
        text += head_lines(content, style, first=index == 1)
        if index == total and content.url:
            text.append(style.link(content.url, content.full_label))
        return {
            "content": "\n".join(text),
            "embeds": [self.embed(s, content) for s in sections],
            "allowed_mentions": {"parse": []},
        }

    @staticmethod
    def fits(body: dict[str, Any]) -> bool:
        embeds = body["embeds"]
        if len(body["content"]) > MAX_CONTENT or len(embeds) > MAX_EMBEDS:
            return False
        if any(len(e.get("description", "")) > MAX_DESCRIPTION for e in embeds):
            return False
        return _embed_chars(embeds) <= MAX_TOTAL

    def messages(self, payload: Payload) -> list[Message]:
        content = payload.content

        def fits(sections: Sequence[Section], first: bool) -> bool:
            return self.fits(self.body(content, sections, 1 if first else 99, 99))

        groups = pack(content, fits)
        total = len(groups)
        bodies = [self.body(content, g, n, total) for n, g in enumerate(groups, start=1)]
        return [Message(b, len(b["content"]) + _embed_chars(b["embeds"])) for b in bodies]

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        def check(response: httpx.Response) -> str:
            if response.status_code == 204 or not response.content:
                return ""
            return str(json_of(self, response).get("id", ""))

        return await post_json(
            self,
            client,
            self.secrets["url_env"],
            json_body=message.body,
            params={"wait": "true"},
            check=check,
        )


def _embed_chars(embeds: list[dict[str, Any]]) -> int:
    return sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds)
