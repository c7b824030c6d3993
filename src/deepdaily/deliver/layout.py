"""Sections as lines of text, for the channels whose messages are one marked-up text
(Slack mrkdwn, Telegram HTML, Discord, DingTalk and WeCom Markdown).

:class:`Style` says how a platform writes bold text, a link, a bullet and a sub-bullet, and
how it renders one line of inline Markdown (:mod:`deepdaily.deliver.inline`); :func:`lines`
lays a :class:`~deepdaily.deliver.content.Section` out with it: the heading in bold, one
``来源：link`` line per source, the note, then the entries (``label：text`` and their subs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deepdaily.deliver.content import Content, Section

__all__ = ["Style", "head_lines", "lines"]


@dataclass(frozen=True)
class Style:
    inline: Callable[[str], str]  # one line of inline Markdown -> the platform's markup
    bold: Callable[[str], str]  # plain text -> bold markup (text escaped by the style)
    link: Callable[[str, str], str]  # (url, plain text) -> a link
    escape: Callable[[str], str]  # plain text -> safe text
    bullet: str = "• "
    sub: str = "    ◦ "
    heading: Callable[[str], str] | None = None  # inline heading -> markup (default: bold)


def lines(section: Section, content: Content, style: Style) -> list[str]:
    """The section as lines of the platform's markup."""
    from deepdaily.deliver.inline import plain

    heading = (
        style.heading(section.heading)
        if style.heading is not None
        else style.bold(plain(section.heading))
    )
    out = [heading] if section.heading else []
    source, colon = content.labels.get("source", "Source"), content.labels.get("colon", ": ")
    for url in section.sources:
        out.append(f"{style.escape(source + colon)}{style.link(url, url)}")
    if section.note:
        out.append(style.inline(section.note))
    for entry in section.entries:
        text = style.inline(entry.text) if entry.text else ""
        label = style.bold(entry.label) if entry.label else ""
        joined = f"{label}{style.escape(colon)}{text}" if label and text else label or text
        marker = f"{entry.number}. " if entry.number else (style.bullet if label else "")
        out.append(f"{marker}{joined}")
        out.extend(f"{style.sub}{style.inline(sub)}" for sub in entry.subs)
    return out


def head_lines(content: Content, style: Style, *, first: bool) -> list[str]:
    """The tagline and banner, for the first message only."""
    if not first:
        return []
    return [style.inline(text) for text in (content.tagline, content.banner) if text]
