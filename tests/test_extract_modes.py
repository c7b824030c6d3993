"""Extraction modes, one parse per page, which feed dates stand, and a connection pool per site.

Pages are served from 127.0.0.1 by :class:`FixtureServer`; the network backend that counts
connections (:class:`Tripwire`) wraps httpcore's own, so every request is a real one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import pytest
from htmldate import find_date

from deepdaily.config import FetchSettings, load_settings
from deepdaily.errors import ConfigError
from deepdaily.extract import article as article_module
from deepdaily.extract import extract_article, parse_date, to_documents
from deepdaily.extract.article import DEFAULT_MODE, EXTRACTION_MODES
from deepdaily.fetch import Fetcher
from deepdaily.models import Entry
from deepdaily.testing import FixtureServer
from network_support import Tripwire

PAGE_URL = "http://127.0.0.1:8000/pages/article.html"

# modes -----------------------------------------------------------------------------------------


def test_every_mode_is_a_setting_and_a_wrong_one_is_named(tmp_path: Path) -> None:
    annotation = FetchSettings.model_fields["extraction"].annotation
    assert set(get_args(annotation)) == set(EXTRACTION_MODES)
    assert FetchSettings().extraction == DEFAULT_MODE
    config = tmp_path / "deepdaily.toml"
    config.write_text('[fetch]\nextraction = "quick"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(config, environ={})
    message = str(info.value)
    assert "fetch.extraction" in message and "'fast'" in message and "\n" not in message


@pytest.mark.parametrize("mode", sorted(EXTRACTION_MODES))
def test_each_mode_keeps_the_article_and_drops_the_chrome(web_root: Path, mode: str) -> None:
    html = (web_root / "pages/article.html").read_text()
    article = extract_article(html, PAGE_URL, metadata=False, mode=mode)  # type: ignore[arg-type]
    assert article is not None
    assert "Paged attention stores the key-value cache" in article.text
    assert "in the benchmark repository, and the paged attention paper" in article.text
    assert "Copyright" not in article.text and "All posts" not in article.text
    assert "https://code.example/infer/bench" in article.links
    assert article.published is None and article.title == ""  # no metadata pass asked


_PARAGRAPHS = [
    f"Paragraph {n}: the scheduler moved prefill to its own pool of GPUs and the decode queue "
    f"shrank by {10 + n} percent under the same load, which the team checked over a week."
    for n in range(1, 9)
]


def _div_soup() -> str:
    """An article without <main>, <article> or <p>: paragraphs as divs, links among them,
    chrome around them."""
    chrome = "".join(f'<li><a href="/topic/{n}">Topic {n}</a></li>' for n in range(30))
    body = "".join(
        f'<div class="para">{text} See <a href="https://ref.example/{n}">note {n}</a>.</div>'
        for n, text in enumerate(_PARAGRAPHS)
    )
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><title>Soup</title></head><body>"
        f"<div class='top'><ul class='menu'>{chrome}</ul></div>"
        f"<div id='wrap'><div class='post'><h1>Soup</h1>{body}</div></div>"
        "<div class='bottom'>Copyright 2026 Example Media. All rights reserved.</div>"
        "</body></html>"
    )


def test_the_default_mode_keeps_every_paragraph_of_div_soup() -> None:
    """The default is the mode that keeps recall on pages without clear markup (the ingest
    benchmark's table): every paragraph, and the links in them, not the menu's."""
    article = extract_article(_div_soup(), "http://127.0.0.1:8000/soup.html", metadata=False)
    assert article is not None
    for paragraph in _PARAGRAPHS:
        assert paragraph in article.text
    assert "Copyright" not in article.text and "Topic 7" not in article.text
    assert set(article.links) == {f"https://ref.example/{n}" for n in range(len(_PARAGRAPHS))}
    assert article.language == "en"


def _article_page(body: str, aside: str = "") -> str:
    text = " ".join(["The cache layout moved to paged blocks and the decode step got faster."] * 6)
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Post</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/ai/'>AI</a></nav><main><article><h1>Post</h1>"
        f"<p>{text}</p><p>{text} Again.</p>{body}</article>{aside}</main>"
        "<footer><a href='/privacy'>Privacy</a></footer></body></html>"
    )


def test_a_short_source_line_keeps_its_link() -> None:
    """Guards a loss found on the demo's pages: a one-line "Source: Lab X" credit under an
    article was too short to count as content, so the article lost its primary source."""
    page = _article_page("<p>Source: <a href='https://lab.example/post'>Lab X</a></p>")
    article = extract_article(page, "http://127.0.0.1:8000/post.html", metadata=False)
    assert article is not None and "Source: Lab X" in article.text
    assert article.links == ("https://lab.example/post",)


def test_an_article_without_links_keeps_those_around_it() -> None:
    """Many pages cite their sources in a related box beside the article: when the article
    itself links nowhere, the links around it stand in (the box's), not the menu's or the
    footer's."""
    aside = "<aside><h2>Related</h2><a href='https://lab.example/report'>Report</a></aside>"
    article = extract_article(_article_page("", aside), "http://127.0.0.1:8000/p.html")
    assert article is not None
    assert article.links == ("https://lab.example/report",)


# one parse per page ---------------------------------------------------------------------------


def _pages(web_root: Path) -> list[Path]:
    return sorted((web_root / "pages").rglob("*.html"))


def test_the_page_date_is_found_in_the_same_parse(
    web_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards the double parse this replaced: the date came from htmldate parsing the page a
    second time. Now trafilatura's metadata pass finds it in its own tree, and the result is
    the date a separate htmldate search of the page gives."""
    expected = {}
    for path in _pages(web_root):
        html = path.read_text()
        url = f"http://127.0.0.1:8000/{path.relative_to(web_root)}"
        found = find_date(html, url=url, extensive_search=False, original_date=True, **_FORMAT)
        expected[path] = (html, url, parse_date(found))
    assert sum(date is not None for _, _, date in expected.values()) >= 3  # dated pages exist

    def second_parse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the page was parsed again for its date")

    monkeypatch.setattr(article_module, "find_date", second_parse)
    for html, url, date in expected.values():
        article = extract_article(html, url)
        assert article is not None
        assert article.published == date, url


_FORMAT = {"outputformat": "%Y-%m-%dT%H:%M:%S%z"}


# which feed dates stand -----------------------------------------------------------------------


def _dated_page(day: int) -> str:
    stamp = f"2026-02-{day:02d}T08:15:00+00:00"
    body = " ".join(["Kernel fusion cut the decode latency of the serving stack."] * 12)
    return (
        "<!DOCTYPE html><html lang='en'><head><title>Post</title>"
        f"<meta property='article:published_time' content='{stamp}'></head>"
        f"<body><article><h1>Post {day}</h1><p>{body}</p><p>{body} Day {day}.</p>"
        "</article></body></html>"
    )


def _page_day(published: datetime | None) -> int | None:
    return None if published is None else published.day


async def test_a_future_feed_date_gives_way_to_the_page_date(fast_fetch: FetchSettings) -> None:
    """A feed date in the future is a mistake: the page's own date wins. Past dates stand, a
    stamp shared by several entries too (for a batch such as an arXiv announcement it is the
    day the items became news, which the pages' submission dates are not); an entry without
    a date takes the page's."""
    batch = datetime(2026, 2, 14, 23, 0, tzinfo=UTC)
    future = datetime.now(UTC) + timedelta(days=30)
    own = datetime(2026, 2, 9, 7, 0, tzinfo=UTC)
    dates = [batch, batch, batch, future, own, None]
    with FixtureServer() as server:
        for day in range(1, 7):
            server.route(f"/p/{day}.html", body=_dated_page(day), content_type="text/html")
        entries = [
            Entry(source="blog", url=server.url(f"p/{day}.html"), title=f"T{day}", published=when)
            for day, when in zip(range(1, 7), dates, strict=True)
        ]
        async with Fetcher(fast_fetch) as fetcher:
            result = await to_documents(entries, fetcher=fetcher, authority={}, workers=0)
    assert result.failures == []
    published = {doc.url.rsplit("/", 1)[1]: doc.published for doc in result.documents}
    assert [published[f"{day}.html"] for day in (1, 2, 3)] == [batch] * 3
    assert _page_day(published["4.html"]) == 4 and published["4.html"] != future
    assert published["5.html"] == own
    assert _page_day(published["6.html"]) == 6


# a connection pool per site -------------------------------------------------------------------


@pytest.fixture
def sites() -> Iterator[list[FixtureServer]]:
    """Six sites: servers on their own loopback ports."""
    with ExitStack() as stack:
        servers = [stack.enter_context(FixtureServer()) for _ in range(6)]
        for server in servers:
            server.route("/feed.xml", body="<rss/>", content_type="application/rss+xml")
        yield servers


async def test_each_site_keeps_its_connection_for_its_next_request(
    sites: list[FixtureServer], fast_fetch: FetchSettings
) -> None:
    """Guards the churn this replaced: one pool capped at the fetcher's concurrency (here 2)
    closed one site's idle connection to open another's, so visiting six sites twice opened
    twelve connections."""
    wire = Tripwire()
    settings = fast_fetch.model_copy(update={"concurrency": 2, "per_host": 1})
    async with Fetcher(settings, network=wire) as fetcher:
        for _ in range(2):
            for server in sites:
                await fetcher.get(server.url("feed.xml"))
    assert len(wire.calls) == len(sites)


async def test_the_least_recently_used_idle_sites_are_closed(
    sites: list[FixtureServer], fast_fetch: FetchSettings
) -> None:
    wire = Tripwire()
    settings = fast_fetch.model_copy(update={"concurrency": 1, "per_host": 1})  # 4 sites kept
    async with Fetcher(settings, network=wire) as fetcher:
        for server in sites[:5]:
            await fetcher.get(server.url("feed.xml"))
        assert len(wire.calls) == 5
        await fetcher.get(sites[4].url("feed.xml"))  # still open
        assert len(wire.calls) == 5
        await fetcher.get(sites[0].url("feed.xml"))  # closed as the least recently used
        assert len(wire.calls) == 6


async def test_many_sites_at_once_with_few_kept(fast_fetch: FetchSettings) -> None:
    """Pools are closed while other sites' requests are in flight: every request still gets
    its answer, and no site's pool is closed under a request."""
    with ExitStack() as stack:
        servers = [stack.enter_context(FixtureServer()) for _ in range(14)]
        for server in servers:
            server.route("/feed.xml", body="<rss/>", content_type="application/rss+xml", delay=0.02)
        wire = Tripwire()
        settings = fast_fetch.model_copy(update={"concurrency": 2, "per_host": 1})  # 8 kept
        async with Fetcher(settings, network=wire) as fetcher:
            for _ in range(2):
                answers = await asyncio.gather(
                    *(fetcher.get(server.url("feed.xml")) for server in servers)
                )
                assert [answer.body for answer in answers] == [b"<rss/>"] * len(servers)
        assert len(servers) <= len(wire.calls) <= 2 * len(servers)
