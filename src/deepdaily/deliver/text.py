"""The channels whose message is one marked-up text: split by size, whole sections each.

:class:`TextChannel` lays the digest out with its platform's
:class:`~deepdaily.deliver.layout.Style` and packs whole sections into messages no longer than
:attr:`TextChannel.limit`, measured by :meth:`TextChannel.measure` (characters, UTF-16 units
or UTF-8 bytes, as the platform counts).
Every message opens with the digest's title (``(2/3)`` after it when there are several); the
first carries the tagline and banner, the last a link to the full digest.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from deepdaily.deliver.base import Channel, Message, Payload
from deepdaily.deliver.content import Content, Section, pack
from deepdaily.deliver.layout import Style, head_lines, lines

__all__ = ["TextChannel"]


class TextChannel(Channel):
    """A channel sending the digest as texts of at most :attr:`limit` units."""

    limit: ClassVar[int]
    line_sep: ClassVar[str] = "\n"
    section_sep: ClassVar[str] = "\n\n"

    @abstractmethod
    def style(self) -> Style: ...

    @abstractmethod
    def measure(self, text: str) -> int:
        """The size of ``text`` as the platform counts it."""

    @abstractmethod
    def body(self, text: str, title: str) -> object:
        """The request body carrying ``text``."""

    def title_line(self, content: Content, index: int, total: int) -> str:
        return self.style().bold(content.title + content.part_suffix(index, total))

    def footer_line(self, content: Content) -> str:
        if not content.url:
            return ""
        return self.style().link(content.url, content.full_label)

    def render(self, content: Content, sections: Sequence[Section], index: int, total: int) -> str:
        style = self.style()
        blocks = [self.line_sep.join([self.title_line(content, index, total)])]
        head = head_lines(content, style, first=index == 1)
        if head:
            blocks.append(self.line_sep.join(head))
        blocks.extend(self.line_sep.join(lines(s, content, style)) for s in sections)
        if index == total:
            footer = self.footer_line(content)
            if footer:
                blocks.append(footer)
        return self.section_sep.join(b for b in blocks if b)

    def texts(self, content: Content) -> list[str]:
        """The digest as texts within the limit (footer reserved on every message)."""

        def fits(sections: Sequence[Section], first: bool) -> bool:
            index = 1 if first else 2
            text = self.render(content, sections, index, 99)
            footer = self.footer_line(content)
            return self.measure(text) + self.measure(self.section_sep + footer) <= self.limit

        groups = pack(content, fits)
        total = len(groups)
        return [self.render(content, g, n, total) for n, g in enumerate(groups, start=1)]

    def messages(self, payload: Payload) -> list[Message]:
        title = payload.content.title
        return [
            Message(self.body(text, title), self.measure(text))
            for text in self.texts(payload.content)
        ]
