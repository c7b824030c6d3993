"""Each chat platform's message format, signature and size limits, against loopback receivers
that answer and verify as the platform does; splitting a long digest without cutting an item."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from deepdaily.deliver import deliver_digest
from deepdaily.deliver.record import DeliveryLog
from deepdaily.render.jsonout import render_json
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deliver_support import (
    CHAT_TYPES,
    DAY,
    SECRETS,
    chat_platform,
    make_digest,
    store_digest,
    visible_text,
    within_limits,
    write_settings,
)

TARGET = date.fromisoformat(DAY)
FULL_URL = "https://digest.example.org/posts/2026-02-12/"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def deliver_to(
    tmp_path: Path,
    server: FixtureServer,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
    *,
    items: int = 3,
    size: int = 1,
    digest_sizes: dict[int, int] | None = None,
    spec_changes: dict[str, object] | None = None,
):  # type: ignore[no-untyped-def]
    platform, spec, env = chat_platform(server, kind)
    spec.update(spec_changes or {})
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = write_settings(tmp_path, [spec])
    digest = make_digest(items, size=size, profile=settings.profile.name)
    for number, bigger in (digest_sizes or {}).items():
        from deliver_support import make_item

        digest.items[number - 1] = make_item(number, size=bigger)
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest)
        outcomes = deliver_digest(settings, store, TARGET)
        rows = DeliveryLog(store).of_day(settings.profile.name, DAY)
    return platform, outcomes, rows, digest


def test_slack_block_kit_in_mrkdwn(tmp_path: Path, server: FixtureServer, monkeypatch) -> None:
    platform, outcomes, rows, _ = deliver_to(tmp_path, server, "slack", monkeypatch)
    assert [o.status for o in outcomes] == ["sent"]
    (message,) = platform.accepted
    body = message.json()
    assert body["blocks"][0]["type"] == "header"
    assert body["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "AI 技术深度日报｜2026-02-12",
        "emoji": True,
    }
    sections = [b["text"] for b in body["blocks"] if b["type"] == "section"]
    assert all(s["type"] == "mrkdwn" for s in sections)
    first = sections[0]["text"]
    assert first.startswith("*1) Org1：Release 1 of the engine*\n")
    assert "来源：<https://news.example/1|https://news.example/1>" in first
    assert "<https://blog.example/1?a=1&amp;b=2|https://blog.example/1?a=1&amp;b=2>" in first
    assert "*长上下文*" in first  # Markdown bold turned into mrkdwn bold
    assert "&lt;b&gt;原文&lt;/b&gt;" in first  # a source's markup is text, not markup
    assert "`kv-cache`" in first
    assert body["text"].startswith("AI 技术深度日报｜2026-02-12")  # the notification text
    assert f"<{FULL_URL}|" in json.dumps(body, ensure_ascii=False)
    assert rows[0].status == "sent" and rows[0].parts_sent == 1


def test_feishu_post_is_signed_as_feishu_verifies(
    tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    platform, outcomes, _, _ = deliver_to(tmp_path, server, "feishu", monkeypatch)
    assert [o.status for o in outcomes] == ["sent"], outcomes
    assert platform.refused == []
    body = platform.accepted[0].json()
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "AI 技术深度日报｜2026-02-12"
    nodes = [node for paragraph in post["content"] for node in paragraph]
    links = [n for n in nodes if n["tag"] == "a"]
    assert {"tag": "a", "text": "https://news.example/1", "href": "https://news.example/1"} in links
    assert any(n.get("style") == ["bold"] and n["text"] == "长上下文" for n in nodes)
    assert any("<b>原文</b>" in n.get("text", "") for n in nodes)  # text nodes: shown as text
    assert links[-1]["href"] == FULL_URL


def test_feishu_receiver_refuses_a_wrong_signature(
    tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    """The receiver's check is real: signed with another secret, Feishu's answer (a refusal)
    fails the channel."""
    platform, spec, env = chat_platform(server, "feishu")
    env["DD_TEST_FEISHU_SECRET"] = "not-the-bot-secret"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec["retries"] = 0
    settings = write_settings(tmp_path, [spec])
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(1, profile=settings.profile.name))
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "failed"
    assert platform.refused == ["sign match fail"]
    assert "not-the-bot-secret" not in outcome.error


def test_dingtalk_markdown_is_signed_as_dingtalk_verifies(
    tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    platform, outcomes, _, _ = deliver_to(tmp_path, server, "dingtalk", monkeypatch)
    assert [o.status for o in outcomes] == ["sent"], outcomes
    assert platform.refused == []
    message = platform.accepted[0]
    assert message.query["access_token"] == ["dingtalk-access-token-55"]
    body = message.json()
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "AI 技术深度日报｜2026-02-12"
    text = body["markdown"]["text"]
    assert "#### 1) Org1：Release 1 of the engine" in text
    assert "[https://news.example/1](https://news.example/1)" in text
    assert "**长上下文**" in text
    assert "<b>" not in text  # a source's tag is never handed to DingTalk's renderer
    assert f"]({FULL_URL})" in text


def test_dingtalk_receiver_refuses_a_wrong_signature(
    tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    platform, spec, env = chat_platform(server, "dingtalk")
    env["DD_TEST_DINGTALK_SECRET"] = "SECsomebodyelse"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = write_settings(tmp_path, [{**spec, "retries": 0}])
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, make_digest(1, profile=settings.profile.name))
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "failed" and platform.refused == ["sign not match"]


def test_wecom_markdown_content(tmp_path: Path, server: FixtureServer, monkeypatch) -> None:
    platform, outcomes, _, _ = deliver_to(tmp_path, server, "wecom", monkeypatch)
    assert [o.status for o in outcomes] == ["sent"]
    assert all(m.query["key"] == ["wecom-robot-key-0042"] for m in platform.accepted)
    bodies = [m.json() for m in platform.accepted]
    assert all(b["msgtype"] == "markdown" for b in bodies)
    assert all(len(b["markdown"]["content"].encode()) <= 4096 for b in bodies)
    assert "**长上下文**" in bodies[0]["markdown"]["content"]


def test_telegram_send_message_html(tmp_path: Path, server: FixtureServer, monkeypatch) -> None:
    platform, outcomes, rows, _ = deliver_to(tmp_path, server, "telegram", monkeypatch)
    (outcome,) = outcomes
    assert outcome.status == "sent"
    assert outcome.message_ids == [str(700 + n) for n in range(1, len(platform.accepted) + 1)]
    assert rows[0].message_ids == outcome.message_ids
    body = platform.accepted[0].json()
    assert body["chat_id"] == "-1001234" and body["parse_mode"] == "HTML"
    text = body["text"]
    assert text.startswith("<b>AI 技术深度日报｜2026-02-12</b>")
    assert '<a href="https://blog.example/1?a=1&amp;b=2">' in text
    assert "<b>长上下文</b>" in text and "&lt;b&gt;原文&lt;/b&gt;" in text
    assert "<code>kv-cache</code>" in text
    tags = re.findall(r"</?([a-z]+)", text)
    assert set(tags) <= {"b", "i", "code", "a"}  # only tags Telegram's HTML mode knows


def test_discord_content_and_embeds(tmp_path: Path, server: FixtureServer, monkeypatch) -> None:
    platform, outcomes, _, _ = deliver_to(tmp_path, server, "discord", monkeypatch)
    (outcome,) = outcomes
    assert outcome.status == "sent" and outcome.message_ids[0] == "9001"
    message = platform.accepted[0]
    assert message.query["wait"] == ["true"]
    body = message.json()
    assert body["allowed_mentions"] == {"parse": []}
    assert body["content"].startswith("**AI 技术深度日报｜2026-02-12**")
    embed = body["embeds"][0]
    assert embed["title"] == "1) Org1：Release 1 of the engine"
    assert embed["url"] == "https://news.example/1"
    assert "**长上下文**" in embed["description"]
    assert "<b>原文</b>" in embed["description"]  # Discord shows HTML as text


def test_webhook_posts_the_published_json_signed(
    tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    platform, outcomes, _, digest = deliver_to(tmp_path, server, "webhook", monkeypatch)
    (outcome,) = outcomes
    assert outcome.status == "sent" and outcome.message_ids == ["rcv-1"]
    assert platform.refused == []
    (message,) = platform.accepted
    assert message.body == render_json(digest).encode()
    assert message.headers["content-type"].startswith("application/json")
    assert message.headers["x-deepdaily-event"] == "digest.published"
    assert message.headers["x-deepdaily-signature"].startswith("sha256=")
    assert SECRETS["webhook"] not in json.dumps(message.headers)


@pytest.mark.parametrize("kind", CHAT_TYPES)
def test_a_long_digest_is_split_at_the_limit_by_whole_items(
    kind: str, tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    """Forty items, each well under a message: several messages, each within every limit of
    the platform, every item in exactly one of them, whole, in order."""
    platform, outcomes, rows, _ = deliver_to(tmp_path, server, kind, monkeypatch, items=40, size=3)
    (outcome,) = outcomes
    assert outcome.status == "sent", outcome.error
    messages = platform.accepted
    assert len(messages) >= 2
    assert outcome.parts_total == len(messages) == rows[0].parts_sent
    seen: list[int] = []
    for message in messages:
        assert within_limits(kind, message) == []
        text = visible_text(kind, message)
        headed = [int(n) for n in re.findall(r"(?m)^\W*(\d+)\) Org\1：", text)]
        ended = [int(n) for n in re.findall(r"ITEM-(\d+)-END", text)]
        assert headed == ended, "an item was cut between two messages"
        seen += ended
    assert seen == list(range(1, 41))
    if len(messages) > 1:
        assert "（1/" in visible_text(kind, messages[0])


@pytest.mark.parametrize("kind", CHAT_TYPES)
def test_an_item_longer_than_a_message_is_shortened_with_a_link(
    kind: str, tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    """Item 2 alone is over any platform's limit: it is sent shortened, saying so and linking
    the full digest; items 1 and 3 arrive whole."""
    platform, outcomes, _, _ = deliver_to(
        tmp_path, server, kind, monkeypatch, items=3, digest_sizes={2: 600}
    )
    assert outcomes[0].status == "sent", outcomes[0].error
    texts = [visible_text(kind, m) for m in platform.accepted]
    assert all(within_limits(kind, m) == [] for m in platform.accepted)
    everything = "\n".join(texts)
    assert everything.count("ITEM-1-END") == 1 and everything.count("ITEM-3-END") == 1
    assert "ITEM-2-END" not in everything
    holder = next(t for t in texts if "2) Org2" in t)
    assert "已节选" in holder and FULL_URL in holder


@pytest.mark.parametrize("kind", CHAT_TYPES)
def test_a_quiet_day_says_so(kind: str, tmp_path: Path, server: FixtureServer, monkeypatch) -> None:
    """A published digest with no items still reaches the channel, saying it has none."""
    from deepdaily.analyse.labels import labels_for

    platform, outcomes, _, _ = deliver_to(tmp_path, server, kind, monkeypatch, items=0)
    assert outcomes[0].status == "sent", outcomes[0].error
    (message,) = platform.accepted
    text = visible_text(kind, message)
    assert labels_for("zh").no_items in text and "趋势一" in text


@pytest.mark.parametrize("kind", CHAT_TYPES)
def test_many_small_items_respect_the_count_limits(
    kind: str, tmp_path: Path, server: FixtureServer, monkeypatch
) -> None:
    """Sixty one-line items: the count limits bind before the size ones (Slack's 50 blocks,
    Discord's 10 embeds), the last message's link to the full digest included."""
    from deepdaily.models import DigestItem

    platform, spec, env = chat_platform(server, kind)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = write_settings(tmp_path, [spec])
    digest = make_digest(0, profile=settings.profile.name)
    digest.items = [
        DigestItem(
            event_id=f"e{n}",
            organisation="",
            title=f"Org{n}：tiny {n}",
            sources=[],
            what=f"ITEM-{n}-END",
        )
        for n in range(1, 61)
    ]
    with Store(settings.store.resolved_url()) as store:
        store_digest(store, digest)
        (outcome,) = deliver_digest(settings, store, TARGET)
    assert outcome.status == "sent", outcome.error
    assert all(within_limits(kind, m) == [] for m in platform.accepted)
    texts = [visible_text(kind, m) for m in platform.accepted]
    markers = [int(n) for t in texts for n in re.findall(r"ITEM-(\d+)-END", t)]
    assert markers == list(range(1, 61))
    assert FULL_URL in json.dumps(platform.accepted[-1].json(), ensure_ascii=False)
