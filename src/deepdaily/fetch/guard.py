"""The SSRF guard: which URLs the fetcher may request, and which addresses it may connect to.

Two checks, both here as pure functions (no socket, no DNS), so every decision can be tested on
its own:

1. :func:`check_url`, before any request. The URL is parsed once, by the parser that fetches it
   (:class:`httpx.URL`), and its host is judged as httpx will send it: IDNA (punycode), ideographic
   full stops (``127。0。0。1`` is ``127.0.0.1``), IPv4-mapped IPv6 and the shorthand IPv4 forms the
   C resolver accepts (``2130706433``, ``0x7f.1``, ``127.1``). A URL httpx cannot parse (a
   full-width host, an invalid IDNA label, a port outside 1-65535) or longer than
   :data:`MAX_URL_LENGTH` is a :class:`~deepdaily.errors.FetchError` with a one-line reason,
   never a raw exception.
2. :func:`check_addresses`, on the *resolved* addresses, called by the network layer
   (:mod:`deepdaily.fetch.resolve`) right before it connects: every address is checked, only
   those that pass may be connected to, and the connection is made to one of them.

Who may go where:

- A **configured** URL (``discovered_from=None``) is where the user put it: any ``http``,
  ``https`` or ``file`` URL or plain path, loopback and private networks included.
- A URL **discovered in fetched content** (a feed's item link, a listing's article link, a
  forum topic, every redirect hop) must be ``http``/``https`` and may not reach a loopback,
  private, link-local, multicast, unspecified, reserved or otherwise non-global address, nor
  ``localhost``; a local file only when it was found in a local file. ``[fetch] allow_private``
  (:class:`AllowList`) lists the exceptions: networks (``10.0.0.0/8``, ``127.0.0.1``), hosts
  (``intranet.example``) and subdomains (``*.corp.example``); ``localhost`` passes when the
  list covers ``127.0.0.1`` or ``::1``, and then reaches only the addresses listed. Cloud
  metadata addresses (:data:`METADATA_ADDRESSES`, e.g. ``169.254.169.254``,
  ``fd00:ec2::254``) pass only when an entry names that address itself, never through a wider
  network or an allowed host name.
- One exception keeps a site's links to itself working: a link whose scheme, host *as written*
  and port are those of the page it was found on is as trusted as that page when that page's
  host is an IP literal or ``localhost`` (``http://127.0.0.1:8080/feed`` may link to
  ``http://127.0.0.1:8080/post``). The host must be spelled the same: another spelling of the
  same place (``127。0。0。1``, ``2130706433``, ``localhost`` for ``127.0.0.1``) is a link
  elsewhere and is checked like one. A *named* host gets no such exception, because its name
  may resolve elsewhere for the next request (DNS rebinding): a source on an intranet name
  needs that name in ``allow_private`` for its item pages.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import httpx

from deepdaily.errors import BlockedURL, FetchError

__all__ = [
    "ALLOWED_SCHEMES",
    "MAX_URL_LENGTH",
    "METADATA_ADDRESSES",
    "METADATA_HOSTS",
    "Address",
    "AllowList",
    "Target",
    "address_problem",
    "check_addresses",
    "check_url",
    "host_of",
    "ip_literal",
    "is_local",
    "parse_url",
    "shown",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https", "file"})
WEB_SCHEMES = frozenset({"http", "https"})
#: Longest URL the fetcher requests (characters); longer ones are refused before parsing.
MAX_URL_LENGTH = 8192
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
#: Instance-metadata services of cloud providers: reachable only when named one by one.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.253",  # AWS VPC DNS
        "fd00:ec2::254",  # AWS over IPv6
        "fd00:ec2::253",
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog"})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOOPBACKS: tuple[Address, ...] = (
    ipaddress.IPv4Address("127.0.0.1"),
    ipaddress.IPv6Address("::1"),
)
_SHOWN = 200


def shown(url: str) -> str:
    """``url`` as quoted at the head of a one-line message: printable, at most 200 characters."""
    if len(url) <= _SHOWN and url.isprintable():
        return url
    line = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in url[: _SHOWN * 4])
    if len(url) > _SHOWN:
        return f"{line[: _SHOWN - 40]}… ({len(url)} characters)"
    return line


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _SHOWN else line[: _SHOWN - 1] + "…"


def is_local(url: str) -> bool:
    """True for ``file://`` URLs and plain paths (``feeds/x.xml``, ``/srv/x``, ``C:\\x``)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme == "file" or scheme == "" or len(scheme) == 1


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` as written, without port or brackets; ``""`` when
    it has none or cannot be read."""
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def ip_literal(host: str) -> Address | None:
    """The address ``host`` (as httpx sends it) spells, if it is an IP literal; never a DNS
    lookup. IPv4-mapped IPv6 gives the IPv4 address; shorthand IPv4 forms are read as the C
    resolver reads them."""
    text = unquote(host).rstrip(".") if host else ""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        if not text or any(ch not in "0123456789abcdefx." for ch in text.lower()):
            return None
        try:  # 2130706433, 0x7f.1, 127.1, 017700000001: what inet_aton (and getaddrinfo) accept
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except OSError:
            return None
    return _unwrapped(address)


def _unwrapped(address: Address) -> Address:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


# the allow list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowList:
    """``[fetch] allow_private``: networks and hosts discovered links may reach anyway.

    An entry is an IP address or network (``10.0.0.0/8``, ``127.0.0.1``, ``fd00::/8``), a host
    name (``intranet.example``, compared as httpx sends it: lower-case punycode) or a domain and
    its subdomains (``*.corp.example`` or ``.corp.example``).
    """

    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    hosts: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()
    exact: frozenset[Address] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        """The allow list of ``entries``; :class:`ValueError` names a bad entry."""
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        hosts: set[str] = set()
        domains: list[str] = []
        exact: set[Address] = set()
        for raw in entries:
            entry = raw.strip()
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                pass
            else:
                networks.append(network)
                if network.num_addresses == 1:
                    exact.add(_unwrapped(network.network_address))
                continue
            wildcard = entry.startswith(("*.", "."))
            name = _ascii_host(entry.lstrip("*").lstrip("."))
            if name is None:
                raise ValueError(f"entry {raw!r} is neither an IP network nor a host name")
            if wildcard:
                domains.append(name)
            else:
                hosts.add(name)
        return cls(tuple(networks), frozenset(hosts), tuple(domains), frozenset(exact))

    def has_host(self, host: str) -> bool:
        """True when the host name (as httpx sends it) is listed, itself or by its domain."""
        name = host.lower().rstrip(".")
        return name in self.hosts or any(
            name == domain or name.endswith("." + domain) for domain in self.domains
        )

    def covers(self, address: Address) -> bool:
        """True when a listed network contains ``address``."""
        return any(address in network for network in self.networks)


def _ascii_host(name: str) -> str | None:
    if not name or not re.fullmatch(r"[^\s/:@?#\[\]]+", name):
        return None
    try:
        host = httpx.URL(f"http://{name}/").raw_host.decode("ascii")
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return None
    return host.lower().rstrip(".") or None


# decisions on addresses ----------------------------------------------------------------------


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: Address, allow: AllowList | None = None) -> str | None:
    """Why a discovered link may not connect to ``address`` (``"loopback"``, ``"private"``,
    ``"metadata"``...), or ``None`` when it may. Pure: no socket, no DNS."""
    allow = allow or AllowList()
    address = _unwrapped(address)
    if address in METADATA_ADDRESSES:
        return None if address in allow.exact else "metadata"
    if allow.covers(address):
        return None
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
    if not address.is_global:
        return "non-global"
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)  # 6to4 and NAT64 addresses carry an IPv4 one
        if inner is not None:
            problem = address_problem(inner, allow)
            return f"{problem} (via {inner})" if problem else None
    return None


def check_addresses(
    host: str, addresses: Sequence[str], allow: AllowList | None = None
) -> list[Address]:
    """The addresses ``host`` resolved to that a discovered link may connect to, in order;
    :class:`BlockedURL` (``"<host> resolves to <kind> address <a>"``) when none may.

    Every address is checked and only those that pass are returned, so the caller connects to
    a checked one whichever it picks: a name answering both a public and a private address
    leads to the public one only. Pure: no socket.
    """
    allow = allow or AllowList()
    if not addresses:
        raise BlockedURL(f"{host} resolves to no address")
    parsed: list[Address] = []
    for text in addresses:
        try:
            parsed.append(ipaddress.ip_address(text))
        except ValueError:
            raise BlockedURL(f"{host} resolves to {text!r}, not an IP address") from None
    named = allow.has_host(host)
    passing: list[Address] = []
    refusal = ""
    for address in parsed:
        problem = address_problem(address, allow)
        if problem is None or (named and problem != "metadata"):
            passing.append(address)
        elif not refusal:  # an allowed name still never leads to a metadata service
            refusal = f"{host} resolves to {problem} address {_unwrapped(address)}"
    if not passing:
        raise BlockedURL(refusal)
    return passing


# decisions on URLs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A URL the guard let through.

    ``parsed`` is what httpx will request (``None`` for a local file); ``trusted`` says
    whether it may connect anywhere (a configured URL, or a site's link to itself) or only to
    addresses :func:`check_addresses` accepts.
    """

    url: str
    parsed: httpx.URL | None
    trusted: bool

    @property
    def local(self) -> bool:
        return self.parsed is None

    @property
    def host(self) -> str:
        """The host as httpx sends it (punycode, no brackets); ``""`` for a local file."""
        return self.parsed.raw_host.decode("ascii") if self.parsed is not None else ""

    @property
    def origin(self) -> str:
        """``host:port`` as connected to, for per-host limits."""
        if self.parsed is None:
            return ""
        port = self.parsed.port or _DEFAULT_PORTS.get(self.parsed.scheme, 0)
        return f"{self.host}:{port}"


def parse_url(url: str) -> httpx.URL:
    """``url`` parsed as httpx will request it; :class:`FetchError` with a one-line reason
    when it is too long, cannot be parsed, has no host or a port outside 1-65535."""
    if len(url) > MAX_URL_LENGTH:
        raise FetchError(
            f"{shown(url)}: URL of {len(url)} characters refused (at most {MAX_URL_LENGTH})",
            url=url,
        )
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
        port = parsed.port
        _ = parsed.host, parsed.raw_path, str(parsed)  # what httpx reads later must read now
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError) as exc:
        raise FetchError(f"{shown(url)}: invalid URL: {_one_line(exc)}", url=url) from None
    if not host:
        raise FetchError(f"{shown(url)}: URL has no host", url=url)
    if port is not None and not 0 < port < 65536:
        raise FetchError(f"{shown(url)}: invalid URL: port {port} out of range", url=url)
    return parsed


def _written_origin(url: str) -> tuple[str, str, int] | None:
    """Scheme, host as written (lower-case) and port of ``url``; ``None`` when unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not parts.hostname or scheme not in _DEFAULT_PORTS:
        return None
    return scheme, parts.hostname, port or _DEFAULT_PORTS[scheme]


def _placed_literal(url: httpx.URL) -> bool:
    """True when ``url`` names its host as an IP literal or ``localhost``: nothing a DNS answer
    can move elsewhere between two requests."""
    host = url.raw_host.decode("ascii").lower().rstrip(".")
    return host in _LOCAL_NAMES or ip_literal(host) is not None


def _same_site(url: str, found_in: str) -> bool:
    mine = _written_origin(url)
    if mine is None or mine != _written_origin(found_in):
        return False
    try:
        return _placed_literal(httpx.URL(found_in))
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        return False


def check_url(
    url: str,
    *,
    discovered_from: str | None = None,
    allow: AllowList | None = None,
    found_trusted: bool = True,
) -> Target:
    """The :class:`Target` of ``url`` if the fetcher may request it, else an error.

    ``discovered_from`` is the URL of the content the link was found in; ``None`` means the
    URL comes from the user's configuration. ``found_trusted=False`` says that content was
    itself fetched as a discovered link, so its links cannot inherit trust (a redirect hop of
    a discovered link). Raises :class:`BlockedURL` for what the policy refuses and
    :class:`FetchError` for a URL that cannot be requested at all.
    """
    allow = allow or AllowList()
    if len(url) > MAX_URL_LENGTH:
        parse_url(url)  # raises: too long
    if is_local(url):
        if discovered_from is not None and not is_local(discovered_from):
            raise BlockedURL(
                f"{shown(url)}: local file refused for a link found in {shown(discovered_from)}",
                url=url,
            )
        return Target(url, None, True)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise FetchError(f"{shown(url)}: invalid URL: {_one_line(exc)}", url=url) from None
    allowed = ALLOWED_SCHEMES if discovered_from is None else WEB_SCHEMES
    if scheme not in allowed:
        names = ", ".join(sorted(allowed, key=["http", "https", "file"].index))
        raise BlockedURL(f"{shown(url)}: scheme '{scheme}' not allowed ({names})", url=url)
    parsed = parse_url(url)
    if discovered_from is None:
        return Target(url, parsed, True)
    if found_trusted and _same_site(url, discovered_from):
        return Target(url, parsed, True)
    host = parsed.raw_host.decode("ascii").lower().rstrip(".")
    where = f"refused for a link found in {shown(discovered_from)}"
    if allow.has_host(host):
        return Target(url, parsed, False)  # its addresses are still checked (metadata)
    local = host in _LOCAL_NAMES or host.endswith(".localhost")
    if host in METADATA_HOSTS or (local and not any(allow.covers(a) for a in _LOOPBACKS)):
        raise BlockedURL(f"{shown(url)}: host {host} {where}", url=url)
    address = ip_literal(host)
    if address is not None:
        problem = address_problem(address, allow)
        if problem is not None:
            raise BlockedURL(f"{shown(url)}: {problem} address {address} {where}", url=url)
    return Target(url, parsed, False)
