"""Rendered digests build with the real Hugo (Debian's ``hugo``, v0.111 or later).

A minimal site without a theme: a config file and two layouts written here. The test fails,
never skips, when ``hugo`` is missing, because only a real build proves that the front matter
and the Markdown are what Hugo accepts. Install it with ``sudo apt-get install hugo``.
"""

from __future__ import annotations

import asyncio
import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from pydantic import TypeAdapter

from deepdaily.analyse import OfflineAnalyser
from deepdaily.config import Profile
from deepdaily.models import Digest, Event
from deepdaily.render import post_filename, render_markdown

GOLDEN = Path(__file__).parent / "golden"

CONFIG = """\
baseURL = "https://digest.example.org/"
languageCode = "zh-cn"
title = "deepdaily test site"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]

[markup.goldmark.renderer]
unsafe = false
"""

SINGLE = """\
<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "Jan 2" }}</time>
<ul class="tags">{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>
{{ .Content }}
</article>
</body>
</html>
"""

LIST = """\
<!doctype html>
<html><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</body></html>
"""


def hugo_binary(path: str | None = None, fallback: Path = Path("/usr/bin/hugo")) -> str:
    found = shutil.which("hugo", path=path) or (str(fallback) if fallback.exists() else None)
    if not found:
        pytest.fail(
            "hugo is not installed: install Debian's hugo (sudo apt-get install hugo); "
            "this test builds a real site and must not be skipped"
        )
    return found


def load(name: str) -> Digest:
    return Digest.model_validate_json((GOLDEN / f"{name}.input.json").read_text("utf-8"))


def offline_digest() -> Digest:
    """The hand-written events of ``events-offline.input.json`` through the offline engine."""
    events = TypeAdapter(list[Event]).validate_json(
        (GOLDEN / "events-offline.input.json").read_text("utf-8")
    )
    profile = Profile(name="offline", language="zh")

    async def analyse() -> Digest:
        engine = OfflineAnalyser()
        items = [await engine.analyse(event, profile) for event in events]
        synthesis = await engine.synthesise(items, events, profile)
        return load("digest-zh").model_copy(
            update={
                "profile": "offline",
                "items": items,
                "synthesis": synthesis,
                "engine": "offline",
            }
        )

    return asyncio.run(analyse())


class SourceLines(HTMLParser):
    """The page's source lines as Hugo rendered them: each paragraph that holds a source label
    split at its ``<br>`` line breaks, every line with its text and the ``href`` of its links."""

    def __init__(self, label: str) -> None:
        super().__init__(convert_charrefs=True)
        self.label = label
        self.paragraphs: list[list[tuple[str, list[str]]]] = []
        self._lines: list[tuple[str, list[str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._lines = [("", [])]
        elif tag == "br" and self._lines is not None:
            self._lines.append(("", []))
        elif tag == "a" and self._lines is not None:
            text, hrefs = self._lines[-1]
            self._lines[-1] = (text, [*hrefs, dict(attrs).get("href") or ""])

    def handle_data(self, data: str) -> None:
        if self._lines is not None:
            text, hrefs = self._lines[-1]
            self._lines[-1] = (text + data, hrefs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._lines is not None:
            lines = [(text.strip(), hrefs) for text, hrefs in self._lines]
            if any(text.startswith(self.label) for text, _ in lines):
                self.paragraphs.append(lines)
            self._lines = None


def source_lines(raw: str, label: str) -> list[tuple[str, list[str]]]:
    parser = SourceLines(label)
    parser.feed(raw)
    return [line for paragraph in parser.paragraphs for line in paragraph]


def assert_sources_are_links_one_per_line(raw: str, digest: Digest, label: str) -> None:
    """Every source URL of every item is an ``<a href>`` on a line of its own that reads
    ``label`` + the URL, in the item's order."""
    lines = source_lines(raw, label)
    expected = [url for item in digest.items for url in dict.fromkeys(item.sources)]
    assert len(lines) == len(expected), lines
    for (text, hrefs), url in zip(lines, expected, strict=True):
        assert text == f"{label}{url}", f"not one source per line: {text!r}"
        assert [unquote(href) for href in hrefs] == [url], f"not a link: {text!r} {hrefs}"


def build_site(root: Path, posts: dict[str, str]) -> Path:
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "config.toml").write_text(CONFIG, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
    (root / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
    for relative, text in posts.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    public = root / "public"
    env = {**os.environ, "HUGO_CACHEDIR": str(root / ".cache"), "HUGO_ENVIRONMENT": "production"}
    result = subprocess.run(
        # --buildFuture: the fixture's date must not depend on the machine's clock.
        [hugo_binary(), "--source", str(root), "--destination", str(public), "--buildFuture"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"hugo failed:\n{result.stdout}\n{result.stderr}"
    assert "ERROR" not in result.stderr, result.stderr
    return public


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Digest]]:
    digests = {"zh": load("digest-zh"), "en": load("digest-en"), "offline": offline_digest()}
    posts = {
        post_filename(digests["zh"]): render_markdown(digests["zh"]),
        post_filename(digests["en"], "content/posts/{date}-{language}.md"): render_markdown(
            digests["en"]
        ),
        post_filename(digests["offline"], "content/posts/{date}-{profile}.md"): render_markdown(
            digests["offline"]
        ),
    }
    return build_site(tmp_path_factory.mktemp("hugo-site"), posts), digests


def page(public: Path, relative: str) -> str:
    path = public / relative
    assert path.exists(), f"hugo did not write {relative}"
    return path.read_text("utf-8")


def test_post_is_built_with_every_item(site: tuple[Path, dict[str, Digest]]) -> None:
    public, digests = site
    raw = page(public, "posts/2026-03-04/index.html")
    text = html.unescape(raw)
    digest = digests["zh"]
    assert f"<h1>{digest.title}</h1>" in text
    for item in digest.items:
        assert item.title in text
    assert len(re.findall(r"<h2[ >]", raw)) == len(digest.items) + 2
    assert "今日趋势总结" in text and "我接下来会关注什么" in text
    assert "<strong>是什么</strong>" in raw
    assert "<em>说明：LLM 两次调用超时" in raw
    assert "（未核实）" in text


@pytest.mark.parametrize(
    ("name", "page_path", "label"),
    [
        ("zh", "posts/2026-03-04/index.html", "来源："),
        ("en", "posts/2026-03-04-en/index.html", "Source: "),
        ("offline", "posts/2026-03-04-offline/index.html", "来源："),
    ],
)
def test_every_source_is_a_link_on_its_own_line(
    site: tuple[Path, dict[str, Digest]], name: str, page_path: str, label: str
) -> None:
    """Regression: ``来源：https://…`` stayed plain text (Hugo's linkifier does not start after a
    full-width colon), and an item's several ``来源`` lines ran together into one paragraph.
    The zh input has a URL with ``&`` and one with a Chinese path."""
    public, digests = site
    digest = digests[name]
    assert sum(len(item.sources) > 1 for item in digest.items) >= 1  # several per item
    assert_sources_are_links_one_per_line(page(public, page_path), digest, label)


def test_the_check_fails_on_plain_and_run_together_sources() -> None:
    """The check above would catch the old rendering: plain text, or lines in one paragraph."""
    digest = load("digest-zh")
    first = digest.items[1].sources
    plain = "".join(f"<p>来源：{url}</p>" for item in digest.items for url in item.sources)
    with pytest.raises(AssertionError, match="not a link"):
        assert_sources_are_links_one_per_line(plain, digest, "来源：")
    together = "<p>" + "\n".join(f'来源：<a href="{u}">{u}</a>' for u in first) + "</p>"
    one_item = digest.model_copy(update={"items": [digest.items[1]]})
    with pytest.raises(AssertionError):
        assert_sources_are_links_one_per_line(together, one_item, "来源：")


def test_front_matter_is_read_by_hugo(site: tuple[Path, dict[str, Digest]]) -> None:
    public, _ = site
    text = html.unescape(page(public, "posts/2026-03-04/index.html"))
    assert '<time datetime="2026-03-04T08:00:00+08:00">' in text
    assert '<ul class="tags"><li>AI</li></ul>' in text
    assert page(public, "tags/ai/index.html")


def test_english_post_and_listing(site: tuple[Path, dict[str, Digest]]) -> None:
    public, digests = site
    raw = page(public, "posts/2026-03-04-en/index.html")
    text = html.unescape(raw)
    assert '<time datetime="2026-03-04T08:00:00-05:00">' in text
    for item in digests["en"].items:
        assert item.title in text
        for url in item.sources:
            assert f'Source: <a href="{url}">' in raw
    assert "<strong>What it is</strong>" in raw
    assert re.search(r"<h2[^>]*>Today.s trends</h2>", text)  # Hugo curls the apostrophe
    listing = html.unescape(page(public, "posts/index.html"))
    assert digests["zh"].title in listing and digests["en"].title in listing


def test_missing_hugo_is_a_failure_not_a_skip(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="install Debian's hugo"):
        hugo_binary(path=str(tmp_path), fallback=tmp_path / "hugo")
