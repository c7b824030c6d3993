"""Layered settings: defaults < file < environment < flags, and one-line errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deepdaily.config import load_settings
from deepdaily.config.store import anchor_sqlite_url
from deepdaily.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deepdaily.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_reference_profile() -> None:
    settings = load_settings(environ={})
    assert settings.profile.language == "zh"
    assert settings.profile.timezone == "Asia/Shanghai"
    assert settings.profile.items == 8
    assert settings.profile.name == "zh"
    assert settings.profile.title_for(date(2026, 2, 12)) == "AI 技术深度日报｜2026-02-12"
    assert settings.profile.tagline_text.startswith("面向工程与研究读者")


def test_partial_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    path = write(tmp_path, '[profile]\nitems = 5\n[[sources]]\nname = "a"\nurl = "file:///x.xml"\n')
    settings = load_settings(path, environ={})
    assert settings.profile.items == 5
    assert settings.profile.timezone == "Asia/Shanghai"  # untouched default
    assert settings.sources[0].authority == 0.5


def test_precedence_file_then_env_then_flags(tmp_path: Path) -> None:
    path = write(tmp_path, '[profile]\nitems = 5\nlanguage = "en"\n')
    env = {"DEEPDAILY_PROFILE__ITEMS": "6", "DEEPDAILY_STORE__URL": "sqlite:///e.db"}
    settings = load_settings(path, environ=env)
    assert (settings.profile.items, settings.profile.language) == (6, "en")
    assert settings.store.url == "sqlite:///e.db"
    flagged = load_settings(path, environ=env, overrides={"profile": {"items": 3}})
    assert flagged.profile.items == 3
    assert flagged.profile.language == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[profile]\nitems = "many"\n', "profile.items: Input should be a valid integer"),
        ('[profile]\ntimezone = "Mars/Olympus"\n', "profile.timezone: unknown IANA timezone"),
        ('[profile]\ntitle = "Daily"\n', "profile.title: must contain the placeholder {date}"),
        ("[fetch]\ntimeout = -1\n", "fetch.timeout: Input should be greater than 0"),
        ("[profile]\nitemz = 3\n", "profile.itemz: unknown key; did you mean 'items'?"),
        ('[[sources]]\nname = "a"\n', "sources[0] (a).url: Field required"),
        (
            '[[sources]]\nname = "a"\nurl = "x"\nauthority = 3\n',
            "sources[0] (a).authority: Input should be less than or equal to 1",
        ),
        ("[profile\n", "not valid TOML"),
    ],
)
def test_invalid_settings_name_file_key_and_form(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_duplicate_source_names_are_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[sources]]\nname = "a"\nurl = "x"\n[[sources]]\nname = "a"\nurl = "y"\n'
    )
    with pytest.raises(ConfigError, match="duplicate source name 'a'"):
        load_settings(path, environ={})


def test_env_errors_name_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^environment \(DEEPDAILY_\*\): profile.items"):
        load_settings(environ={"DEEPDAILY_PROFILE__ITEMS": "x"})


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_profiles_override_the_default_profile(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[profile]\nitems = 6\n[profiles.infra]\nlanguage = "en"\ntitle = "Infra | {date}"\n'
        'source_tags = ["infra"]\npost_path = "content/infra/{date}.md"\n',
    )
    settings = load_settings(path, environ={})
    assert settings.profile_names() == ["zh", "infra"]
    infra = settings.for_profile("infra").profile
    assert (infra.name, infra.language, infra.items, infra.source_tags) == (
        "infra",
        "en",
        6,
        ["infra"],
    )
    assert settings.post_path_for(infra) == "content/infra/{date}.md"
    with pytest.raises(ConfigError, match="no profile named 'ops'"):
        settings.profile_named("ops")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[profiles.infra]\nitemz = 3\npost_path = "x/{profile}/{date}.md"\n',
            "profiles.infra.itemz: unknown key; did you mean 'items'?",
        ),
        (
            '[profile]\nlanguage = "en"\n[profiles.en]\nitems = 3\n',
            "profiles.en: 'en' is the default profile's name; set its keys in [profile]",
        ),
        (
            '[profiles.infra]\nlanguage = "en"\npost_path = "content/posts/{date}.md"\n',
            "profiles.infra.post_path: 'content/posts/{date}.md' names the same file as "
            "profile 'zh'",
        ),
    ],
)
def test_bad_profiles_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    assert str(info.value).startswith(f"{path}: ")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


# --- post_path and the title template are checked when the settings load -------------------


def load_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("content/posts/", "ends in '/': name the file itself"),
        ("content/posts/{date}", "must name a Markdown file ending in .md"),
        ("content/posts/{date}.html", "must name a Markdown file ending in .md"),
        ("content/posts/{date}.json", "would be overwritten by the JSON written beside the post"),
        ("/srv/site/{date}.md", "must be relative to output_dir"),
        ("../elsewhere/{date}.md", "must stay inside output_dir"),
        ("content/{lang}/{date}.md", "unknown placeholder {lang}"),
        ("content/{date:%Y}.md", "takes no format or conversion"),
        ("content/{date.md", "unbalanced '{' or '}'"),
        ("content/posts/latest.md", "has no {date}"),
        ("content/{year}/{month}.md", "has no {date}"),
    ],
)
def test_a_bad_post_path_is_a_settings_error(tmp_path: Path, value: str, expected: str) -> None:
    """Regression: a post_path ending in '/', naming the JSON's file or with an unknown
    placeholder only failed (or silently overwrote files) after the whole run had been paid
    for; it is now an error naming the file and the key when the settings load."""
    message = load_error(tmp_path, f'post_path = "{value}"\n')
    assert ": post_path: " in message
    assert expected in message
    in_profile = load_error(tmp_path, f'[profile]\npost_path = "{value}"\n')
    assert ": profile.post_path: " in in_profile and expected in in_profile
    in_table = load_error(tmp_path, f'[profiles.infra]\npost_path = "{value}"\n')
    assert ": profiles.infra.post_path: " in in_table and expected in in_table


@pytest.mark.parametrize(
    "value",
    [
        "content/posts/{date}.md",
        "content/posts/{year}/{month}/{day}.md",
        "content/{profile}/{date}.{language}.md",
        "content/posts/{date}/index.md",
        "content/posts/{{draft}}-{date}.markdown",
    ],
)
def test_usable_post_paths_load(tmp_path: Path, value: str) -> None:
    settings = load_settings(write(tmp_path, f'post_path = "{value}"\n'), environ={})
    assert settings.post_path_for(settings.profile) == value


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("D {date} {oops}", "profile.title: unknown placeholder {oops}"),
        ("D {date", "profile.title: unbalanced '{' or '}'"),
        ("D {date} }", "profile.title: unbalanced '{' or '}'"),
        ("D {date!r}", "profile.title: placeholder {date} in 'D {date!r}' takes no format"),
        ("D {}", "profile.title: unknown placeholder {}"),
        ("Daily {month}", "profile.title: must contain the placeholder {date}"),
    ],
)
def test_a_bad_title_template_is_a_settings_error(
    tmp_path: Path, title: str, expected: str
) -> None:
    """Regression: title = "D {date} {oops}" loaded fine and raised KeyError at render time,
    after collecting and analysing; now the settings refuse it."""
    assert expected in load_error(tmp_path, f'[profile]\ntitle = "{title}"\n')


def test_title_placeholders_are_filled(tmp_path: Path) -> None:
    path = write(tmp_path, '[profile]\ntitle = "{{Daily}} {year}/{month}/{day} ({profile})"\n')
    profile = load_settings(path, environ={}).profile
    assert profile.title_for(date(2026, 2, 3)) == "{Daily} 2026/02/03 (zh)"


# --- did you mean …? --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('outptu_dir = "x"\n', "outptu_dir: unknown key; did you mean 'output_dir'?"),
        ("[profile]\ntimezon = 'UTC'\n", "profile.timezon: unknown key; did you mean 'timezone'?"),
        ("[fetch]\ntimout = 3\n", "fetch.timout: unknown key; did you mean 'timeout'?"),
        ("[store]\nulr = 'x'\n", "store.ulr: unknown key; did you mean 'url'?"),
        ("[watch]\nhorizon = 3\n", "watch.horizon: unknown key; did you mean 'horizon_days'?"),
        (
            '[[sources]]\nname = "a"\nurl = "x"\nauthorty = 1\n',
            "sources[0] (a).authorty: unknown key; did you mean 'authority'?",
        ),
        (
            '[[llm]]\nmodel = "m"\nbase_ulr = "http://127.0.0.1"\n',
            "llm[0].base_ulr: unknown key; did you mean 'base_url'?",
        ),
        (
            '[profiles.infra]\ntagine = "x"\n',
            "profiles.infra.tagine: unknown key; did you mean 'tagline'?",
        ),
        ("[analysis]\nzzz = 1\n", "analysis.zzz: unknown key; expected one of budget_cost,"),
    ],
)
def test_unknown_keys_get_the_closest_known_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in load_error(tmp_path, text)


def test_unknown_environment_keys_get_the_closest_known_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_settings(environ={"DEEPDAILY_PROFILE__ITEMZ": "3"})
    assert str(info.value) == (
        "environment (DEEPDAILY_*): profile.itemz: unknown key; did you mean 'items'?"
    )


# --- the file's encoding ----------------------------------------------------------------------


def test_a_settings_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """Regression: a deepdaily.toml saved as GBK or Latin-1 raised UnicodeDecodeError with a
    traceback; it is a ConfigError naming the file and the line."""
    path = tmp_path / "deepdaily.toml"
    path.write_bytes('[profile]\ntitle = "日报 {date}"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ={})
    assert str(info.value).startswith(f"{path}: not UTF-8 text (byte 0x")
    assert "on line 2" in str(info.value) and "\n" not in str(info.value)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "deepdaily.toml"
    path.write_bytes("[profile]\nitems = 4\n".encode("utf-8-sig"))
    assert load_settings(path, environ={}).profile.items == 4


def test_the_cli_reports_a_non_utf8_file_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deepdaily.cli.main import main

    path = tmp_path / "deepdaily.toml"
    path.write_bytes("[profile]\ntagline = 'caf\xe9'\n".encode("latin-1"))
    assert main(["-c", str(path), "sources", "list"]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "Traceback" not in err
    assert main(["-c", str(path), "sources", "add", "http://127.0.0.1:9/feed.xml"]) == 2


# --- where the database is ----------------------------------------------------------------------


def test_without_a_settings_file_the_database_is_per_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = load_settings(environ={}).store
    assert store.resolved_url() == f"sqlite:///{tmp_path / 'data' / 'deepdaily' / 'deepdaily.db'}"
    assert "user data directory" in store.describe()


def test_the_default_database_sits_next_to_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: every config directory of a user shared one database in the user data
    directory, so unrelated sites saw each other's history; now each settings file has its
    own, whatever the working directory."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    blog, other, elsewhere = tmp_path / "blog", tmp_path / "other", tmp_path / "cwd"
    for folder in (blog, other, elsewhere):
        folder.mkdir()
        (folder / "deepdaily.toml").write_text("[profile]\nitems = 3\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    first = load_settings(blog / "deepdaily.toml", environ={}).store
    second = load_settings(other / "deepdaily.toml", environ={}).store
    here = load_settings(environ={}).store  # ./deepdaily.toml
    assert first.resolved_url() == f"sqlite:///{blog / 'deepdaily.db'}"
    assert second.resolved_url() == f"sqlite:///{other / 'deepdaily.db'}"
    assert here.resolved_url() == f"sqlite:///{elsewhere / 'deepdaily.db'}"
    assert first.describe() == (
        f"sqlite:///{blog / 'deepdaily.db'} (default: next to {blog / 'deepdaily.toml'})"
    )


def test_an_older_per_user_database_is_mentioned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    legacy = tmp_path / "data" / "deepdaily" / "deepdaily.db"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"")
    store = load_settings(write(tmp_path, "[profile]\nitems = 3\n"), environ={}).store
    assert f"an older per-user database is at {legacy}" in store.describe()


def test_a_relative_sqlite_path_in_the_file_is_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    path = site / "deepdaily.toml"
    path.write_text('[store]\nurl = "sqlite:///state/dd.db?timeout=5"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    store = load_settings(path, environ={}).store
    assert store.resolved_url() == f"sqlite:///{site / 'state' / 'dd.db'}?timeout=5"
    assert f"from {path}" in store.describe()
    # a relative path from the environment or the command line is the shell's: the CWD's
    env = load_settings(path, environ={"DEEPDAILY_STORE__URL": "sqlite:///e.db"}).store
    assert env.resolved_url() == "sqlite:///e.db"
    assert "DEEPDAILY_STORE__URL" in env.describe()
    flag = load_settings(path, environ={}, overrides={"store": {"url": "sqlite:///f.db"}}).store
    assert flag.resolved_url() == "sqlite:///f.db"
    assert "the command line" in flag.describe()
    for url in ("sqlite:////abs/x.db", "sqlite:///:memory:"):
        path.write_text(f'[store]\nurl = "{url}"\n', encoding="utf-8")
        assert load_settings(path, environ={}).store.resolved_url() == url
    # other databases are left as written (loading one needs its driver: tests/test_settings.py
    # ::test_a_database_without_its_driver_is_a_settings_error)
    assert anchor_sqlite_url("postgresql://h/db", site) == "postgresql://h/db"


def test_the_cli_creates_the_database_next_to_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from deepdaily.cli.main import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    blog = tmp_path / "blog"
    blog.mkdir()
    (blog / "deepdaily.toml").write_text('output_dir = "site"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["-c", str(blog / "deepdaily.toml"), "digest", "show"])
    assert (blog / "deepdaily.db").exists()
    assert not (tmp_path / "data").exists() and not (tmp_path / "deepdaily.db").exists()


def test_the_readme_configuration_example_loads(tmp_path: Path) -> None:
    """The README's settings example is a valid settings file, post_path included."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Configuration", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = load_settings(write(tmp_path, block), environ={})
    assert settings.post_path == "content/posts/{date}.md"
    assert settings.store.resolved_url() == f"sqlite:///{tmp_path / 'deepdaily.db'}"
    assert settings.profile.name == "zh" and settings.sources[0].name == "lab-blog"


def test_editing_a_non_utf8_settings_file_is_one_line(tmp_path: Path) -> None:
    from deepdaily.config import SourceSpec
    from deepdaily.config.editing import add_sources

    path = tmp_path / "deepdaily.toml"
    original = "# caf\xe9\n".encode("latin-1")
    path.write_bytes(original)
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 on line 1\)"):
        add_sources(path, [SourceSpec(name="a", url="http://127.0.0.1:9/a.xml")])
    assert path.read_bytes() == original  # left as it was


# -- settings errors are settings errors (issue 9): exit 2, one line, before any fetch ---------


SETTINGS_PROBLEMS = [
    # (what the file sets, --db or None, what the one line says)
    (b'post_path = "content/\\u0000posts/{date}.md"\n', None, "post_path: contains a NUL"),
    (b'[profile]\ntitle = "Daily \\u0000 {date}"\n', None, "profile.title: contains a NUL"),
    (b'output_dir = "si\\u0000te"\n', None, "output_dir: contains a NUL"),
    (b'[store]\nurl = "sqlite:///d\\u0000.db"\n', None, "store.url: contains a NUL"),
    (b'[profile]\ntitle = "D {date} {oops}"\n', None, "unknown placeholder {oops}"),
    (b'post_path = "p/{data}.md"\n', None, "unknown placeholder {data}"),
    (b"# caf\xe9\n", None, "not UTF-8 text (byte 0xe9 on line 1)"),
    (
        b"",
        "postgresql+pg8000://dd:secret@127.0.0.1/dd",
        "or use postgresql+psycopg:// after pip install 'deepdaily[postgres]'",
    ),
    (b"", "mysql://dd@127.0.0.1/dd", "the mysql driver is not installed"),
    (b"", "nosuchdb://127.0.0.1/dd", "unknown database scheme 'nosuchdb'"),
    (b"", "127.0.0.1/dd", "not a database URL"),
]


@pytest.mark.parametrize(("text", "db", "says"), SETTINGS_PROBLEMS)
def test_every_settings_problem_exits_2_with_one_line_before_fetching(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: bytes,
    db: str | None,
    says: str,
) -> None:
    """Regression: a NUL in post_path and ``--db postgresql://…`` without the driver were
    tracebacks (the latter after opening nothing but importing the dialect)."""
    from deepdaily.cli.main import main
    from deepdaily.testing import FixtureServer

    with FixtureServer(tmp_path) as server:
        (tmp_path / "feed.xml").write_text("<rss><channel></channel></rss>", encoding="utf-8")
        source = f'\n[[sources]]\nname = "wire"\nurl = "{server.url("/feed.xml")}"\n'
        if not text.startswith(b"# caf"):
            text = text + source.encode()
        (tmp_path / "deepdaily.toml").write_bytes(text)
        monkeypatch.chdir(tmp_path)
        args = (["--db", db] if db else []) + ["run", "--date", "2026-11-27"]
        assert main(args) == 2
        assert server.paths() == []  # nothing fetched
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], err
    assert "secret" not in err  # a password in a database URL is not repeated
    assert not (tmp_path / "deepdaily.db").exists()  # no store opened either
