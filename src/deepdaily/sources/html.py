"""The ``html`` source type: a web page that is either one article or a listing of articles.

A listing (a blog index, a news section) has many links to other pages of the same site with
title-like anchor text and little prose of its own; it yields one entry per linked article,
titled by the anchor text and without content, so the extract stage fetches each article
(links to anchors of one page are one entry: the page is what gets fetched). Any other page is
an article: one entry whose ``content_html`` is the page itself. The page is decoded by
:func:`~deepdaily.fetch.decode_body`; what it had to guess or replace is a warning.

The decision is a heuristic: at least ``MIN_LISTING_LINKS`` article-like links and, on average,
less than ``PROSE_PER_LINK`` characters of paragraph text per link. A page may list at most
``MAX_LISTING_ENTRIES`` articles. A binary body (an image, an archive, NUL bytes: what
:func:`binary_kind` recognises) is a :class:`~deepdaily.errors.ParseError`, never a document of
mojibake; parsing runs in the parser thread. Article links and the page's
``<link rel=canonical>`` pass :func:`~deepdaily.extract.urls.web_url` (``http(s)`` only,
parsed as the fetcher parses them); anything else on the page is ignored.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from deepdaily.config import SourceSpec
from deepdaily.errors import ParseError
from deepdaily.extract.urls import canonical_url, same_host, web_url
from deepdaily.fetch import Fetcher, FetchResponse
from deepdaily.models import Entry
from deepdaily.sources.base import (
    Collected,
    FetchedSource,
    collected,
    off_loop,
    register_source_type,
)

__all__ = ["HtmlSource", "article_links", "binary_kind", "is_listing", "parse_html_page"]

MIN_LISTING_LINKS = 3
PROSE_PER_LINK = 250
MAX_LISTING_ENTRIES = 50
_MIN_ANCHOR_CHARS = 20
_MIN_ANCHOR_CHARS_WIDE = 8  # titles in CJK scripts are short in characters
_NOT_ARTICLES = re.compile(
    r"/(?:tag|tags|category|categories|author|authors|page|search|login|signup|about|"
    r"contact|privacy|terms)(?:/|$)",
    re.IGNORECASE,
)


@register_source_type
class HtmlSource(FetchedSource):
    """An article page or a listing page."""

    name: ClassVar[str] = "html"

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        return await off_loop(self._parse, spec, response)  # in the parser thread

    def _parse(self, spec: SourceSpec, response: FetchResponse) -> Collected:
        kind = binary_kind(response.body, response.content_type)
        if kind:
            label = response.url
            raise ParseError(f"{label}: binary body ({kind}), not HTML", url=label)
        decoded = response.decoded
        entries = parse_html_page(
            decoded.text, url=response.final_url, source=spec.name, label=response.url
        )
        return collected(response, entries, decoding=decoded.warning)


#: Leading bytes of formats that are never a web page.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "executable"),
    (b"\x00\x00\x01\x00", "icon"),
)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def binary_kind(body: bytes, content_type: str = "") -> str:
    """What binary format ``body`` is (``""`` when it may be text): a known signature, an
    image/audio/video content type, or NUL bytes in its first kilobyte (outside UTF-16)."""
    for magic, kind in _MAGIC:
        if body.startswith(magic):
            return kind
    if body[4:12] in (b"ftypisom", b"ftypmp42") or (body[:4] == b"RIFF" and body[8:12] == b"WEBP"):
        return "media file"
    major = content_type.split("/", 1)[0]
    if major in ("image", "audio", "video", "font"):
        return content_type
    head = body[:1024]
    if b"\x00" in head and not head.startswith(_UTF16_BOMS) and b"<\x00" not in head:
        return "NUL bytes"
    return ""


def _squash(text: str | None) -> str:
    return " ".join((text or "").split())


def _document(page: str, label: str) -> lxml.html.HtmlElement:
    if not page.strip():
        raise ParseError(f"{label}: empty body", url=label)
    try:
        root = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"{label}: not HTML: {_squash(str(exc))}", url=label) from None
    for element in root.iter("script", "style", "noscript", "template"):
        element.drop_tree()
    return root


def _title_like(text: str) -> bool:
    if len(text) >= _MIN_ANCHOR_CHARS:
        return True
    return len(text) >= _MIN_ANCHOR_CHARS_WIDE and any(ord(ch) > 0x2E7F for ch in text)


def article_links(root: lxml.html.HtmlElement, url: str) -> list[tuple[str, str]]:
    """``(url, anchor text)`` of links that look like articles on the page's own site."""
    own = canonical_url(url)
    found: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            target = web_url(href, url)
        except ValueError:
            continue  # javascript:, mailto:, an invalid host...
        parts = urlsplit(target)
        if not same_host(target, url):
            continue
        if parts.path in ("", "/") or _NOT_ARTICLES.search(parts.path):
            continue
        text = _squash(anchor.text_content())
        key = canonical_url(target)
        if key == own or not _title_like(text):
            continue
        found.setdefault(key, text)
    return list(found.items())


def _prose_chars(root: lxml.html.HtmlElement) -> int:
    """Characters of paragraph text that is not link text."""
    total = 0
    for paragraph in root.iter("p"):
        text = len(_squash(paragraph.text_content()))
        linked = sum(len(_squash(a.text_content())) for a in paragraph.iter("a"))
        total += max(0, text - linked)
    return total


def is_listing(root: lxml.html.HtmlElement, url: str) -> bool:
    """True when the page mostly points at articles rather than being one."""
    links = article_links(root, url)
    if len(links) < MIN_LISTING_LINKS:
        return False
    return _prose_chars(root) < PROSE_PER_LINK * len(links)


def _meta(root: lxml.html.HtmlElement, *names: str) -> str:
    for name in names:
        for element in root.iter("meta"):
            if name in (element.get("property"), element.get("name")):
                value = _squash(element.get("content"))
                if value:
                    return value
    return ""


def _page_title(root: lxml.html.HtmlElement) -> str:
    title = _meta(root, "og:title", "twitter:title")
    if title:
        return title
    for tag in ("h1", "title"):
        for element in root.iter(tag):
            text = _squash(element.text_content())
            if text:
                return text
    return ""


def _page_url(root: lxml.html.HtmlElement, url: str) -> str:
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            try:
                target = web_url(link.get("href") or "", url)
            except ValueError:
                continue
            if same_host(target, url):
                return target
    return url


def parse_html_page(page: str, *, url: str, source: str, label: str | None = None) -> list[Entry]:
    """Entries of the HTML ``page`` fetched from ``url``: one article, or a listing's links."""
    label = label or url
    root = _document(page, label)
    if is_listing(root, url):
        return [
            Entry(source=source, url=link, title=text)
            for link, text in article_links(root, url)[:MAX_LISTING_ENTRIES]
        ]
    page_url = _page_url(root, url)
    return [
        Entry(
            source=source,
            url=page_url,
            title=_page_title(root) or page_url,
            summary=_meta(root, "description", "og:description"),
            content_html=page,
        )
    ]
