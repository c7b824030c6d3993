"""Links in model output: only the event's source URLs may remain.

:func:`find_urls` finds URLs with any scheme (``https://``, ``ftp://``, ``javascript:``,
``data:``, ``mailto:``), ``www.`` hosts, e-mail addresses and lower-case bare domains with a
common top-level domain (``example.invalid/claim-prize``; file names such as ``README.md`` or
``Node.js`` are not domains, and a bare ``Character.AI`` with a capitalised ending, or ``Z.ai``
with one capitalised label before ``.ai``, and no path is a name). :func:`strip_urls` removes
every one that is not one of the allowed URLs. Two URLs are the same when they differ only in
scheme case, host case, a leading ``www.``, a trailing slash or a fragment; anything else (an
extra query such as ``?ref=x``) makes a different URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["find_urls", "same_url", "strip_urls"]

_TLDS = (
    "com|net|org|io|ai|co|cn|me|xyz|app|dev|info|ly|gg|invalid|top|site|online|link|click|biz|"
    "tv|us|uk|de|fr|es|jp|kr|ru|tk|cc|ws|shop|live|news|example|test|local|edu|gov|sh|to|so"
)
_TAIL = r"[^\s<>\"'`\u3000-\u9fff\uff00-\uffef]"  # no CJK: 见https://x。
_URL_RE = re.compile(
    rf"(?:(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{{1,15}}://{_TAIL}+)"
    rf"|(?:(?<![A-Za-z0-9])(?:javascript|vbscript|data|mailto|tel):{_TAIL}+)"
    rf"|(?:(?<![A-Za-z0-9.])www\.{_TAIL}+)"
    r"|(?:[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
    rf"|(?:(?<![A-Za-z0-9_@./-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})(?![A-Za-z0-9_-])"
    rf"(?:[/?#]{_TAIL}*)?)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"”’>*_"


def _canonical(url: str) -> str:
    url = url.strip().rstrip(_TRAILING)
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


def same_url(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same page (see the module docstring)."""
    try:
        return _canonical(a) == _canonical(b)
    except ValueError:
        return False


def _is_bare_name(token: str) -> bool:
    """``Character.AI`` (no scheme, no path, a capitalised ending) and ``Z.ai`` (one
    capitalised label before ``.ai``, as companies name themselves) are names, not links."""
    if any(mark in token for mark in ("://", ":", "@", "/", "?", "#")):
        return False
    if token.lower().startswith("www."):
        return False
    labels = token.split(".")
    if len(labels) == 2 and labels[0][:1].isupper() and labels[1].lower() == "ai":
        return True
    return labels[-1] != labels[-1].lower()


def find_urls(text: str) -> list[str]:
    """Every URL-like token of ``text``, trailing punctuation removed."""
    found: list[str] = []
    for match in _URL_RE.finditer(text):
        token = match.group().rstrip(_TRAILING)
        if token and not _is_bare_name(token):
            found.append(token)
    return found


def strip_urls(text: str, allowed: Iterable[str]) -> tuple[str, list[str]]:
    """``text`` without the URLs that are not in ``allowed``, and the URLs removed."""
    allowed = list(allowed)
    removed: list[str] = []

    def keep_or_drop(match: re.Match[str]) -> str:
        whole = match.group()
        token = whole.rstrip(_TRAILING)
        if not token or _is_bare_name(token) or any(same_url(token, a) for a in allowed):
            return whole
        removed.append(token)
        return whole[len(token) :]

    stripped = _URL_RE.sub(keep_or_drop, text)
    if removed:
        stripped = re.sub(r"[(（\[【]\s*[)）\]】]", "", stripped)
        stripped = re.sub(r"[ \t]{2,}", " ", stripped)
        stripped = re.sub(r"\s+([，。；,.;])", r"\1", stripped).strip(" -–—|:：")
    return stripped, removed
