"""Layered settings: defaults < file < environment < flags, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdaily.config import load_settings
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
    assert settings.profile.title.format(date="2026-02-12") == "AI 技术深度日报｜2026-02-12"
    assert settings.profile.tagline.startswith("面向工程与研究读者")


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
        ("[profile]\nitemz = 3\n", "profile.itemz: unknown key"),
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
            '[profiles.infra]\nitemz = 3\npost_path = "x/{profile}.md"\n',
            "profiles: infra.itemz: unknown key",
        ),
        ('[profiles.infra]\nlanguage = "en"\n', "profiles.infra: writes to the same file as"),
    ],
)
def test_bad_profiles_are_one_line_errors(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path, text), environ={})
