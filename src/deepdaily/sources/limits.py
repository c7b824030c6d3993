"""Bounds on what one source may hand the pipeline: nesting depth, entries, field lengths, links.

Whatever a source sends is bounded before it becomes entries:

- **JSON nesting** (JSON Feed, JSONL records, Discourse answers) is measured without recursion
  before :func:`json.loads` sees the text (:func:`load_json`); deeper than ``MAX_DEPTH`` levels
  is a one-line :class:`~deepdaily.errors.ParseError`, never Python's ``RecursionError``.
- **Entries** per source: at most ``[fetch] max_entries`` (default 1000), the first ones
  listed; the rest are dropped with a warning of the source. The built-in parsers do not even
  read them (:class:`Parsed` counts them); :func:`admit_entries` holds any type to the cap.
- **Fields**: titles, summaries, texts, HTML bodies, authors, GUIDs, tags and outbound links are
  cut to the ``MAX_*`` lengths below (a title over ``MAX_TITLE`` characters ends with "…"), and
  control characters (NUL and the other C0 controls but tab and line breaks) are removed.
- **Links**: an entry's own link must pass :func:`~deepdaily.extract.urls.web_url` (``http`` or
  ``https``, parsed by the fetcher's own URL parser, at most 8192 characters), except that a
  source the user configured as a local file may list local files. An entry without such a link
  is refused with its reason; outbound links that fail the same gate are dropped silently.

:func:`admit_entries` applies the entry, field and link bounds to what any source type returned,
so a type added later is bounded too; the parsers apply the depth bound themselves.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from deepdaily.errors import ParseError
from deepdaily.extract.urls import canonical_url, web_url
from deepdaily.fetch.guard import is_local, shown
from deepdaily.models import Entry

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "MAX_DEPTH",
    "MAX_LINKS",
    "MAX_SUMMARY",
    "MAX_TAGS",
    "MAX_TEXT",
    "MAX_TITLE",
    "Admitted",
    "Parsed",
    "admit_entries",
    "entry_link",
    "json_too_deep",
    "load_json",
    "one_line",
    "refusal_warnings",
]

MAX_DEPTH = 64
DEFAULT_MAX_ENTRIES = 1000
MAX_TITLE = 500
MAX_SUMMARY = 20_000
MAX_TEXT = 2_000_000
MAX_SHORT = 500  # author, GUID, one tag
MAX_TAGS = 50
MAX_LINKS = 500

_ESCAPE = re.compile(r"\\.", re.DOTALL)
_ESCAPE_BYTES = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_STRING_BYTES = re.compile(rb'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NOT_BRACKET_BYTES = re.compile(rb"[^\[\]{}]+")
_OPENERS = str.maketrans("[{]}", "(())")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def json_too_deep(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the arrays and objects of the JSON ``text`` nest deeper than ``limit`` levels,
    decided without recursion (regular expressions and string passes, linear in the text for
    each level up to ``limit``). Unbalanced brackets count as open, as a recursive parser would
    descend into them before failing."""
    if isinstance(text, bytes):
        bare = _NOT_BRACKET_BYTES.sub(b"", _STRING_BYTES.sub(b"", _ESCAPE_BYTES.sub(b"", text)))
        brackets = bare.decode("ascii")
    else:
        brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    nested = brackets.translate(_OPENERS)
    if nested.count("(") <= limit:
        return False
    # Every pass removes the innermost pairs, one level; after ``passes`` passes only deeper
    # pairs and the unmatched residue (whose openers a parser would also descend into) remain.
    passes = 0
    while "()" in nested and passes <= limit:
        nested = nested.replace("()", "")
        passes += 1
    return passes + nested.count("(") > limit


def load_json(text: str | bytes, *, label: str, what: str = "JSON") -> Any:
    """The decoded JSON ``text``; a one-line :class:`ParseError` naming ``label`` when it is not
    valid JSON or nests deeper than ``MAX_DEPTH`` levels."""
    if json_too_deep(text):
        raise ParseError(f"{label}: {what} nested deeper than {MAX_DEPTH} levels", url=label)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f" at line {exc.lineno}" if exc.lineno > 1 else ""
        raise ParseError(f"{label}: invalid {what} ({exc.msg}{where})", url=label) from None
    except (UnicodeDecodeError, RecursionError, ValueError) as exc:
        raise ParseError(f"{label}: invalid {what} ({one_line(exc)})", url=label) from None


def one_line(exc: BaseException) -> str:
    """An exception as a short line: its type, and its message when it has one."""
    message = " ".join(str(exc).split())
    if len(message) > 160:
        message = message[:159] + "…"
    name = type(exc).__name__
    return f"{name} ({message})" if message else name


def entry_link(raw: object, *, base: str, local_source: bool = False) -> str:
    """The link of an entry as listed (``raw``, relative to ``base``) if deepdaily may store it;
    :class:`ValueError` with the reason (not repeating the link) otherwise. Local files pass
    only for local sources."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("no link")
    if local_source and is_local(raw.strip()) and not raw.strip().startswith("//"):
        return raw.strip()
    try:
        return web_url(raw, base if base and not is_local(base) else None)
    except ValueError as exc:
        raise ValueError(f"link refused: {exc}") from None


def _cut(text: str, limit: int) -> str:
    """``text`` without control characters (NUL and the other C0 controls but tab and line
    breaks, DEL), cut to ``limit`` characters."""
    text = _CONTROL.sub("", text[: limit * 2]) if _CONTROL.search(text) else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _links(links: tuple[str, ...]) -> tuple[str, ...]:
    kept: list[str] = []
    for link in links[: MAX_LINKS * 2]:
        try:
            kept.append(canonical_url(web_url(link)))
        except ValueError:
            continue
        if len(kept) == MAX_LINKS:
            break
    return tuple(kept)


def _bounded(entry: Entry, url: str) -> Entry:
    tags = tuple(_cut(tag, MAX_SHORT) for tag in entry.tags[:MAX_TAGS])
    return entry.model_copy(
        update={
            "url": url,
            "title": _cut(" ".join(entry.title.split()), MAX_TITLE),
            "summary": _cut(entry.summary, MAX_SUMMARY),
            "content_html": _cut(entry.content_html, MAX_TEXT),
            "content_text": _cut(entry.content_text, MAX_TEXT),
            "author": _cut(entry.author, MAX_SHORT),
            "guid": _cut(entry.guid, MAX_SHORT),
            "tags": tags,
            "links": _links(entry.links),
        }
    )


class Parsed(NamedTuple):
    """What a parser read: the entries, how many items were unusable (each with a reason in
    the parser's ``problems``) and how many were over ``max_entries`` and left unread."""

    entries: list[Entry]
    skipped: int
    dropped: int = 0


@dataclass
class Admitted:
    """The entries a source may hand on, one line per refused entry (``"<url>: <why>"``) and
    how many entries were over the ``max_entries`` cap."""

    entries: list[Entry] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dropped: int = 0


def refusal_warnings(refused: list[str], *, dropped: int = 0, listed: int = 0) -> list[str]:
    """The source's warning lines for refused entries (how many, the first reason) and for
    entries dropped over the cap."""
    lines: list[str] = []
    if refused:
        count = len(refused)
        lines.append(f"refused {count} entr{'y' if count == 1 else 'ies'}; first: {refused[0]}")
    if dropped:
        lines.append(
            f"listed {listed} entries; kept the first {listed - dropped} ([fetch] max_entries)"
        )
    return lines


def admit_entries(
    entries: list[Entry], *, source_url: str, max_entries: int = DEFAULT_MAX_ENTRIES
) -> Admitted:
    """Apply the link, field and count bounds to one source's ``entries`` (in order)."""
    admitted = Admitted()
    local_source = is_local(source_url)
    for number, entry in enumerate(entries, start=1):
        if len(admitted.entries) >= max_entries:
            admitted.dropped = len(entries) - number + 1
            break
        where = shown(entry.url) if entry.url.strip() else f"entry {number}"
        try:
            url = entry_link(entry.url, base=source_url, local_source=local_source)
            admitted.entries.append(_bounded(entry, url))
        except ValueError as exc:
            admitted.refused.append(f"{where}: {_reason(exc)}")
        except Exception as exc:  # a bad entry costs itself, never its source
            admitted.refused.append(f"{where}: unreadable: {one_line(exc)}")
    return admitted


def _reason(exc: ValueError) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
