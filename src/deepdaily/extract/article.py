"""Main text and metadata of one HTML page, and HTML-to-text for feed and forum bodies.

:func:`extract_article` runs trafilatura (main text, title, author, language), htmldate (the
page's own publication date, never a guess from "today") and collects the outbound links of the
main content. It is CPU-bound and pure, so :mod:`deepdaily.extract.documents` runs it in worker
processes; everything it returns is picklable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.xml import xmltotxt

from deepdaily.extract.urls import canonical_url, links_in_html

__all__ = ["Article", "extract_article", "html_to_text", "parse_date"]

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "blockquote",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "hr",
        "figure",
        "dl",
    }
)
_LINES = frozenset({"br", "li", "tr", "dt", "dd", "figcaption"})
_DROP = ("script", "style", "noscript", "template", "head", "iframe", "object", "svg")
_LANG = re.compile(r"""<html[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})""", re.IGNORECASE)
_RUNS = re.compile(r"\s+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


@dataclass(frozen=True)
class Article:
    """What one page says, as extracted."""

    title: str
    text: str
    published: datetime | None = None
    language: str = ""
    author: str = ""
    links: tuple[str, ...] = ()


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as a timezone-aware UTC datetime (naive means UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML fragment: paragraphs kept, markup and scripts dropped."""
    if not html or not html.strip():
        return ""
    if "<" not in html and "&" not in html:
        return _tidy(html)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]+>", " ", html))
    for element in root.iter(*_DROP):
        element.drop_tree()
    pieces: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        if not isinstance(element.tag, str):  # comments, processing instructions
            if element.tail:
                pieces.append(element.tail)
            return
        tag = element.tag.lower()
        brk = "\n\n" if tag in _BLOCKS else ""
        pieces.append(brk)
        if element.text:
            pieces.append(element.text)
        for child in element:
            walk(child)
        pieces.append("\n" if tag in _LINES else brk)
        if element.tail:
            pieces.append(element.tail)

    walk(root)
    return _tidy("".join(pieces))


def _tidy(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _page_date(html: str, url: str) -> datetime | None:
    try:
        found = find_date(
            html,
            url=url,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
        )
    except Exception:  # htmldate is best effort; a date is optional
        return None
    return parse_date(found)


def _text_and_links(body: etree._Element | None, url: str) -> tuple[str, tuple[str, ...]]:
    """The main text of trafilatura's body (links as plain words) and the links it held."""
    if body is None:
        return "", ()
    found: dict[str, None] = {}
    for ref in body.iter("ref"):
        target = (ref.get("target") or "").strip()
        if not target:
            continue
        absolute = urljoin(url, target)
        if urlsplit(absolute).scheme.lower() in ("http", "https"):
            found.setdefault(canonical_url(absolute))
    etree.strip_tags(body, "ref")
    for element in body.iter():
        if element.tag == "code":
            continue  # line breaks in code are meaningful
        if element.text:
            element.text = _RUNS.sub(" ", element.text)
        if element.tail:
            element.tail = _RUNS.sub(" ", element.tail)
    text = "\n".join(line.rstrip() for line in xmltotxt(body, include_formatting=False).split("\n"))
    return text.strip(), tuple(found)


def extract_article(html: str, url: str, *, metadata: bool = True) -> Article | None:
    """The main text and metadata of the page ``html`` fetched from ``url``; None if empty.

    ``metadata=False`` skips title, author and date extraction (about a quarter of the CPU per
    page, measured by ``benchmarks/ingest.py``) for entries whose feed already gave them.
    """
    if not html or not html.strip():
        return None
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=metadata, include_links=True, include_comments=False
        )
    except Exception:  # trafilatura raises assorted errors on hostile markup
        doc = None
    text, links = _text_and_links(getattr(doc, "body", None), url)
    if not text:
        text = html_to_text(html)
        if not text:
            return None
    match = _LANG.search(html[:4096])
    language = (getattr(doc, "language", None) or (match.group(1) if match else "")).lower()
    published = _page_date(html, url) if metadata else None
    links = links or tuple(links_in_html(html, url))
    own = canonical_url(url)
    return Article(
        title=(getattr(doc, "title", None) or "").strip(),
        text=text,
        published=published,
        language=language,
        author=(getattr(doc, "author", None) or "").strip(),
        links=tuple(link for link in links if link != own),
    )
