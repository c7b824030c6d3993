"""Typed, layered settings.

Precedence, lowest first: packaged ``defaults.toml`` < the user's ``deepdaily.toml`` <
``DEEPDAILY_*`` environment variables < command-line flags. A partial file overrides only the
keys it sets. Nested keys in the environment use ``__``: ``DEEPDAILY_PROFILE__ITEMS=5``,
``DEEPDAILY_STORE__URL=sqlite:///x.db``. Every validation failure becomes one
:class:`~deepdaily.errors.ConfigError` line naming the layer, the key and the expected form.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from deepdaily.errors import ConfigError

__all__ = [
    "AnalysisSettings",
    "FetchSettings",
    "LLMSpec",
    "Profile",
    "Settings",
    "SourceSpec",
    "StoreSettings",
    "WatchSettings",
    "load_settings",
]

SourceType = Literal["auto", "feed", "html", "discourse", "jsonl"]
#: The score components a profile may weight (``Profile.weights``; see ``rank/score.py``).
WEIGHT_KEYS = ("authority", "coverage", "relevance", "recency", "novelty")
ENV_PREFIX = "DEEPDAILY_"
CONFIG_FILENAME = "deepdaily.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class SourceSpec(_Strict):
    """One configured source. ``url`` may be http(s), ``file://`` or a local path."""

    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    type: SourceType = "auto"
    authority: float = Field(default=0.5, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    enabled: bool = True


class Profile(_Strict):
    """What one digest looks like and whom it serves."""

    name: str = "zh"
    language: Literal["zh", "en"] = "zh"
    title: str = "AI 技术深度日报｜{date}"
    tagline: str = ""
    timezone: str = "Asia/Shanghai"
    publish_hour: int = Field(default=8, ge=0, le=23)
    window_hours: int = Field(default=24, ge=1, le=24 * 14)
    items: int = Field(default=8, ge=1, le=50)
    min_score: float = Field(default=0.3, ge=0.0, le=1.0)
    # Events less related than this to the interests are never picked, however authoritative.
    min_relevance: float = Field(default=0.3, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)  # terms and names, matched in text
    audience: str = ""  # who the digest is for, in a phrase (used by the LLM prompt)
    source_tags: list[str] = Field(default_factory=list)  # only sources with one of these tags
    post_path: str = ""  # overrides Settings.post_path for this profile
    # Score weights by component (WEIGHT_KEYS); a missing key keeps rank/score.py's default.
    weights: dict[str, float] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if key not in WEIGHT_KEYS:
                known = ", ".join(WEIGHT_KEYS)
                raise ValueError(f"unknown weight {key!r}, expected one of {known}")
            if weight < 0:
                raise ValueError(f"weight {key!r} must be >= 0, got {weight:g}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}, e.g. 'Asia/Shanghai'") from exc
        return value

    @field_validator("title")
    @classmethod
    def _title_has_date(cls, value: str) -> str:
        if "{date}" not in value:
            raise ValueError("must contain the placeholder {date}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class FetchSettings(_Strict):
    timeout: float = Field(default=15.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    max_bytes: int = Field(default=5_000_000, gt=0)
    max_redirects: int = Field(default=5, ge=0)
    retries: int = Field(default=2, ge=0, le=10)
    backoff: float = Field(default=0.5, ge=0)
    max_retry_after: float = Field(default=30.0, ge=0)
    concurrency: int = Field(default=32, ge=1)
    per_host: int = Field(default=4, ge=1)
    user_agent: str = "deepdaily/0.1"
    fetch_pages: bool = True


class LLMSpec(_Strict):
    """One entry of the ``[[llm]]`` chain, tried in order.

    ``preset`` fills ``base_url`` and ``api_key_env`` for known OpenAI-compatible services;
    ``kind`` is ``openai`` (any OpenAI-compatible chat-completions endpoint) or ``anthropic``.
    The key itself is never in the file: only the name of the environment variable holding it.
    """

    name: str = ""
    kind: Literal["openai", "anthropic"] = "openai"
    preset: str = ""
    model: str = Field(min_length=1)
    base_url: str = ""
    api_key_env: str = ""
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    json_schema: bool = True  # use response_format json_schema where supported
    price_in: float = Field(default=0.0, ge=0)  # currency units per million input tokens
    price_out: float = Field(default=0.0, ge=0)  # per million output tokens
    enabled: bool = True


class AnalysisSettings(_Strict):
    """How events are analysed once an LLM chain is configured."""

    revision_rounds: int = Field(default=2, ge=0, le=5)
    max_source_tokens: int = Field(default=6000, ge=200)
    concurrency: int = Field(default=4, ge=1)
    budget_tokens: int = Field(default=0, ge=0)  # 0 = unlimited
    budget_cost: float = Field(default=0.0, ge=0)  # 0 = unlimited
    judge: str = ""  # name of an [[llm]] entry used as a second-opinion judge
    judge_relevance: bool = True  # one LLM relevance judgement of the candidates (rank/judge.py)


class WatchSettings(_Strict):
    """How the watch list is followed up (``deepdaily.watch``).

    A topic boosts matching events by ``boost`` on the total score until ``horizon_days``
    days pass without a match; ``min_overlap`` is the key weight an event must reach to match.
    """

    enabled: bool = True
    horizon_days: int = Field(default=14, ge=1, le=365)
    boost: float = Field(default=0.1, ge=0.0, le=1.0)
    min_overlap: float = Field(default=1.0, gt=0.0)


class StoreSettings(_Strict):
    url: str = ""

    def resolved_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the user data directory."""
        if self.url:
            return self.url
        data_dir = Path(platformdirs.user_data_dir("deepdaily", appauthor=False))
        return f"sqlite:///{data_dir / 'deepdaily.db'}"


class Settings(_Strict):
    output_dir: Path = Path("site")
    post_path: str = "content/posts/{date}.md"
    template_dir: Path | None = None  # files here shadow the packaged templates
    store: StoreSettings = Field(default_factory=StoreSettings)
    profile: Profile = Field(default_factory=Profile)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    sources: list[SourceSpec] = Field(default_factory=list)
    llm: list[LLMSpec] = Field(default_factory=list)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    # More profiles from the same store: each table overrides the keys of [profile] it sets.
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)
    config_path: Path | None = Field(default=None, exclude=True)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, value: list[SourceSpec]) -> list[SourceSpec]:
        seen: set[str] = set()
        for spec in value:
            if spec.name in seen:
                raise ValueError(f"duplicate source name {spec.name!r}")
            seen.add(spec.name)
        return value

    @field_validator("profiles")
    @classmethod
    def _profiles_are_partial_profiles(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, override in value.items():
            if not isinstance(override, dict):
                raise ValueError(f"{name}: expected a table of profile keys")
            try:
                Profile.model_validate({**override, "name": name})
            except ValidationError as exc:
                first = exc.errors()[0]
                key = ".".join(str(part) for part in first["loc"])
                msg = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
                raise ValueError(f"{name}.{key}: {msg.removeprefix('Value error, ')}") from None
        return value

    @model_validator(mode="after")
    def _one_file_per_profile(self) -> Settings:
        paths: dict[str, str] = {}
        for name in self.profile_names():
            pattern = self.post_path_for(self.profile_named(name))
            if "{profile}" not in pattern and pattern in paths:
                raise ValueError(
                    f"profiles.{name}: writes to the same file as profile {paths[pattern]!r}; "
                    "set post_path with a {profile} placeholder"
                )
            paths[pattern] = name
        return self

    def profile_names(self) -> list[str]:
        """The default profile first, then ``[profiles.<name>]`` in file order."""
        return [self.profile.name, *(n for n in self.profiles if n != self.profile.name)]

    def profile_named(self, name: str) -> Profile:
        """A profile: the default ``[profile]`` with ``[profiles.<name>]`` laid over it."""
        if name == self.profile.name:
            return self.profile
        if name not in self.profiles:
            known = ", ".join(self.profile_names())
            raise ConfigError(f"profiles: no profile named {name!r} (known: {known})")
        base = self.profile.model_dump(exclude={"post_path"})
        return Profile.model_validate({**base, **self.profiles[name], "name": name})

    def for_profile(self, name: str) -> Settings:
        """These settings with ``profile`` set to the named profile."""
        return self.model_copy(update={"profile": self.profile_named(name)})

    def post_path_for(self, profile: Profile) -> str:
        return profile.post_path or self.post_path

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"sources: no source named {name!r}")


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _defaults() -> dict[str, Any]:
    text = resources.files("deepdaily.config").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    """``DEEPDAILY_A__B=v`` becomes ``{"a": {"b": v}}``; JSON values are decoded."""
    layer: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key == "DEEPDAILY_CONFIG":
            continue
        path = key[len(ENV_PREFIX) :].lower().split("__")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        if (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and path[-1]
            in {
                "url",
                "name",
                "title",
                "tagline",
                "timezone",
                "user_agent",
            }
        ):
            value = raw
        node = layer
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return layer


def _describe(error: dict[str, Any], origin: str, data: Mapping[str, Any]) -> str:
    loc = error["loc"]
    parts: list[str] = []
    node: Any = data
    for step in loc:
        if isinstance(step, int):
            name = ""
            if isinstance(node, list) and step < len(node) and isinstance(node[step], dict):
                name = str(node[step].get("name", ""))
            parts[-1] = f"{parts[-1]}[{step}]" + (f" ({name})" if name else "")
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, Mapping) else None
    key = ".".join(parts)
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        msg = "unknown key"
    return f"{origin}: {key}: {msg}" if key else f"{origin}: {msg}"


def load_settings(
    path: Path | str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the settings from every layer.

    ``path`` defaults to ``$DEEPDAILY_CONFIG`` or ``./deepdaily.toml`` when present. A path given
    explicitly must exist.
    """
    env = os.environ if environ is None else environ
    explicit = path is not None or "DEEPDAILY_CONFIG" in env
    config_path = Path(path or env.get("DEEPDAILY_CONFIG") or CONFIG_FILENAME)
    data = _defaults()
    origin = "defaults"
    if config_path.exists():
        data = _deep_merge(data, _read_toml(config_path))
        origin = str(config_path)
    elif explicit:
        raise ConfigError(f"{config_path}: config file not found")
    env_layer = _env_layer(env)
    if env_layer:
        data = _deep_merge(data, env_layer)
    if overrides:
        data = _deep_merge(data, {k: v for k, v in overrides.items() if v is not None})
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        top = str(first["loc"][0]) if first["loc"] else ""
        if env_layer and top in env_layer:
            origin = "environment (DEEPDAILY_*)"
        raise ConfigError(_describe(dict(first), origin, data)) from None
    settings.config_path = config_path if config_path.exists() else None
    return settings
