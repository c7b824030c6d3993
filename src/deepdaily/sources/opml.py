"""Import a feed reader's OPML export as source specs.

Every ``<outline>`` with an ``xmlUrl`` becomes a ``feed`` source; one with only an ``htmlUrl``
becomes an ``auto`` source. Names come from ``title`` or ``text`` (else the host) and are made
unique with a `` (2)``, `` (3)`` suffix. Enclosing folders, and ``category`` attributes, become
tags. The XML is parsed with defusedxml, so entity declarations and external references are
refused; outlines nested deeper than :data:`~deepdaily.sources.limits.MAX_DEPTH` levels are
refused too (the tree is walked without recursion). Anything that is not OPML raises a one-line
:class:`~deepdaily.errors.ParseError`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from deepdaily.config import SourceSpec
from deepdaily.errors import ParseError
from deepdaily.sources.limits import MAX_DEPTH, one_line

__all__ = ["parse_opml"]


def _read(text_or_path: str | Path) -> tuple[str | bytes, str]:
    """The OPML document and a label naming it in messages."""
    if isinstance(text_or_path, Path):
        path = text_or_path
    elif text_or_path.lstrip().startswith("<"):
        return text_or_path, "OPML"
    else:
        path = Path(text_or_path).expanduser()
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        raise ParseError(f"file not found: {path}", url=str(path)) from None
    except OSError as exc:
        raise ParseError(f"{path}: cannot read: {exc.strerror}", url=str(path)) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name} ({number})"
        number += 1
    taken.add(candidate)
    return candidate


def _categories(value: str | None) -> list[str]:
    tags: list[str] = []
    for group in (value or "").split(","):
        tags.extend(part.strip() for part in group.split("/") if part.strip())
    return tags


def parse_opml(text_or_path: str | Path) -> list[SourceSpec]:
    """Source specs for the feeds in an OPML document (its text, or a path to it)."""
    document, label = _read(text_or_path)
    try:
        root = SafeET.fromstring(document)
    except DefusedXmlException as exc:
        raise ParseError(
            f"{label}: not valid OPML: refused {type(exc).__name__}", url=label
        ) from None
    except ET.ParseError as exc:
        raise ParseError(f"{label}: not valid OPML: {exc}", url=label) from None
    except (ValueError, RecursionError) as exc:  # e.g. NUL bytes in a str document
        raise ParseError(f"{label}: not valid OPML: {one_line(exc)}", url=label) from None
    if _local(root.tag) != "opml":
        raise ParseError(
            f"{label}: not valid OPML: root element is <{_local(root.tag)}>", url=label
        )
    body = next((child for child in root if _local(child.tag) == "body"), None)
    if body is None:
        raise ParseError(f"{label}: not valid OPML: no <body>", url=label)
    specs: list[SourceSpec] = []
    taken: set[str] = set()
    # Depth first, in document order, without recursion: (outline, enclosing folders, depth).
    pending: list[tuple[ET.Element, list[str], int]] = [
        (child, [], 1) for child in reversed(list(body))
    ]
    while pending:
        outline, folders, depth = pending.pop()
        if _local(outline.tag) != "outline":
            continue
        if depth > MAX_DEPTH:
            raise ParseError(
                f"{label}: not valid OPML: outlines nested deeper than {MAX_DEPTH} levels",
                url=label,
            )
        xml_url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        html_url = (outline.get("htmlUrl") or outline.get("htmlurl") or "").strip()
        label_text = " ".join((outline.get("title") or outline.get("text") or "").split())
        url = xml_url or html_url
        if url:
            tags = list(dict.fromkeys([*folders, *_categories(outline.get("category"))]))
            specs.append(
                SourceSpec(
                    name=_unique(label_text or _host(url) or url, taken),
                    url=url,
                    type="feed" if xml_url else "auto",
                    tags=tags,
                )
            )
        inner = [*folders, label_text] if not url and label_text else folders
        pending.extend((child, inner, depth + 1) for child in reversed(list(outline)))
    return specs


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""
