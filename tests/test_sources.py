"""Every source type, type detection and OPML import, against fixtures served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest

from deepdaily.config import FetchSettings, SourceSpec
from deepdaily.errors import ConfigError, HTTPStatusError, ParseError
from deepdaily.fetch import Fetcher, FetchResponse
from deepdaily.models import Entry
from deepdaily.sources import (
    Collected,
    FetchedSource,
    Validators,
    collect_source,
    discourse,
    get_source_type,
    parse_feed,
    parse_html_page,
    parse_opml,
    register_source_type,
    registered_types,
)
from deepdaily.sources import base as sources_base
from deepdaily.sources.limits import MAX_TAGS, MAX_TITLE, admit_entries, json_too_deep
from deepdaily.sources.location import check_location
from deepdaily.testing import FixtureServer

CORPUS = Path(__file__).resolve().parents[1] / "eval/data/corpus/day-2026-02-12.jsonl"


async def _collect(
    server: FixtureServer,
    settings: FetchSettings,
    path: str,
    type_: str = "auto",
    validators: Validators | None = None,
) -> Collected:
    spec = SourceSpec(name="test", url=server.url(path), type=type_)  # type: ignore[arg-type]
    async with Fetcher(settings) as fetcher:
        return await collect_source(spec, fetcher, validators or Validators())


async def _parse_error(
    server: FixtureServer, settings: FetchSettings, path: str, type_: str = "feed"
) -> str:
    with pytest.raises(ParseError) as caught:
        await _collect(server, settings, path, type_)
    return str(caught.value)


# feeds ---------------------------------------------------------------------------------------


async def test_rss_091(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/rss091.xml")
    assert [e.title for e in result.entries] == [
        "Tiling strategies for fused attention",
        "Warp specialisation, explained",
    ]
    first = result.entries[0]
    assert first.source == "test"
    assert first.url == "http://kernel-notes.example/notes/tiling-fused-attention"
    assert first.summary.startswith("Why tile sizes")
    assert first.published is None and first.content_html == ""


async def test_rss_10_rdf(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/rss10.rdf", "feed")
    first = result.entries[0]
    assert first.title == "Sparse Mixture Routing Without Auxiliary Losses"
    assert first.url == "http://preprints.example/abs/2602.01001"
    assert first.author == "Mei Tanaka, Omar Haddad"
    assert first.published == datetime(2026, 2, 11, 18, 0, tzinfo=UTC)
    assert first.tags == ("cs.LG",)
    assert len(result.entries) == 2


async def test_rss_20_with_full_content(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/rss20.xml")
    assert result.status == 200 and not result.not_modified
    assert result.validators.etag and result.validators.last_modified
    assert result.skipped == 1  # the item without a link or title
    first, second = result.entries
    assert first.title == "Speculative decoding reaches 3x on 70B models"
    assert first.published == datetime(2026, 2, 11, 1, 30, tzinfo=UTC)  # +0800 made UTC
    assert first.author == "Priya Raman"
    assert first.tags == ("inference", "LLM")
    assert first.summary == (
        "A draft model of 1B parameters accepts four tokens per step on average."
    )
    assert "<b>1B parameters</b>" in first.content_html
    assert first.links[0] == "https://research.example/papers/spec-decoding"
    assert second.summary == "Accuracy holds at 4 bits; at 2 bits, retrieval tasks degrade first."
    assert second.content_html == ""


async def test_atom(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/atom.xml")
    release, updated_only = result.entries
    assert release.title == "Release: tinyllm-3b with a 256k context"
    assert release.url == "http://open-weights.example/releases/tinyllm-3b"
    assert release.published == datetime(2026, 2, 11, 7, 0, tzinfo=UTC)
    assert release.author == "Jonas Weber"
    assert release.tags == ("release", "open source")
    assert release.links == ("https://hub.example/tinyllm/tinyllm-3b",)
    assert "model card" in release.content_html
    assert updated_only.published == datetime(2026, 2, 10, 20, 0, tzinfo=UTC)
    assert updated_only.summary == "Dates fall back to updated."


async def test_json_feed(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/feed.json")
    assert result.skipped == 1
    html_item, text_item = result.entries
    assert html_item.title == "A new benchmark for tool-using agents"
    assert html_item.author == "Sam Okafor"
    assert html_item.tags == ("agent", "benchmark")
    assert html_item.links == ("https://bench.example/toolbench",)
    assert html_item.published == datetime(2026, 2, 11, 7, 45, tzinfo=UTC)
    assert text_item.url == "http://agents-digest.example/2026/02/prompt-injection-defences"
    assert text_item.content_text.startswith("Three defences survived")
    assert text_item.author == "Agents Digest staff"
    assert text_item.published == datetime(2026, 2, 10, 14, 0, tzinfo=UTC)


async def test_latin1_feed_without_declared_encoding(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/latin1-undeclared.xml")
    assert result.entries[0].title == "Réseaux de neurones à la française"
    assert result.entries[0].summary == "Un modèle entraîné sur des données publiques."


async def test_charset_from_http_headers(
    fixture_server: FixtureServer, fast_fetch: FetchSettings, web_root: Path
) -> None:
    body = (web_root / "feeds/latin1-undeclared.xml").read_bytes()
    fixture_server.route("/declared", body=body, content_type="text/xml; charset=ISO-8859-1")
    result = await _collect(fixture_server, fast_fetch, "declared", "feed")
    assert result.entries[0].title == "Réseaux de neurones à la française"


async def test_feed_with_wrong_declared_encoding(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/wrong-encoding.xml")
    assert result.entries[0].title == "Naïve priors — revisited"
    assert result.entries[0].summary == "Café-style “quick” notes."


async def test_malformed_feed_that_still_has_entries_is_accepted(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    result = await _collect(fixture_server, fast_fetch, "feeds/malformed-with-entries.xml")
    assert [e.title for e in result.entries] == [
        "Compiler passes for sparse tensors",
        "Second item survives too",
    ]


async def test_feed_errors_are_one_line(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    def url(path: str) -> str:
        return fixture_server.url(path)

    assert await _parse_error(fixture_server, fast_fetch, "feeds/not-a-feed.xml") == (
        f"{url('feeds/not-a-feed.xml')}: not a feed: looks like HTML"
    )
    assert await _parse_error(fixture_server, fast_fetch, "feeds/empty.xml") == (
        f"{url('feeds/empty.xml')}: empty body"
    )
    assert await _parse_error(fixture_server, fast_fetch, "feeds/empty.xml", "auto") == (
        f"{url('feeds/empty.xml')}: empty body"
    )
    assert await _parse_error(fixture_server, fast_fetch, "feeds/malformed.xml") == (
        f"{url('feeds/malformed.xml')}: malformed XML at line 5: no element found"
    )
    assert await _parse_error(fixture_server, fast_fetch, "feeds/billion-laughs.xml") == (
        f"{url('feeds/billion-laughs.xml')}: refused XML with entity declarations "
        "(possible entity-expansion attack)"
    )
    fixture_server.route("/plain", body="just words", content_type="text/plain")
    assert await _parse_error(fixture_server, fast_fetch, "plain") == (
        f"{url('plain')}: not a feed: not XML or JSON"
    )


async def test_conditional_collect_reports_not_modified(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    first = await _collect(fixture_server, fast_fetch, "feeds/rss20.xml")
    again = await _collect(fixture_server, fast_fetch, "feeds/rss20.xml", "feed", first.validators)
    assert again.not_modified and again.entries == [] and again.status == 304
    assert again.validators == first.validators
    assert fixture_server.requests[-1][2]["if-none-match"] == first.validators.etag


async def test_fetch_errors_pass_through(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        await _collect(fixture_server, fast_fetch, "feeds/gone.xml")
    assert str(caught.value) == f"{fixture_server.url('feeds/gone.xml')}: HTTP 404 Not Found"


# html ----------------------------------------------------------------------------------------


async def test_html_article_page(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "pages/article.html")
    (entry,) = result.entries
    assert entry.title == "Serving 70B models on one node"
    assert entry.url == fixture_server.url("pages/article.html")
    assert entry.summary.startswith("How tensor parallelism")
    assert "Paged attention stores" in entry.content_html


async def test_html_listing_page(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "pages/listing.html", "html")
    assert [(e.url, e.title) for e in result.entries] == [
        (
            fixture_server.url("pages/posts/one.html"),
            "Speculative decoding reaches 3x on 70B models",
        ),
        (fixture_server.url("pages/posts/two.html"), "Quantised KV caches: what breaks at 2 bits"),
        (
            fixture_server.url("pages/posts/three.html"),
            "Scheduling prefill and decode on separate GPUs",
        ),
        (fixture_server.url("pages/posts/four.html"), "A field guide to tokenizer regressions"),
    ]
    assert all(not e.content_html and not e.content_text for e in result.entries)
    assert len(fixture_server.requests) == 1  # listing entries are fetched later, by extract


# discourse -----------------------------------------------------------------------------------


async def test_discourse_latest(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "forum/latest.json")
    base = fixture_server.url("forum")
    by_title = {e.title: e for e in result.entries}
    assert list(by_title) == [
        "Release notes: serving runtime 2.4",
        "Fine-tuning runs diverge after step 4000 & loss spikes",
        "Is there a CUDA 13 build of the kernels package?",
        "A topic whose JSON is missing",
    ]
    release = by_title["Release notes: serving runtime 2.4"]
    assert release.url == f"{base}/t/release-notes-serving-runtime-2-4/101"
    assert release.content_text.startswith("Version 2.4 adds paged attention")
    assert "New: speculative decoding for batch sizes above 8" in release.content_text
    assert release.author == "Runtime Maintainers"
    assert release.published == datetime(2026, 2, 11, 3, 12, 45, 120000, tzinfo=UTC)
    assert release.tags == ("release", "serving")
    assert release.links == (
        "https://code.example/runtime/releases/v2.4",
        "https://docs.example/runtime/upgrade",
    )
    assert by_title["Fine-tuning runs diverge after step 4000 & loss spikes"].tags == (
        "fine-tuning",
    )
    assert by_title["Fine-tuning runs diverge after step 4000 & loss spikes"].author == "lrsearch"
    missing = by_title["A topic whose JSON is missing"]
    assert missing.content_text == ""
    assert missing.summary == "The list still knows the title and this excerpt."
    assert sorted(fixture_server.paths()) == [
        "/forum/latest.json",
        "/forum/t/101.json",
        "/forum/t/102.json",
        "/forum/t/103.json",
        "/forum/t/104.json",
    ]


async def test_discourse_base_url_and_single_topic(
    fixture_server: FixtureServer, fast_fetch: FetchSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discourse, "MAX_TOPICS", 2)
    bounded = await _collect(fixture_server, fast_fetch, "forum/", "discourse")
    assert len(bounded.entries) == 2
    assert fixture_server.paths()[0] == "/forum/latest.json"
    single = await _collect(fixture_server, fast_fetch, "forum/t/103.json")
    (entry,) = single.entries
    slug = "is-there-a-cuda-13-build-of-the-kernels-package"
    assert entry.url == fixture_server.url(f"forum/t/{slug}/103")
    assert "CUDA 12.8" in entry.content_text


async def test_discourse_rejects_other_json(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.route("/forum/c/empty.json", body='{"category": {}}')
    message = await _parse_error(fixture_server, fast_fetch, "forum/c/empty.json", "discourse")
    url = fixture_server.url("forum/c/empty.json")
    assert message == f"{url}: not a Discourse topic list or topic"


# jsonl ---------------------------------------------------------------------------------------


async def test_jsonl_file(fixture_server: FixtureServer, fast_fetch: FetchSettings) -> None:
    result = await _collect(fixture_server, fast_fetch, "items.jsonl")
    assert [e.url for e in result.entries] == [
        "http://items.example/a",
        "http://items.example/b",
        "http://items.example/d",
    ]
    assert result.skipped == 3
    first, second, third = result.entries
    assert first.content_text == "A vendor-neutral protocol for tool calls reached version 1.0."
    assert first.tags == ("outlet:Items Daily", "lang:en")
    assert first.published == datetime(2026, 2, 11, tzinfo=UTC)
    assert second.published == datetime(2026, 2, 10, 6, 30, tzinfo=UTC)
    assert second.author == "A. Chen, B. Diaz"
    assert second.tags == ("distillation",)
    assert third.content_text == "" and third.published is None


async def test_jsonl_without_usable_lines(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    fixture_server.route("/bad.jsonl", body='not json\n{"title": "no url"}\n')
    message = await _parse_error(fixture_server, fast_fetch, "bad.jsonl", "jsonl")
    assert message == (
        f"{fixture_server.url('bad.jsonl')}: no usable JSONL records "
        "(2 bad lines; first: line 1: invalid JSON (Expecting value))"
    )


async def test_shared_corpus_loads_every_candidate(fast_fetch: FetchSettings) -> None:
    spec = SourceSpec(name="corpus", url=str(CORPUS), type="jsonl")
    async with Fetcher(fast_fetch.model_copy(update={"max_bytes": 5_000_000})) as fetcher:
        result = await collect_source(spec, fetcher, Validators())
    assert len(result.entries) == 111 and result.skipped == 0
    first = result.entries[0]
    assert first.source == "corpus"
    assert first.title == "AI enthusiasts show earliest burnout symptoms"
    assert "outlet:arabateknik.com" in first.tags
    assert first.content_text.startswith("An automatically refreshed news page")
    for entry in result.entries:  # labels are answers, never inputs
        assert not any(word in " ".join(entry.tags) for word in ("gold", "distractor"))
    assert sum(entry.published is None for entry in result.entries) == 16


# detection and registry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected_requests"),
    [("feeds/rss20.xml", 1), ("feeds/feed.json", 1), ("items.jsonl", 1), ("pages/article.html", 1)],
)
async def test_auto_fetches_once(
    fixture_server: FixtureServer, fast_fetch: FetchSettings, path: str, expected_requests: int
) -> None:
    result = await _collect(fixture_server, fast_fetch, path)
    assert result.entries
    assert len(fixture_server.requests) == expected_requests


async def test_local_sources(fast_fetch: FetchSettings, web_root: Path) -> None:
    spec = SourceSpec(name="local", url=str(web_root / "feeds/atom.xml"))
    async with Fetcher(fast_fetch) as fetcher:
        first = await collect_source(spec, fetcher, Validators())
        again = await collect_source(spec, fetcher, first.validators)
    assert len(first.entries) == 2 and again.not_modified


def test_registry_knows_every_builtin_type() -> None:
    assert registered_types() == ["discourse", "feed", "html", "jsonl"]
    assert get_source_type("feed").name == "feed"
    with pytest.raises(ConfigError) as caught:
        get_source_type("gopher")
    assert str(caught.value) == (
        "unknown source type 'gopher' (known: discourse, feed, html, jsonl, auto)"
    )


def test_a_new_type_is_one_registered_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources_base, "_REGISTRY", dict(sources_base._REGISTRY))

    @register_source_type
    class Plain(FetchedSource):
        name: ClassVar[str] = "plain"

        async def parse(
            self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher
        ) -> Collected:
            raise NotImplementedError

    assert isinstance(get_source_type("plain"), Plain)


# OPML ----------------------------------------------------------------------------------------


def test_opml_import(web_root: Path) -> None:
    specs = parse_opml(web_root / "subscriptions.opml")
    assert [(s.name, s.url, s.type, s.tags) for s in specs] == [
        ("Inference Weekly", "http://inference-weekly.example/feed.xml", "feed", ["AI"]),
        (
            "Preprints: machine learning",
            "http://preprints.example/rss/cs.LG",
            "feed",
            ["AI", "Research", "papers", "ml", "arxiv"],
        ),
        ("Inference Weekly (2)", "http://inference-weekly.example/other.xml", "feed", []),
        ("Open Weights Log", "http://open-weights.example/", "auto", []),
        ("untitled.example", "http://untitled.example/feed", "feed", []),
    ]
    assert parse_opml((web_root / "subscriptions.opml").read_text()) == specs


def test_opml_errors(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as caught:
        parse_opml("<opml><body><outline")
    assert str(caught.value).startswith("OPML: not valid OPML: unclosed token: line 1")
    with pytest.raises(ParseError) as caught:
        parse_opml("<rss version='2.0'/>")
    assert str(caught.value) == "OPML: not valid OPML: root element is <rss>"
    bomb = '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>'
    with pytest.raises(ParseError) as caught:
        parse_opml(bomb)
    assert str(caught.value) == "OPML: not valid OPML: refused EntitiesForbidden"
    with pytest.raises(ParseError) as caught:
        parse_opml(tmp_path / "none.opml")
    assert str(caught.value) == f"file not found: {tmp_path / 'none.opml'}"


def test_opml_nested_too_deep_or_with_odd_urls() -> None:
    """Regression (issue 9): the outline walk recursed, so 200,000 nested folders raised
    RecursionError; an unclosed IPv6 bracket in a URL raised ValueError naming the source."""
    deep = "<opml><body>" + '<outline text="f">' * 200_000 + "</outline>" * 200_000
    with pytest.raises(ParseError) as caught:
        parse_opml(deep + "</body></opml>")
    assert str(caught.value) == "OPML: not valid OPML: outlines nested deeper than 64 levels"
    (spec,) = parse_opml('<opml><body><outline xmlUrl="http://[::1/feed"/></body></opml>')
    assert spec.name == "http://[::1/feed"


# bounds: nesting, links, entries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "too_deep"),
    [
        ("[]", False),
        ("[" * 64 + "]" * 64, False),
        ("[" * 65 + "]" * 65, True),
        ('{"a":' * 65 + "1" + "}" * 65, True),
        ("[" * 200_000 + "]" * 200_000, True),
        ("[" * 200_000, True),  # unclosed: a recursive parser descends before it fails
        ('["' + "[" * 1000 + '"]', False),  # brackets inside a string are text
        ('["\\"' + "[" * 1000 + '"]', False),  # an escaped quote does not end the string
        ("[[]]" * 100_000, False),  # wide, not deep
    ],
)
def test_json_depth_is_measured_without_recursion(text: str, too_deep: bool) -> None:
    assert json_too_deep(text) is too_deep
    assert json_too_deep(text.encode()) is too_deep


async def test_deep_json_is_a_parse_error_for_every_json_type(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """Regression (issue 9): a JSON Feed nested 200,000 arrays deep raised RecursionError out of
    the run; so did the same body sniffed by ``auto`` or read as a Discourse list (90,000
    levels here, to stay under the tests' ``max_bytes``)."""
    deep = "[" * 90_000 + "]" * 90_000
    fixture_server.route(
        "/deep.json",
        body='{"version": "https://jsonfeed.org/version/1.1", "items": ' + deep + "}",
        content_type="application/feed+json",
    )
    fixture_server.route("/forum/latest.json", body='{"topic_list": ' + deep + "}")
    for path, kind in (("deep.json", "feed"), ("deep.json", "auto"), ("forum/", "discourse")):
        message = await _parse_error(fixture_server, fast_fetch, path, kind)
        assert message.endswith("nested deeper than 64 levels"), (kind, message)


async def test_bad_item_links_cost_their_items_only(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """Regression (issue 9): javascript: and data: item links were stored and published; a
    full-width host or port 99999 crashed the run when the page was fetched."""
    items = [
        ("kept", fixture_server.url("kept")),
        ("script", "javascript:alert(1)"),
        ("data", "data:text/html,<script>alert(1)</script>"),
        ("full-width", "http://１２７．０．０．１/x"),
        ("port", "http://127.0.0.1:99999/x"),
        ("ideographic dots", "http://127。0。0。1:8/y"),
    ]
    rss = "".join(f"<item><title>{t}</title><link>{u}</link></item>" for t, u in items)
    fixture_server.route(
        "/odd.xml",
        body=f'<rss version="2.0"><channel><title>odd</title>{rss}</channel></rss>',
        content_type="application/rss+xml",
    )
    result = await _collect(fixture_server, fast_fetch, "odd.xml", "feed")
    assert [(e.title, e.url) for e in result.entries] == [
        ("kept", fixture_server.url("kept")),
        ("ideographic dots", "http://127.0.0.1:8/y"),  # normalised as httpx requests it
    ]
    assert len(result.refused) == 4
    assert "scheme 'javascript' is not http or https" in result.refused[0]
    assert "port 99999 out of range" in result.refused[3]
    assert result.warnings == [f"refused 4 entries; first: {result.refused[0]}"]


async def test_entries_and_fields_are_bounded(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    items = [
        {"id": str(n), "url": fixture_server.url(f"p/{n}"), "title": f"Item {n}"} for n in range(12)
    ]
    items[0].update(title="T" * 100_000, tags=[str(n) for n in range(1000)])
    fixture_server.route(
        "/many.json",
        body=json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}),
        content_type="application/feed+json",
    )
    settings = fast_fetch.model_copy(update={"max_entries": 5})
    result = await _collect(fixture_server, settings, "many.json", "feed")
    assert [e.url for e in result.entries] == [fixture_server.url(f"p/{n}") for n in range(5)]
    assert len(result.entries[0].title) == MAX_TITLE and result.entries[0].title.endswith("…")
    assert len(result.entries[0].tags) == MAX_TAGS
    assert result.warnings == ["listed 12 entries; kept the first 5 ([fetch] max_entries)"]


def test_a_local_source_may_list_local_files_a_web_source_may_not() -> None:
    local = Entry(source="s", url="file:///srv/site/post.html", title="Local post")
    admitted = admit_entries([local], source_url="file:///srv/site/feed.xml")
    assert [e.url for e in admitted.entries] == ["file:///srv/site/post.html"]
    refused = admit_entries([local], source_url="http://127.0.0.1:9/feed.xml")
    assert refused.entries == []
    assert refused.refused == [
        "file:///srv/site/post.html: link refused: scheme 'file' is not http or https"
    ]


async def test_discourse_ids_and_slugs_cannot_steer_topic_urls(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """A topic id must be a number and a slug is percent-encoded: list data can neither point
    topic fetches elsewhere nor put odd paths into entry URLs."""
    topics = [
        {"id": "../../admin", "title": "Traversal"},
        {"id": 5, "slug": "../../x?y=1", "title": "Odd slug"},
        {"id": True, "title": "Boolean id"},
    ]
    fixture_server.route("/steer/latest.json", body=json.dumps({"topic_list": {"topics": topics}}))
    result = await _collect(fixture_server, fast_fetch, "steer/", "discourse")
    (entry,) = result.entries
    assert entry.url == fixture_server.url("steer/t/..%2F..%2Fx%3Fy%3D1/5")
    assert fixture_server.paths() == ["/steer/latest.json", "/steer/t/5.json"]
    assert [line.rsplit(": ", 1)[1] for line in result.refused] == ["no numeric id"] * 2


def test_html_listing_ignores_links_that_are_not_web_links() -> None:
    base = "http://127.0.0.1:9/blog/"
    anchors = [
        "javascript:void(0)",
        "data:text/html,x",
        "http://１２７．０．０．１/blog/one",
        "/blog/first-article",
        "/blog/second-article",
        "/blog/third-article",
    ]
    page = (
        "<html><body><ul>"
        + "".join(
            f'<li><a href="{href}">An article title that is long enough {n}</a></li>'
            for n, href in enumerate(anchors)
        )
        + "</ul></body></html>"
    )
    entries = parse_html_page(page, url=base, source="blog")
    assert [e.url for e in entries] == [
        "http://127.0.0.1:9/blog/first-article",
        "http://127.0.0.1:9/blog/second-article",
        "http://127.0.0.1:9/blog/third-article",
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://１２７．０．０．１/feed", "Invalid IDNA hostname"),
        ("http://xn--a.example/feed", "U+0080"),
        ("http://127.0.0.1:99999/feed", "Port out of range"),
        ("http://127.0.0.1/" + "f" * 70_000, "(at most 8192)"),
    ],
)
def test_sources_add_refuses_what_the_fetcher_would_refuse(url: str, reason: str) -> None:
    """Regression (issue 9): these source URLs were accepted and then crashed every run."""
    with pytest.raises(ConfigError) as caught:
        check_location(url)
    assert reason in str(caught.value) and len(str(caught.value)) < 400


def _rss(items: int, base: str = "http://127.0.0.1:9") -> bytes:
    body = "".join(
        f"<item><title>Item {n}</title><link>{base}/i/{n}</link>"
        f"<description>&lt;p&gt;Body of item {n}.&lt;/p&gt;</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0"?>\n<!-- a feed --><rss version="2.0"><channel><title>t</title>'
        f"{body}</channel></rss>"
    ).encode()


def test_only_the_first_max_entries_items_are_parsed() -> None:
    """A 10,000-item feed took seconds of feedparser for items dropped afterwards; the feed is
    now cut before item max_entries + 1 and closed again, for RSS, Atom and RDF alike."""
    parsed = parse_feed(_rss(10_000), url="http://127.0.0.1:9/f", source="s", max_entries=1000)
    assert [e.title for e in parsed.entries] == [f"Item {n}" for n in range(1000)]
    assert (parsed.skipped, parsed.dropped) == (0, 9000)
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
        + "".join(
            f'<entry><title>E{n}</title><link href="http://127.0.0.1:9/e/{n}"/></entry>'
            for n in range(12)
        )
        + "</feed>"
    )
    parsed = parse_feed(atom.encode(), url="http://127.0.0.1:9/a", source="s", max_entries=5)
    assert [e.title for e in parsed.entries] == ["E0", "E1", "E2", "E3", "E4"]
    assert parsed.dropped == 7 and parse_feed(atom.encode(), url="x", source="s").dropped == 0


async def test_a_huge_feed_does_not_stall_the_event_loop(fast_fetch: FetchSettings) -> None:
    """Regression (issue 9): feeds were parsed on the event loop, so while a 10,000-item feed
    was parsed no other source was served and their deadlines ran out."""
    settings = fast_fetch.model_copy(update={"max_entries": 100_000, "max_bytes": 10_000_000})
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(0.01)
            now = asyncio.get_running_loop().time()
            gaps.append(now - last - 0.01)
            last = now

    with FixtureServer() as server:
        server.route("/big.xml", body=_rss(10_000), content_type="application/rss+xml")
        beat = asyncio.create_task(heartbeat())
        started = asyncio.get_running_loop().time()
        result = await _collect(server, settings, "big.xml", "feed")
        took = asyncio.get_running_loop().time() - started
        beat.cancel()
    assert len(result.entries) == 10_000
    assert took > 0.5  # long enough for a stalled loop to show
    # Parsed on the loop, one stall lasts about as long as the whole parse; off the loop, the
    # loop only waits for its turn at the GIL (more on a loaded machine, hence the scaling).
    stall = max(gaps, default=took)  # no beat at all: the loop was held the whole time
    assert stall < max(0.25, took / 4), f"the loop stalled {stall:.2f} s of a {took:.1f} s parse"


async def test_binary_served_as_html_is_a_parse_error(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """Regression (issue 9): a PNG served as text/html became a document of mojibake."""
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    fixture_server.route("/pic.html", body=png, content_type="text/html")
    fixture_server.route(
        "/nul.html", body=b"<html>\x00\x01\x02" + bytes(300), content_type="text/html"
    )
    assert (await _parse_error(fixture_server, fast_fetch, "pic.html", "html")).endswith(
        "pic.html: binary body (PNG image), not HTML"
    )
    assert (await _parse_error(fixture_server, fast_fetch, "nul.html", "html")).endswith(
        "nul.html: binary body (NUL bytes), not HTML"
    )


async def test_control_characters_never_reach_an_entry(
    fixture_server: FixtureServer, fast_fetch: FetchSettings
) -> None:
    """Regression (issue 9): NUL and other control bytes of an item were stored in titles and
    texts (and PostgreSQL refuses NUL in text outright)."""
    item = (
        "<item><title>Null\x00byte\x01title</title><link>{}</link>"
        "<description>a\x00b\tc</description></item>"
    ).format(fixture_server.url("nul/1"))
    fixture_server.route(
        "/nul.xml",
        body=f'<rss version="2.0"><channel><title>t</title>{item}</channel></rss>'.encode(),
        content_type="application/rss+xml",
    )
    (entry,) = (await _collect(fixture_server, fast_fetch, "nul.xml", "feed")).entries
    assert entry.title == "Nullbytetitle" and entry.summary == "ab c"
