"""Canonical URLs, article extraction and entries-to-documents, with pages on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deepdaily.config import FetchSettings
from deepdaily.extract import (
    StoredEntry,
    canonical_url,
    entry_url,
    extract_article,
    html_to_text,
    links_in_html,
    normalise_text,
    page_of,
    to_documents,
)
from deepdaily.extract.urls import web_url
from deepdaily.fetch import Fetcher
from deepdaily.models import Document, Entry, content_id
from deepdaily.testing import FixtureServer

# canonical URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTP://News.Example.COM:80/a/b?utm_source=rss&utm_medium=feed&id=7#comments",
            "http://news.example.com/a/b?id=7",
        ),
        ("https://blog.example/post?fbclid=abc&gclid=def&ref=hn", "https://blog.example/post"),
        ("https://blog.example/post?b=2&a=1&mc_cid=x", "https://blog.example/post?a=1&b=2"),
        ("https://blog.example:443/post#section-2", "https://blog.example/post"),
        ("file:///srv/feeds/a.xml#frag", "file:///srv/feeds/a.xml#frag"),
        ("feeds/local.jsonl", "feeds/local.jsonl"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent_and_unifies_the_root() -> None:
    once = canonical_url("https://Blog.example/?utm_campaign=x")
    assert canonical_url(once) == once
    assert canonical_url("https://blog.example") == canonical_url("https://blog.example/")


def test_links_in_html() -> None:
    html = (
        '<p><a href="/a?utm_source=x">a</a> <a href="#top">top</a> <a href="mailto:x@y">m</a>'
        ' <a href="https://other.example/b#frag">b</a> <a href="/a">again</a></p>'
    )
    assert links_in_html(html, "http://127.0.0.1:8000/post/1") == [
        "http://127.0.0.1:8000/a",
        "https://other.example/b",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://blog.example/post?id=1", "https://blog.example/post?id=1"),
        ("/post/2", "http://base.example/post/2"),  # resolved against the base
        ("//cdn.example/x", "http://cdn.example/x"),
        ("http://127。0。0。1:80/x", "http://127.0.0.1/x"),  # as httpx normalises it
        ("http://例子.测试/x", "http://xn--fsqu00a.xn--0zwm56d/x"),
    ],
)
def test_web_url_is_what_the_fetcher_requests(url: str, expected: str) -> None:
    assert web_url(url, "http://base.example/dir/") == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "scheme 'javascript' is not http or https"),
        ("data:text/html,<script>x</script>", "scheme 'data' is not http or https"),
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
        ("mailto:a@b.example", "scheme 'mailto' is not http or https"),
        ("http://１２７．０．０．１/x", "Invalid IDNA hostname"),
        ("http://xn--a.example/x", "U+0080"),
        ("http://a.example:99999/x", "port 99999 out of range"),
        ("http://a.example:0/x", "port 0 out of range"),
        ("http://a b.example/", "invalid host 'a%20b.example'"),
        ("http://[::1/", "invalid URL"),
        ("http://a.example/" + "p" * 70_000, "URL of 70017 characters (at most 8192)"),
        ("   ", "empty URL"),
    ],
)
def test_web_url_refuses_with_one_line(url: str, reason: str) -> None:
    """Regression (issue 9): these item links were stored as they came (javascript:, data:)
    or crashed the run when fetched (full-width host, invalid IDNA, port 99999, 64 KB)."""
    with pytest.raises(ValueError) as caught:
        web_url(url)
    message = str(caught.value)
    assert reason in message and "\n" not in message and len(message) < 300


def test_links_in_html_keeps_only_web_links() -> None:
    html = (
        '<a href="javascript:alert(1)">a</a><a href="data:text/html,x">b</a>'
        '<a href="http://１２７．０．０．１/x">c</a><a href="http://a.example:99999/">d</a>'
        '<a href="http://[::1">e</a><a href="/kept">f</a>'
    )
    assert links_in_html(html, "http://127.0.0.1:8000/post") == ["http://127.0.0.1:8000/kept"]


def test_canonical_url_never_raises() -> None:
    """Regression: an unclosed IPv6 bracket made canonical_url raise ValueError."""
    assert canonical_url("http://[::1/x") == "http://[::1/x"
    assert entry_url("http://[::1/x#frag") == "http://[::1/x#frag"


# article extraction --------------------------------------------------------------------------


def test_extract_article(web_root: Path) -> None:
    html = (web_root / "pages/article.html").read_text()
    article = extract_article(html, "http://127.0.0.1:8000/pages/article.html")
    assert article is not None
    assert article.title == "Serving 70B models on one node"
    assert "Paged attention stores the key-value cache" in article.text
    assert "in the benchmark repository, and the paged attention paper" in article.text
    assert "Copyright" not in article.text and "All posts" not in article.text
    assert article.published == datetime(2026, 2, 11, 6, 30, tzinfo=UTC)
    assert article.language == "en"
    assert article.author == "Priya Raman"
    assert article.links == (
        "https://code.example/infer/bench",
        "https://research.example/papers/paged-attention",
    )


def test_extract_article_without_date_or_text(web_root: Path) -> None:
    html = (web_root / "pages/posts/three.html").read_text()
    article = extract_article(html, "http://127.0.0.1:8000/pages/posts/three.html")
    assert article is not None and article.published is None
    assert extract_article("", "http://127.0.0.1:8000/") is None
    assert extract_article("<html><body></body></html>", "http://127.0.0.1:8000/") is None


def test_html_to_text() -> None:
    html = "<p>Fast &amp; <b>small</b></p><ul><li>one</li><li>two</li></ul><script>x()</script>"
    assert html_to_text(html) == "Fast & small\n\none\ntwo"
    assert html_to_text("plain words") == "plain words"
    assert html_to_text("") == ""


# to_documents --------------------------------------------------------------------------------


def _entry(url: str, title: str = "A title", **fields: object) -> Entry:
    return Entry(source="blog", url=url, title=title, **fields)  # type: ignore[arg-type]


def _stored(docs: list[Document]) -> dict[str, list[StoredEntry]]:
    """What the store would answer for these documents (fingerprints unknown)."""
    pages: dict[str, list[StoredEntry]] = {}
    for doc in docs:
        pages.setdefault(page_of(doc.canonical_url), []).append(
            StoredEntry(doc.canonical_url, doc.source, doc.title, doc.text, None)
        )
    return pages


async def test_summary_only_entries_fetch_their_pages(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    entries = [
        _entry(fixture_server.url(f"pages/posts/{slug}.html?utm_source=listing"), f"Post {slug}")
        for slug in ("one", "two", "three")
    ]
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(entries, fetcher=fetcher, authority={"blog": 0.8}, workers=0)
    assert result.failures == [] and result.skipped_known == 0
    one, two, three = result.documents
    assert one.canonical_url == fixture_server.url("pages/posts/one.html")
    assert one.url == entries[0].url
    assert "four tokens are accepted per step" in one.text
    assert one.published == datetime(2026, 2, 11, 1, 30, tzinfo=UTC)  # from the page
    assert three.published is None
    assert one.authority == 0.8 and one.language == "en" and one.title == "Post one"
    assert one.links == ["https://research.example/notes/one"]
    assert one.id == content_id(one.canonical_url, normalise_text(one.text))
    assert one.fetched_at.tzinfo is not None
    assert two.id != one.id
    assert sorted(fixture_server.paths()) == [
        f"/pages/posts/{slug}.html?utm_source=listing" for slug in ("one", "three", "two")
    ]


async def test_known_urls_are_skipped_and_a_rerun_extracts_nothing(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    entries = [_entry(fixture_server.url(f"pages/posts/{s}.html")) for s in ("one", "two")]
    async with Fetcher(fast_fetch) as fetcher:
        seed = await to_documents(entries[:1], fetcher=fetcher, authority={}, workers=0)
        fixture_server.requests.clear()
        first = await to_documents(
            entries, fetcher=fetcher, authority={}, stored=_stored(seed.documents), workers=0
        )
        stored = _stored(seed.documents + first.documents)
        fixture_server.requests.clear()
        again = await to_documents(entries, fetcher=fetcher, authority={}, stored=stored, workers=0)
    assert first.skipped_known == 1 and len(first.documents) == 1
    assert first.documents[0].url.endswith("/two.html")
    assert again.skipped_known == 2 and again.documents == [] and again.updates == []
    assert fixture_server.requests == []


async def test_entries_with_content_are_not_fetched(
    fixture_server: FixtureServer, fast_fetch: FetchSettings, web_root: Path
) -> None:
    published = datetime(2026, 2, 10, tzinfo=UTC)
    entries = [
        _entry(
            fixture_server.url("a"),
            content_text="  Full   text\nfrom JSONL. ",
            published=published,
            tags=("lang:fr",),
        ),
        _entry(fixture_server.url("p"), content_html=(web_root / "pages/article.html").read_text()),
    ]
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(entries, fetcher=fetcher, authority={}, workers=0)
    text_doc, html_doc = result.documents
    assert text_doc.text == "Full   text\nfrom JSONL."
    assert text_doc.id == content_id(fixture_server.url("a"), "Full text from JSONL.")
    assert text_doc.published == published and text_doc.language == "fr"
    assert text_doc.authority == 0.5
    assert "Tensor parallelism splits" in html_doc.text
    assert html_doc.published == datetime(2026, 2, 11, 6, 30, tzinfo=UTC)
    assert html_doc.author == "Priya Raman"
    assert fixture_server.requests == []


async def test_feed_fragments_keep_all_their_text(fast_fetch: FetchSettings) -> None:
    """Boilerplate removal is for whole pages; a feed's body is kept whole, short or not."""
    entry = _entry(
        "http://feed.example/p",
        content_html='<p>Short.</p><ul><li>Item one</li></ul><p>See <a href="/x">x</a>.</p>',
    )
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(
            [entry],
            fetcher=fetcher,
            authority={},
            fetch_pages=False,
            workers=0,
        )
    (doc,) = result.documents
    assert doc.text == "Short.\n\nItem one\n\nSee x."
    assert doc.links == ["http://feed.example/x"]


async def test_failed_pages_fall_back_to_the_summary(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    with_summary = _entry(fixture_server.url("gone/1"), summary="The teaser survives.")
    without = _entry(fixture_server.url("gone/2"))
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(
            [with_summary, without],
            fetcher=fetcher,
            authority={},
            workers=0,
        )
    (doc,) = result.documents
    assert doc.text == "The teaser survives."
    assert result.failures == [(without.url, f"{without.url}: HTTP 404 Not Found")]


async def test_no_text_and_no_page_fetching_is_a_failure(fast_fetch: FetchSettings) -> None:
    entry = _entry("http://127.0.0.1:9/never-fetched")
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(
            [entry],
            fetcher=fetcher,
            authority={},
            fetch_pages=False,
            workers=0,
        )
    assert result.documents == []
    assert result.failures == [
        (entry.url, f"{entry.url}: no content or summary and page fetching is off")
    ]


async def test_duplicate_urls_in_a_batch_become_one_document(fast_fetch: FetchSettings) -> None:
    entries = [
        _entry("https://blog.example/post?utm_source=a", content_text="Same story."),
        _entry("https://Blog.example/post#comments", content_text="Same story, again."),
    ]
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(
            entries,
            fetcher=fetcher,
            authority={},
            fetch_pages=False,
            workers=0,
        )
    assert len(result.documents) == 1 and result.duplicates == 1
    assert result.documents[0].canonical_url == "https://blog.example/post"


async def test_source_urls_arm_the_guard_for_page_fetches(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    entry = _entry(fixture_server.url("pages/posts/one.html"), summary="Teaser.")
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(
            [entry],
            fetcher=fetcher,
            authority={},
            workers=0,
            source_urls={"blog": "https://public-feed.example/rss"},
        )
    assert result.documents[0].text == "Teaser."  # the page was refused, the summary stands
    assert fixture_server.requests == []


async def test_extraction_in_worker_processes(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    entries = [_entry(fixture_server.url(f"pages/posts/{s}.html")) for s in ("two", "four")]
    async with Fetcher(fast_fetch) as fetcher:
        result = await to_documents(entries, fetcher=fetcher, authority={}, workers=1)
    assert result.failures == []
    assert "needle tests lose twelve points" in result.documents[0].text
    assert result.documents[1].published == datetime(2026, 2, 9, 12, 0, tzinfo=UTC)
