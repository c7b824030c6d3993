"""Canonical URLs and the links found in HTML.

:func:`canonical_url` is the identity of a document: two entries with the same canonical URL are
the same document (and a document whose canonical URL is already stored is never re-extracted).
It normalises with courlan (lower-case scheme and host, default port dropped, query sorted,
tracking parameters such as ``utm_*``, ``fbclid``, ``gclid`` and ``ref`` removed) and drops the
fragment. Local paths and ``file://`` URLs are returned as they are.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from courlan import normalize_url, scrub_url
from lxml import etree

__all__ = ["TRACKING_PARAMS", "canonical_url", "links_in_html", "same_host"]

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid",
        "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer", "_hsenc", "_hsmi",
        "mkt_tok", "spm", "s_cid", "cmpid", "ncid", "sr_share", "share", "si", "trk",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "ga_", "at_", "vero_", "oly_")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of ``url`` used as a document's identity."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url  # file://, local paths and anything else stay as given
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    stripped = urlunsplit((scheme, parts.netloc, parts.path or "/", query, ""))
    try:
        return normalize_url(scrub_url(stripped), strict=False)
    except (ValueError, AttributeError):
        return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", query, ""))


def same_host(url: str, other: str) -> bool:
    """True when both URLs name the same host (case-insensitive, ``www.`` ignored)."""

    def host(value: str) -> str:
        try:
            name = (urlsplit(value).hostname or "").lower()
        except ValueError:
            return ""
        return name.removeprefix("www.")

    return host(url) != "" and host(url) == host(other)


def links_in_html(html: str, base_url: str) -> list[str]:
    """Absolute, canonical http(s) links of every ``<a href>`` in ``html``, in order, once."""
    if not html or not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            absolute = urljoin(base_url, href)
        except ValueError:
            continue
        if not _SCHEME.match(absolute) or urlsplit(absolute).scheme.lower() not in (
            "http",
            "https",
        ):
            continue
        found.setdefault(canonical_url(absolute))
    return list(found)
