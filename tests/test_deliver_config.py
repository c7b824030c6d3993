"""``[[deliver]]`` settings: secrets only through ``*_env`` names, one clear line per mistake
that never repeats a secret, and the defaults channels rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdaily.config import load_settings
from deepdaily.config.deliver import DEFAULT_INTERVALS
from deepdaily.errors import ConfigError

SLACK_URL = "https://hooks.slack.com/services/T0001/B0002/abcdefSECRETtoken123"
TG_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "deepdaily.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("entry", "key", "instead"),
    [
        (f'type = "slack"\nname = "a"\nurl = "{SLACK_URL}"', "url", "url_env"),
        (f'type = "telegram"\nname = "a"\ntoken = "{TG_TOKEN}"\nchat_id = 1', "token", "token_env"),
        (
            'type = "email"\nname = "a"\nhost = "smtp.example"\nsender = "a@b.example"\n'
            'to = ["c@d.example"]\npassword = "correct-horse-battery"',
            "password",
            "password_env",
        ),
        (
            'type = "feishu"\nname = "a"\nurl_env = "U"\nsecret = "s3cr3t-value"',
            "secret",
            "secret_env",
        ),
        ('type = "wecom"\nname = "a"\nkey = "wecom-key-value"', "key", "url_env"),
    ],
)
def test_a_secret_written_into_the_file_is_refused_by_key(
    tmp_path: Path, entry: str, key: str, instead: str
) -> None:
    message = error_of(tmp_path, f"[[deliver]]\n{entry}\n")
    assert f"deliver[0] (a).{key}:" in message
    assert f'{instead} = "NAME"' in message
    for value in (SLACK_URL, TG_TOKEN, "correct-horse-battery", "s3cr3t-value", "wecom-key-value"):
        assert value not in message


def test_a_secret_in_an_env_key_or_another_key_is_refused_without_echo(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, f'[[deliver]]\ntype = "slack"\nname = "a"\nurl_env = "{SLACK_URL}"\n'
    )
    assert "deliver[0] (a).url_env: holds a value" in message and SLACK_URL not in message
    message = error_of(
        tmp_path,
        f'[[deliver]]\ntype = "telegram"\nname = "t"\ntoken_env = "TG"\nchat_id = "{TG_TOKEN}"\n',
    )
    assert "deliver[0] (t).chat_id: looks like a secret" in message and TG_TOKEN not in message
    message = error_of(
        tmp_path,
        '[[deliver]]\ntype = "telegram"\nname = "t"\ntoken_env = "TG"\nchat_id = 5\n'
        f'api_url = "https://api.telegram.org/bot{TG_TOKEN}"\n',
    )
    assert "api_url" in message and TG_TOKEN not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('type = "teams"\nname = "a"', "deliver[0] (a).type: expected one of email, slack"),
        (
            'type = "slack"\nname = "a"\nurl_evn = "X"',
            "url_evn: unknown key; did you mean 'url_env'?",
        ),
        ('type = "slack"\nname = "a"', "deliver[0] (a).url_env: Field required"),
        ('type = "slack"\nname = "a b"\nurl_env = "X"', "a channel name is letters, digits"),
        (
            'type = "slack"\nname = "a"\nurl_env = "1X"',
            "expected the name of an environment variable",
        ),
        (
            'type = "email"\nname = "m"\nhost = "h"\nsender = "nobody"\nto = ["x@y.example"]',
            "deliver[0] (m).sender: 'nobody' is not an email address",
        ),
        (
            'type = "telegram"\nname = "t"\ntoken_env = "TG"\nchat_id = 1\napi_url = "ftp://x"',
            "expected the Bot API server's http(s) address",
        ),
        ('type = "slack"\nname = "a"\nurl_env = "X"\nretries = 99', "retries"),
    ],
)
def test_mistakes_are_one_line_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(tmp_path, f"[[deliver]]\n{text}\n")


def test_duplicate_channel_names(tmp_path: Path) -> None:
    text = (
        '[[deliver]]\ntype = "slack"\nname = "team"\nurl_env = "A"\n'
        '[[deliver]]\ntype = "wecom"\nname = "team"\nurl_env = "B"\n'
    )
    assert "deliver[1] (team).name: duplicate channel name 'team'" in error_of(tmp_path, text)


def test_valid_entries_and_their_defaults(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        '[[deliver]]\ntype = "telegram"\nname = "tg"\ntoken_env = "TG_TOKEN"\nchat_id = -100123\n'
        'api_url = "http://127.0.0.1:8081/"\n'
        '[[deliver]]\ntype = "email"\nname = "mail"\nhost = "smtp.example"\nsecurity = "ssl"\n'
        'sender = "Digest <d@example.org>"\nto = ["a@example.org"]\npassword_env = "SMTP_PW"\n'
        '[[deliver]]\ntype = "dingtalk"\nname = "dt"\nurl_env = "DT_URL"\nsecret_env = "DT_SEC"\n'
        'interval = 0.5\nprofiles = ["en"]\n',
    )
    telegram, email, dingtalk = settings.deliver
    assert telegram.chat_id == "-100123" and telegram.api_url == "http://127.0.0.1:8081"
    assert telegram.env_names() == {"token_env": "TG_TOKEN"}
    assert telegram.pace() == DEFAULT_INTERVALS["telegram"] == 1.0
    assert email.smtp_port() == 465 and email.env_names() == {"password_env": "SMTP_PW"}
    assert email.timeout == 30.0 and email.retries == 3
    assert dingtalk.pace() == 0.5 and dingtalk.profiles == ["en"]
    assert dingtalk.env_names() == {"url_env": "DT_URL", "secret_env": "DT_SEC"}


def test_the_readme_delivery_example_loads(tmp_path: Path) -> None:
    """The README's [[deliver]] example is valid settings: one entry per channel type."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Delivery", 1)[1].split("\n## ", 1)[0]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    settings = load(tmp_path, block)
    assert sorted(spec.type for spec in settings.deliver) == sorted(
        ["email", "slack", "feishu", "dingtalk", "wecom", "telegram", "discord", "webhook"]
    )
