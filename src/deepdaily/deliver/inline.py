"""Inline Markdown (one line of a digest) turned into each chat platform's own markup.

The digest's lines are CommonMark as :mod:`deepdaily.render.sanitise` writes them: text, bold,
italics, code spans, links and ``<https://…>`` autolinks, with backslash escapes. They are
parsed with markdown-it-py (CommonMark, raw HTML off, so a source's ``<tag>`` stays text) into
:class:`Run` s, plain text with its styles, which each renderer writes its own way:

- :func:`plain`: the text alone (lengths, Feishu text nodes, notification previews);
- :func:`slack`: Slack ``mrkdwn`` (``*bold*``, ``_italic_``, ``<url|text>``; ``&<>`` escaped);
- :func:`telegram`: Telegram HTML (``<b>``, ``<i>``, ``<code>``, ``<a href>``; escaped);
- :func:`discord`: Discord Markdown (``**bold**``, ``[text](url)``; markers escaped);
- :func:`simple_markdown`: the Markdown subset DingTalk and WeCom render (``**bold**``,
  ``[text](url)``), without backslash escapes, which they show as written.

Only ``http``/``https``/``mailto`` links become links; anything else stays text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

__all__ = [
    "Run",
    "discord",
    "discord_escape",
    "plain",
    "runs",
    "simple_markdown",
    "slack",
    "telegram",
]

_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str = ""


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=4096)
def runs(markdown: str) -> tuple[Run, ...]:
    """The styled runs of one line of inline Markdown."""
    tokens = _parser().parseInline(markdown)
    children = tokens[0].children if tokens and tokens[0].children else []
    out: list[Run] = []
    bold = italic = 0
    href: list[str] = []
    for token in children:
        kind = token.type
        if kind == "text":
            out.append(Run(token.content, bold > 0, italic > 0, False, href[-1] if href else ""))
        elif kind == "code_inline":
            out.append(Run(token.content, bold > 0, italic > 0, True, href[-1] if href else ""))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Run(" ", bold > 0, italic > 0, False, href[-1] if href else ""))
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            target = str(token.attrs.get("href", ""))
            href.append(target if _SAFE_LINK.match(target) else "")
        elif kind == "link_close":
            if href:
                href.pop()
        elif kind == "html_inline":  # not produced with html off; kept as text if it ever is
            out.append(Run(token.content, bold > 0, italic > 0, False, ""))
    return tuple(_merged(out))


def _merged(items: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in items:
        if not run.text:
            continue
        if merged and _same_style(merged[-1], run):
            last = merged[-1]
            merged[-1] = Run(last.text + run.text, last.bold, last.italic, last.code, last.href)
        else:
            merged.append(run)
    return merged


def _same_style(a: Run, b: Run) -> bool:
    return (a.bold, a.italic, a.code, a.href) == (b.bold, b.italic, b.code, b.href)


def plain(markdown: str) -> str:
    """The text of the line, without markup (a link keeps its text; an autolink its URL)."""
    return "".join(run.text for run in runs(markdown))


def _groups(markdown: str) -> list[tuple[str, list[Run]]]:
    """Runs grouped by link target (consecutive runs of one link stay together)."""
    groups: list[tuple[str, list[Run]]] = []
    for run in runs(markdown):
        if groups and run.href and groups[-1][0] == run.href:
            groups[-1][1].append(run)
        else:
            groups.append((run.href, [run]))
    return groups


def _render(
    markdown: str,
    styled: Callable[[Run], str],
    link: Callable[[str, list[Run], str], str],
) -> str:
    """``markdown`` in a platform's syntax: each run ``styled``, each link's runs handed to
    ``link(target, runs, styled_text)``."""
    out: list[str] = []
    for target, group in _groups(markdown):
        inner = "".join(styled(run) for run in group)
        out.append(link(target, group, inner) if target else inner)
    return "".join(out)


def slack(markdown: str) -> str:
    """Slack ``mrkdwn``."""

    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def styled(run: Run) -> str:
        text = escape(run.text)
        if run.code:
            return f"`{text.replace('`', 'ˋ')}`"
        if run.italic and text.strip():
            text = f"_{text}_"
        if run.bold and text.strip():
            text = f"*{text}*"
        return text

    def link(target: str, group: list[Run], inner: str) -> str:
        label = "".join(escape(run.text) for run in group).replace("|", "¦")
        safe = escape(target.replace("|", "%7C"))
        return f"<{safe}>" if label == safe else f"<{safe}|{label}>"

    return _render(markdown, styled, link)


def telegram(markdown: str) -> str:
    """Telegram ``parse_mode=HTML``."""

    def styled(run: Run) -> str:
        text = html.escape(run.text, quote=False)
        if run.code:
            return f"<code>{text}</code>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.bold:
            text = f"<b>{text}</b>"
        return text

    def link(target: str, group: list[Run], inner: str) -> str:
        return f'<a href="{html.escape(target, quote=True)}">{inner}</a>'

    return _render(markdown, styled, link)


def _markdown_target(target: str) -> str:
    """A link target that ends a Markdown ``(...)`` only where it should."""
    return target.replace(")", "%29").replace("(", "%28").replace(" ", "%20")


_DISCORD_SPECIAL = re.compile(r"([\\*_~`|\[\]])")
_DISCORD_LEADING = re.compile(r"^(\s*)([#>-])")


def discord_escape(text: str) -> str:
    """Plain text that Discord's Markdown shows as written."""
    return _DISCORD_LEADING.sub(r"\1\\\2", _DISCORD_SPECIAL.sub(r"\\\1", text))


def discord(markdown: str) -> str:
    """Discord Markdown (``content`` and embed descriptions)."""

    def escape(text: str) -> str:
        return discord_escape(text)

    def styled(run: Run) -> str:
        if run.code:
            return f"`{run.text.replace('`', 'ˋ')}`"
        text = escape(run.text)
        if run.italic and text.strip():
            text = f"*{text}*"
        if run.bold and text.strip():
            text = f"**{text}**"
        return text

    def link(target: str, group: list[Run], inner: str) -> str:
        safe = _markdown_target(target)
        label = "".join(run.text for run in group)
        return f"<{safe}>" if label == target else f"[{inner}]({safe})"

    return _render(markdown, styled, link)


def simple_markdown(markdown: str) -> str:
    """The Markdown subset DingTalk and WeCom robots render: bold, links, code."""

    def styled(run: Run) -> str:
        text = run.text.replace("<", "＜").replace(">", "＞")  # these robots render some tags
        text = text.replace("*", "＊") if run.bold else text
        if run.code:
            return f"`{text.replace('`', 'ˋ')}`"
        if run.bold and text.strip():
            text = f"**{text}**"
        return text

    def link(target: str, group: list[Run], inner: str) -> str:
        label = "".join(run.text for run in group).replace("[", "［").replace("]", "］")
        return f"[{label}]({_markdown_target(target)})"

    return _render(markdown, styled, link)
