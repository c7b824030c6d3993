"""The SSRF guard: which URLs the fetcher may request.

Configured sources are trusted: any ``http``, ``https`` or ``file`` URL (or plain local path)
goes. A URL *discovered in fetched content* (a feed's item link, a listing's article link, a
forum topic, a redirect target) is not: it may not point at a private, loopback, link-local,
multicast, reserved or otherwise non-global IP literal, nor at ``localhost``, unless it stays on
the host it was found on; and it may not be a local file unless it was found in a local file.

The guard never resolves DNS, so it is fast and leaks nothing; a public name that resolves to a
private address is outside what it checks. IPv4 literals in the shorthand forms that resolvers
accept (``2130706433``, ``0x7f.1``, ``127.1``) are recognised as what they stand for.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from deepdaily.errors import BlockedURL

__all__ = ["ALLOWED_SCHEMES", "check_url", "host_of", "ip_literal", "is_local"]

ALLOWED_SCHEMES = frozenset({"http", "https", "file"})
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def is_local(url: str) -> bool:
    """True for ``file://`` URLs and plain paths (``feeds/x.xml``, ``/srv/x``, ``C:\\x``)."""
    scheme = urlsplit(url).scheme.lower()
    return scheme == "file" or scheme == "" or len(scheme) == 1


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` without port or brackets; ``""`` when it has none."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` spells, if it is an IP literal; never a DNS lookup."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if not host or any(ch not in "0123456789abcdefx." for ch in host):
            return None
        try:  # shorthand IPv4 forms, parsed like the C resolver does, without touching DNS
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _address_problem(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    for kind, flagged in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
    ):
        if flagged:
            return kind
    return None if address.is_global else "non-global"


def check_url(url: str, *, discovered_from: str | None = None) -> None:
    """Raise :class:`BlockedURL` if the fetcher must not request ``url``.

    ``discovered_from`` is the URL of the content the link was found in; ``None`` means the
    URL comes from the user's configuration.
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BlockedURL(f"{url}: malformed URL: {exc}", url=url) from None
    scheme = parts.scheme.lower()
    if is_local(url):
        if discovered_from is not None and not is_local(discovered_from):
            raise BlockedURL(
                f"{url}: local file refused for a link found in {discovered_from}", url=url
            )
        return
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"{url}: scheme '{scheme}' not allowed (http, https, file)", url=url)
    host = host_of(url)
    if not host:
        raise BlockedURL(f"{url}: URL has no host", url=url)
    if discovered_from is None or host == host_of(discovered_from):
        return
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        raise BlockedURL(
            f"{url}: host {host} refused for a link found in {discovered_from}", url=url
        )
    address = ip_literal(host)
    if address is not None:
        problem = _address_problem(address)
        if problem is not None:
            raise BlockedURL(
                f"{url}: {problem} address {address} refused for a link found in {discovered_from}",
                url=url,
            )
