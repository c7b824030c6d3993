"""Delivery's bookkeeping against loopback receivers: retries on 429 (Retry-After) and 5xx, no
second send of the same digest, --force, resuming a partial send at the first unsent part,
a failed channel leaving the digest and the other channels alone, a missing variable, drafts
refused, and secrets kept out of the store, the logs and the errors."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from deepdaily.deliver import deliver_digest
from deepdaily.deliver.record import DeliveryLog
from deepdaily.errors import DeliveryError, UsageError
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deliver_support import (
    DAY,
    SECRETS,
    chat_platform,
    json_answer,
    make_digest,
    store_digest,
    write_settings,
)

TARGET = date.fromisoformat(DAY)


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup(tmp_path, server, monkeypatch, kinds, *, items=3, size=1, **changes):  # type: ignore[no-untyped-def]
    platforms, specs = {}, []
    for kind in kinds:
        platform, spec, env = chat_platform(server, kind)
        spec.update(changes)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        platforms[kind] = platform
        specs.append(spec)
    settings = write_settings(tmp_path, specs)
    store = Store(settings.store.resolved_url())
    store_digest(store, make_digest(items, size=size, profile=settings.profile.name))
    return settings, store, platforms


def test_429_with_retry_after_then_success(tmp_path: Path, server, monkeypatch) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["slack"])
    slack = platforms["slack"]
    slack.script = [(429, {"Retry-After": "1"}, "rate_limited")]
    started = time.monotonic()
    with store:
        (outcome,) = deliver_digest(settings, store, TARGET)
        row = DeliveryLog(store).get(settings.profile.name, DAY, "slack-team")
    elapsed = time.monotonic() - started
    assert outcome.status == "sent" and len(slack.accepted) == 1
    assert len(slack.requests) == 2 and elapsed >= 1.0  # waited what Retry-After asked
    assert row is not None and row.attempts == 2 and row.status == "sent"


def test_telegram_429_retry_after_in_the_body(tmp_path: Path, server, monkeypatch) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["telegram"])
    platforms["telegram"].script = [
        json_answer(
            {"ok": False, "error_code": 429, "parameters": {"retry_after": 0.2}}, status=429
        )
    ]
    with store:
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "sent" and outcome.attempts == len(outcome.message_ids) + 1


def test_5xx_twice_then_success_with_backoff(tmp_path: Path, server, monkeypatch) -> None:
    settings, store, platforms = setup(
        tmp_path, server, monkeypatch, ["discord"], backoff=0.1, retries=3
    )
    discord = platforms["discord"]
    discord.script = [(502, {}, "bad gateway"), (503, {}, "unavailable")]
    started = time.monotonic()
    with store:
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "sent"
    assert len(discord.requests) == len(discord.accepted) + 2
    assert time.monotonic() - started >= 0.1 + 0.2  # backoff * 2**n between the attempts


def test_a_4xx_is_not_retried(tmp_path: Path, server, monkeypatch) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["slack"], retries=3)
    platforms["slack"].script = [(400, {}, "invalid_blocks")]
    with store:
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "failed" and len(platforms["slack"].requests) == 1
    assert "HTTP 400: invalid_blocks" in outcome.error


def test_retry_after_longer_than_allowed_fails_and_resumes_later(
    tmp_path: Path, server, monkeypatch
) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["wecom"], max_retry_after=2)
    wecom = platforms["wecom"]
    wecom.script = [(429, {"Retry-After": "120"}, "")]
    with store:
        (first,) = deliver_digest(settings, store, TARGET)
        assert first.status == "failed" and "max_retry_after" in first.error
        (second,) = deliver_digest(settings, store, TARGET)
    assert second.status == "sent" and len(wecom.accepted) == second.parts_total


def test_no_second_send_and_force_sends_again(tmp_path: Path, server, monkeypatch) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["dingtalk", "webhook"])
    with store:
        first = deliver_digest(settings, store, TARGET)
        counts = {k: len(p.accepted) for k, p in platforms.items()}
        again = deliver_digest(settings, store, TARGET)
        assert [o.status for o in first] == ["sent", "sent"]
        assert [o.status for o in again] == ["skipped", "skipped"]
        assert {k: len(p.accepted) for k, p in platforms.items()} == counts
        forced = deliver_digest(settings, store, TARGET, force=True, channels=["webhook-team"])
    assert [(o.channel, o.status) for o in forced] == [("webhook-team", "sent")]
    assert len(platforms["webhook"].accepted) == 2
    assert len(platforms["dingtalk"].accepted) == counts["dingtalk"]


def test_a_partial_send_resumes_at_the_first_unsent_part(
    tmp_path: Path, server, monkeypatch
) -> None:
    """Part 2 of several is refused: the next run sends parts 2.. only, so every part arrives
    exactly once."""
    settings, store, platforms = setup(
        tmp_path, server, monkeypatch, ["telegram"], items=30, size=3
    )
    telegram = platforms["telegram"]
    with store:
        telegram.script = []
        original = telegram.handle

        def refuse_second(request):  # type: ignore[no-untyped-def]
            if len(telegram.requests) == 1:  # the first part went through
                telegram.script = [
                    json_answer({"ok": False, "error_code": 400, "description": "Bad"}, 400)
                ]
            return original(request)

        server.route(telegram.path, handler=refuse_second)
        (first,) = deliver_digest(settings, store, TARGET)
        assert first.status == "failed" and first.parts_sent == 1 < first.parts_total
        assert "part 2 of" in first.error
        row = DeliveryLog(store).get(settings.profile.name, DAY, "telegram-team")
        assert row is not None and row.status == "failed" and row.parts_sent == 1
        server.route(telegram.path, handler=original)
        (second,) = deliver_digest(settings, store, TARGET)
    assert second.status == "sent" and second.resumed_from == 2
    texts = [json.loads(r.body)["text"] for r in telegram.accepted]
    assert len(texts) == first.parts_total  # no part twice
    markers = [n for text in texts for n in range(1, 31) if f"ITEM-{n}-END" in text]
    assert markers == list(range(1, 31))
    assert second.message_ids == [str(700 + n) for n in range(1, len(texts) + 1)]


def test_a_failed_channel_leaves_the_digest_and_the_others(
    tmp_path: Path, server, monkeypatch
) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["slack", "feishu"])
    monkeypatch.setenv("DD_TEST_SLACK_URL", f"http://127.0.0.1:{closed_port()}/hook")
    with store:
        before = store.digest(settings.profile.name, DAY)
        outcomes = deliver_digest(settings, store, TARGET)
        after = store.digest(settings.profile.name, DAY)
    by_name = {o.channel: o for o in outcomes}
    assert by_name["slack-team"].status == "failed"
    assert "cannot connect to 127.0.0.1" in by_name["slack-team"].error
    assert by_name["slack-team"].attempts == 4  # refused connections are retried (3 retries)
    assert by_name["feishu-team"].status == "sent" and platforms["feishu"].accepted
    assert before is not None and after is not None
    for key in ("status", "json", "markdown", "published_json", "published_at"):
        assert after[key] == before[key]


def test_a_missing_variable_names_the_channel_and_the_variable(
    tmp_path: Path, server, monkeypatch
) -> None:
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["dingtalk", "wecom"])
    monkeypatch.delenv("DD_TEST_DINGTALK_SECRET")
    with store:
        outcomes = deliver_digest(settings, store, TARGET)
        row = DeliveryLog(store).get(settings.profile.name, DAY, "dingtalk-team")
    failed = outcomes[0]
    assert failed.status == "failed"
    assert failed.error == (
        "deliver 'dingtalk-team' (dingtalk): environment variable DD_TEST_DINGTALK_SECRET "
        "(secret_env) is not set"
    )
    assert "\n" not in failed.error
    assert row is not None and row.status == "failed" and row.last_error == failed.error
    assert outcomes[1].status == "sent" and platforms["wecom"].accepted
    assert platforms["dingtalk"].requests == []


def test_only_a_published_digest_is_delivered(tmp_path: Path, server, monkeypatch) -> None:
    platform, spec, env = chat_platform(server, "slack")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = write_settings(tmp_path, [spec])
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(2, profile=settings.profile.name), status="draft")
        with pytest.raises(DeliveryError, match="is draft, not published"):
            deliver_digest(settings, store, TARGET)
        with pytest.raises(DeliveryError, match="no digest stored"):
            deliver_digest(settings, store, date(2026, 2, 13))
        with pytest.raises(UsageError, match="no \\[\\[deliver\\]\\] channel named nope"):
            deliver_digest(settings, store, TARGET, channels=["nope"])
    assert platform.requests == []


def test_channels_follow_their_profiles_and_enabled(tmp_path: Path, server, monkeypatch) -> None:
    _, store, _ = setup(tmp_path, server, monkeypatch, ["slack"])
    other, spec, env = chat_platform(server, "wecom")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec["profiles"] = ["someone-else"]
    off, off_spec, off_env = chat_platform(server, "discord")
    for key, value in off_env.items():
        monkeypatch.setenv(key, value)
    off_spec["enabled"] = False
    slack_spec = chat_platform(server, "slack")[1]
    settings = write_settings(tmp_path, [slack_spec, spec, off_spec])
    with store:
        outcomes = deliver_digest(settings, store, TARGET)
        with pytest.raises(UsageError, match="discord-team is disabled"):
            deliver_digest(settings, store, TARGET, channels=["discord-team"])
    assert [o.channel for o in outcomes] == ["slack-team"]
    assert other.requests == [] and off.requests == []


def test_secrets_never_reach_the_store_logs_or_errors(
    tmp_path: Path, server, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression guard: a platform echoing the request URL (with its token) in an error body
    must not put the token into the recorded error, the log or the outcome."""
    caplog.set_level(logging.DEBUG)
    kinds = ["telegram", "dingtalk", "wecom", "feishu", "webhook", "slack"]
    settings, store, platforms = setup(tmp_path, server, monkeypatch, kinds, retries=1)
    for kind, platform in platforms.items():

        def echo(request, kind=kind):  # type: ignore[no-untyped-def]
            seen = f"{request.path}?{request.query} {request.headers} {request.body[:300]!r}"
            return 500, {}, f"{kind} failed for {seen}"

        server.route(platform.path, handler=echo)
    with store:
        outcomes = deliver_digest(settings, store, TARGET)
    assert all(o.status == "failed" for o in outcomes)
    secrets = [
        *SECRETS.values(),
        "XkQ9slackHookToken",
        "feishu-hook-id-123",
        "dingtalk-access-token-55",
        "wecom-robot-key-0042",
    ]
    database = (tmp_path / "deepdaily.db").read_bytes()
    for extra in tmp_path.glob("deepdaily.db-*"):
        database += extra.read_bytes()
    texts = {
        "errors": json.dumps([o.error for o in outcomes]),
        "log": caplog.text,
        "store": database.decode("utf-8", "replace"),
    }
    assert all("HTTP 500" in o.error for o in outcomes)
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret} found in the {where}"


def test_a_lost_answer_is_not_sent_again_on_its_own(tmp_path: Path, server, monkeypatch) -> None:
    """A platform that takes the message but never answers: the outcome is unknown, so the
    next deliver reports it and sends nothing; --force sends the digest again."""
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["wecom"], timeout=0.5)
    wecom = platforms["wecom"]
    server.stall(wecom.path, seconds=5, before_headers=True)
    with store:
        (first,) = deliver_digest(settings, store, TARGET)
        assert first.status == "failed" and "may have arrived" in first.error
        assert first.attempts == 1  # not retried
        row = DeliveryLog(store).get(settings.profile.name, DAY, "wecom-team")
        assert row is not None and row.status == "unknown"
        server.route(wecom.path, handler=wecom.handle)
        (second,) = deliver_digest(settings, store, TARGET)
        assert second.status == "failed" and "--force" in second.error
        assert wecom.requests == []
        (forced,) = deliver_digest(settings, store, TARGET, force=True)
    assert forced.status == "sent" and len(wecom.accepted) == forced.parts_total


def test_scrub_hides_the_tokens_of_a_secret_url_but_not_its_words() -> None:
    from deepdaily.deliver.base import scrub

    url = "https://hooks.slack.com/services/T01ABCD/B02EFGH99/x9Yz0123abcdEFGH4567ijkl"
    text = f"posting to {url} failed; token x9Yz0123abcdEFGH4567ijkl; hook B02EFGH99; services ok"
    cleaned = scrub(text, [url])
    assert "x9Yz0123abcdEFGH4567ijkl" not in cleaned and "B02EFGH99" not in cleaned
    assert "hooks.slack.com/services" not in cleaned  # the whole URL went first
    assert cleaned.endswith("; services ok")  # a plain word of the path is left alone
    assert scrub("ok, done", ["ok"]) == "ok, done"  # too short to be a secret worth hiding


def test_platform_errors_inside_a_200_answer(tmp_path: Path, server, monkeypatch) -> None:
    """Feishu, DingTalk and WeCom answer HTTP 200 with an error code: a rate limit is retried
    (Feishu 11232), or left for later when its wait is too long (DingTalk 130101, a minute);
    another code fails the channel at once (WeCom 40058: content too long)."""
    settings, store, platforms = setup(
        tmp_path, server, monkeypatch, ["feishu", "dingtalk", "wecom"], max_retry_after=1
    )
    platforms["feishu"].script = [json_answer({"code": 11232, "msg": "frequency limited"})]
    platforms["dingtalk"].script = [json_answer({"errcode": 130101, "errmsg": "send too fast"})]
    platforms["wecom"].script = [json_answer({"errcode": 40058, "errmsg": "exceed max length"})]
    with store:
        feishu, dingtalk, wecom = deliver_digest(settings, store, TARGET)
    assert feishu.status == "sent" and feishu.attempts == feishu.parts_total + 1
    assert dingtalk.status == "failed" and "errcode 130101" in dingtalk.error
    assert "more than max_retry_after = 1" in dingtalk.error
    assert wecom.status == "failed" and wecom.attempts == 1 and "errcode 40058" in wecom.error


async def test_deliver_digest_inside_a_running_event_loop(
    tmp_path: Path, server, monkeypatch
) -> None:
    """Called from async code (a web handler), the synchronous API still delivers."""
    settings, store, platforms = setup(tmp_path, server, monkeypatch, ["webhook"])
    with store:
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "sent" and len(platforms["webhook"].accepted) == 1
