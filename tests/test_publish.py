"""``publish_digest``: the post, JSON, standalone page and feeds of a stored digest.

Digests are stored in a real SQLite store and published into ``tmp_path``; the feeds are
parsed back with feedparser, the pages with an HTML parser, and re-publishing is checked by
the files' bytes and modification times.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import feedparser
import pytest

from deepdaily.errors import PublishError
from deepdaily.publish import publish_digest
from deepdaily.render import render_json, render_markdown
from deepdaily.store import Store
from publish_support import (
    BASE_URL,
    PageReader,
    days,
    digest_for,
    publish_settings,
    read_page,
    store_digest,
)

DAY = date(2026, 3, 4)


def test_publish_writes_the_post_json_page_and_feeds(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path)
    digest = digest_for(DAY)
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest)
        result = publish_digest(settings, store, DAY)
        row = store.digest("zh", DAY.isoformat())
    out = tmp_path / "out"
    assert result.post == out / "content/posts/2026-03-04.md"
    assert result.json == out / "content/posts/2026-03-04.json"
    assert result.html == out / "html/2026-03-04.html"
    assert (result.rss, result.atom) == (out / "feeds/index.xml", out / "feeds/atom.xml")
    assert sorted(result.written) == sorted(result.paths)
    assert result.post.read_text("utf-8") == render_markdown(digest)
    assert result.json.read_text("utf-8") == render_json(digest)
    assert row is not None and row["status"] == "published"
    assert row["published_json"] == render_json(digest)

    page = read_page(result.html)
    headings = [text for tag, text in page.headings if tag == "h2"]
    for item in digest.items:
        assert any(item.title in heading for heading in headings), item.title
        for url in item.sources:
            assert url in page.links, url
    text = result.html.read_text("utf-8")  # readable alone: no stylesheet or script to fetch
    assert "<style>" in text and 'rel="stylesheet"' not in text and "src=" not in text


def test_page_and_feeds_carry_no_raw_html_from_sources(tmp_path: Path) -> None:
    """Guards against a source's markup reaching a reader: a title holding a script tag and an
    item text holding an image with an onerror handler must come out as text."""
    settings = publish_settings(tmp_path)
    digest = digest_for(DAY)
    first = digest.items[0]
    hostile = first.model_copy(
        update={
            "title": 'Tessel <script>alert("x")</script> 2',
            "what": '<img src=x onerror="alert(1)"> Lumen Labs open-sourced Tessel 2.',
            "sources": [*first.sources, "javascript:alert(1)"],
        }
    )
    digest = digest.model_copy(update={"items": [hostile, *digest.items[1:]]})
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest)
        result = publish_digest(settings, store, DAY)
    page = read_page(result.html)
    assert "script" not in page.tags and "img" not in page.tags
    assert not any(link.startswith("javascript:") for link in page.links)
    assert '<script>alert("x")</script>' in "".join(text for _, text in page.headings)
    for feed in (result.rss, result.atom):
        parsed = feedparser.parse(feed.read_bytes())
        entry = PageReader()
        entry.feed(parsed.entries[0].content[0].value)
        assert "script" not in entry.tags and "img" not in entry.tags
        assert entry.links and not any(link.startswith("javascript:") for link in entry.links)


def _publish_days(tmp_path: Path, count: int, **publish: object) -> tuple[Path, Path]:
    settings = publish_settings(tmp_path, **publish)
    with Store(settings.store.resolved_url()) as store:
        for day in days(DAY, count):
            store_digest(store, digest_for(day))
            result = publish_digest(settings, store, day)
    return result.rss, result.atom


def test_feeds_parse_back_valid_with_one_entry_per_published_digest(tmp_path: Path) -> None:
    rss_path, atom_path = _publish_days(tmp_path, 3)
    dates = [d.isoformat() for d in reversed(days(DAY, 3))]  # newest first
    rss = feedparser.parse(rss_path.read_bytes())
    atom = feedparser.parse(atom_path.read_bytes())
    assert (rss.bozo, rss.version) == (False, "rss20")
    assert (atom.bozo, atom.version) == (False, "atom10")
    assert rss.feed.title == "AI 技术深度日报" and rss.feed.link == BASE_URL
    assert rss.feed.description and atom.feed.id and atom.feed.updated
    for parsed in (rss, atom):
        assert [e.title for e in parsed.entries] == [f"AI 技术深度日报｜{d}" for d in dates]
        assert [e.id for e in parsed.entries] == [
            f"tag:digest.example.org,{d}:deepdaily/zh/{d}" for d in dates
        ]
        assert [e.link for e in parsed.entries] == [f"{BASE_URL}posts/{d}/" for d in dates]
        for entry in parsed.entries:
            assert entry.published and entry.summary
            assert parsed is rss or entry.updated
            html = entry.content[0].value  # the whole digest
            assert "Tessel 2" in html and 'href="https://lumen.example.com/blog/tessel-2"' in html
    assert all(e.published.endswith("+0800") for e in rss.entries)  # the digest's own hour


def test_feed_keeps_feed_items_newest_and_leaves_drafts_out(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path, feed_items=2)
    with Store(settings.store.resolved_url()) as store:
        for day in days(DAY, 3):
            store_digest(store, digest_for(day))
            result = publish_digest(settings, store, day)
        draft_day = date(2026, 3, 9)
        store_digest(store, digest_for(draft_day), status="draft")
        publish_digest(settings, store, DAY)  # re-publishing an old day: the feed as it was
    entries = feedparser.parse(result.rss.read_bytes()).entries
    assert [e.id.rsplit("/", 1)[1] for e in entries] == ["2026-03-06", "2026-03-05"]
    assert not (tmp_path / "out/content/posts/2026-03-09.md").exists()


def test_republishing_an_unchanged_digest_writes_nothing(tmp_path: Path) -> None:
    """Guards against feeds and pages rewritten on every publish (readers then see the
    digest as new, and a git commit per run records nothing)."""
    settings = publish_settings(tmp_path)
    with Store(settings.store.resolved_url()) as store:
        for day in days(DAY, 2):
            store_digest(store, digest_for(day))
            first = publish_digest(settings, store, day)
        before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in first.paths}
        again = publish_digest(settings, store, days(DAY, 2)[1])
        assert again.written == [] and not again.changed
        assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in again.paths} == before
        assert again.published_at == first.published_at
        # A re-run stores the same digest again (approved): publishing it still writes nothing.
        store_digest(store, digest_for(days(DAY, 2)[1]))
        assert publish_digest(settings, store, days(DAY, 2)[1]).written == []


def test_a_changed_digest_keeps_its_guid_and_the_other_entries_dates(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path)
    second = days(DAY, 2)[1]
    with Store(settings.store.resolved_url()) as store:
        for day in days(DAY, 2):
            store_digest(store, digest_for(day))
            result = publish_digest(settings, store, day)
        old = feedparser.parse(result.atom.read_bytes()).entries
        edited = digest_for(DAY, tagline="An edited tagline.")
        store_digest(store, edited)
        changed = publish_digest(settings, store, DAY)
    assert set(changed.written) == set(changed.paths)  # post, JSON, page and both feeds
    assert "An edited tagline." in changed.post.read_text("utf-8")
    new = feedparser.parse(changed.atom.read_bytes()).entries
    assert [e.id for e in new] == [e.id for e in old]
    by_id = {e.id: e for e in new}
    old_by_id = {e.id: e for e in old}
    untouched = f"tag:digest.example.org,{second}:deepdaily/zh/{second}"
    assert by_id[untouched].updated == old_by_id[untouched].updated
    assert "An edited tagline." in by_id[f"tag:digest.example.org,{DAY}:deepdaily/zh/{DAY}"].summary


def test_publish_refuses_a_draft_and_a_day_without_digest(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path)
    with Store(settings.store.resolved_url()) as store:
        with pytest.raises(PublishError) as missing:
            publish_digest(settings, store, DAY)
        store_digest(store, digest_for(DAY), status="draft")
        with pytest.raises(PublishError) as draft:
            publish_digest(settings, store, DAY)
        row = store.digest("zh", DAY.isoformat())
    assert "no digest stored for 2026-03-04" in str(missing.value)
    assert "draft" in str(draft.value) and "publish --approve 2026-03-04" in str(draft.value)
    assert "\n" not in str(missing.value) + str(draft.value)
    assert row is not None and row["status"] == "draft"
    assert not (tmp_path / "out").exists()


def test_a_site_dir_receives_the_post_and_output_dir_the_rest(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path, site_dir=str(tmp_path / "site"))
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest_for(DAY))
        result = publish_digest(settings, store, DAY)
    assert result.post == tmp_path / "site/content/posts/2026-03-04.md"
    assert result.post.is_file() and not (tmp_path / "out/content/posts/2026-03-04.md").exists()
    assert result.json.is_file() and result.json.parent == tmp_path / "out/content/posts"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def test_commit_records_exactly_the_files_published(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "editor@example.org")
    _git(repo, "config", "user.name", "Editor")
    (repo / "notes.txt").write_text("not ours\n", encoding="utf-8")  # must stay uncommitted
    settings = publish_settings(tmp_path, site_dir=str(repo / "site"), commit=True).model_copy(
        update={"output_dir": repo / "out"}
    )
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest_for(DAY))
        result = publish_digest(settings, store, DAY)
        again = publish_digest(settings, store, DAY)
    assert result.commit and _git(repo, "rev-parse", "HEAD").strip() == result.commit
    committed = sorted(_git(repo, "show", "--name-only", "--format=", "HEAD").split())
    assert committed == sorted(str(p.relative_to(repo)) for p in result.paths)
    assert "deepdaily: publish zh 2026-03-04" in _git(repo, "log", "-1", "--format=%s")
    assert "?? notes.txt" in _git(repo, "status", "--porcelain")
    assert again.commit is None  # nothing changed: no empty commit
    assert _git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert "origin" not in _git(repo, "remote")  # never pushes (there is nowhere to)


def test_commit_outside_a_repository_and_a_missing_hugo_are_one_line_errors(
    tmp_path: Path,
) -> None:
    settings = publish_settings(tmp_path)
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest_for(DAY))
        with pytest.raises(PublishError) as no_repo:
            publish_digest(settings, store, DAY, commit=True)
        with pytest.raises(PublishError) as no_site:
            publish_digest(settings, store, DAY, build=True)
        missing = settings.model_copy(
            update={"publish": settings.publish.model_copy(update={"hugo": "no-such-hugo"})}
        )
        with pytest.raises(PublishError) as no_hugo:
            publish_digest(missing, store, DAY, build=True)
        row = store.digest("zh", DAY.isoformat())
    assert "publish.commit" in str(no_repo.value) and "not inside a git repository" in str(
        no_repo.value
    )
    assert "publish.build" in str(no_site.value) and "site init" in str(no_site.value)
    assert "publish.hugo: 'no-such-hugo' not found" in str(no_hugo.value)
    for error in (no_repo, no_site, no_hugo):
        assert "\n" not in str(error.value)
    assert row is not None and row["status"] == "published"  # the files were written first


def test_an_update_link_is_absolute_in_the_feed_and_the_page(tmp_path: Path) -> None:
    """Guards against site-relative links (an update's link to the earlier post) in a feed
    entry or a saved page, where a reader has no site to resolve them against."""
    settings = publish_settings(tmp_path)
    later = days(DAY, 2)[1]
    base = digest_for(later)
    update = base.items[0].model_copy(
        update={"update_of": DAY.isoformat(), "update_url": f"/posts/{DAY.isoformat()}/"}
    )
    digest = base.model_copy(update={"items": [update, *base.items[1:]]})
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest)
        result = publish_digest(settings, store, later)
    earlier = f"{BASE_URL}posts/{DAY.isoformat()}/"
    assert f"](/posts/{DAY.isoformat()}/)" in result.post.read_text("utf-8")  # Hugo: relative
    assert earlier in read_page(result.html).links
    entry = PageReader()
    entry.feed(feedparser.parse(result.rss.read_bytes()).entries[0].content[0].value)
    assert earlier in entry.links and not any(link.startswith("/") for link in entry.links)


def test_each_profile_has_its_own_feed(tmp_path: Path) -> None:
    settings = publish_settings(tmp_path).model_copy(
        update={"profiles": {"infra": {"post_path": "content/infra/{date}.md"}}}
    )
    infra = settings.for_profile("infra")
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest_for(DAY))
        default = publish_digest(settings, store, DAY)
        store_digest(store, digest_for(days(DAY, 2)[1], profile="infra"))
        other = publish_digest(infra, store, days(DAY, 2)[1])
    assert other.rss == tmp_path / "out/feeds/infra/index.xml"
    assert other.post == tmp_path / "out/content/infra/2026-03-05.md"
    ids = [e.id for e in feedparser.parse(other.rss.read_bytes()).entries]
    assert ids == ["tag:digest.example.org,2026-03-05:deepdaily/infra/2026-03-05"]
    assert [e.link for e in feedparser.parse(other.atom.read_bytes()).entries] == [
        f"{BASE_URL}infra/2026-03-05/"
    ]
    assert len(feedparser.parse(default.rss.read_bytes()).entries) == 1  # not the other's
