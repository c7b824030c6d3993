"""Slack incoming webhook: Block Kit messages, text in ``mrkdwn``.

Settings (``[[deliver]] type = "slack"``): ``url_env`` (the variable holding the webhook URL).

A message is a ``header`` block (the title, plain text, 150 characters at most), the tagline
and banner as a ``context`` block on the first, one ``section`` block per item, trends and
watch list (``mrkdwn`` text of at most 3000 characters: a longer section takes several blocks,
split between lines), and a link to the full digest on the last. Slack takes 50 blocks a
message and refuses long messages below its documented 40,000 characters
(``msg_blocks_too_long``), so a message is kept to 12,000 characters of text. ``text`` carries
a plain summary for notifications. Slack answers ``ok`` (HTTP 200); an error is a 4xx with its
name (``invalid_blocks``, ``no_service``), 429 with ``Retry-After`` when sending too fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from deepdaily.deliver.base import Channel, Message, Payload, post_json, register
from deepdaily.deliver.content import Content, Section, pack
from deepdaily.deliver.inline import plain
from deepdaily.deliver.inline import slack as mrkdwn
from deepdaily.deliver.layout import Style, head_lines, lines

__all__ = ["SlackChannel", "slack_style"]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_TEXT = 12_000


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_style() -> Style:
    return Style(
        inline=mrkdwn,
        bold=lambda text: f"*{_escape(text)}*" if text.strip() else _escape(text),
        link=lambda url, text: (
            f"<{_escape(url.replace('|', '%7C'))}|{_escape(text).replace('|', '¦')}>"
        ),
        escape=_escape,
    )


def _section_blocks(text_lines: list[str]) -> list[dict[str, Any]] | None:
    """Lines packed into section blocks of at most 3000 characters (None: a line is longer)."""
    blocks: list[str] = []
    for line in text_lines:
        if len(line) > MAX_SECTION:
            return None
        if blocks and len(blocks[-1]) + 1 + len(line) <= MAX_SECTION:
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in blocks]


@register
class SlackChannel(Channel):
    type = "slack"

    def blocks(
        self, content: Content, sections: Sequence[Section], index: int, total: int
    ) -> list[dict[str, Any]] | None:
        """One message's blocks (None: a section cannot be laid out within the limits)."""
        style = slack_style()
        title = content.title + content.part_suffix(index, total)
        if len(title) > MAX_HEADER:
            title = title[: MAX_HEADER - 1] + "…"
        out: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}
        ]
        head = head_lines(content, style, first=index == 1)
        if head:
            out.append(
                {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in head]}
            )
        for section in sections:
            made = _section_blocks(lines(section, content, style))
            if made is None:
                return None
            out.extend(made)
            out.append({"type": "divider"})
        if index == total:
            out.extend(self.footer(content))
        return out

    @staticmethod
    def footer(content: Content) -> list[dict[str, Any]]:
        """The last message's link to the full digest."""
        if not content.url:
            return []
        link = slack_style().link(content.url, content.full_label)
        return [{"type": "context", "elements": [{"type": "mrkdwn", "text": link}]}]

    @staticmethod
    def fits(blocks: list[dict[str, Any]] | None) -> bool:
        if blocks is None or len(blocks) > MAX_BLOCKS:
            return False
        return _text_size(blocks) <= MAX_TEXT

    def messages(self, payload: Payload) -> list[Message]:
        content = payload.content

        def fits(sections: Sequence[Section], first: bool) -> bool:
            blocks = self.blocks(content, sections, 1 if first else 2, 99)
            return self.fits(None if blocks is None else [*blocks, *self.footer(content)])

        groups = pack(content, fits)
        total = len(groups)
        out: list[Message] = []
        for index, group in enumerate(groups, start=1):
            blocks = self.blocks(content, group, index, total) or []
            summary = content.title + content.part_suffix(index, total)
            heads = ", ".join(plain(s.heading) for s in group[:3])
            body = {"text": f"{summary}: {heads}" if heads else summary, "blocks": blocks}
            out.append(Message(body, _text_size(blocks)))
        return out

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        return await post_json(self, client, self.secrets["url_env"], json_body=message.body)


def _text_size(blocks: list[dict[str, Any]]) -> int:
    size = 0
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            size += len(str(text.get("text", "")))
        for element in block.get("elements", []):
            size += len(str(element.get("text", "")))
    return size
