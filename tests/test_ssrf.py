"""The SSRF guard that cannot be talked around (issue 9).

No test here opens a connection to anything but 127.0.0.1, even if the guard were broken:

- private, link-local and metadata addresses are tested on the guard's decision functions
  (:func:`address_problem`, :func:`check_addresses`), which take addresses and open nothing;
- fetches of names go through :class:`FakeDNS` (``.example`` names, never asked of real DNS)
  and :class:`Tripwire`, the socket-opening backend under the guard, which connects to loopback
  literals only and records every address it was asked for: a guard that let a private address
  through would show up in ``tripwire.calls`` and still connect nowhere;
- end-to-end tests use two fixture servers on 127.0.0.1: the source, and an "internal service"
  that discovered links try to reach through other spellings of loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deepdaily.config import FetchSettings, SourceSpec, load_settings
from deepdaily.errors import BlockedURL, ConfigError, DeepdailyError, FetchError
from deepdaily.extract import to_documents
from deepdaily.fetch import Fetcher
from deepdaily.fetch.guard import (
    MAX_URL_LENGTH,
    AllowList,
    address_problem,
    check_addresses,
    check_url,
)
from deepdaily.sources import Validators, collect_source
from deepdaily.testing import FixtureServer
from network_support import Tripwire

NEWS = "https://news.example/feed.xml"  # a public page links were found in (never fetched)


class FakeDNS:
    """A resolver for ``.example``/``.invalid`` names only; records what it was asked."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.asked.append(host)
        assert host.endswith((".example", ".invalid")), f"a test asked DNS for {host}"
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the fake DNS")
        return self.answers[host]


def _settings(fast_fetch: FetchSettings, allow: list[str] | None = None) -> FetchSettings:
    return fast_fetch.model_copy(update={"allow_private": allow or [], "retries": 0})


def _fetcher(
    fast_fetch: FetchSettings, dns: FakeDNS, wire: Tripwire, allow: list[str] | None = None
) -> Fetcher:
    return Fetcher(
        FetchSettings.model_validate(_settings(fast_fetch, allow).model_dump()),
        resolver=dns,
        network=wire,
    )


# decisions on addresses: pure, no sockets -----------------------------------------------------


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("10.0.0.5", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("192.0.0.192", "metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-global"),
        ("fc00::1", "private"),
        ("::ffff:10.0.0.5", "private"),
        ("::ffff:169.254.169.254", "metadata"),
        ("2002:a00:5::", "private (via 10.0.0.5)"),  # 6to4 of 10.0.0.5
        ("2002:7f00:1::", "loopback (via 127.0.0.1)"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_decisions(address: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_allow_list_opens_networks_but_metadata_only_by_name() -> None:
    allow = AllowList.parse(["10.0.0.0/8", "169.254.0.0/16", "127.0.0.1", "fd00::/8"])
    assert address_problem(ipaddress.ip_address("10.200.3.4"), allow) is None
    assert address_problem(ipaddress.ip_address("169.254.1.1"), allow) is None
    assert address_problem(ipaddress.ip_address("127.0.0.1"), allow) is None
    assert address_problem(ipaddress.ip_address("127.0.0.2"), allow) == "loopback"
    assert address_problem(ipaddress.ip_address("192.168.0.1"), allow) == "private"
    # a wide network never opens the metadata service; naming the address does
    assert address_problem(ipaddress.ip_address("169.254.169.254"), allow) == "metadata"
    assert address_problem(ipaddress.ip_address("fd00:ec2::254"), allow) == "metadata"
    named = AllowList.parse(["169.254.169.254"])
    assert address_problem(ipaddress.ip_address("169.254.169.254"), named) is None


def test_only_addresses_that_pass_are_connected_to() -> None:
    """Every resolved address is checked; a name answering a public and a private address
    may lead to the public one only, and a name with no passing address is refused."""
    assert [str(a) for a in check_addresses("blog.example", ["8.8.8.8"])] == ["8.8.8.8"]
    passing = check_addresses("split.example", ["10.0.0.5", "8.8.8.8", "169.254.169.254"])
    assert [str(a) for a in passing] == ["8.8.8.8"]
    with pytest.raises(BlockedURL) as caught:
        check_addresses("inside.example", ["10.0.0.5", "169.254.169.254"])
    assert str(caught.value) == "inside.example resolves to private address 10.0.0.5"
    with pytest.raises(BlockedURL) as caught:
        check_addresses("mapped.example", ["::ffff:127.0.0.1"])
    assert str(caught.value) == "mapped.example resolves to loopback address 127.0.0.1"
    with pytest.raises(BlockedURL) as caught:
        check_addresses("empty.example", [])
    assert str(caught.value) == "empty.example resolves to no address"
    local = AllowList.parse(["127.0.0.1"])
    assert [str(a) for a in check_addresses("localhost", ["::1", "127.0.0.1"], local)] == [
        "127.0.0.1"
    ]


def test_allowed_hosts_and_domains() -> None:
    allow = AllowList.parse(["intranet.example", "*.corp.example", "Bücher.example"])
    assert check_addresses("intranet.example", ["10.0.0.5"], allow)
    assert check_addresses("wiki.corp.example", ["192.168.3.3"], allow)
    assert check_addresses("corp.example", ["192.168.3.3"], allow)
    assert [
        str(a) for a in check_addresses("intranet.example", ["169.254.169.254", "10.0.0.6"], allow)
    ] == ["10.0.0.6"]
    assert check_addresses("xn--bcher-kva.example", ["10.1.1.1"], allow)  # as httpx sends it
    with pytest.raises(BlockedURL):
        check_addresses("other.example", ["10.0.0.5"], allow)
    with pytest.raises(BlockedURL) as caught:  # an allowed name still never reaches metadata
        check_addresses("intranet.example", ["169.254.169.254"], allow)
    assert str(caught.value) == "intranet.example resolves to metadata address 169.254.169.254"


def test_allow_private_is_checked_with_the_settings(tmp_path: Path) -> None:
    FetchSettings(allow_private=["10.0.0.0/8", "fd00::/8", "intranet.example", "*.corp.example"])
    config = tmp_path / "deepdaily.toml"
    config.write_text('[fetch]\nallow_private = ["10.0.0.0/8", "not a host/"]\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert str(caught.value) == (
        f"{config}: fetch.allow_private: entry 'not a host/' is neither an IP network nor a "
        "host name"
    )
    unchecked = FetchSettings().model_copy(update={"allow_private": ["a b"]})
    with pytest.raises(ConfigError) as caught:
        Fetcher(unchecked)
    assert str(caught.value) == (
        "[fetch] allow_private: entry 'a b' is neither an IP network nor a host name"
    )


# decisions on URLs: parsed as httpx parses them --------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        # Regression: the old guard read this host with urllib (no IP), httpx with IDNA rules
        # (127.0.0.1), so the link passed the guard and reached loopback.
        ("http://127。0。0。1:8080/secret", "loopback address 127.0.0.1"),
        ("http://127｡0｡0｡1/secret", "loopback address 127.0.0.1"),
        ("http://2130706433/", "loopback address 127.0.0.1"),
        ("http://0x7f.1/", "loopback address 127.0.0.1"),
        ("http://127.1/", "loopback address 127.0.0.1"),
        ("http://017700000001/", "loopback address 127.0.0.1"),
        ("http://127.0.0.1./", "loopback address 127.0.0.1"),
        ("http://[::ffff:7f00:1]/", "loopback address 127.0.0.1"),
        ("http://[::ffff:169.254.169.254]/", "metadata address 169.254.169.254"),
        ("http://0xa9fea9fe/latest/", "metadata address 169.254.169.254"),
        ("http://[fe80::1%25eth0]/", "link-local address fe80::1%eth0"),
        ("http://LOCALHOST./", "host localhost"),
        ("http://admin.localhost/", "host admin.localhost"),
        ("http://metadata.google.internal/computeMetadata/v1/", "host metadata.google.internal"),
    ],
)
def test_hosts_are_judged_as_httpx_will_send_them(url: str, problem: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        check_url(url, discovered_from=NEWS)
    assert str(caught.value) == f"{url}: {problem} refused for a link found in {NEWS}"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        # Regressions: each escaped the fetcher as a raw exception and crashed the run.
        ("http://１２７．０．０．１/x", "invalid URL: Invalid IDNA hostname: '１２７．０．０．１'"),
        ("http://feed.example:99999/rss", "invalid URL: port 99999 out of range"),
        ("http://xn--a.example/", "invalid URL: Codepoint U+0080 at position 1 of '\\x80' not"),
        ("http://0177.0.0.1/", "invalid URL: Invalid IPv4 address: '0177.0.0.1'"),
        ("http://[::1/", "invalid URL: Invalid IPv6 URL"),
        ("http:///nohost", "URL has no host"),
    ],
)
def test_urls_httpx_cannot_fetch_are_one_line_fetch_errors(url: str, reason: str) -> None:
    for found_in in (None, NEWS):  # configured or discovered alike
        with pytest.raises(FetchError) as caught:
            check_url(url, discovered_from=found_in)
        assert str(caught.value).startswith(f"{url}: {reason}")
        assert "\n" not in str(caught.value)


def test_overlong_urls_are_refused_with_a_short_message() -> None:
    """Regression: a 64 KB link escaped as httpx.InvalidURL; now it is refused before
    parsing and the message does not carry the 64 KB."""
    url = "https://blog.example/" + "a" * 65536
    with pytest.raises(FetchError) as caught:
        check_url(url, discovered_from=NEWS)
    message = str(caught.value)
    assert message.endswith(f"URL of {len(url)} characters refused (at most {MAX_URL_LENGTH})")
    assert len(message) < 300 and "\n" not in message
    check_url("https://blog.example/" + "a" * (MAX_URL_LENGTH - 30), discovered_from=NEWS)


def test_only_web_schemes_for_discovered_links() -> None:
    for url in ("javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://f.example/"):
        with pytest.raises(BlockedURL) as caught:
            check_url(url, discovered_from=NEWS)
        assert "not allowed (http, https)" in str(caught.value)
    assert check_url("https://blog.example/post", discovered_from=NEWS).trusted is False
    assert check_url("http://127.0.0.1:8080/feed.xml").trusted is True  # configured


def test_a_site_links_to_itself_only_in_its_own_spelling() -> None:
    feed = "http://127.0.0.1:8080/feed.xml"
    assert check_url("http://127.0.0.1:8080/post/1", discovered_from=feed).trusted
    for other in (
        "http://127。0。0。1:8080/post/1",  # same place, other spelling
        "http://2130706433:8080/post/1",
        "http://localhost:8080/post/1",
        "http://127.0.0.1:8081/post/1",  # other port: another service
        "https://127.0.0.1:8080/post/1",
    ):
        with pytest.raises(BlockedURL):
            check_url(other, discovered_from=feed)
    # a named host gets no such exemption: its next answer may be elsewhere (rebinding)
    named = check_url("http://intranet.example/post", discovered_from="http://intranet.example/")
    assert named.trusted is False
    # trust is not inherited from a page that was itself a guarded link
    with pytest.raises(BlockedURL):
        check_url(
            "http://127.0.0.1:8080/x",
            discovered_from="http://127.0.0.1:8080/y",
            found_trusted=False,
        )


_HOST_CHARS = "0123456789abcdefx.。．｡:[]%-ＡＢ１２"


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", "file"]),
    st.text(alphabet=_HOST_CHARS, max_size=24),
    st.one_of(st.none(), st.integers(min_value=-5, max_value=200_000)),
    st.text(max_size=30),
)
def test_guard_never_raises_anything_else_and_never_passes_loopback(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    """Property: for any host spelled from digits, hex, dots of every width, brackets and
    percent signs, the guard returns or raises a deepdaily error, and a discovered link it
    lets through is not a loopback/private IP literal as the resolver would read it."""
    url = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + "/" + path
    try:
        target = check_url(url, discovered_from=NEWS)
    except DeepdailyError:
        return
    assert target.parsed is not None and not target.trusted
    try:
        numeric = socket.getaddrinfo(target.host, 80, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return  # not numeric: a name, checked on its resolved addresses at connect time
    assert address_problem(ipaddress.ip_address(numeric[0][4][0])) is None


# fetches through the guarded connection layer (fake DNS, loopback only) ---------------------


async def test_names_resolving_to_private_addresses_are_refused_before_any_connection(
    fast_fetch: FetchSettings,
) -> None:
    """The guard checks what a name resolves to, not just the literal in the URL."""
    dns = FakeDNS(
        {
            "intranet.example": ["10.0.0.5"],
            "metadata.example": ["169.254.169.254"],
            "aws6.example": ["fd00:ec2::254"],
            "inside.example": ["127.0.0.1", "10.0.0.5"],
            "mapped.example": ["::ffff:192.168.0.10"],
        }
    )
    wire = Tripwire()
    expected = {
        "intranet.example": "private address 10.0.0.5",
        "metadata.example": "metadata address 169.254.169.254",
        "aws6.example": "metadata address fd00:ec2::254",
        "inside.example": "loopback address 127.0.0.1",
        "mapped.example": "private address 192.168.0.10",
    }
    async with _fetcher(fast_fetch, dns, wire) as fetcher:
        for host, problem in expected.items():
            url = f"http://{host}/x"
            with pytest.raises(BlockedURL) as caught:
                await fetcher.get(url, discovered_from=NEWS)
            assert str(caught.value) == (
                f"{url}: {host} resolves to {problem}, refused for a link found in {NEWS} "
                "(not in [fetch] allow_private)"
            )
    assert wire.calls == []
    assert sorted(set(dns.asked)) == sorted(expected)


async def test_checked_address_is_the_one_connected_to(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """A name resolving to loopback is refused for a discovered link, fetched once allowed,
    and then the socket layer is handed the checked literal (never the name, which could be
    resolved to something else a second time) while the Host header keeps the name."""
    fixture_server.route("/secret", body="internal data", content_type="text/plain")
    port = fixture_server.port
    dns = FakeDNS({"feed.example": ["127.0.0.1"], "private.example": ["127.0.0.1"]})
    url = f"http://private.example:{port}/secret"

    wire = Tripwire()
    async with _fetcher(fast_fetch, dns, wire) as fetcher:
        configured = await fetcher.get(f"http://feed.example:{port}/secret")
        assert configured.body == b"internal data"  # a configured name goes where it points
        with pytest.raises(BlockedURL) as caught:
            await fetcher.get(url, discovered_from=f"http://feed.example:{port}/feed.xml")
    assert "private.example resolves to loopback address 127.0.0.1" in str(caught.value)
    assert fixture_server.paths() == ["/secret"]  # only the configured fetch arrived

    for allow in (["private.example"], ["127.0.0.0/8"], ["*.example"]):
        wire = Tripwire()
        fixture_server.clear()
        fixture_server.route("/secret", body="internal data", content_type="text/plain")
        async with _fetcher(fast_fetch, dns, wire, allow) as fetcher:
            response = await fetcher.get(url, discovered_from=NEWS)
        assert response.body == b"internal data"
        assert wire.calls == [("127.0.0.1", port)]
        assert fixture_server.requests[0][2]["host"] == f"private.example:{port}"


async def test_a_trusted_connection_is_never_reused_for_a_discovered_link(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """Regression guard for pooling: after a configured fetch of feed.example keeps a
    connection alive, a discovered link to the same name is still checked (and refused)."""
    fixture_server.route("/a", body="a", content_type="text/plain")
    port = fixture_server.port
    dns = FakeDNS({"feed.example": ["127.0.0.1"]})
    async with _fetcher(fast_fetch, dns, Tripwire()) as fetcher:
        await fetcher.get(f"http://feed.example:{port}/a")
        with pytest.raises(BlockedURL):
            await fetcher.get(
                f"http://feed.example:{port}/a", discovered_from=f"http://feed.example:{port}/"
            )
    assert fixture_server.paths() == ["/a"]


async def test_redirect_hops_are_checked_on_their_resolved_addresses(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    port = fixture_server.port
    fixture_server.route(
        "/moved", status=302, headers={"Location": f"http://private.example:{port}/secret"}
    )
    fixture_server.route("/secret", body="internal data", content_type="text/plain")
    dns = FakeDNS({"private.example": ["127.0.0.1"]})
    url = fixture_server.url("moved")
    async with _fetcher(fast_fetch, dns, Tripwire()) as fetcher:
        with pytest.raises(BlockedURL) as caught:
            await fetcher.get(url)  # a configured URL, but its redirect is not
    assert str(caught.value) == (
        f"http://private.example:{port}/secret: private.example resolves to loopback address "
        f"127.0.0.1, refused for a link found in {url} (not in [fetch] allow_private)"
    )
    assert fixture_server.paths() == ["/moved"]
    async with _fetcher(fast_fetch, dns, Tripwire(), ["private.example"]) as fetcher:
        response = await fetcher.get(url)
    assert response.body == b"internal data"
    assert response.final_url == f"http://private.example:{port}/secret"


async def test_resolution_failures_are_fetch_errors(fast_fetch: FetchSettings) -> None:
    dns = FakeDNS({})
    async with _fetcher(fast_fetch, dns, Tripwire()) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("http://nowhere.invalid/feed.xml")
    assert str(caught.value) == "http://nowhere.invalid/feed.xml: cannot resolve host"


async def test_library_exceptions_never_leave_the_fetcher(fast_fetch: FetchSettings) -> None:
    """Regression: OverflowError (a port past 65535 reached the socket layer) and other
    non-httpx exceptions escaped Fetcher.get and ended the run."""

    def broken(request: httpx.Request) -> httpx.Response:
        raise OverflowError("getsockaddrarg: port must be 0-65535.")

    async with Fetcher(fast_fetch, transport=httpx.MockTransport(broken)) as fetcher:
        with pytest.raises(FetchError) as caught:
            await fetcher.get("https://feed.example/rss")
    assert str(caught.value) == (
        "https://feed.example/rss: unexpected OverflowError: getsockaddrarg: port must be 0-65535."
    )
    async with Fetcher(fast_fetch) as fetcher:
        for url in ("http://feed.example:99999/rss", "http://１２７．０．０．１/x"):
            with pytest.raises(FetchError):
                await fetcher.get(url)


# end to end: a feed on loopback whose links reach for another loopback service ----------------


def _rss(items: list[str]) -> str:
    entries = "".join(
        f"<item><title>Item {n}</title><link>{link}</link><guid>g{n}</guid>"
        f"<pubDate>Wed, 11 Feb 2026 0{n}:00:00 GMT</pubDate></item>"  # no summary: pages
        for n, link in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback news</title>'
        f"<link>http://news.example/</link>{entries}</channel></rss>"
    )


_PAGE = (
    "<html><head><title>Internal</title></head><body><article><h1>Internal</h1>"
    + "<p>Numbers from the internal service that should never be fetched by a link.</p>" * 5
    + "</article></body></html>"
)


async def test_discovered_links_to_another_loopback_service_are_refused_end_to_end(
    fast_fetch: FetchSettings,
) -> None:
    """A source on 127.0.0.1 lists links that reach for a second service on 127.0.0.1
    through other spellings (ideographic dots, a decimal IPv4, IPv4-mapped IPv6) and a
    redirect to ``localhost``: collected and turned into documents as a run does, none of them
    reaches the service; allowing ``127.0.0.1`` lets them all through."""
    with FixtureServer() as source, FixtureServer() as internal:
        b = internal.port
        internal.route("/secret", body=_PAGE, content_type="text/html")
        source.route("/go", status=302, headers={"Location": f"http://localhost:{b}/secret"})
        links = [
            f"http://127。0。0。1:{b}/secret",
            f"http://2130706433:{b}/secret",
            f"http://[::ffff:127.0.0.1]:{b}/secret",
            source.url("go"),  # same site as the feed, then a redirect off it
        ]
        source.route("/feed.xml", body=_rss(links), content_type="application/rss+xml")
        spec = SourceSpec(name="loop", url=source.url("feed.xml"), type="feed")

        for allow, reached in (([], False), (["127.0.0.1"], True)):
            internal.clear()
            internal.route("/secret", body=_PAGE, content_type="text/html")
            settings_ = _settings(fast_fetch, allow)
            async with Fetcher(settings_) as fetcher:
                collected = await collect_source(spec, fetcher, Validators())
                assert len(collected.entries) == len(links)
                result = await to_documents(
                    collected.entries,
                    fetcher=fetcher,
                    authority={},
                    workers=0,
                    source_urls={"loop": spec.url},
                )
            if reached:
                assert len(internal.paths()) == len(links)
                assert result.failures == []
            else:
                assert internal.requests == []
                assert len(result.failures) == len(links)
                for _url, reason in result.failures:
                    assert "refused for a link found in" in reason and "\n" not in reason
