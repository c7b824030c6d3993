"""``deepdaily deliver``, ``run --deliver`` and ``doctor``'s channel lines, run as a user runs
them (``main([...])`` in a work directory holding a ``deepdaily.toml``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from deepdaily.cli.app import console, err_console
from deepdaily.cli.main import main
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deliver_support import (
    DAY,
    SECRETS,
    chat_platform,
    make_digest,
    store_digest,
    write_settings,
)
from site_support import DAY as SITE_DAY


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()
    err_console.cache_clear()
    return tmp_path


@pytest.fixture
def receiver() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def configure(workdir: Path, receiver: FixtureServer, monkeypatch, kinds, extra=None):  # type: ignore[no-untyped-def]
    platforms, specs = {}, []
    for kind in kinds:
        platform, spec, env = chat_platform(receiver, kind)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        platforms[kind], specs = platform, [*specs, spec]
    settings = write_settings(workdir, specs, **(extra or {}))
    return settings, platforms


def statuses(workdir: Path) -> dict[str, str]:
    with sqlite3.connect(workdir / "deepdaily.db") as conn:
        return dict(conn.execute("SELECT channel, status FROM deliveries"))


def test_deliver_sends_once_then_force(
    workdir: Path, receiver: FixtureServer, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, platforms = configure(workdir, receiver, monkeypatch, ["webhook", "wecom"])
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(2, profile=settings.profile.name))
    assert main(["deliver", "--date", DAY]) == 0
    out = capsys.readouterr().out
    assert "✓ webhook-team (webhook): sent, 1/1 message(s)" in out
    assert "✓ wecom-team (wecom): sent" in out
    assert main(["deliver", "--date", DAY]) == 0
    assert "already sent (1/1 message(s)); --force sends again" in capsys.readouterr().out
    assert len(platforms["webhook"].accepted) == 1
    assert (
        main(
            [
                "-p",
                settings.profile.name,
                "deliver",
                "-d",
                DAY,
                "--force",
                "--channel",
                "webhook-team",
            ]
        )
        == 0
    )
    assert len(platforms["webhook"].accepted) == 2
    assert len(platforms["wecom"].accepted) == 1
    assert statuses(workdir) == {"webhook-team": "sent", "wecom-team": "sent"}


def test_a_failed_channel_exits_1_and_the_unknown_channel_2(
    workdir: Path, receiver: FixtureServer, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, platforms = configure(workdir, receiver, monkeypatch, ["slack", "discord"])
    platforms["slack"].script = [(404, {}, "no_service")]
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(1, profile=settings.profile.name))
    assert main(["deliver", "--date", DAY]) == 1
    captured = capsys.readouterr()
    assert "✗ slack-team (slack): failed after 0/1 message(s)" in captured.err
    assert "HTTP 404: no_service" in captured.err
    assert "XkQ9slackHookToken" not in captured.err + captured.out
    assert "✓ discord-team (discord): sent" in captured.out
    assert statuses(workdir) == {"slack-team": "failed", "discord-team": "sent"}
    assert main(["deliver", "--date", DAY, "--channel", "nope"]) == 2
    assert "no [[deliver]] channel named nope" in capsys.readouterr().err
    assert main(["deliver", "--date", DAY]) == 0  # the next run retries only the failed one
    assert len(platforms["discord"].accepted) == 1 and len(platforms["slack"].accepted) == 1


def test_deliver_refuses_a_draft(
    workdir: Path, receiver: FixtureServer, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, platforms = configure(workdir, receiver, monkeypatch, ["webhook"])
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(1, profile=settings.profile.name), status="draft")
    assert main(["deliver", "--date", DAY]) == 1
    assert "is draft, not published; publish it first" in capsys.readouterr().err
    assert platforms["webhook"].requests == []


def test_doctor_names_each_channels_variables_never_their_values(
    workdir: Path, receiver: FixtureServer, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(workdir, receiver, monkeypatch, ["telegram", "feishu"])
    monkeypatch.delenv("DD_TEST_FEISHU_SECRET")
    main(["doctor"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "deliver " in line]
    assert any(
        "✓" in x and "telegram-team (telegram): set: $DD_TEST_TELEGRAM_TOKEN" in x for x in lines
    )
    assert any(
        "✗" in x
        and "feishu-team (feishu): set: $DD_TEST_FEISHU_URL; missing: $DD_TEST_FEISHU_SECRET" in x
        for x in lines
    )
    assert SECRETS["telegram"] not in out and "feishu-hook-id-123" not in out


def test_run_deliver_sends_the_published_digest(
    workdir: Path, site: FixtureServer, receiver: FixtureServer, monkeypatch, capsys
) -> None:
    """A plain run publishes, then --deliver sends it; a failing channel makes the run exit 1
    while the digest stays published."""
    extra = {
        "sources": [{"name": "wire", "url": site.url("/wire.xml")}],
        "fetch": {"timeout": 1.0, "connect_timeout": 0.5, "retries": 0, "backoff": 0.01},
    }
    _, platforms = configure(workdir, receiver, monkeypatch, ["webhook", "slack"], extra)
    platforms["slack"].script = [(400, {}, "invalid_blocks")]
    code = main(["run", "--date", SITE_DAY.isoformat(), "--deliver"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "--deliver: 1 channel(s) failed (the digest is published)" in captured.err
    assert "✓ webhook-team (webhook): sent" in captured.out
    (message,) = platforms["webhook"].accepted
    assert message.json()["date"] == SITE_DAY.isoformat() and message.json()["items"]
    with sqlite3.connect(workdir / "deepdaily.db") as conn:
        (status,) = conn.execute(
            "SELECT status FROM digests WHERE date = ?", (SITE_DAY.isoformat(),)
        ).fetchone()
    assert status == "published"
    assert main(["run", "--review", "--deliver", "--date", SITE_DAY.isoformat()]) == 2
