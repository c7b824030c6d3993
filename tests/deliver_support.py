"""Helpers for the delivery tests: a published digest in a real SQLite store, settings written
as a real ``deepdaily.toml``, and loopback receivers that answer like each chat platform and
verify its signature the way the platform does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import publish_support
from deepdaily.config import Settings, load_settings
from deepdaily.models import Digest, DigestItem, Synthesis, Trend, WatchItem
from deepdaily.store import Store
from deepdaily.testing import FixtureServer, Request, Response

DAY = "2026-02-12"
TZ = timezone(timedelta(hours=8))


def make_item(number: int, *, size: int = 1, language: str = "zh") -> DigestItem:
    """Item ``number``; ``size`` repeats its sentences (a larger item for splitting tests).
    Every item carries the marker ``ITEM-<number>-END`` as its last technical point, so a
    test can tell whether an item arrived whole."""
    sentence = (
        f"第 {number} 条：模型在 **长上下文** 下吞吐提升，见 <b>原文</b> 与 `kv-cache` 的讨论。"
        if language == "zh"
        else f"Point of item {number}: throughput under **long context**, see <b>the post</b>."
    )
    return DigestItem(
        event_id=f"ev{number:03d}",
        organisation=f"Org{number}",
        title=f"Release {number} of the engine",
        sources=[f"https://news.example/{number}", f"https://blog.example/{number}?a=1&b=2"],
        what=" ".join([sentence] * size),
        why=f"Why {number} matters.",
        technical=[f"tech {number}.{k} " + "细节" * size for k in range(1, 3)]
        + [f"ITEM-{number}-END"],
        impact=[f"impact {number}"],
        advice=[f"advice {number}"],
        engine="llm",
    )


def make_digest(
    items: int = 3, *, size: int = 1, language: str = "zh", day: str = DAY, profile: str = "zh"
) -> Digest:
    start = datetime(2026, 2, 11, 8, tzinfo=TZ)
    return Digest(
        date=day,
        profile=profile,
        language=language,
        title=f"AI 技术深度日报｜{day}",
        tagline="面向工程与研究读者：只选关键更新。",
        tags=["AI"],
        categories=["AI"],
        published_at=datetime(2026, 2, 12, 8, tzinfo=TZ),
        items=[make_item(n, size=size, language=language) for n in range(1, items + 1)],
        synthesis=Synthesis(
            trends=[Trend(lead="趋势一", text="推理成本继续下降。", items=[1])],
            watch=[WatchItem(lead="观察", text="关注下一版的评测。")],
        ),
        engine="llm",
        window_start=start,
        window_end=start + timedelta(days=1),
        generated_at=start + timedelta(days=1),
    )


def store_digest(store: Store, digest: Digest, *, status: str = "published") -> None:
    """Save ``digest`` as a run's result with ``status`` (published unless said)."""
    publish_support.store_digest(store, digest, status)


def write_settings(tmp_path: Path, channels: Iterable[dict[str, Any]], **extra: Any) -> Settings:
    """A ``deepdaily.toml`` with the store in ``tmp_path`` and the given ``[[deliver]]``
    entries, loaded the way the CLI loads it."""
    import tomlkit

    document: dict[str, Any] = {
        "store": {"url": f"sqlite:///{tmp_path / 'deepdaily.db'}"},
        "output_dir": str(tmp_path / "site"),
        "publish": {"base_url": "https://digest.example.org/"},
        "deliver": list(channels),
        **extra,
    }
    path = tmp_path / "deepdaily.toml"
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    return load_settings(path)


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Platform:
    """A loopback receiver for one platform's webhook at ``path``.

    ``script`` lists answers to give first, in order (``(status, headers, body)``); after it,
    every request is checked by ``verify`` (a refusal is the platform's own error answer) and
    answered with ``ok``. Accepted requests are kept in :attr:`accepted`; every request in
    :attr:`requests`."""

    server: FixtureServer
    path: str
    ok: Callable[[Received, int], Response]
    verify: Callable[[Received], str | None] = lambda r: None
    script: list[Response] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    accepted: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.server.route(self.path, handler=self.handle)

    def handle(self, request: Request) -> Response:
        received = Received(
            request.path, parse_qs(request.query), dict(request.headers), request.body
        )
        with self.lock:
            self.requests.append(received)
            if self.script:
                return self.script.pop(0)
            problem = self.verify(received)
            if problem:
                self.refused.append(problem)
                return 400, {"Content-Type": "application/json"}, json.dumps({"error": problem})
            self.accepted.append(received)
            return self.ok(received, len(self.accepted))

    @property
    def url(self) -> str:
        return self.server.url(self.path)


def json_answer(data: Any, status: int = 200) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(data)


# -- signatures, checked as each platform checks them ------------------------------------------


def feishu_check(secret: str) -> Callable[[Received], str | None]:
    """Feishu: HMAC-SHA256 keyed by ``timestamp + "\\n" + secret`` over an empty message,
    Base64, compared with the body's ``sign``; the timestamp within an hour."""

    def verify(received: Received) -> str | None:
        body = received.json()
        stamp, sign = body.get("timestamp"), body.get("sign")
        if not stamp or not sign:
            return "no signature"
        if abs(int(stamp) - datetime.now(UTC).timestamp()) > 3600:
            return "timestamp too old"
        key = f"{stamp}\n{secret}".encode()
        expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        return None if hmac.compare_digest(expected, sign) else "sign match fail"

    return verify


def dingtalk_check(secret: str) -> Callable[[Received], str | None]:
    """DingTalk: ``timestamp`` (ms) and ``sign`` query parameters; sign = URL-encoded Base64 of
    HMAC-SHA256 keyed by the secret over ``timestamp + "\\n" + secret``."""

    def verify(received: Received) -> str | None:
        stamps, signs = received.query.get("timestamp"), received.query.get("sign")
        if not stamps or not signs:
            return "no signature"
        stamp = stamps[0]
        if abs(int(stamp) / 1000 - datetime.now(UTC).timestamp()) > 3600:
            return "timestamp too old"
        to_sign = f"{stamp}\n{secret}".encode()
        expected = base64.b64encode(hmac.new(secret.encode(), to_sign, hashlib.sha256).digest())
        # parse_qs already URL-decoded the value once, as DingTalk's server does
        return None if hmac.compare_digest(expected.decode(), signs[0]) else "sign not match"

    return verify


def webhook_check(secret: str) -> Callable[[Received], str | None]:
    """The generic webhook as a receiver verifies it: ``sha256=`` HMAC of
    ``<X-Deepdaily-Timestamp>.<body>`` keyed by the secret."""

    def verify(received: Received) -> str | None:
        stamp = received.headers.get("x-deepdaily-timestamp", "")
        given = received.headers.get("x-deepdaily-signature", "")
        mac = hmac.new(secret.encode(), stamp.encode() + b"." + received.body, hashlib.sha256)
        return None if hmac.compare_digest("sha256=" + mac.hexdigest(), given) else "bad signature"

    return verify


def unquoted(value: str) -> str:
    return unquote_plus(value)


# -- one receiver per chat platform, and the text a reader would see in what it accepted ------

SECRETS = {
    "feishu": "feishu-signing-secret-7f3a",
    "dingtalk": "SECdingtalk0123456789abcdef",
    "webhook": "webhook-signing-secret-91c2",
    "telegram": "123456789:AAtelegram-token-for-tests_x",
}


def chat_platform(
    server: FixtureServer, kind: str
) -> tuple[Platform, dict[str, Any], dict[str, str]]:
    """A receiver answering as ``kind`` does, the ``[[deliver]]`` entry pointing at it, and
    the environment that entry reads."""
    ok_json = {"errcode": 0, "errmsg": "ok"}
    name = f"{kind}-team"
    spec: dict[str, Any] = {"type": kind, "name": name, "interval": 0, "backoff": 0.01}
    env: dict[str, str] = {}
    var = f"DD_TEST_{kind.upper()}_URL"
    if kind == "slack":
        platform = Platform(
            server, "/services/T000/B000/XkQ9slackHookToken", lambda r, n: (200, {}, "ok")
        )
        env[var] = platform.url
    elif kind == "feishu":
        platform = Platform(
            server,
            "/open-apis/bot/v2/hook/feishu-hook-id-123",
            lambda r, n: json_answer({"code": 0, "msg": "success", "data": {}}),
            verify=feishu_check(SECRETS["feishu"]),
        )
        env[var] = platform.url
        env["DD_TEST_FEISHU_SECRET"] = SECRETS["feishu"]
        spec["secret_env"] = "DD_TEST_FEISHU_SECRET"
    elif kind == "dingtalk":
        platform = Platform(
            server,
            "/robot/send",
            lambda r, n: json_answer(ok_json),
            verify=dingtalk_check(SECRETS["dingtalk"]),
        )
        env[var] = platform.url + "?access_token=dingtalk-access-token-55"
        env["DD_TEST_DINGTALK_SECRET"] = SECRETS["dingtalk"]
        spec["secret_env"] = "DD_TEST_DINGTALK_SECRET"
    elif kind == "wecom":
        platform = Platform(server, "/cgi-bin/webhook/send", lambda r, n: json_answer(ok_json))
        env[var] = platform.url + "?key=wecom-robot-key-0042"
    elif kind == "telegram":
        token = SECRETS["telegram"]
        platform = Platform(
            server,
            f"/bot{token}/sendMessage",
            lambda r, n: json_answer({"ok": True, "result": {"message_id": 700 + n}}),
        )
        env["DD_TEST_TELEGRAM_TOKEN"] = token
        spec.update(token_env="DD_TEST_TELEGRAM_TOKEN", chat_id=-1001234, api_url=server.base_url)
        return platform, spec, env
    elif kind == "discord":
        platform = Platform(
            server,
            "/api/webhooks/42/discord-webhook-token",
            lambda r, n: json_answer({"id": str(9000 + n), "channel_id": "1"}),
        )
        env[var] = platform.url
    elif kind == "webhook":
        platform = Platform(
            server,
            "/hooks/digest",
            lambda r, n: json_answer({"id": f"rcv-{n}"}),
            verify=webhook_check(SECRETS["webhook"]),
        )
        env[var] = platform.url
        env["DD_TEST_WEBHOOK_SECRET"] = SECRETS["webhook"]
        spec["secret_env"] = "DD_TEST_WEBHOOK_SECRET"
    else:
        raise ValueError(kind)
    spec["url_env"] = var
    return platform, spec, env


def visible_text(kind: str, received: Received) -> str:
    """What a reader sees of one accepted message, as plain text."""
    from html.parser import HTMLParser

    body = received.json()
    if kind == "slack":
        parts = []
        for block in body["blocks"]:
            if isinstance(block.get("text"), dict):
                parts.append(block["text"]["text"])
            parts.extend(e.get("text", "") for e in block.get("elements", []))
        return "\n".join(parts)
    if kind == "telegram":
        chunks: list[str] = []

        class Text(HTMLParser):
            def handle_data(self, data: str) -> None:
                chunks.append(data)

        parser = Text(convert_charrefs=True)
        parser.feed(body["text"])
        parser.close()
        return "".join(chunks)
    if kind == "feishu":
        post = next(iter(body["content"]["post"].values()))
        return "\n".join(
            [post["title"]]
            + ["".join(node.get("text", "") for node in para) for para in post["content"]]
        )
    if kind == "dingtalk":
        return str(body["markdown"]["text"])
    if kind == "wecom":
        return str(body["markdown"]["content"])
    if kind == "discord":
        parts = [body["content"]]
        for embed in body["embeds"]:
            parts += [embed.get("title", ""), embed.get("description", "")]
        return "\n".join(parts)
    raise ValueError(kind)


def within_limits(kind: str, received: Received) -> list[str]:
    """Each platform limit the message breaks (none: an empty list)."""
    body = received.json()
    problems: list[str] = []
    if kind == "slack":
        if len(body["blocks"]) > 50:
            problems.append("more than 50 blocks")
        for block in body["blocks"]:
            if block["type"] == "section" and len(block["text"]["text"]) > 3000:
                problems.append("a section over 3000 characters")
            if block["type"] == "header" and len(block["text"]["text"]) > 150:
                problems.append("a header over 150 characters")
    elif kind == "telegram":
        shown = visible_text(kind, received)
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            problems.append("text over 4096 characters")
    elif kind == "feishu":
        if len(received.body) > 20 * 1024:
            problems.append("body over 20 KB")
    elif kind == "dingtalk":
        if len(body["markdown"]["text"].encode()) > 20_000:
            problems.append("markdown over 20,000 bytes")
    elif kind == "wecom":
        if len(body["markdown"]["content"].encode()) > 4096:
            problems.append("content over 4096 bytes")
    elif kind == "discord":
        embeds = body["embeds"]
        if len(body["content"]) > 2000:
            problems.append("content over 2000 characters")
        if len(embeds) > 10:
            problems.append("more than 10 embeds")
        total = sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds)
        if total > 6000:
            problems.append("embeds over 6000 characters")
        if any(len(e.get("description", "")) > 4096 for e in embeds):
            problems.append("an embed description over 4096 characters")
        if any(len(e.get("title", "")) > 256 for e in embeds):
            problems.append("an embed title over 256 characters")
    return problems


CHAT_TYPES = ["slack", "feishu", "dingtalk", "wecom", "telegram", "discord"]
