"""Canonical URLs, the URL that identifies an entry, and the links found in HTML.

:func:`canonical_url` is the canonical form of a page: normalised with courlan (lower-case
scheme and host, default port dropped, query sorted, tracking parameters such as ``utm_*``,
``fbclid``, ``gclid`` and ``ref`` removed), fragment dropped. Local paths and ``file://`` URLs
are returned as they are.

:func:`entry_url` is the identity of a document: the canonical page plus the fragment when the
fragment may name an entry of its own (``CHANGELOG.md#2-1-36``: one page, one release per
anchor). Navigation and tracking anchors (``#comments``, ``#top``, ``#utm_source=...``, text
fragments ``#:~:text=``) are dropped, so they name the page itself. Whether two entries of one
page are really one document is decided by their content (:mod:`deepdaily.extract.identity`).

:func:`web_url` is the gate every link found in fetched content passes before it is stored (an
entry's own link, a listing's article links, a body's outbound links): it is parsed once, by
the parser that fetches it (:class:`httpx.URL`), so what is stored is what would be requested;
only ``http``/``https`` with a host, a port in 1-65535 and at most ``MAX_URL_LENGTH`` (8192)
characters pass. Full-width hosts (``１２７．０．０．１``) are refused as httpx refuses
them; ideographic full stops (``127。0。0。1``) are normalised as httpx normalises them, and IDN
hosts become punycode. Nothing here is configurable.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from courlan import normalize_url, scrub_url
from lxml import etree

from deepdaily.errors import FetchError
from deepdaily.fetch.guard import MAX_URL_LENGTH, parse_url, shown

__all__ = [
    "MAX_URL_LENGTH",
    "TRACKING_PARAMS",
    "canonical_url",
    "entry_url",
    "links_in_html",
    "links_in_tree",
    "page_of",
    "same_host",
    "web_url",
]

_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?")

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "s_cid",
        "cmpid",
        "ncid",
        "sr_share",
        "share",
        "si",
        "trk",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "ga_", "at_", "vero_", "oly_")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Anchors that navigate within a page (or to its comments) rather than name an entry.
_NAVIGATION = re.compile(
    r"(?:comments?|comment[-_]?(?:form|section|\d+)|respond|reply|replies|disqus_thread|"
    r"more(?:[-_]\d+)?|read[-_]?more|continue[-_]?reading|top|page[-_]?top|header|footer|"
    r"main|(?:main[-_]?)?content|article|post|skip[-_]?\w*|nav\w*|menu|toc|share\w*)",
    re.IGNORECASE,
)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """The canonical form of ``url`` used as a document's identity; never raises (a URL it
    cannot read is returned stripped, as given). Remembered: the same links recur across the
    pages of a site and the entries of a feed."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url  # file://, local paths and anything else stay as given
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    stripped = urlunsplit((scheme, parts.netloc, parts.path or "/", query, ""))
    try:
        return normalize_url(scrub_url(stripped), strict=False)
    except (ValueError, AttributeError, UnicodeError):
        return urlunsplit((scheme, parts.netloc.lower(), parts.path or "/", query, ""))


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal, possibly with a zone
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return False
        return True
    return len(host) <= 253 and _HOST.fullmatch(host) is not None


def web_url(url: str, base: str | None = None) -> str:
    """``url`` (resolved against ``base``) as the fetcher would request it, if it is a link
    deepdaily may store: ``http``/``https``, at most ``MAX_URL_LENGTH`` characters, and what
    the fetcher's own parser (:func:`deepdaily.fetch.guard.parse_url`) accepts, with a host
    made of letters, digits, ``-``, ``_`` and dots (or an IPv6 literal). Otherwise
    :class:`ValueError` with a one-line reason that does not repeat the URL."""
    text = url.strip()
    if not text:
        raise ValueError("empty URL")
    if len(text) > MAX_URL_LENGTH:
        raise ValueError(f"URL of {len(text)} characters (at most {MAX_URL_LENGTH})")
    if base:
        try:
            text = urljoin(base, text)
        except ValueError as exc:
            raise ValueError(f"invalid URL: {exc}") from None
    match = _SCHEME.match(text)
    scheme = match.group(0)[:-1].lower() if match else ""
    if scheme not in ("http", "https"):
        raise ValueError(f"scheme {scheme!r} is not http or https" if scheme else "relative URL")
    return _checked(text)


@lru_cache(maxsize=65536)
def _checked(text: str) -> str:
    """:func:`web_url`'s checks of an absolute http(s) URL. Remembered: a site's pages repeat
    the same links (its menu, its footer), and parsing each costs some 20 microseconds."""
    try:
        parsed = parse_url(text)
    except FetchError as exc:
        reason = str(exc).removeprefix(f"{shown(text)}: ")
        raise ValueError(reason.replace(" refused (at most", " (at most")) from None
    raw_host = parsed.raw_host.decode("ascii", "replace")
    try:
        parsed.host  # noqa: B018  (decodes punycode: an invalid IDNA label raises here)
    except (UnicodeError, ValueError) as exc:
        raise ValueError(f"invalid host {shown(raw_host)!r}: {exc}") from None
    if not _valid_host(raw_host):
        raise ValueError(f"invalid host {shown(raw_host)!r}")
    result = str(parsed)
    if len(result) > MAX_URL_LENGTH:
        raise ValueError(f"URL of {len(result)} characters (at most {MAX_URL_LENGTH})")
    return result


def _significant(fragment: str) -> str:
    """The part of a fragment that may name an entry ("" for navigation and tracking)."""
    fragment = fragment.split(":~:", 1)[0]  # text fragments only highlight
    if not fragment or fragment == "!" or _NAVIGATION.fullmatch(fragment):
        return ""
    if "=" in fragment and not fragment.startswith("!"):
        pairs = parse_qsl(fragment, keep_blank_values=True)
        if pairs and all(_is_tracking(name) for name, _ in pairs):
            return ""
    return fragment


def entry_url(url: str) -> str:
    """The URL that identifies an entry: :func:`canonical_url` plus a fragment that may name an
    entry of its own. Local paths and ``file://`` URLs are returned as they are."""
    url = url.strip()
    page = canonical_url(url)
    if page == url or "#" in page:
        return page
    try:
        fragment = _significant(urlsplit(url).fragment)
    except ValueError:
        return page
    return f"{page}#{fragment}" if fragment else page


def page_of(url: str) -> str:
    """The page an :func:`entry_url` belongs to: everything before the fragment."""
    return url.split("#", 1)[0]


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
    """Absolute, canonical links of every ``<a href>`` in ``html`` that :func:`web_url` accepts,
    in order, once."""
    if not html or not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return links_in_tree(root, base_url)


def links_in_tree(root: etree._Element, base_url: str) -> list[str]:
    """:func:`links_in_html` of an already parsed page or fragment."""
    found: dict[str, None] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        try:
            found.setdefault(canonical_url(web_url(href, base_url)))
        except ValueError:
            continue  # not a web link (mailto:, javascript:, an invalid host...)
    return list(found)
