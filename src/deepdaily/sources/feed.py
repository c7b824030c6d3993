"""The ``feed`` source type: RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom and JSON Feed.

A fetched feed is decoded by :func:`~deepdaily.fetch.decode_body` (BOM, XML declaration, HTTP
charset, UTF-8, detection; never one stray byte turning the whole feed into mojibake) and handed
to feedparser as UTF-8 (:func:`as_utf8`), so a feed with a wrong, lying or missing encoding still
parses into correct text; what the decoder had to guess or replace becomes a warning of the
source. A malformed feed that still yields entries is accepted. Before
parsing, a body that declares XML entities is refused (entity-expansion attacks such as "billion
laughs"), and bodies that are empty, HTML or malformed without entries raise a one-line
:class:`~deepdaily.errors.ParseError`. JSON Feed (1.0 and 1.1) is parsed with :mod:`json` once
its nesting is known to be at most :data:`~deepdaily.sources.limits.MAX_DEPTH` levels.
Parsing runs in the parser thread (:func:`~deepdaily.sources.base.off_loop`), so a huge feed
never stalls the other sources, and only the first ``[fetch] max_entries`` items are parsed at
all (an XML feed is cut before the next item and closed again).

An item that cannot be read (no link, no title, a field of the wrong type, anything a hostile
feed can make an item raise) costs that item alone: it is skipped with a one-line reason and
the feed's other items are kept. Links are bounded later, by
:func:`~deepdaily.sources.limits.admit_entries`.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

import feedparser

from deepdaily.config import SourceSpec
from deepdaily.errors import ParseError
from deepdaily.extract.article import html_to_text, parse_date
from deepdaily.extract.urls import links_in_html
from deepdaily.fetch import Fetcher, FetchResponse, decode_body
from deepdaily.fetch.guard import shown
from deepdaily.models import Entry
from deepdaily.sources.base import (
    Collected,
    FetchedSource,
    collected,
    off_loop,
    register_source_type,
    root_element,
    root_name,
)
from deepdaily.sources.limits import Parsed, load_json, one_line

__all__ = ["FeedSource", "as_utf8", "parse_feed"]

_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ENTITY_WIDE = ("<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))
_UTF16_START = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")  # UTF-16 XML
_TITLE_LENGTH = 120
_XML_ENCODING = re.compile(r"""\A(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


@register_source_type
class FeedSource(FetchedSource):
    """RSS, Atom and JSON Feed."""

    name: ClassVar[str] = "feed"

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        # In the parser thread: a 10,000-item or deeply nested feed takes seconds to parse, and
        # the event loop must keep serving the other sources (and their deadlines) meanwhile.
        return await off_loop(self._parse, spec, response, fetcher.settings.max_entries)

    def _parse(self, spec: SourceSpec, response: FetchResponse, max_entries: int) -> Collected:
        body, content_type, warning = as_utf8(
            response.body, response.content_type, response.charset
        )
        problems: list[str] = []
        parsed = parse_feed(
            body,
            url=response.final_url,
            source=spec.name,
            content_type=content_type,
            label=response.url,
            problems=problems,
            max_entries=max_entries,
        )
        result = collected(response, parsed.entries, parsed.skipped, decoding=warning)
        result.refused.extend(problems)
        result.dropped = parsed.dropped
        return result


def as_utf8(body: bytes, media_type: str, charset: str | None) -> tuple[bytes, str, str]:
    """The feed re-encoded as UTF-8 (XML declaration adjusted), its content type saying so,
    and the decoder's warning.

    Decoding is :func:`~deepdaily.fetch.decode_body`'s (BOM, XML declaration, HTTP charset,
    UTF-8, detection), so a lying header or one stray byte cannot turn the feed into mojibake;
    feedparser then only ever sees UTF-8.
    """
    if _ENTITY.search(body) or any(wide in body for wide in _ENTITY_WIDE):
        return body, media_type, ""  # parse_feed refuses it; don't decode an attack
    decoded = decode_body(body, charset)
    text = _XML_ENCODING.sub(r"\1", decoded.text.lstrip("\ufeff"), count=1)
    return (
        text.encode("utf-8"),
        f"{media_type or 'application/xml'}; charset=utf-8",
        (decoded.warning),
    )


def parse_feed(
    body: bytes,
    *,
    url: str,
    source: str,
    content_type: str = "",
    label: str | None = None,
    problems: list[str] | None = None,
    max_entries: int | None = None,
) -> Parsed:
    """Entries of the feed ``body`` fetched from ``url``, how many items were unusable and how
    many were over ``max_entries`` (left unread: only the first ``max_entries`` items are
    parsed at all).

    ``label`` names the feed in error messages (defaults to ``url``); ``problems`` (when given)
    receives one line per unusable item, ``"<feed> item <n>: <why>"``.
    """
    problems = [] if problems is None else problems
    label = label or url
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError(f"{label}: empty body", url=label)
    if stripped[:1] == b"{":
        return _parse_json_feed(
            stripped,
            url=url,
            source=source,
            label=label,
            problems=problems,
            max_entries=max_entries,
        )
    if stripped[:1] != b"<" and not stripped.startswith(_UTF16_START):
        raise ParseError(f"{label}: not a feed: not XML or JSON", url=label)
    if _ENTITY.search(body) or any(wide in body for wide in _ENTITY_WIDE):
        raise ParseError(
            f"{label}: refused XML with entity declarations (possible entity-expansion attack)",
            url=label,
        )
    if root_element(stripped) in ("html", "body", "head"):
        raise ParseError(f"{label}: not a feed: looks like HTML", url=label)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    body, dropped = _first_items(body, max_entries)
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    if not parsed.entries:
        _raise_for_empty(parsed, label)
        return Parsed([], 0, dropped)
    entries: list[Entry] = []
    for number, item in enumerate(parsed.entries, start=1):
        try:
            entries.append(_xml_entry(item, url=url, source=source))
        except ValueError as exc:
            problems.append(f"{label} item {number}: {exc}")
        except Exception as exc:  # one hostile item costs itself, never the feed
            problems.append(f"{label} item {number}: unreadable: {one_line(exc)}")
    skipped = len(parsed.entries) - len(entries)
    if not entries:
        # Items that yield nothing usable in a broken document mean the document is broken.
        _raise_for_empty(parsed, label)
    return Parsed(entries, skipped, dropped)


# An item's start tag, or a comment, CDATA section or processing instruction to step over (an
# unterminated one runs to the end, as it does for a parser, which keeps the scan linear).
_ITEM_START = re.compile(
    rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)"
    rb"|<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)(?=[\s/>])",
    re.DOTALL,
)
_CHANNEL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?channel(?=[\s>])")


def _first_items(body: bytes, max_entries: int | None) -> tuple[bytes, int]:
    """``body`` cut before its item number ``max_entries + 1`` and closed again, and how many
    items were cut: feedparser never spends seconds on items that would be dropped. A cut
    that leaves the XML malformed only makes feedparser fall back to its lenient parser."""
    if max_entries is None:
        return body, 0
    starts = (m for m in _ITEM_START.finditer(body) if body[m.start() + 1] not in b"!?")
    cut = next((m.start() for n, m in enumerate(starts) if n == max_entries), None)
    if cut is None:
        return body, 0
    dropped = 1 + sum(1 for _ in starts)
    head, name = body[:cut], root_name(body)
    closing = b"</channel>" if name.lower().endswith(b"rss") and _CHANNEL.search(head) else b""
    return head + closing + (b"</" + name + b">" if name else b""), dropped


def _raise_for_empty(parsed: Any, label: str) -> None:
    """A feed with no entries is fine only if it really is a (quiet) feed."""
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    line_of = getattr(problem, "getLineNumber", None)
    if problem is not None and callable(line_of):
        message = getattr(problem, "getMessage", lambda: str(problem))()
        raise ParseError(f"{label}: malformed XML at line {line_of()}: {message}", url=label)
    if not parsed.get("version"):
        raise ParseError(f"{label}: not a feed: no RSS, RDF or Atom root element", url=label)


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _joined(base: str, link: str) -> str:
    try:
        return urljoin(base, link)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise ValueError(f"link {shown(link)!r} refused: {exc}") from None


def _xml_entry(item: Any, *, url: str, source: str) -> Entry:
    """One entry of a feedparser item; :class:`ValueError` says why there is none."""
    link = _str(item.get("link")).strip()
    if not link:
        guid = _str(item.get("id")).strip()
        link = guid if guid.startswith(("http://", "https://")) else ""
    if not link:
        raise ValueError("no link")
    link = _joined(url, link)
    summary_html = _str(item.get("summary"))
    content_html = _best_content(item.get("content") or [])
    if content_html and html_to_text(content_html) == html_to_text(summary_html):
        summary_html = content_html  # RSS description copied into content: no full body
        content_html = ""
    summary = html_to_text(summary_html)
    title = html_to_text(_str(item.get("title"))) or _shorten(summary)
    if not title:
        raise ValueError("no title")
    published = _struct_to_datetime(item.get("published_parsed") or item.get("updated_parsed"))
    tags = tuple(
        dict.fromkeys(
            _str(tag.get("term") or tag.get("label")).strip()
            for tag in item.get("tags") or []
            if isinstance(tag, dict)
        )
    )
    return Entry(
        source=source,
        url=link,
        title=title,
        summary=summary,
        content_html=content_html,
        published=published,
        author=_str(item.get("author")).strip(),
        tags=tuple(tag for tag in tags if tag),
        links=tuple(links_in_html(content_html or summary_html, link)),
        guid=str(item.get("id") or "").strip(),
    )


def _best_content(contents: list[Any]) -> str:
    """The longest body among an entry's content elements (feedparser gives HTML or text)."""
    return max(
        (_str(part.get("value")) for part in contents if isinstance(part, dict)),
        key=len,
        default="",
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= _TITLE_LENGTH:
        return line
    return line[:_TITLE_LENGTH].rsplit(" ", 1)[0] + "…"


# JSON Feed ------------------------------------------------------------------------------------


def _parse_json_feed(
    body: bytes,
    *,
    url: str,
    source: str,
    label: str,
    problems: list[str],
    max_entries: int | None,
) -> Parsed:
    data = load_json(body, label=label, what="JSON Feed")
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version"
    ):
        raise ParseError(f"{label}: not a feed: JSON without a JSON Feed version", url=label)
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{label}: not a feed: JSON Feed without an items list", url=label)
    dropped = max(0, len(items) - max_entries) if max_entries is not None else 0
    items = items[: len(items) - dropped]
    home = data.get("home_page_url")
    base = home if isinstance(home, str) and home.strip() else url
    feed_authors = _json_authors(data)
    entries: list[Entry] = []
    for number, item in enumerate(items, start=1):
        try:
            entries.append(_json_entry(item, base=base, source=source, feed_authors=feed_authors))
        except ValueError as exc:
            problems.append(f"{label} item {number}: {exc}")
        except Exception as exc:  # one hostile item costs itself, never the feed
            problems.append(f"{label} item {number}: unreadable: {one_line(exc)}")
    return Parsed(entries, len(items) - len(entries), dropped)


def _json_authors(data: dict[str, Any]) -> str:
    authors = data.get("authors")
    if isinstance(authors, list):
        names = [_str(a.get("name")).strip() for a in authors if isinstance(a, dict)]
        return ", ".join(name for name in names if name)
    author = data.get("author")
    return _str(author.get("name")).strip() if isinstance(author, dict) else ""


def _json_entry(item: Any, *, base: str, source: str, feed_authors: str) -> Entry:
    """One entry of a JSON Feed item; :class:`ValueError` says why there is none."""
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    raw_url = item.get("url") or item.get("external_url") or ""
    if not raw_url and _str(item.get("id")).startswith(("http://", "https://")):
        raw_url = item["id"]
    if not isinstance(raw_url, str) or not raw_url.strip():
        raise ValueError("no link")
    link = _joined(base, raw_url.strip())
    content_html = _str(item.get("content_html"))
    content_text = _str(item.get("content_text"))
    summary = html_to_text(_str(item.get("summary")))
    title = html_to_text(_str(item.get("title"))) or _shorten(
        summary or content_text or html_to_text(content_html)
    )
    if not title:
        raise ValueError("no title")
    raw_tags = item.get("tags")
    tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
    published = parse_date(_text(item.get("date_published"))) or parse_date(
        _text(item.get("date_modified"))
    )
    return Entry(
        source=source,
        url=link,
        title=title,
        summary=summary,
        content_html=content_html,
        content_text=content_text,
        published=published,
        author=_json_authors(item) or feed_authors,
        tags=tuple(name for name in map(_scalar, tags) if name),
        links=tuple(links_in_html(content_html, link)),
        guid=_scalar(item.get("id")),
    )


def _scalar(value: Any) -> str:
    """A string or number of a JSON Feed as text (``""`` for anything else)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value).strip()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
