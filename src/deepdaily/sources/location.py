"""Is a source's URL one deepdaily can read? Checked when a source is added, not at run time.

A configured source may be an ``http(s)`` URL with a host, a ``file://`` URL or a plain local
path to an existing file. ``deepdaily sources add`` and ``import-opml`` call
:func:`check_location` so a typo (``htp://``, ``not a url``, a missing file) is refused at once
with a one-line reason, instead of failing every morning in the run. An ``http(s)`` URL is read
by the fetcher's own parser (:func:`~deepdaily.fetch.guard.parse_url`), so what it would refuse
at run time (a full-width or invalid IDNA host, a port outside 1-65535, over 8192 characters)
is refused here. Nothing here touches the network: whether the URL answers is what
``sources add --check`` finds out.
"""

from __future__ import annotations

import difflib
from urllib.parse import urlsplit

from deepdaily.errors import ConfigError, FetchError
from deepdaily.fetch.guard import ALLOWED_SCHEMES, is_local, parse_url, shown
from deepdaily.fetch.local import local_path

__all__ = ["check_location"]


def check_location(url: str) -> None:
    """Raise :class:`ConfigError` naming ``url`` and what is wrong with it."""
    text = url.strip()
    if not text:
        raise ConfigError("source URL: empty")
    if any(ch.isspace() for ch in text) and "://" in text:
        raise ConfigError(f"source {url!r}: a URL may not contain spaces")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"source {url!r}: not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if is_local(text):
        _check_file(url)
        return
    if scheme not in ALLOWED_SCHEMES:
        close = difflib.get_close_matches(scheme, sorted(ALLOWED_SCHEMES), n=1, cutoff=0.7)
        hint = f"; did you mean {close[0]}://?" if close else ""
        raise ConfigError(
            f"source {url!r}: unsupported scheme {scheme!r} (http, https, file or a path){hint}"
        )
    if not parts.hostname:
        raise ConfigError(f"source {url!r}: no host name")
    if port == 0:
        raise ConfigError(f"source {url!r}: port 0 is not a port")
    try:
        parse_url(text)
    except FetchError as exc:
        reason = str(exc).removeprefix(f"{shown(text)}: ")
        raise ConfigError(f"source {shown(text)!r}: {reason}") from None


def _check_file(url: str) -> None:
    try:
        path = local_path(url)
    except FetchError as exc:
        raise ConfigError(f"source {url!r}: {exc}") from None
    if path.is_file():
        return
    if path.exists():
        raise ConfigError(f"source {url!r}: {path} is not a regular file")
    looks_like_path = "/" in url or "\\" in url or bool(path.suffix)
    what = "no such file" if looks_like_path else "not a URL (no scheme) nor an existing file"
    raise ConfigError(
        f"source {url!r}: {what}; expected an http(s):// URL, a file:// URL or an existing file"
    )
