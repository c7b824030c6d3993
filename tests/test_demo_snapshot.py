"""The bundled demo snapshot and the transport that serves it offline.

Every request here goes through :class:`SnapshotTransport`; the only real socket is the one to
the closed loopback port of the unreachable source.
"""

from __future__ import annotations

import calendar
import importlib.util
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from deepdaily.config import SourceSpec, load_settings
from deepdaily.demo import SNAPSHOT_ROOT, SOURCES_PATH, SnapshotTransport
from deepdaily.demo.transport import LAST_MODIFIED, LOOPBACK_HOSTS

REPO = Path(__file__).resolve().parents[1]
DAYS = ("2026-11-25", "2026-11-26")
MALFORMED = "Hollowbyte"
#: Namespace and specification URIs that appear in feeds and markup; never fetched.
SPEC_HOSTS = {"www.w3.org", "purl.org", "jsonfeed.org", "schema.org"}


def _specs() -> list[SourceSpec]:
    raw = tomllib.loads(SOURCES_PATH.read_text(encoding="utf-8"))
    return [SourceSpec.model_validate(item) for item in raw["sources"]]


def _is_loopback(spec: SourceSpec) -> bool:
    return urlsplit(spec.url).hostname in LOOPBACK_HOSTS


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=SnapshotTransport(SNAPSHOT_ROOT)) as c:
        yield c


def _utc_day(value: datetime) -> str:
    return value.astimezone(UTC).date().isoformat()


def _entry_days(spec: SourceSpec, response: httpx.Response) -> list[str]:
    """The UTC publication day of every entry a source offers, parsed as a collector would."""
    kind = response.headers["content-type"].split(";")[0]
    if spec.type == "discourse":
        topics = response.json()["topic_list"]["topics"]
        return [_utc_day(datetime.fromisoformat(t["created_at"])) for t in topics]
    if kind == "application/json":
        items = response.json()["items"]
        return [_utc_day(datetime.fromisoformat(i["date_published"])) for i in items]
    if spec.type == "feed":
        parsed = feedparser.parse(response.content)
        stamps = [e.get("published_parsed") or e.get("updated_parsed") for e in parsed.entries]
        return [_utc_day(datetime.fromtimestamp(calendar.timegm(s), UTC)) for s in stamps]
    page = response.text
    published = re.search(r'property="article:published_time" content="([^"]+)"', page)
    if published:
        return [_utc_day(datetime.fromisoformat(published.group(1)))]
    listed = re.findall(r'<article class="news-card">.*?<time datetime="([^"]+)"', page, re.S)
    return [_utc_day(datetime.fromisoformat(stamp)) for stamp in listed]


# --- sources.toml ------------------------------------------------------------------------------


def test_sources_load_as_source_specs() -> None:
    specs = _specs()
    assert len(specs) >= 12
    assert len({s.name for s in specs}) == len(specs)
    assert {s.type for s in specs} >= {"feed", "html", "discourse"}
    loopback = [s for s in specs if _is_loopback(s)]
    assert [s.url for s in loopback] == ["http://127.0.0.1:9/feed.xml"]
    for spec in specs:
        if not _is_loopback(spec):
            assert urlsplit(spec.url).hostname.endswith(".example"), spec.url


def test_sources_file_is_usable_by_the_settings_loader() -> None:
    settings = load_settings(SOURCES_PATH, environ={})
    assert [s.name for s in settings.sources] == [s.name for s in _specs()]


def test_authority_follows_the_kind_of_source() -> None:
    by_tag = {s.name: s for s in _specs()}
    labs = [s.authority for s in by_tag.values() if "lab" in s.tags]
    news = [s.authority for s in by_tag.values() if "news" in s.tags]
    farms = [s.authority for s in by_tag.values() if "aggregator" in s.tags]
    assert min(labs) >= 0.8
    assert all(0.6 <= a <= 0.7 for a in news)
    assert max(farms) <= 0.3


# --- every source is served --------------------------------------------------------------------


async def test_every_source_is_served(client: httpx.AsyncClient) -> None:
    for spec in _specs():
        if _is_loopback(spec):
            continue
        response = await client.get(spec.url)
        assert response.status_code == 200, spec.url
        assert response.headers["content-type"].endswith("charset=utf-8")
        if spec.type == "feed" and not response.headers["content-type"].startswith(
            "application/json"
        ):
            parsed = feedparser.parse(response.content)
            if spec.name == MALFORMED:
                assert parsed.bozo and not parsed.entries
            else:
                assert not parsed.bozo, (spec.url, parsed.get("bozo_exception"))
                assert parsed.entries, spec.url


async def test_feed_formats_are_mixed(client: httpx.AsyncClient) -> None:
    versions = set()
    for spec in _specs():
        if spec.type != "feed" or _is_loopback(spec) or spec.name == MALFORMED:
            continue
        response = await client.get(spec.url)
        if response.headers["content-type"].startswith("application/json"):
            versions.add(response.json()["version"])
        else:
            versions.add(feedparser.parse(response.content).version)
    assert {"rss20", "rss10", "atom10", "https://jsonfeed.org/version/1.1"} <= versions


async def test_every_linked_entry_and_topic_resolves(client: httpx.AsyncClient) -> None:
    """Summary-only feeds and the listing need their article pages; links keep utm_* queries."""
    links: list[str] = []
    for spec in _specs():
        if _is_loopback(spec) or spec.name == MALFORMED:
            continue
        response = await client.get(spec.url)
        if spec.type == "discourse":
            base = spec.url.rsplit("/", 1)[0]
            links += [f"{base}/t/{t['id']}.json" for t in response.json()["topic_list"]["topics"]]
        elif response.headers["content-type"].startswith("application/json"):
            links += [item["url"] for item in response.json()["items"]]
        elif spec.type == "feed":
            links += [entry.link for entry in feedparser.parse(response.content).entries]
        elif "news-card" in response.text:
            links += re.findall(r'<h2><a href="([^"]+)"', response.text)
    assert any("utm_source=" in link for link in links)
    for link in links:
        response = await client.get(link)
        assert response.status_code == 200, link


async def test_discourse_topics_have_the_discourse_shape(client: httpx.AsyncClient) -> None:
    latest = (await client.get("https://community.tessellate.example/latest.json")).json()
    topics = latest["topic_list"]["topics"]
    assert len(topics) >= 8
    for summary in topics:
        assert {
            "id",
            "slug",
            "title",
            "created_at",
            "last_posted_at",
            "posts_count",
            "tags",
        } <= set(summary)
        url = f"https://community.tessellate.example/t/{summary['id']}.json"
        topic = (await client.get(url)).json()
        posts = topic["post_stream"]["posts"]
        assert topic["id"] == summary["id"] and len(posts) == summary["posts_count"]
        assert all(p["cooked"].startswith("<") and p["username"] and p["created_at"] for p in posts)


async def test_enough_entries_on_both_days(client: httpx.AsyncClient) -> None:
    days: Counter[str] = Counter()
    for spec in _specs():
        if _is_loopback(spec):
            continue
        days.update(_entry_days(spec, await client.get(spec.url)))
    assert days[DAYS[0]] >= 30 and days[DAYS[1]] >= 30
    assert days[DAYS[0]] + days[DAYS[1]] >= 80


def test_snapshot_holds_chinese_items_and_the_injection_test_case() -> None:
    web = SNAPSHOT_ROOT / "web"
    chinese = feedparser.parse((web / "shenliu.example" / "rss.xml").read_bytes())
    assert sum(1 for e in chinese.entries if re.search(r"[\u4e00-\u9fff]", e.title)) >= 2
    farm = (web / "trendbuzz.example" / "rss.xml").read_text(encoding="utf-8")
    assert "ignore all previous instructions" in farm and "https://prize.example/claim" in farm
    assert not (web / "prize.example").exists()


def test_snapshot_uses_only_reserved_hosts_and_stays_small() -> None:
    files = [p for p in (SNAPSHOT_ROOT / "web").rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 1_500_000
    hosts: set[str] = set()
    for path in files:
        hosts.update(re.findall(r"https?://([A-Za-z0-9.-]+)", path.read_text(encoding="utf-8")))
    foreign = {h for h in hosts - SPEC_HOSTS if not h.endswith(".example")}
    assert not foreign


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_snapshot", REPO / "tools" / "make_snapshot.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the body runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_snapshot_is_reproducible_from_the_generator(tmp_path: Path) -> None:
    """Guards against hand edits to generated files that the next regeneration would lose."""
    _load_generator().build(tmp_path)
    built = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    shipped = {
        p.relative_to(SNAPSHOT_ROOT): p.read_bytes()
        for p in (SNAPSHOT_ROOT / "web").rglob("*")
        if p.is_file()
    }
    assert built.keys() == shipped.keys()
    assert [k for k in built if built[k] != shipped[k]] == []


# --- the transport -----------------------------------------------------------------------------

FEED = "https://lumenforge.example/blog/feed.xml"


async def test_conditional_requests_get_304(client: httpx.AsyncClient) -> None:
    first = await client.get(FEED)
    tag = first.headers["etag"]
    assert tag.startswith('"') and first.headers["last-modified"] == LAST_MODIFIED
    again = await client.get(FEED, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    weak = await client.get(FEED, headers={"If-None-Match": f'"other", W/{tag}'})
    assert weak.status_code == 304
    since = await client.get(FEED, headers={"If-Modified-Since": LAST_MODIFIED})
    assert since.status_code == 304
    stale = await client.get(FEED, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_missing_paths_and_unknown_hosts_are_404(client: httpx.AsyncClient) -> None:
    for url in (
        "https://prize.example/claim",
        "https://lumenforge.example/blog/no-such-post/",
        "https://lumenforge.example/../../sources.toml",
        "https://lumenforge.example/%2e%2e/%2e%2e/sources.toml",
        "https://unknown-host.test/feed.xml",
    ):
        assert (await client.get(url)).status_code == 404, url


async def test_content_types_follow_the_file(client: httpx.AsyncClient) -> None:
    expected = {
        "https://lumenforge.example/blog/feed.xml": "application/rss+xml",
        "https://kestrel-research.example/feed.atom.xml": "application/atom+xml",
        "https://openprint.example/rss/cs.LG": "application/rss+xml",
        "https://latentdispatch.example/feed.json": "application/json",
        "https://tessellate.example/news/": "text/html",
        "https://tessellate.example/news": "text/html",
        "https://openprint.example/abs/2611.04417": "text/html",
    }
    for url, kind in expected.items():
        response = await client.get(url)
        assert response.headers["content-type"] == f"{kind}; charset=utf-8", url


async def test_queries_map_to_variants_or_are_ignored(tmp_path: Path) -> None:
    forum = tmp_path / "web" / "forum.example"
    forum.mkdir(parents=True)
    (forum / "latest.json").write_text('{"page": 1}', encoding="utf-8")
    (forum / "latest@page=2.json").write_text('{"page": 2}', encoding="utf-8")
    async with httpx.AsyncClient(transport=SnapshotTransport(tmp_path)) as c:
        assert (await c.get("https://forum.example/latest.json?page=2")).json() == {"page": 2}
        assert (await c.get("https://forum.example/latest.json?page=1")).json() == {"page": 1}
        assert (await c.get("https://forum.example/latest.json?page=3")).status_code == 404
        assert (await c.get("https://forum.example/latest.json?utm_source=x")).json() == {"page": 1}


async def test_head_and_other_methods(client: httpx.AsyncClient) -> None:
    head = await client.head(FEED)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 1000
    assert (await client.post(FEED)).status_code == 405


async def test_loopback_goes_to_the_passthrough() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, text="from the passthrough")

    transport = SnapshotTransport(SNAPSHOT_ROOT, passthrough=httpx.MockTransport(answer))
    async with httpx.AsyncClient(transport=transport) as c:
        assert (await c.get("http://localhost:8080/x")).text == "from the passthrough"
        assert (await c.get(FEED)).status_code == 200
    assert seen == ["http://localhost:8080/x"]


async def test_unreachable_loopback_source_really_fails(client: httpx.AsyncClient) -> None:
    (spec,) = [s for s in _specs() if _is_loopback(s)]
    with pytest.raises(httpx.ConnectError):
        await client.get(spec.url)


def test_forum_json_is_valid_for_every_topic() -> None:
    for path in (SNAPSHOT_ROOT / "web" / "community.tessellate.example" / "t").glob("*.json"):
        topic = json.loads(path.read_text(encoding="utf-8"))
        assert topic["id"] == int(path.stem)
