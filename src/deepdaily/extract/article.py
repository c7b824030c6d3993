"""Main text and metadata of one HTML page, and HTML-to-text for feed and forum bodies.

:func:`extract_article` parses the page once. trafilatura reads (a copy of) that tree for the
main text and, when asked for metadata, the title, author and the page's own publication date
(htmldate, run by trafilatura on the same tree; never a guess from "today"); the outbound links
of the main content are read from the tree itself (the links whose
paragraph made it into the text). The mode (``[fetch] extraction``, :data:`EXTRACTION_MODES`)
picks trafilatura's heuristics: ``standard``, the default, with its fallback extractors;
``fast`` without them (about a fifth cheaper, but on pages without clear markup it loses
paragraphs: main-text recall 0.84 against 0.99 on the ingest benchmark's pages); ``precision``
or ``recall``. It is CPU-bound and pure, so :mod:`deepdaily.extract.documents` runs it in worker
processes; everything it returns is picklable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, NamedTuple
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from deepdaily.extract.urls import canonical_url, links_in_html, web_url

__all__ = [
    "DEFAULT_MODE",
    "EXTRACTION_MODES",
    "Article",
    "ExtractionMode",
    "extract_article",
    "html_to_text",
    "parse_date",
]

ExtractionMode = Literal["fast", "standard", "precision", "recall"]


class ModeOptions(NamedTuple):
    """trafilatura's heuristics switches (``fast`` skips its fallback extractors)."""

    fast: bool = False
    favor_precision: bool = False
    favor_recall: bool = False


#: trafilatura's options for each ``[fetch] extraction`` mode (``benchmarks/ingest.py`` measures
#: the cost and the main-text recall and precision of each).
EXTRACTION_MODES: dict[str, ModeOptions] = {
    "fast": ModeOptions(fast=True),
    "standard": ModeOptions(),
    "precision": ModeOptions(favor_precision=True),
    "recall": ModeOptions(favor_recall=True),
}
#: The default mode: the cheapest keeping main-text recall >= 0.95 on the ingest benchmark.
DEFAULT_MODE: ExtractionMode = "standard"
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

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
_LANG = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_].*)?\s*", re.DOTALL)  # <html lang="...">
#: Elements a link's context is read from, and the words from which it counts as content
#: wherever it sits in the extracted text (a shorter one must be a line of its own).
_LINK_BLOCKS = frozenset(
    {"p", "li", "dd", "dt", "td", "th", "blockquote", "figcaption", "pre", "div", "section"}
    | {f"h{level}" for level in range(1, 7)}
)
_LINK_BLOCK_WORDS = 4
#: Links that may be content: not in-page, not inside the page's navigation or chrome.
_CANDIDATE_LINKS = etree.XPath(
    "//a[@href][not(starts-with(normalize-space(@href), '#'))]"
    "[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
    " or ancestor::form)]"
)
#: Links around the content: the candidates above and those in asides (related boxes).
_NEARBY_LINKS = etree.XPath(
    "//a[@href][not(starts-with(normalize-space(@href), '#'))]"
    "[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::form)]"
)
_RUNS = re.compile(r"\s+")
_LOOSE = re.compile(r"\s\s|[^\S ]")  # whitespace _RUNS would change: a run, or not a space
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


def _date_params() -> dict[str, object]:
    """htmldate's options for trafilatura's metadata pass, the same :func:`_page_date` uses:
    the page's original date, no extensive search (a fresh dict per page, as trafilatura
    writes the page's URL into it)."""
    return {"extensive_search": False, "original_date": True, "outputformat": _DATE_FORMAT}


def _page_date(html: str, url: str) -> datetime | None:
    """The page's date when trafilatura could not read the page (a second parse, rare)."""
    try:
        found = find_date(
            html, url=url, extensive_search=False, original_date=True, outputformat=_DATE_FORMAT
        )
    except Exception:  # htmldate is best effort; a date is optional
        return None
    return parse_date(found)


def _main_text(body: etree._Element | None, text: str | None) -> str:
    """The text of trafilatura's ``body``: runs of whitespace collapsed except in code.
    ``text`` is trafilatura's own rendering of it, used as it is when nothing needed
    collapsing (nearly always)."""
    if body is None:
        return ""
    loose = False
    for element in body.iter():
        if element.tag == "code":
            continue  # line breaks in code are meaningful
        inner, tail = element.text, element.tail
        if inner and _LOOSE.search(inner):
            element.text, loose = _RUNS.sub(" ", inner), True
        if tail and _LOOSE.search(tail):
            element.tail, loose = _RUNS.sub(" ", tail), True
    if loose or text is None:
        text = xmltotxt(body, include_formatting=False)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _content_links(tree: lxml.html.HtmlElement, text: str, url: str) -> tuple[str, ...]:
    """The web links of the page's main content: those whose paragraph (or list item, cell,
    heading...) is in the extracted ``text`` (a short one as a whole line of it), so
    navigation, footers and sidebars are left out. Read from the page's own tree, as asking
    trafilatura to keep links costs recall."""
    flat = " ".join(text.split())
    lines: set[str] | None = None  # the text's lines, made when a short block needs them
    blocks: dict[lxml.html.HtmlElement, bool] = {}
    found: dict[str, None] = {}
    for anchor in _CANDIDATE_LINKS(tree):
        block = anchor.getparent()
        while block is not None and block.tag not in _LINK_BLOCKS:
            block = block.getparent()
        if block is None:
            continue
        inside = blocks.get(block)
        if inside is None:
            words = block.text_content().split()
            said = " ".join(words)
            # A long paragraph is content wherever it sits in the text; a short one ("Source:
            # Lab X", a menu item) only as a line of its own.
            if len(words) >= _LINK_BLOCK_WORDS:
                inside = said in flat
            else:
                if lines is None:
                    lines = {" ".join(ln.split()).removeprefix("- ") for ln in text.split("\n")}
                inside = said in lines
            blocks[block] = inside
        if not inside:
            continue
        try:
            absolute = urljoin(url, anchor.get("href", "").strip())
        except ValueError:  # e.g. an unclosed IPv6 bracket
            continue
        if urlsplit(absolute).scheme.lower() in ("http", "https"):
            found.setdefault(canonical_url(absolute))
    return tuple(found)


def _nearby_links(tree: lxml.html.HtmlElement, url: str) -> tuple[str, ...]:
    """The page's web links outside its menus, headers, footers and forms."""
    found: dict[str, None] = {}
    for anchor in _NEARBY_LINKS(tree):
        try:
            found.setdefault(canonical_url(web_url(anchor.get("href", ""), url)))
        except ValueError:
            continue  # not a web link (mailto:, javascript:, an invalid host...)
    return tuple(found)


def extract_article(
    html: str, url: str, *, metadata: bool = True, mode: ExtractionMode = DEFAULT_MODE
) -> Article | None:
    """The main text and metadata of the page ``html`` fetched from ``url``; None if empty.

    ``metadata=False`` skips title, author and date extraction (the metadata pass and its date
    search cost about a quarter of the CPU per page, measured by ``benchmarks/ingest.py``) for
    entries whose feed already gave them. ``mode`` is one of :data:`EXTRACTION_MODES`.
    """
    if not html or not html.strip():
        return None
    options = EXTRACTION_MODES[mode]
    try:
        tree = load_html(html)
    except Exception:  # lxml refuses some inputs outright
        tree = None
    doc = None
    if tree is not None:
        try:
            doc = trafilatura.bare_extraction(
                tree,  # trafilatura works on a copy: this tree stays whole for the links
                url=url,
                with_metadata=metadata,
                date_extraction_params=_date_params() if metadata else None,
                include_comments=False,
                fast=options.fast,
                favor_precision=options.favor_precision,
                favor_recall=options.favor_recall,
            )
        except Exception:  # trafilatura raises assorted errors on hostile markup
            doc = None
    text = _main_text(getattr(doc, "body", None), getattr(doc, "text", None))
    if text and tree is not None:
        # A text without links of its own keeps those around it: many pages cite their
        # sources in a "related" box beside the article, not in it (menus, headers and
        # footers are left out).
        links = _content_links(tree, text, url) or _nearby_links(tree, url)
    else:  # nothing extracted: the page's whole text stands in, and all its links
        text = html_to_text(html)
        if not text:
            return None
        links = tuple(links_in_html(html, url))
    match = _LANG.fullmatch((tree.get("lang") or "") if tree is not None else "")
    language = (getattr(doc, "language", None) or (match.group(1) if match else "")).lower()
    published = None
    if metadata:
        published = parse_date(getattr(doc, "date", None)) if doc else _page_date(html, url)
    own = canonical_url(url)
    return Article(
        title=(getattr(doc, "title", None) or "").strip(),
        text=text,
        published=published,
        language=language,
        author=(getattr(doc, "author", None) or "").strip(),
        links=tuple(link for link in links if link != own),
    )
