"""A digest's life through the CLI: ``run --review`` stops at a draft, ``publish`` refuses it,
``publish --approve`` releases it, re-publishing writes nothing, a plain ``run`` publishes.

Each test runs ``deepdaily`` as a user would (``main([...])`` in a work directory holding a
``deepdaily.toml``) against the loopback news site of ``site_support``, with a real SQLite
store, and checks exit codes, files and rows.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from deepdaily.cli.app import console
from deepdaily.cli.main import main
from deepdaily.store import Store
from deepdaily.testing import FixtureServer

DATE = "2026-11-27"  # site_support.DAY


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: FixtureServer) -> Path:
    home = tmp_path / "work"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("DEEPDAILY_CONFIG", raising=False)
    console.cache_clear()
    (home / "deepdaily.toml").write_text(
        f'output_dir = "out"\n[store]\nurl = "sqlite:///{home / "dd.db"}"\n'
        "[fetch]\ntimeout = 1.0\nconnect_timeout = 0.5\nretries = 0\nbackoff = 0.01\n"
        '[publish]\nbase_url = "https://digest.example.org/"\n'
        f'[[sources]]\nname = "wire"\nurl = "{site.url("/wire.xml")}"\n'
        f'[[sources]]\nname = "dispatch"\nurl = "{site.url("/dispatch.atom")}"\n',
        encoding="utf-8",
    )
    return home


def _status(home: Path) -> str | None:
    with Store(f"sqlite:///{home / 'dd.db'}") as store:
        row = store.digest("zh", DATE)
    return None if row is None else str(row["status"])


def _files(home: Path) -> dict[Path, int]:
    out = home / "out"
    return {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} if out.exists() else {}


def test_review_approve_publish_and_republish(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--date", DATE, "--review"]) == 0
    out = capsys.readouterr().out
    assert f"deepdaily publish --approve {DATE}" in out and "deepdaily serve" in out
    assert _status(workdir) == "draft"
    assert _files(workdir) == {}  # nothing written: no post, no JSON, no page, no feed

    assert main(["publish", "--date", DATE]) == 1
    err = capsys.readouterr().err
    assert "draft" in err and len(err.strip().splitlines()) == 1
    assert _files(workdir) == {}

    assert main(["publish", "--approve", DATE]) == 0
    out = capsys.readouterr().out
    assert f"{DATE} (profile zh): published" in out
    assert _status(workdir) == "published"
    post = workdir / "out/content/posts" / f"{DATE}.md"
    assert post.is_file() and "Quill-7" in post.read_text("utf-8")
    assert (workdir / "out/html" / f"{DATE}.html").is_file()
    feed = feedparser.parse((workdir / "out/feeds/index.xml").read_bytes())
    assert not feed.bozo and [e.id for e in feed.entries] == [
        f"tag:digest.example.org,{DATE}:deepdaily/zh/{DATE}"
    ]

    before = _files(workdir)
    assert main(["publish", "--date", DATE]) == 0
    out = capsys.readouterr().out
    assert "already published as it is" in out and "wrote" not in out
    assert _files(workdir) == before  # idempotent: not one file rewritten


def test_a_plain_run_publishes_and_a_review_rerun_keeps_the_feed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--date", DATE]) == 0
    assert _status(workdir) == "published"
    out = workdir / "out"
    for path in (
        out / "content/posts" / f"{DATE}.md",
        out / "content/posts" / f"{DATE}.json",
        out / "html" / f"{DATE}.html",
        out / "feeds/index.xml",
        out / "feeds/atom.xml",
    ):
        assert path.is_file(), path
    feed_before = (out / "feeds/atom.xml").read_bytes()
    post_before = (out / "content/posts" / f"{DATE}.md").read_bytes()

    # Re-drafting a published day leaves what readers have (post, feeds) as it was.
    assert main(["run", "--date", DATE, "--no-fetch", "--review"]) == 0
    assert _status(workdir) == "draft"
    assert (out / "feeds/atom.xml").read_bytes() == feed_before
    assert (out / "content/posts" / f"{DATE}.md").read_bytes() == post_before
    assert main(["publish", "--approve", DATE]) == 0
    assert _status(workdir) == "published"
    entries = feedparser.parse((out / "feeds/atom.xml").read_bytes()).entries
    assert len(entries) == 1


def test_approving_a_day_without_digest_is_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish", "--approve", DATE]) == 1
    err = capsys.readouterr().err
    assert "no digest stored" in err and DATE in err and len(err.strip().splitlines()) == 1
    assert main(["publish", "--date", "2026-11-26", "--approve", DATE]) == 2
    assert "name different days" in capsys.readouterr().err


def test_bad_publish_settings_are_one_line_errors(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workdir / "deepdaily.toml"
    good = config.read_text("utf-8")
    for bad, words in (
        ('base_url = "ftp://digest.example.org/"', "not an absolute http(s) URL"),
        ("feed_items = 0", "feed_items"),
        ("bulid = true", "bulid"),
    ):
        config.write_text(
            good.replace('base_url = "https://digest.example.org/"', bad), encoding="utf-8"
        )
        assert main(["publish", "--date", DATE]) == 2, bad
        err = capsys.readouterr().err
        assert "publish" in err and words in err, err
        assert len(err.strip().splitlines()) == 1, err


def test_the_demo_leaves_feeds_and_pages(tmp_path: Path) -> None:
    """``deepdaily demo`` publishes like a run: both days in the feeds, a page for each."""
    import asyncio

    from deepdaily.demo.runner import DEMO_DATES, demo_settings, run_demo

    settings = demo_settings(tmp_path / "demo")
    results = asyncio.run(run_demo(settings))
    out = tmp_path / "demo"
    dates = [day.isoformat() for day in DEMO_DATES]
    for day in dates:
        page = out / "html" / f"{day}.html"
        assert page.is_file() and f"AI 技术深度日报｜{day}" in page.read_text("utf-8")
    for feed in (out / "feeds/index.xml", out / "feeds/atom.xml"):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo and [e.id.rsplit("/", 1)[1] for e in parsed.entries] == dates[::-1]
    assert all(r.manifest.digest_path for r in results)


def test_publish_waits_for_a_run_of_the_profile_and_gives_up_with_one_line(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: publish did not take the run lock, so publishing while a run re-rendered
    the same day could leave the older version on disk."""
    import threading

    from deepdaily.cli.commands import publish as publish_command

    assert main(["run", "--date", DATE, "--review"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(publish_command, "LOCK_WAIT_S", 0.3)
    with Store(f"sqlite:///{workdir / 'dd.db'}") as other:
        other.acquire_run_lock("zh")  # a run in progress
        assert main(["publish", "--approve", DATE]) == 1
        err = capsys.readouterr().err
        assert "waiting for up to 0.3 s: a run of profile zh is in progress" in err
        assert "another run of profile zh is in progress" in err.strip().splitlines()[-1]
        assert _status(workdir) == "draft"  # nothing approved or written meanwhile
        assert _files(workdir) == {}
        monkeypatch.setattr(publish_command, "LOCK_WAIT_S", 10.0)
        threading.Timer(0.5, lambda: other.close()).start()  # the run ends
        assert main(["publish", "--approve", DATE]) == 0
    assert _status(workdir) == "published"
