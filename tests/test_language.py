"""English is English: each language has its own title and tagline, and a profile in another
language writes its own post beside the others, never over them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date
from pathlib import Path

import pytest

from deepdaily.cli.main import main
from deepdaily.config import Profile, load_settings
from deepdaily.errors import ConfigError
from deepdaily.testing import FixtureServer
from site_support import DAY

ZH_TITLE = f'title = "AI 技术深度日报｜{DAY}"'
EN_TITLE = f'title = "AI Engineering Deep-Dive | {DAY}"'


def write_config(folder: Path, site: FixtureServer, extra: str = "") -> Path:
    """A settings file reading the test site; no store.url, so the database sits beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "deepdaily.toml"
    path.write_text(
        f"""output_dir = "out"
{extra}
[[sources]]
name = "wire"
url = "{site.url("/wire.xml")}"
tags = ["news"]

[[sources]]
name = "forum"
url = "{site.url("/forum/latest.json")}"
type = "discourse"
tags = ["community"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def blog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder of a run; the per-user data directory is kept inside tmp_path."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))
    folder = tmp_path / "blog"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def hugo_build(site_root: Path) -> Path:
    """Build ``site_root`` (the run's output_dir) with the real hugo and a bare layout."""
    hugo = shutil.which("hugo") or "/usr/bin/hugo"
    assert Path(hugo).exists(), "hugo is not installed (sudo apt-get install hugo)"
    layouts = site_root / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (site_root / "config.toml").write_text(
        'baseURL = "http://127.0.0.1/"\ntitle = "t"\n'
        'disableKinds = ["RSS", "sitemap", "robotsTXT", "404", "taxonomy", "term"]\n',
        encoding="utf-8",
    )
    (layouts / "single.html").write_text(
        "<title>{{ .Title }}</title>{{ .Content }}", encoding="utf-8"
    )
    (layouts / "list.html").write_text("{{ range .Pages }}{{ .Title }}{{ end }}", encoding="utf-8")
    public = site_root / "public"
    result = subprocess.run(
        [hugo, "--source", str(site_root), "--destination", str(public), "--buildFuture"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "HUGO_CACHEDIR": str(site_root / ".cache")},
    )
    assert result.returncode == 0, result.stderr
    return public


def stored_profiles(database: Path) -> set[str]:
    with sqlite3.connect(database) as conn:
        return {row[0] for row in conn.execute("SELECT profile FROM digests")}


# --- the defaults follow the language --------------------------------------------------------


def test_each_language_has_its_own_title_and_tagline() -> None:
    zh, en = Profile(), Profile(language="en")
    assert (zh.name, en.name) == ("zh", "en")
    assert zh.title_for(date(2026, 2, 12)) == "AI 技术深度日报｜2026-02-12"
    assert en.title_for(date(2026, 2, 12)) == "AI Engineering Deep-Dive | 2026-02-12"
    assert zh.tagline_text.startswith("面向工程与研究读者")
    assert en.tagline_text.startswith("For engineers and researchers: only the updates")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.title_template + en.tagline_text)


def test_an_english_default_profile_is_called_en(tmp_path: Path) -> None:
    """Regression: with language = "en" the default profile was still named "zh" in
    messages and in the store."""
    path = tmp_path / "deepdaily.toml"
    path.write_text('[profile]\nlanguage = "en"\n', encoding="utf-8")
    settings = load_settings(path, environ={})
    assert settings.profile.name == "en" and settings.profile_names() == ["en"]
    assert settings.profile.title_for(DAY).startswith("AI Engineering Deep-Dive")
    with pytest.raises(ConfigError, match=r"no profile named 'ops' \(known: en\)"):
        settings.profile_named("ops")


def test_language_change_keeps_the_users_own_words_and_makes_a_new_profile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deepdaily.toml"
    path.write_text(
        '[profile]\ntitle = "Weekly-ish {date}"\ntagline = ""\n[profiles.infra]\nitems = 3\n',
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})
    english = settings.with_profile_changes({"language": "en"})
    assert english.profile.name == "en" and english.profile.language == "en"
    assert english.profile.title_for(DAY) == f"Weekly-ish {DAY}"  # set by the user: kept
    assert english.profile.tagline_text == ""  # "no tagline" is kept too
    infra = settings.for_profile("infra").with_profile_changes({"language": "en", "items": 2})
    assert (infra.profile.name, infra.profile.items) == ("infra-en", 2)
    same = settings.with_profile_changes({"language": "zh", "items": 2})
    assert same.profile.name == "zh"  # no new language, no new profile
    assert settings.profile_named("infra-en").language == "en"  # `-p infra-en` finds it
    assert settings.profile_named("en").name == "en"


# --- one file per profile ----------------------------------------------------------------------


def test_every_profile_writes_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "deepdaily.toml"
    path.write_text(
        '[profiles.community]\nlanguage = "en"\n'
        '[profiles.infra]\npost_path = "content/infra/{date}/index.md"\n',
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})
    zh = settings.profile
    community = settings.profile_named("community")
    infra = settings.profile_named("infra")
    assert settings.post_path_for(zh) == "content/posts/{date}.md"
    assert settings.post_path_for(community) == "content/posts/{date}-{profile}.md"
    assert settings.post_path_for(infra) == "content/infra/{date}/index.md"
    english = settings.with_profile_changes({"language": "en"})
    assert english.post_path_for(english.profile) == "content/posts/{date}-{profile}.md"
    variant = settings.for_profile("infra").with_profile_changes({"language": "en"})
    assert variant.post_path_for(variant.profile) == "content/infra/{date}-{profile}/index.md"


def test_a_language_placeholder_separates_languages_by_itself(tmp_path: Path) -> None:
    path = tmp_path / "deepdaily.toml"
    path.write_text('post_path = "content/posts/{date}.{language}.md"\n', encoding="utf-8")
    settings = load_settings(path, environ={})
    english = settings.with_profile_changes({"language": "en"})
    assert english.post_path_for(english.profile) == "content/posts/{date}.{language}.md"


# --- through the CLI, on the fixture site ------------------------------------------------------


def test_language_en_writes_an_english_post_beside_the_chinese_one(
    site: FixtureServer, blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: `run --language en` kept the Chinese title and tagline above English
    labels and overwrote the Chinese post (and its stored digest) of the same day."""
    write_config(blog, site)
    assert main(["run", "--date", DAY.isoformat()]) == 0
    posts = blog / "out" / "content" / "posts"
    zh_post = posts / f"{DAY}.md"
    zh_text = zh_post.read_text(encoding="utf-8")
    assert zh_text.startswith(f"+++\n{ZH_TITLE}\n")
    assert "> 面向工程与研究读者" in zh_text and "**是什么**" in zh_text

    assert main(["run", "--language", "en", "--date", DAY.isoformat(), "--no-fetch"]) == 0
    en_text = (posts / f"{DAY}-en.md").read_text(encoding="utf-8")
    assert en_text.startswith(f"+++\n{EN_TITLE}\n")
    assert "> For engineers and researchers: only the updates that matter" in en_text
    assert "**What it is**" in en_text and "## 1) " in en_text
    for chinese in ("AI 技术深度日报", "面向工程与研究读者", "是什么", "今日趋势总结"):
        assert chinese not in en_text
    assert zh_post.read_text(encoding="utf-8") == zh_text  # not overwritten
    en_json = json.loads((posts / f"{DAY}-en.json").read_text(encoding="utf-8"))
    assert (en_json["profile"], en_json["language"]) == ("en", "en")
    assert json.loads((posts / f"{DAY}.json").read_text(encoding="utf-8"))["language"] == "zh"

    # the database sits next to the settings file and keeps both digests
    assert stored_profiles(blog / "deepdaily.db") == {"zh", "en"}
    capsys.readouterr()
    assert main(["-p", "en", "digest", "show", "--date", DAY.isoformat()]) == 0
    assert "AI Engineering Deep-Dive" in capsys.readouterr().out
    assert main(["digest", "show", "--date", DAY.isoformat()]) == 0
    assert "AI 技术深度日报" in capsys.readouterr().out

    # and a real Hugo build of the site publishes both pages, neither shadowing the other
    public = hugo_build(blog / "out")
    zh_page = (public / "posts" / f"{DAY}" / "index.html").read_text(encoding="utf-8")
    en_page = (public / "posts" / f"{DAY}-en" / "index.html").read_text(encoding="utf-8")
    assert f"<title>AI 技术深度日报｜{DAY}</title>" in zh_page
    assert f"<title>AI Engineering Deep-Dive | {DAY}</title>" in en_page


def test_an_english_profile_table_gets_english_words_and_its_own_file(
    site: FixtureServer, blog: Path
) -> None:
    """Regression: an `en` profile inherited the Chinese title and tagline, and one without
    its own post_path could only be refused or write over the default profile's post."""
    write_config(blog, site, '[profiles.community]\nlanguage = "en"\nsource_tags = ["community"]\n')
    assert main(["run", "--all-profiles", "--date", DAY.isoformat()]) == 0
    posts = blog / "out" / "content" / "posts"
    assert (posts / f"{DAY}.md").read_text(encoding="utf-8").startswith(f"+++\n{ZH_TITLE}\n")
    community = (posts / f"{DAY}-community.md").read_text(encoding="utf-8")
    assert community.startswith(f"+++\n{EN_TITLE}\n")
    assert "> For engineers and researchers" in community and "面向工程" not in community
    assert stored_profiles(blog / "deepdaily.db") == {"zh", "community"}


def test_an_english_default_profile_says_en_in_messages(
    site: FixtureServer, blog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(blog, site, '[profile]\nlanguage = "en"\n')
    assert main(["run", "--date", DAY.isoformat()]) == 0
    posts = blog / "out" / "content" / "posts"
    assert (posts / f"{DAY}.md").read_text(encoding="utf-8").startswith(f"+++\n{EN_TITLE}\n")
    assert main(["run", "--language", "zh", "--date", DAY.isoformat(), "--no-fetch"]) == 0
    assert (posts / f"{DAY}-zh.md").read_text(encoding="utf-8").startswith(f"+++\n{ZH_TITLE}\n")
    assert stored_profiles(blog / "deepdaily.db") == {"en", "zh"}
    capsys.readouterr()
    assert main(["-p", "ops", "digest", "show"]) == 2
    err = capsys.readouterr().err
    assert "no profile named 'ops' (known: en)" in " ".join(err.split())


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ('[profile]\ntitle = "D {date} {oops}"\n', "profile.title: unknown placeholder {oops}"),
        ('post_path = "content/posts/"\n', "post_path: 'content/posts/' ends in '/'"),
        ('post_path = "content/{slug}.md"\n', "post_path: unknown placeholder {slug}"),
    ],
)
def test_bad_templates_stop_the_run_before_any_fetch(
    site: FixtureServer,
    blog: Path,
    capsys: pytest.CaptureFixture[str],
    extra: str,
    expected: str,
) -> None:
    """Regression: a bad title template raised KeyError only at render time, after every
    source had been fetched (and, with an LLM, paid for)."""
    path = write_config(blog, site, extra)
    assert main(["run", "--date", DAY.isoformat()]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"{path.name}: {expected}" in err
    assert site.paths() == []  # nothing fetched
    assert not (blog / "out").exists() and not (blog / "deepdaily.db").exists()
