"""Make text safe to drop into a Markdown line of a Hugo post, and into TOML front matter.

Digest text comes from sources and models, so it may hold line breaks, raw HTML, Hugo shortcode
delimiters or a leading ``#``, ``>``, ``-``, ``1.`` or ``+++`` that would change the structure of
the post. :func:`md_text` turns any string into one line that renders as the same words:
whitespace runs become one space, HTML tag openers and ``{{`` are backslash-escaped, and a
leading block marker is escaped. Inline emphasis is kept (LLM text uses ``**bold**`` on purpose).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

__all__ = [
    "md_autolink",
    "md_emphasis",
    "md_heading",
    "md_label",
    "md_text",
    "md_url",
    "toml_value",
]

_WHITESPACE_RE = re.compile(r"\s+")
_HTML_RE = re.compile(r"<(?=[A-Za-z/!?])")
_LEADING = [
    (re.compile(r"^(#{1,6})(?=\s|$)"), r"\\\1"),  # ATX heading
    (re.compile(r"^([>|\[])"), r"\\\1"),  # block quote, table, link definition, task box
    (re.compile(r"^([-+*])(?=\s|$)"), r"\\\1"),  # bullet
    (re.compile(r"^(\d{1,9})([.)])(?=\s|$)"), r"\1\\\2"),  # ordered list
    (re.compile(r"^(`{3,}|~{3,})"), r"\\\1"),  # code fence
    (re.compile(r"^([-+*_=])(?=\1{2})"), r"\\\1"),  # thematic break, +++ fence, underline
]


def md_text(value: object) -> str:
    """One line of Markdown that renders as ``value``'s text and cannot break the page."""
    text = _WHITESPACE_RE.sub(" ", str(value)).strip()
    text = _HTML_RE.sub(r"\\<", text).replace("{{", "{\\{")
    for pattern, replacement in _LEADING:
        text = pattern.sub(replacement, text, count=1)
    if text.endswith("\\") and not text.endswith("\\\\"):
        text += "\\"  # a lone trailing backslash would be a hard line break
    return text


def md_heading(value: object) -> str:
    """:func:`md_text` for a heading: a trailing `` #`` would be read as a closing sequence."""
    return re.sub(r"(\s)(#+)$", r"\1\\\2", md_text(value))


def md_label(value: object) -> str:
    """:func:`md_text` for a ``**bold**`` label: asterisks inside are escaped."""
    return md_text(value).replace("*", "\\*")


def md_emphasis(value: object) -> str:
    """:func:`md_text` for ``*italic*`` text: asterisks and underscores inside are escaped."""
    return md_text(value).replace("*", "\\*").replace("_", "\\_")


def md_url(value: object) -> str:
    """A URL as one unbreakable token: whitespace and angle brackets percent-encoded."""
    url = str(value).strip()
    for char, code in (
        (" ", "%20"),
        ("\t", "%09"),
        ("\n", ""),
        ("\r", ""),
        ("<", "%3C"),
        (">", "%3E"),
        ('"', "%22"),
    ):
        url = url.replace(char, code)
    return url


def md_autolink(value: object) -> str:
    """A URL as a CommonMark autolink, ``<https://…>``: a link in any renderer, whatever
    precedes it (Hugo's linkifier does not start after a full-width colon). A value that is
    not an absolute http(s) URL, or that an autolink cannot hold (a backslash, a control
    character), stays plain :func:`md_url` text."""
    url = md_url(value)
    if not re.match(r"^https?://[^\s<>]+$", url, re.IGNORECASE) or "\\" in url:
        return md_text(url)
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        return md_text(url)
    return f"<{url}>"


def _toml_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char in "\n\t\r\b\f":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def toml_value(value: Any) -> str:
    """A TOML literal for a string, bool, int, float, list, or timezone-aware datetime."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"front-matter date {value.isoformat()} has no timezone offset")
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return _toml_string(str(value))
