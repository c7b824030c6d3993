"""``deepdaily site init``: a theme-less Hugo site, built with the real ``hugo``.

Digests are published into a site made by ``site init`` and the site is built with Debian's
``hugo`` (the test fails, never skips, when it is missing); the built pages are parsed: every
item of a digest is a heading of its page, every source of the digest a link, and the home
page lists every digest.
"""

from __future__ import annotations

import html
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from deepdaily.cli.app import console
from deepdaily.cli.main import main
from deepdaily.publish import init_site, publish_digest
from deepdaily.store import Store
from publish_support import BASE_URL, days, digest_for, publish_settings, read_page, store_digest

DAY = date(2026, 3, 4)


def hugo() -> str:
    found = shutil.which("hugo") or ("/usr/bin/hugo" if Path("/usr/bin/hugo").exists() else None)
    if found is None:
        pytest.fail("hugo is not installed (apt-get install hugo); this test builds a real site")
    return found


def test_the_site_from_site_init_shows_every_item_and_source(tmp_path: Path) -> None:
    site = tmp_path / "site"
    made = init_site(site, base_url=BASE_URL, title="AI 技术深度日报", language="zh")
    assert {p.relative_to(site).as_posix() for p in made.files} >= {
        "hugo.toml",
        "layouts/_default/baseof.html",
        "layouts/_default/list.html",
        "layouts/_default/single.html",
        "layouts/index.html",
        "static/css/digest.css",
    }
    assert f'baseURL = "{BASE_URL}"' in (site / "hugo.toml").read_text("utf-8")
    settings = publish_settings(tmp_path, site_dir=str(site), hugo=hugo())
    second = digest_for(days(DAY, 2)[1], tagline="The second day.")
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest_for(DAY))
        publish_digest(settings, store, DAY)
        store_digest(store, second)
        result = publish_digest(settings, store, days(DAY, 2)[1], build=True)
    assert result.built == site / "public"

    for digest in (digest_for(DAY), second):
        page_path = site / "public/posts" / digest.date / "index.html"
        page = read_page(page_path)
        assert ("h1", digest.title) in page.headings
        items = [text for tag, text in page.headings if tag in ("h2", "h3")]
        for number, item in enumerate(digest.items, start=1):
            assert any(h.startswith(f"{number})") and item.title in h for h in items), item.title
        sources = {url for item in digest.items for url in item.sources}
        assert sources <= set(page.links), sources - set(page.links)
        assert "/css/digest.css" in page_path.read_text("utf-8")

    home = read_page(site / "public/index.html")
    assert {"/posts/2026-03-04/", "/posts/2026-03-05/"} <= set(home.links)
    listing = html.unescape((site / "public/index.html").read_text("utf-8"))
    for digest in (digest_for(DAY), second):  # the home page lists what each digest holds
        assert all(item.title in listing for item in digest.items)
    archive = read_page(site / "public/posts/index.html")
    assert "/posts/2026-03-05/" in archive.links
    assert (site / "public/css/digest.css").is_file()
    # the full-content feeds are served where they say they are, and every page links them
    import feedparser

    served = feedparser.parse((site / "public/feeds/index.xml").read_bytes())
    assert not served.bozo and len(served.entries) == 2
    assert served.feed.link.startswith(BASE_URL) and "content" in served.entries[0]
    assert (site / "public/feeds/atom.xml").read_bytes() == settings_atom(settings)
    head = (site / "public/index.html").read_text("utf-8")
    assert (
        f'type="application/rss+xml" title="AI 技术深度日报" href="{BASE_URL}feeds/index.xml"'
        in head
    )
    assert f'href="{BASE_URL}feeds/atom.xml"' in head


def settings_atom(settings: Any) -> bytes:
    """The Atom feed publish wrote under output_dir."""
    return (settings.output_dir / "feeds" / "atom.xml").read_bytes()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "work"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("DEEPDAILY_CONFIG", raising=False)
    console.cache_clear()
    (home / "deepdaily.toml").write_text(
        f'output_dir = "out"\n[store]\nurl = "sqlite:///{home / "dd.db"}"\n'
        f'[publish]\nbase_url = "https://news.example.net/daily/"\n',
        encoding="utf-8",
    )
    return home


def test_site_init_refuses_a_non_empty_directory_unless_forced(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["site", "init", "blog"]) == 0
    out = capsys.readouterr().out
    assert 'site_dir = "' in out and "[publish]" in out and str(workdir / "blog") in out
    assert 'baseURL = "https://news.example.net/daily/"' in (workdir / "blog/hugo.toml").read_text(
        "utf-8"
    )
    (workdir / "blog/layouts/index.html").write_text("changed", encoding="utf-8")
    (workdir / "blog/mine.txt").write_text("keep me", encoding="utf-8")

    assert main(["site", "init", "blog"]) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err and len(err.strip().splitlines()) == 1
    assert (workdir / "blog/layouts/index.html").read_text("utf-8") == "changed"

    assert main(["site", "init", "blog", "--force"]) == 0
    assert (workdir / "blog/layouts/index.html").read_text("utf-8") != "changed"
    assert (workdir / "blog/mine.txt").read_text("utf-8") == "keep me"


def test_publish_build_through_the_cli(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["site", "init", "blog"]) == 0
    with open(workdir / "deepdaily.toml", "a", encoding="utf-8") as config:
        config.write(f'site_dir = "blog"\nhugo = "{hugo()}"\n')
    settings = publish_settings(workdir)
    with Store(f"sqlite:///{workdir / 'dd.db'}") as store:
        store_digest(store, digest_for(DAY, profile=settings.profile.name))
    capsys.readouterr()
    assert main(["publish", "--date", "2026-03-04", "--build"]) == 0
    out = capsys.readouterr().out
    assert "built" in out and "2026-03-04 (profile zh): published" in out
    page = read_page(workdir / "blog/public/posts/2026-03-04/index.html")
    assert "https://lumen.example.com/blog/tessel-2" in page.links
    # The site lives under a path of its host: links and feeds carry it.
    assert "https://news.example.net/daily/posts/2026-03-04/" in (
        workdir / "out/feeds/index.xml"
    ).read_text("utf-8")
