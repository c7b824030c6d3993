"""Property-based tests (hypothesis): no input makes a parser raise anything but a one-line
:class:`~deepdaily.errors.SourceError`.

Every source type's parse function (RSS/Atom and JSON Feed, JSONL, HTML article and listing,
Discourse), the OPML importer, the URL canonicaliser and the link gate are fed arbitrary bytes
and structured-but-hostile inputs: nesting hundreds of thousands of levels deep, huge fields,
odd hosts, ports and schemes, wrong types in every field. Each must return normally or raise a
``SourceError`` (``ParseError``, ``FetchError``) whose message is one non-empty line; the URL
functions must not raise at all (``web_url`` only its documented ``ValueError``). Entries that
come back carry only ``http(s)`` links.

Regressions guarded (issue 9): a JSON Feed or JSONL line nested 200,000 deep raised
``RecursionError``; full-width hosts raised ``httpx.InvalidURL`` and port 99999 ``OverflowError``
out of the run; ``javascript:``/``data:`` links were stored as item links.

Speed: the ``deepdaily-ci`` hypothesis profile (modest ``max_examples``, no example database)
runs by default; set ``DEEPDAILY_FUZZ_PROFILE=deepdaily-thorough`` for a long run. The heavier
properties (whole collections through a mock transport, megabyte bodies) are marked ``slow``.
The number of examples each property ran is printed at the end of the module ("fuzz examples
run") and kept in pytest's cache under ``deepdaily/fuzz_examples``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepdaily.config import FetchSettings, SourceSpec
from deepdaily.errors import SourceError
from deepdaily.extract.urls import canonical_url, entry_url, links_in_html, web_url
from deepdaily.fetch import Fetcher, FetchResponse
from deepdaily.models import Entry
from deepdaily.sources import (
    DiscourseSource,
    Validators,
    collect_source,
    parse_feed,
    parse_html_page,
    parse_jsonl,
    parse_opml,
)
from deepdaily.sources.limits import MAX_DEPTH, admit_entries, json_too_deep

settings.register_profile(
    "deepdaily-ci",
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deepdaily-thorough",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("DEEPDAILY_FUZZ_PROFILE", "deepdaily-ci"))
#: The heavier properties run a fifth as many examples.
HEAVY = settings(PROFILE, max_examples=max(10, PROFILE.max_examples // 5))

BASE = "http://127.0.0.1:9/feed"
EXAMPLES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_examples(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print, and keep in pytest's cache, how many examples each property ran."""
    yield
    total = sum(EXAMPLES.values())
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache is not None:
        cache.set("deepdaily/fuzz_examples", {"total": total, **EXAMPLES})
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        parts = ", ".join(f"{name} {count}" for name, count in sorted(EXAMPLES.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nfuzz examples run: {total} ({parts})")


def _one_line(exc: BaseException) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} without a message"
    assert "\n" not in message and "\r" not in message, message[:300]


def _only_web_links(entries: list[Entry]) -> None:
    for entry in entries:
        for link in entry.links:
            assert link.startswith(("http://", "https://")), link


# strategies ---------------------------------------------------------------------------------

HOSTILE_URLS = [
    "http://１２７．０．０．１/x",
    "http://127。0。0。1/x",
    "http://xn--a.example/x",
    "http://a.example:99999/x",
    "http://a.example:0/",
    "http://a.example:-1/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "mailto:a@b.example",
    "http://[",
    "http://[::1",
    "http://a b.example/",
    "http://\x00.example/",
    "//127.0.0.1/x",
    "http:///x",
    "http://" + "a" * 70_000 + ".example/",
    "http://a.example/" + "p" * 70_000,
    "",
    "   ",
    "#frag",
    "?q=1",
    "http://user:pw@a.example/",
    "http://0x7f.1/",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
]

odd_hosts = st.one_of(
    st.sampled_from(
        ["１２７．０．０．１", "127。0。0。1", "xn--a", "xn--", "a..b", "-a-", "例子.测试"]
    ),
    st.text(min_size=0, max_size=30),
)
odd_urls = st.one_of(
    st.sampled_from(HOSTILE_URLS),
    st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
        st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", "data", "file", ""]),
        odd_hosts,
        st.one_of(
            st.just(""), st.integers(-5, 200_000).map(lambda p: f":{p}"), st.text(max_size=6)
        ),
        st.text(max_size=40),
    ),
    st.text(max_size=80),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    odd_urls,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


@st.composite
def nested(draw: st.DrawFn) -> str:
    """JSON arrays or objects nested from a little under to far over the depth limit."""
    depth = draw(st.one_of(st.integers(MAX_DEPTH - 3, MAX_DEPTH + 3), st.integers(1, 300_000)))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    closed = draw(st.booleans())
    return opener * depth + "1" + (closer * depth if closed else "")


def _json_text(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def hostile_json_feeds(draw: st.DrawFn) -> bytes:
    item_fields = st.fixed_dictionaries(
        {},
        optional={
            "id": json_values,
            "url": st.one_of(odd_urls, json_values),
            "external_url": odd_urls,
            "title": st.one_of(st.text(max_size=200), json_values),
            "summary": json_values,
            "content_html": st.one_of(
                st.text(max_size=300), odd_urls.map(lambda u: f'<p><a href="{u}">x</a></p>')
            ),
            "content_text": json_values,
            "date_published": json_values,
            "authors": json_values,
            "tags": json_values,
        },
    )
    items = draw(st.lists(st.one_of(item_fields, json_values), max_size=6))
    feed: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    if draw(st.booleans()):
        feed["home_page_url"] = draw(st.one_of(odd_urls, json_values))
    text = _json_text(feed)
    if draw(st.booleans()):  # hide a deep structure in one item
        text = text.replace('"items": [', f'"items": [{draw(nested())}, ', 1)
    return text.encode("utf-8", "surrogatepass")


xml_text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80)


@st.composite
def hostile_xml_feeds(draw: st.DrawFn) -> bytes:
    def item() -> str:
        link = draw(st.one_of(odd_urls, xml_text))
        title = draw(xml_text)
        body = draw(st.one_of(xml_text, odd_urls.map(lambda u: f'<a href="{u}">x</a>')))
        deep = draw(st.integers(0, 3000))
        return (
            f"<item><title>{_escape(title)}</title><link>{_escape(link)}</link>"
            f"<description>{_escape(body)}</description>{'<x>' * deep}{'</x>' * deep}</item>"
        )

    items = "".join(item() for _ in range(draw(st.integers(0, 5))))
    root = draw(st.sampled_from(["rss", "feed", "rdf:RDF", "channel"]))
    tail = draw(st.sampled_from(["</channel></rss>", "", "</rss>", "<item>"]))
    return f'<{root} version="2.0"><channel><title>t</title>{items}{tail}'.encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def hostile_pages(draw: st.DrawFn) -> str:
    anchors = draw(st.lists(odd_urls, max_size=12))
    words = draw(st.text(max_size=60))
    canonical = draw(odd_urls)
    deep = draw(st.integers(0, 5000))
    links = "".join(
        f'<li><a href="{_escape(u)}">An article title long enough to list {n}</a></li>'
        for n, u in enumerate(anchors)
    )
    return (
        f'<html><head><link rel="canonical" href="{_escape(canonical)}"><title>{_escape(words)}'
        f"</title></head><body>{'<div>' * deep}<ul>{links}</ul><p>{_escape(words)}</p>"
        f"{'</div>' * deep}</body></html>"
    )


@st.composite
def hostile_discourse(draw: st.DrawFn) -> bytes:
    topic = st.fixed_dictionaries(
        {},
        optional={
            "id": json_values,
            "slug": json_values,
            "title": json_values,
            "fancy_title": json_values,
            "tags": json_values,
            "excerpt": json_values,
            "pinned": json_values,
            "created_at": json_values,
            "post_stream": st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {
                        "posts": st.lists(
                            st.one_of(
                                json_values,
                                st.dictionaries(
                                    st.sampled_from(
                                        ["post_number", "cooked", "link_counts", "name"]
                                    ),
                                    json_values,
                                ),
                            ),
                            max_size=3,
                        )
                    }
                ),
            ),
        },
    )
    shape = draw(st.sampled_from(["list", "topic", "other"]))
    if shape == "list":
        value: Any = {
            "topic_list": {"topics": draw(st.lists(st.one_of(topic, json_values), max_size=5))}
        }
    elif shape == "topic":
        value = {**draw(topic), "post_stream": draw(json_values)}
    else:
        value = draw(json_values)
    text = _json_text(value)
    if draw(st.booleans()):
        text = draw(nested())
    return text.encode("utf-8", "surrogatepass")


# the parsers --------------------------------------------------------------------------------


@given(body=st.one_of(st.binary(max_size=4096), hostile_xml_feeds(), hostile_json_feeds()))
@settings(PROFILE)
def test_feed_parser_raises_only_parse_errors(body: bytes) -> None:
    EXAMPLES["feed"] += 1
    problems: list[str] = []
    try:
        entries, skipped, _ = parse_feed(body, url=BASE, source="fuzz", problems=problems)
    except SourceError as exc:
        _one_line(exc)
        return
    assert skipped >= 0 and all("\n" not in problem for problem in problems)
    _only_web_links(entries)


@given(body=hostile_json_feeds())
@settings(PROFILE)
def test_json_feed_items_cost_only_themselves(body: bytes) -> None:
    """A JSON Feed parses (depth permitting) and every item is an entry or a reason."""
    EXAMPLES["json-feed"] += 1
    problems: list[str] = []
    try:
        entries, skipped, _ = parse_feed(body, url=BASE, source="fuzz", problems=problems)
    except SourceError as exc:
        _one_line(exc)
        assert "nested deeper" in str(exc) or "invalid JSON Feed" in str(exc), str(exc)
        return
    assert skipped == len(problems)
    admitted = admit_entries(entries, source_url=BASE)
    for entry in admitted.entries:
        assert entry.url.startswith(("http://", "https://")), entry.url
    _only_web_links(admitted.entries)


@given(
    count=st.integers(0, 40),
    cap=st.integers(0, 45),
    kind=st.sampled_from(["rss", "atom", "rdf"]),
    noise=st.sampled_from(["", "<!-- <item> -->", '<?xml version="1.0"?>\n', "<items/>"]),
)
@settings(PROFILE)
def test_feed_item_cap_keeps_exactly_the_first_items(
    count: int, cap: int, kind: str, noise: str
) -> None:
    """Cutting a feed before item ``cap + 1`` keeps the first ``cap`` items, in RSS, Atom and
    RDF, whatever precedes them."""
    EXAMPLES["item-cap"] += 1
    link = "http://127.0.0.1:9/i/"
    if kind == "rss":
        items = "".join(
            f"<item><title>I{n}</title><link>{link}{n}</link></item>" for n in range(count)
        )
        body = f'{noise}<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    elif kind == "atom":
        items = "".join(
            f'<entry><title>I{n}</title><link href="{link}{n}"/></entry>' for n in range(count)
        )
        body = f'{noise}<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{items}</feed>'
    else:
        items = "".join(
            f'<item rdf:about="{link}{n}"><title>I{n}</title><link>{link}{n}</link></item>'
            for n in range(count)
        )
        body = (
            f'{noise}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="c"><title>t</title>'
            f"</channel>{items}</rdf:RDF>"
        )
    try:
        parsed = parse_feed(body.encode(), url=BASE, source="fuzz", max_entries=cap)
    except SourceError as exc:  # a quiet feed, or one cut to no items
        _one_line(exc)
        assert min(count, cap) == 0
        return
    assert [e.title for e in parsed.entries] == [f"I{n}" for n in range(min(count, cap))]
    assert parsed.dropped == max(0, count - cap)


@given(
    text=st.one_of(
        st.text(max_size=2000),
        st.lists(
            st.one_of(json_values.map(_json_text), nested(), st.text(max_size=50)), max_size=8
        ).map("\n".join),
    )
)
@settings(PROFILE)
def test_jsonl_parser_raises_only_parse_errors(text: str) -> None:
    EXAMPLES["jsonl"] += 1
    problems: list[str] = []
    try:
        entries, skipped, _ = parse_jsonl(text, source="fuzz", label=BASE, problems=problems)
    except SourceError as exc:
        _one_line(exc)
        return
    assert skipped == len(problems) and all("\n" not in p for p in problems)
    assert entries


@given(page=st.one_of(st.text(max_size=3000), hostile_pages()))
@settings(PROFILE)
def test_html_parser_raises_only_parse_errors(page: str) -> None:
    EXAMPLES["html"] += 1
    try:
        entries = parse_html_page(page, url="http://127.0.0.1:9/page", source="fuzz")
    except SourceError as exc:
        _one_line(exc)
        return
    assert entries
    listing = [e for e in entries if not e.content_html]
    for entry in listing:  # a listing's article links passed the gate
        assert web_url(entry.url) == entry.url


def _discourse_fetcher(topic_body: bytes) -> Fetcher:
    """A fetcher whose every topic request is answered with ``topic_body``, in process."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=topic_body, headers={"content-type": "application/json"})

    return Fetcher(
        FetchSettings(timeout=1, retries=0, backoff=0), transport=httpx.MockTransport(answer)
    )


def _response(url: str, body: bytes, content_type: str = "application/json") -> FetchResponse:
    return FetchResponse(
        url=url,
        final_url=url,
        status=200,
        headers={"content-type": content_type},
        body=body,
        etag=None,
        last_modified=None,
        not_modified=False,
        elapsed_ms=0,
        charset=None,
    )


@given(body=st.one_of(st.binary(max_size=2048), hostile_discourse()), topic=hostile_discourse())
@settings(PROFILE)
def test_discourse_parser_raises_only_source_errors(body: bytes, topic: bytes) -> None:
    EXAMPLES["discourse"] += 1
    spec = SourceSpec(name="fuzz", url="http://127.0.0.1:9/latest.json", type="discourse")

    async def parse() -> None:
        async with _discourse_fetcher(topic) as fetcher:
            found = await DiscourseSource().parse(spec, _response(spec.url, body), fetcher)
        assert all("\n" not in line for line in found.refused)
        _only_web_links(found.entries)

    try:
        asyncio.run(parse())
    except SourceError as exc:
        _one_line(exc)


@given(
    document=st.one_of(
        st.text(max_size=2000).map(lambda text: "<" + text),
        st.builds(
            lambda depth, url, title: (
                "<opml><body>"
                + '<outline text="f">' * depth
                + f'<outline xmlUrl="{_escape(url)}" title="{_escape(title)}"/>'
                + "</outline>" * depth
                + "</body></opml>"
            ),
            st.one_of(st.integers(0, 70), st.integers(0, 100_000)),
            odd_urls,
            st.text(max_size=30),
        ),
    )
)
@settings(PROFILE)
def test_opml_import_raises_only_parse_errors(document: str) -> None:
    EXAMPLES["opml"] += 1
    try:
        specs = parse_opml(document)
    except SourceError as exc:
        _one_line(exc)
        return
    assert all(spec.name and spec.url for spec in specs)


# URLs ---------------------------------------------------------------------------------------


@given(url=st.one_of(odd_urls, st.text(max_size=200)), base=st.one_of(st.none(), odd_urls))
@settings(PROFILE)
def test_url_functions_never_raise(url: str, base: str | None) -> None:
    """canonical_url and entry_url are total; web_url refuses with a one-line ValueError and
    what it accepts is http(s), bounded, stable and canonicalisable into something it accepts."""
    EXAMPLES["urls"] += 1
    assert isinstance(canonical_url(url), str) and isinstance(entry_url(url), str)
    try:
        accepted = web_url(url, base)
    except ValueError as exc:
        _one_line(exc)
        return
    assert accepted.startswith(("http://", "https://")) and len(accepted) <= 8192
    assert web_url(accepted) == accepted  # parsing what was stored changes nothing
    canonical = canonical_url(accepted)
    assert canonical_url(canonical) == canonical
    assert canonical.startswith(("http://", "https://"))


@given(hrefs=st.lists(odd_urls, max_size=10))
@settings(PROFILE)
def test_links_in_html_keeps_only_web_links(hrefs: list[str]) -> None:
    EXAMPLES["links"] += 1
    html = "".join(f'<a href="{_escape(h)}">x</a>' for h in hrefs)
    for link in links_in_html(html, BASE):
        assert link.startswith(("http://", "https://")), link
        web_url(link)


@given(text=st.one_of(nested(), json_values.map(_json_text)))
@settings(PROFILE)
def test_depth_check_agrees_with_the_parser(text: str) -> None:
    """Whatever the depth check lets through, json.loads parses without RecursionError."""
    EXAMPLES["depth"] += 1
    if json_too_deep(text):
        return
    with contextlib.suppress(json.JSONDecodeError):
        json.loads(text)


# whole collections (slow) -------------------------------------------------------------------

CONTENT_TYPES = [
    "application/json",
    "application/feed+json",
    "application/x-ndjson",
    "application/rss+xml",
    "text/html",
    "text/plain",
    "application/octet-stream",
    "",
]


@pytest.mark.slow
@given(
    body=st.one_of(
        st.binary(max_size=8192),
        hostile_xml_feeds(),
        hostile_json_feeds(),
        hostile_discourse(),
        hostile_pages().map(str.encode),
    ),
    content_type=st.sampled_from(CONTENT_TYPES),
    kind=st.sampled_from(["auto", "feed", "jsonl", "html", "discourse"]),
    path=st.sampled_from(["/feed", "/x.jsonl", "/latest.json", "/page.html"]),
)
@HEAVY
def test_collecting_any_body_fails_only_as_a_source(
    body: bytes, content_type: str, kind: str, path: str
) -> None:
    """Through collect_source (type sniffing, every type, the entry gate): only SourceError,
    and only http(s) entries and links come out."""
    EXAMPLES["collect"] += 1

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    spec = SourceSpec(name="fuzz", url=f"http://127.0.0.1:9{path}", type=kind)  # type: ignore[arg-type]

    async def run() -> None:
        settings_ = FetchSettings(timeout=1, retries=0, backoff=0, max_entries=20)
        async with Fetcher(settings_, transport=httpx.MockTransport(answer)) as fetcher:
            found = await collect_source(spec, fetcher, Validators())
        assert len(found.entries) <= 20
        for entry in found.entries:
            assert entry.url.startswith(("http://", "https://")), entry.url
        _only_web_links(found.entries)

    try:
        asyncio.run(run())
    except SourceError as exc:
        _one_line(exc)


@pytest.mark.slow
@given(depth=st.integers(100_000, 1_000_000), wrap=st.sampled_from(["feed", "jsonl", "discourse"]))
@HEAVY
def test_megabyte_nesting_is_refused_quickly(depth: int, wrap: str) -> None:
    """Nesting a million levels deep is a ParseError naming the depth, not RecursionError."""
    EXAMPLES["deep"] += 1
    deep = "[" * depth + "]" * depth
    if wrap == "feed":
        body = f'{{"version": "https://jsonfeed.org/version/1.1", "items": {deep}}}'
        with pytest.raises(SourceError, match="nested deeper than 64 levels"):
            parse_feed(body.encode(), url=BASE, source="fuzz")
    elif wrap == "jsonl":
        good = json.dumps({"url": "http://127.0.0.1:9/a", "title": "kept"})
        problems: list[str] = []
        entries, skipped, _ = parse_jsonl(
            f"{good}\n{deep}\n", source="f", label=BASE, problems=problems
        )
        assert [e.title for e in entries] == ["kept"] and skipped == 1
        assert "nested deeper than 64 levels" in problems[0]
    else:
        spec = SourceSpec(name="fuzz", url="http://127.0.0.1:9/latest.json", type="discourse")

        async def parse() -> None:
            async with _discourse_fetcher(b"{}") as fetcher:
                await DiscourseSource().parse(spec, _response(spec.url, deep.encode()), fetcher)

        with pytest.raises(SourceError, match="nested deeper than 64 levels"):
            asyncio.run(parse())
