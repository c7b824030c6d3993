"""No entry is lost: entries whose URLs differ only in their ``#fragment``.

Release notes list one release per anchor of one page (``CHANGELOG.md#2-1-36``). Dropping the
fragment made them one document and lost all but the first; a fragment that is only a
navigation or tracking anchor on the same page must still merge, and every merge is reported.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from deepdaily.cli.main import main
from deepdaily.extract import StoredEntry, entry_url, page_of, plan_entries
from deepdaily.models import Entry
from deepdaily.testing import FixtureServer
from ingest_support import collect_once, ingest_settings, stored_documents

CHANGELOG = "https://github.com/acme/tool/blob/main/CHANGELOG.md"
CHANGELOG_CC = "https://github.com/anthropics/claude-code/blob/main/CHANGELOG.md"
REAL_DAY = Path(__file__).resolve().parents[1] / "eval/data/corpus/day-2026-02-12.jsonl"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{CHANGELOG}#2-1-36", f"{CHANGELOG}#2-1-36"),
        ("https://Blog.example:443/post?utm_source=rss#v2", "https://blog.example/post#v2"),
        ("https://blog.example/post#comments", "https://blog.example/post"),
        ("https://blog.example/post#comment-4821", "https://blog.example/post"),
        ("https://blog.example/post#respond", "https://blog.example/post"),
        ("https://blog.example/post#more-77", "https://blog.example/post"),
        ("https://blog.example/post#top", "https://blog.example/post"),
        ("https://blog.example/post#utm_source=x&utm_medium=y", "https://blog.example/post"),
        ("https://blog.example/post#:~:text=fast%20decoding", "https://blog.example/post"),
        ("https://blog.example/post#", "https://blog.example/post"),
        ("https://app.example/news#!/item/7", "https://app.example/news#!/item/7"),
    ],
)
def test_entry_url_keeps_fragments_that_may_name_an_entry(url: str, expected: str) -> None:
    assert entry_url(url) == expected
    assert page_of(entry_url(url)) == page_of(expected) == expected.split("#")[0]


def _entry(url: str, title: str, text: str, source: str = "notes", guid: str = "") -> Entry:
    return Entry(source=source, url=url, title=title, content_text=text, guid=guid)


def test_distinct_fragments_keep_their_documents_and_anchors_merge() -> None:
    """Regression: claude-code 2.1.36-2.1.42 collapsed into one document (fragment dropped)."""
    entries = [
        _entry(f"{CHANGELOG}#2-1-36", "tool 2.1.36", "Adds streaming."),
        _entry(f"{CHANGELOG}#2-1-37", "tool 2.1.37", "Fixes a crash."),
        _entry(f"{CHANGELOG}#2-1-38", "tool 2.1.38", "Fixes a crash.", guid="r38"),
        _entry("https://blog.example/post", "A post", "Body."),
        _entry("https://blog.example/post#section-2", "A post", "Body."),  # same content
        _entry("https://blog.example/post#comments", "A post", "Body and 3 comments."),
        _entry(f"{CHANGELOG}#2-1-36", "tool 2.1.36", "Adds streaming."),  # listed twice
    ]
    plan = plan_entries(entries)
    assert [job.key for job in plan.jobs] == [
        f"{CHANGELOG}#2-1-36",
        f"{CHANGELOG}#2-1-37",
        f"{CHANGELOG}#2-1-38",
        "https://blog.example/post",
    ]
    assert [str(merge) for merge in plan.merges] == [
        "notes: https://blog.example/post#section-2: same page as https://blog.example/post: "
        "same title and text",
        "notes: https://blog.example/post#comments: same URL as https://blog.example/post with "
        "other content; the first one listed is kept",
        f"notes: {CHANGELOG}#2-1-36: listed twice (same page and content as {CHANGELOG}#2-1-36)",
    ]
    assert len(plan.jobs) + plan.known + len(plan.merges) == len(entries)


def test_stored_documents_decide_known_changed_and_merged() -> None:
    stored = {
        CHANGELOG: [
            StoredEntry(f"{CHANGELOG}#2-1-36", "notes", "tool 2.1.36", "Adds streaming.", None),
            StoredEntry(CHANGELOG, "notes", "tool changelog", "All releases.", None),
        ]
    }
    entries = [
        _entry(f"{CHANGELOG}#2-1-36", "tool 2.1.36", "Adds streaming."),  # unchanged: known
        _entry(f"{CHANGELOG}#2-1-37", "tool 2.1.37", "Fixes a crash."),  # new anchor: new
        _entry(f"{CHANGELOG}#all", "tool changelog", "All releases."),  # the stored page
    ]
    plan = plan_entries(entries, stored)
    assert plan.known == 1
    assert [(job.key, job.update) for job in plan.jobs] == [(f"{CHANGELOG}#2-1-37", False)]
    assert [merge.reason for merge in plan.merges] == [
        f"same page as stored {CHANGELOG}: same title and text"
    ]
    changed = plan_entries([_entry(f"{CHANGELOG}#2-1-36", "tool 2.1.36", "Adds tracing.")], stored)
    assert [(job.key, job.update) for job in changed.jobs] == [(f"{CHANGELOG}#2-1-36", True)]
    elsewhere = plan_entries(
        [_entry(f"{CHANGELOG}#2-1-36", "tool 2.1.36", "Adds tracing.", source="aggregator")],
        stored,
    )
    assert elsewhere.known == 1 and elsewhere.jobs == []  # another source never rewrites it


_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tool releases</title><link>{base}</link>
<description>Releases</description>
<item><title>tool 2.1.38</title><link>{base}/CHANGELOG.md#2-1-38</link>
<description>Adds a plan mode for long refactors.</description><guid>r-2.1.38</guid>
<pubDate>Wed, 11 Feb 2026 06:00:00 GMT</pubDate></item>
<item><title>tool 2.1.37</title><link>{base}/CHANGELOG.md#2-1-37</link>
<description>Fixes a crash when resuming a session.</description><guid>r-2.1.37</guid>
<pubDate>Wed, 11 Feb 2026 05:00:00 GMT</pubDate></item>
<item><title>tool 2.1.36</title><link>{base}/CHANGELOG.md#2-1-36</link>
<description>Streams tool output as it arrives.</description><guid>r-2.1.36</guid>
<pubDate>Wed, 11 Feb 2026 04:00:00 GMT</pubDate></item>
<item><title>Why we rewrote the scheduler</title><link>{base}/blog/scheduler</link>
<description>The old scheduler starved long jobs.</description><guid>p-1</guid></item>
<item><title>Why we rewrote the scheduler</title><link>{base}/blog/scheduler#details</link>
<description>The old scheduler starved long jobs.</description><guid>p-1</guid></item>
<item><title>Why we rewrote the scheduler</title><link>{base}/blog/scheduler#comments</link>
<description>The old scheduler starved long jobs. 14 comments.</description><guid>p-1c</guid></item>
</channel></rss>
"""


def test_a_feed_of_anchored_releases_stores_each_release(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    """End to end: a release feed whose items are anchors of one page, plus a post listed under
    two anchors that only navigate: 3 releases + 1 post stored, the 2 anchors reported."""
    base = fixture_server.url("/tool").rstrip("/")
    fixture_server.route(
        "/releases.xml", body=_FEED.format(base=base), content_type="application/rss+xml"
    )
    settings = ingest_settings(
        tmp_path,
        [{"name": "releases", "url": fixture_server.url("/releases.xml"), "type": "feed"}],
    )
    report = collect_once(settings)
    docs = stored_documents(settings)
    assert [d["canonical_url"].removeprefix(base) for d in docs] == [
        "/CHANGELOG.md#2-1-36",
        "/CHANGELOG.md#2-1-37",
        "/CHANGELOG.md#2-1-38",
        "/blog/scheduler",
    ]
    assert {d["page_url"].removeprefix(base) for d in docs} == {"/CHANGELOG.md", "/blog/scheduler"}
    assert report.documents_new == 4 and report.entries == 6
    assert report.merges == [
        f"releases: {base}/blog/scheduler#details: same page as {base}/blog/scheduler: "
        "same title and text",
        f"releases: {base}/blog/scheduler#comments: same URL as {base}/blog/scheduler with "
        "other content; the first one listed is kept",
    ]
    again = collect_once(settings)  # nothing new, nothing lost, nothing re-extracted
    assert again.documents_new == 0 and again.documents_seen == 4 and again.documents_updated == 0
    assert len(again.merges) == 2 and len(stored_documents(settings)) == 4


def test_the_real_day_stores_all_111_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: ``deepdaily run`` on the real day stored 102 of its 111 distinct URLs
    (claude-code 2.1.36-2.1.42, openai-python 2.19/2.20 and others vanished)."""
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "dd.db"
    monkeypatch.setenv("DEEPDAILY_STORE__URL", f"sqlite:///{database}")
    (tmp_path / "deepdaily.toml").write_text(
        f'output_dir = "{tmp_path / "site"}"\n\n[[sources]]\nname = "corpus"\n'
        f'url = "{REAL_DAY}"\ntype = "jsonl"\n',
        encoding="utf-8",
    )
    assert main(["run", "--date", "2026-02-12", "--offline"]) == 0
    capsys.readouterr()
    listed = {json.loads(line)["url"] for line in REAL_DAY.read_text("utf-8").splitlines()}
    with sqlite3.connect(database) as conn:
        stored = {url for (url,) in conn.execute("SELECT url FROM documents")}
        (manifest,) = [json.loads(m) for (m,) in conn.execute("SELECT manifest FROM runs")]
    assert len(listed) == 111 and stored == listed
    assert manifest["documents_new"] == 111 and manifest["merged_entries"] == []
    assert {f"{CHANGELOG_CC}#21{n}" for n in (36, 37, 38, 39, 41, 42)} <= stored


def test_run_reports_merged_anchors_in_digest_show_why(
    fixture_server: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Through the CLI: each release is its own item candidate, and the anchors that were
    merged are listed with their reason by ``digest show --why`` and in the run manifest."""
    base = fixture_server.url("/tool").rstrip("/")
    fixture_server.route(
        "/releases.xml", body=_FEED.format(base=base), content_type="application/rss+xml"
    )
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "dd.db"
    monkeypatch.setenv("DEEPDAILY_STORE__URL", f"sqlite:///{database}")
    (tmp_path / "deepdaily.toml").write_text(
        f'output_dir = "{tmp_path / "site"}"\n\n[[sources]]\nname = "releases"\n'
        f'url = "{fixture_server.url("/releases.xml")}"\ntype = "feed"\n',
        encoding="utf-8",
    )
    assert main(["run", "--date", "2026-02-12", "--offline"]) == 0
    summary = " ".join(capsys.readouterr().out.split())
    assert "6 listed: 4 new, 0 already stored, 2 merged into others" in summary
    assert main(["digest", "show", "--date", "2026-02-12", "--why"]) == 0
    why = " ".join(capsys.readouterr().out.split())
    assert (
        f"merged releases: {base}/blog/scheduler#details: same page as "
        f"{base}/blog/scheduler: same title and text"
    ) in why
    with sqlite3.connect(database) as conn:
        (manifest,) = [json.loads(m) for (m,) in conn.execute("SELECT manifest FROM runs")]
    assert len(manifest["merged_entries"]) == 2 and manifest["documents_new"] == 4
