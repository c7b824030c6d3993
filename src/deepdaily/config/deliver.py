"""``[[deliver]]`` entries: where a published digest is sent (``deepdaily deliver``).

Each entry has a ``type`` (``email``, ``slack``, ``feishu``, ``dingtalk``, ``wecom``,
``telegram``, ``discord``, ``webhook``), a unique ``name`` and the fields of its type. Secrets
(webhook URLs, which carry their token, bot tokens, signing secrets, SMTP passwords) are never
read from the settings file: an entry names the environment variable that holds each one
(``url_env = "SLACK_WEBHOOK_URL"``, ``secret_env``, ``token_env``, ``password_env``). A secret
written into the file anyway is a settings error naming the key, and never echoing the value:
a key such as ``url``, ``secret``, ``token`` or ``password``, an ``*_env`` value that is not an
environment variable's name, or any value that looks like a webhook URL or a token.

Common keys: ``enabled``; ``profiles`` (the profiles whose digests the channel gets; empty:
all); ``timeout`` (seconds per request); ``retries`` and ``backoff`` (retries on 429, 5xx and
refused connections, waiting ``backoff * 2**n`` seconds, or what ``Retry-After`` asks up to
``max_retry_after``); ``interval`` (seconds between the messages of one digest, to stay under
the platform's rate limit; unset: the platform's own pace, :data:`DEFAULT_INTERVALS`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from deepdaily.config.base import StrictModel
from deepdaily.config.diagnose import SUB_KEY, known_keys, unknown_key

__all__ = [
    "CHANNEL_TYPES",
    "DEFAULT_INTERVALS",
    "DeliverList",
    "DeliverSpec",
    "DingTalkSpec",
    "DiscordSpec",
    "EmailSpec",
    "FeishuSpec",
    "SlackSpec",
    "TelegramSpec",
    "WeComSpec",
    "WebhookSpec",
    "env_names",
]

ChannelType = Literal[
    "email", "slack", "feishu", "dingtalk", "wecom", "telegram", "discord", "webhook"
]
CHANNEL_TYPES: tuple[str, ...] = (
    "email",
    "slack",
    "feishu",
    "dingtalk",
    "wecom",
    "telegram",
    "discord",
    "webhook",
)
#: Seconds between two messages of one digest when ``interval`` is unset: each platform's
#: documented pace (Slack about one message a second; DingTalk and WeCom 20 a minute;
#: Telegram about one a second in a chat; Feishu 5 a second; Discord's webhook buckets).
DEFAULT_INTERVALS: dict[str, float] = {
    "slack": 1.0,
    "feishu": 0.25,
    "dingtalk": 3.0,
    "wecom": 3.0,
    "telegram": 1.0,
    "discord": 0.5,
    "webhook": 0.0,
    "email": 0.0,
}
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CHANNEL_NAME_RE = re.compile(r"^\w[\w.-]*$")

#: Keys that would hold a secret literally, and the key that names its variable instead.
_LITERAL_SECRET_KEYS = {
    "url": "url_env",
    "webhook": "url_env",
    "webhook_url": "url_env",
    "hook": "url_env",
    "secret": "secret_env",
    "sign_secret": "secret_env",
    "signing_secret": "secret_env",
    "token": "token_env",
    "bot_token": "token_env",
    "access_token": "url_env",
    "key": "url_env",
    "api_key": "token_env",
    "password": "password_env",
    "pass": "password_env",
    "smtp_password": "password_env",
}
_SECRET_LOOKING = [
    re.compile(r"hooks\.slack\.com/(services|workflows|triggers)/", re.IGNORECASE),
    re.compile(r"open-apis/bot/v2/hook/", re.IGNORECASE),
    re.compile(r"(discord|discordapp)\.com/api/webhooks/", re.IGNORECASE),
    re.compile(r"[?&](access_token|token|key|secret|sig|signature|password)=", re.IGNORECASE),
    re.compile(r"://[^/@\s]*:[^/@\s]*@"),  # user:password@host
    re.compile(r"/bot\d{5,}:[A-Za-z0-9_-]{20,}"),  # a Telegram token in an API URL
    re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$"),  # a Telegram bot token
    re.compile(r"^xox[abposr]-"),  # a Slack token
    re.compile(r"^SEC[0-9a-f]{32,}$"),  # a DingTalk signing secret
]


def _looks_secret(value: str) -> bool:
    text = value.strip()
    if any(pattern.search(text) for pattern in _SECRET_LOOKING):
        return True
    # a long random token: 32+ characters of one word mixing letters and digits, not written
    # the way environment variables are named (SLACK_WEBHOOK_URL_TEAM_2)
    return bool(
        len(text) >= 32
        and re.fullmatch(r"[A-Za-z0-9_+=-]+", text)
        and re.search(r"[A-Za-z]", text)
        and re.search(r"\d", text)
        and not re.fullmatch(r"[A-Z][A-Z0-9_]*", text)
    )


def _env_name(value: str) -> str:
    """The name of an environment variable, or a ValueError that never repeats the value."""
    if not value:
        return value
    if _looks_secret(value) or "://" in value:
        raise ValueError(
            "holds a value, not the name of an environment variable: secrets are never read "
            "from the settings file; export it (e.g. SLACK_WEBHOOK_URL=...) and write its name "
            'here (url_env = "SLACK_WEBHOOK_URL")'
        )
    if not _ENV_NAME_RE.match(value):
        raise ValueError(
            "expected the name of an environment variable (letters, digits and _, not "
            "starting with a digit)"
        )
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class _ChannelSpec(StrictModel):
    """The keys every ``[[deliver]]`` entry has."""

    name: str = Field(min_length=1, max_length=100)
    enabled: bool = True
    profiles: list[str] = Field(default_factory=list)  # empty: every profile
    timeout: float = Field(default=15.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: float = Field(default=1.0, ge=0)
    max_retry_after: float = Field(default=60.0, ge=0)
    interval: float | None = Field(default=None, ge=0)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _CHANNEL_NAME_RE.match(value):
            raise ValueError(
                "a channel name is letters, digits, '_', '-' and '.' (it names the channel in "
                "the store and on the command line)"
            )
        return value

    def env_names(self) -> dict[str, str]:
        """Each ``*_env`` key set, with the variable it names."""
        return {
            key: value
            for key, value in self.model_dump().items()
            if key.endswith("_env") and isinstance(value, str) and value
        }

    def pace(self) -> float:
        """Seconds to wait between two messages of one digest."""
        kind = str(getattr(self, "type", ""))
        return self.interval if self.interval is not None else DEFAULT_INTERVALS.get(kind, 0.0)


class SlackSpec(_ChannelSpec):
    """A Slack incoming webhook: Block Kit sections in mrkdwn."""

    type: Literal["slack"]
    url_env: EnvName = Field(min_length=1)


class FeishuSpec(_ChannelSpec):
    """A Feishu/Lark custom bot: ``post`` rich text, signed when ``secret_env`` is set."""

    type: Literal["feishu"]
    url_env: EnvName = Field(min_length=1)
    secret_env: EnvName = ""


class DingTalkSpec(_ChannelSpec):
    """A DingTalk custom robot: ``markdown``, signed when ``secret_env`` is set."""

    type: Literal["dingtalk"]
    url_env: EnvName = Field(min_length=1)
    secret_env: EnvName = ""


class WeComSpec(_ChannelSpec):
    """A WeCom (企业微信) group robot: ``markdown``."""

    type: Literal["wecom"]
    url_env: EnvName = Field(min_length=1)


class TelegramSpec(_ChannelSpec):
    """A Telegram bot: ``sendMessage`` to ``chat_id`` with ``parse_mode`` HTML. ``api_url``
    is the Bot API server (a local ``telegram-bot-api`` server works too)."""

    type: Literal["telegram"]
    token_env: EnvName = Field(min_length=1)
    chat_id: str = Field(min_length=1)
    api_url: str = "https://api.telegram.org"

    @field_validator("chat_id", mode="before")
    @classmethod
    def _chat_id_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "expected the Bot API server's http(s) address, e.g. 'https://api.telegram.org'"
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("the Bot API server's address has no query, fragment or user")
        return value.strip().rstrip("/")


class DiscordSpec(_ChannelSpec):
    """A Discord webhook: the title in ``content``, one embed per item."""

    type: Literal["discord"]
    url_env: EnvName = Field(min_length=1)


class WebhookSpec(_ChannelSpec):
    """Any HTTP endpoint: the digest JSON, signed with HMAC-SHA256 when ``secret_env`` is set
    (``X-Deepdaily-Signature: sha256=<hex>`` over ``<timestamp>.<body>``)."""

    type: Literal["webhook"]
    url_env: EnvName = Field(min_length=1)
    secret_env: EnvName = ""


class EmailSpec(_ChannelSpec):
    """Email over SMTP: ``security`` is ``starttls`` (port 587 by default), ``ssl`` (465) or
    ``none`` (25; loopback relays only). ``username`` may be written or read from
    ``username_env``; the password only from ``password_env``. ``ca_file`` trusts a private CA
    (a self-signed relay) besides the system's."""

    type: Literal["email"]
    host: str = Field(min_length=1)
    port: int = Field(default=0, ge=0, le=65535)  # 0: by security
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    username_env: EnvName = ""
    password_env: EnvName = ""
    sender: str = Field(min_length=3)
    to: list[str] = Field(min_length=1)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""  # empty: the digest's title
    list_id: str = ""  # empty: <profile>.deepdaily.<sender's domain>
    ca_file: str = ""
    timeout: float = Field(default=30.0, gt=0)

    @field_validator("sender", "to", "cc", "bcc")
    @classmethod
    def _addresses(cls, value: str | list[str]) -> str | list[str]:
        from email.utils import parseaddr

        for address in [value] if isinstance(value, str) else value:
            _, addr = parseaddr(address)
            if "@" not in addr or addr.startswith("@") or addr.endswith("@"):
                raise ValueError(f"{address!r} is not an email address")
        return value

    def smtp_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


_SPECS: dict[str, type[_ChannelSpec]] = {
    "email": EmailSpec,
    "slack": SlackSpec,
    "feishu": FeishuSpec,
    "dingtalk": DingTalkSpec,
    "wecom": WeComSpec,
    "telegram": TelegramSpec,
    "discord": DiscordSpec,
    "webhook": WebhookSpec,
}

DeliverSpec = Annotated[
    EmailSpec
    | SlackSpec
    | FeishuSpec
    | DingTalkSpec
    | WeComSpec
    | TelegramSpec
    | DiscordSpec
    | WebhookSpec,
    Field(discriminator="type"),
]


def _error(loc: tuple[str | int, ...], message: str) -> PydanticCustomError:
    return PydanticCustomError("settings", "{message}", {"message": message, SUB_KEY: loc})


def _refuse_literal_secrets(value: Any) -> Any:
    """Before the entries are validated: a secret written into the file, an unknown type, or
    an unknown key (with the closest key of that type) is one error naming the key."""
    if not isinstance(value, list):
        return value
    for index, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            continue
        kind = entry.get("type")
        if kind not in _SPECS:
            raise _error(
                (index, "type"),
                f"expected one of {', '.join(CHANNEL_TYPES)}"
                + ("" if kind is None else f", got {kind!r}"),
            )
        model = _SPECS[str(kind)]
        for key, item in entry.items():
            key = str(key)
            if key in _LITERAL_SECRET_KEYS:
                instead = _LITERAL_SECRET_KEYS[key]
                if instead not in model.model_fields:
                    instead = next(iter(k for k in known_keys(model) if k.endswith("_env")), "")
                raise _error(
                    (index, key),
                    "secrets are never read from the settings file; put the value in an "
                    f'environment variable and name it: {instead} = "NAME"',
                )
            if key not in model.model_fields:
                raise _error((index, key), unknown_key(key, known_keys(model)))
            if key.endswith("_env"):
                continue  # checked as a variable name, with its own message
            texts = item if isinstance(item, list) else [item]
            if any(isinstance(text, str) and _looks_secret(text) for text in texts):
                raise _error(
                    (index, key),
                    "looks like a secret (a webhook URL with its token, or a token); secrets "
                    "are never read from the settings file: put it in an environment variable "
                    "and name that variable in the matching *_env key",
                )
    return [_parsed(index, entry) for index, entry in enumerate(value)]


def _parsed(index: int, entry: Any) -> Any:
    """The entry as its type's model; a validation error keeps the entry's own key path
    (``deliver[0] (team).to``), without pydantic's union tag in it."""
    if not isinstance(entry, Mapping):
        return entry
    model = _SPECS[str(entry["type"])]
    try:
        return model.model_validate(dict(entry))
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise _error((index, *first["loc"]), message) from None


def _unique_names(value: list[Any]) -> list[Any]:
    seen: set[str] = set()
    for index, spec in enumerate(value):
        if spec.name in seen:
            raise _error((index, "name"), f"duplicate channel name {spec.name!r}")
        seen.add(spec.name)
    return value


DeliverList = Annotated[
    list[DeliverSpec],
    BeforeValidator(_refuse_literal_secrets),
    AfterValidator(_unique_names),
]


def env_names(spec: _ChannelSpec) -> dict[str, str]:
    """The environment variables ``spec`` reads, by key (``url_env`` -> ``SLACK_URL``)."""
    return spec.env_names()
