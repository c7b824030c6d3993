"""Typed, layered settings.

Precedence, lowest first: packaged ``defaults.toml`` < the user's ``deepdaily.toml`` <
``DEEPDAILY_*`` environment variables < command-line flags. A partial file overrides only the
keys it sets. Nested keys in the environment use ``__``: ``DEEPDAILY_PROFILE__ITEMS=5``,
``DEEPDAILY_STORE__URL=sqlite:///x.db``. Every validation failure becomes one
:class:`~deepdaily.errors.ConfigError` line naming the layer, the key and the expected form,
with "did you mean …?" for an unknown key (:mod:`deepdaily.config.diagnose`). The settings file
must be UTF-8 (a byte-order mark is accepted).

Everything that can be checked is checked when the settings load, before anything is fetched:
the file's encoding, the ``{placeholder}`` templates (``post_path``, ``profile.title``), NUL
characters in any string (a ``\\u0000`` escape would cut a path short or be refused by the OS
mid-run), and ``store.url`` (a known database whose driver is installed,
:mod:`deepdaily.config.dburl`). Each problem is one :class:`~deepdaily.errors.ConfigError`
line (exit 2).

Where things go:

- ``post_path`` (default ``content/posts/{date}.md``) names each post under ``output_dir``;
  the JSON goes beside it with ``.json``. Placeholders: ``{date}``, ``{year}``, ``{month}``,
  ``{day}``, ``{profile}``, ``{language}`` (:mod:`deepdaily.config.patterns`), e.g.
  ``post_path = "content/posts/{year}/{date}.md"``. Every profile writes its own file: a
  profile that would write another's (a ``[profiles.NAME]`` table inheriting the pattern, or
  ``run --language en`` on the default profile) gets ``-{profile}`` before ``.md``:
  ``content/posts/2026-02-12-en.md`` beside ``content/posts/2026-02-12.md``. For a multilingual
  Hugo site use ``content/posts/{date}.{language}.md``.
- ``store.url`` empty means ``deepdaily.db`` next to the settings file, or in the user data
  directory when no settings file is used; a relative ``sqlite:///`` path written in the file is
  relative to the file, one given by ``--db`` or the environment to the working directory.
  :meth:`StoreSettings.describe` says which applies.
- ``output_dir`` (default ``site``) and ``template_dir`` are likewise relative to the settings
  file when one is used (``--out`` and the environment: to the working directory), so a cron
  job running ``deepdaily -c /srv/digest/deepdaily.toml run`` from anywhere writes into
  ``/srv/digest/site``.

A profile's ``name`` defaults to its language (``zh``, ``en``); its ``title`` and ``tagline``
default to the language's (:mod:`deepdaily.config.languages`), so only the user's own wording
is kept when the language changes.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from deepdaily.config.base import StrictModel
from deepdaily.config.dburl import check_database_url
from deepdaily.config.deliver import DeliverList
from deepdaily.config.diagnose import SUB_KEY, describe_error, known_keys, unknown_key
from deepdaily.config.distributed import DistributedSettings
from deepdaily.config.languages import LANGUAGES
from deepdaily.config.patterns import (
    check_post_path,
    fill,
    placeholder_values,
    with_profile_suffix,
)
from deepdaily.config.profile import WEIGHT_KEYS, Profile
from deepdaily.config.publish import PublishSettings
from deepdaily.config.store import StoreSettings, anchor_sqlite_url
from deepdaily.errors import ConfigError

__all__ = [
    "WEIGHT_KEYS",
    "AnalysisSettings",
    "FetchSettings",
    "LLMSpec",
    "Profile",
    "PublishSettings",
    "Settings",
    "SourceSpec",
    "StoreSettings",
    "WatchSettings",
    "load_settings",
    "read_toml_text",
]

SourceType = Literal["auto", "feed", "html", "discourse", "jsonl"]
ENV_PREFIX = "DEEPDAILY_"
#: ``DEEPDAILY_*`` variables that are not settings: the settings file, the token of
#: ``deepdaily serve``, the browser test's screenshot folder, typer's shell completion.
NOT_SETTINGS = frozenset(
    {"DEEPDAILY_CONFIG", "DEEPDAILY_SERVE_TOKEN", "DEEPDAILY_SCREENSHOT_DIR", "DEEPDAILY_COMPLETE"}
)
CONFIG_FILENAME = "deepdaily.toml"
#: The day the post paths of the profiles are compared on (month and day differ on purpose).
_SAMPLE_DAY = "2026-11-27"


class SourceSpec(StrictModel):
    """One configured source. ``url`` may be http(s), ``file://`` or a local path."""

    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    type: SourceType = "auto"
    authority: float = Field(default=0.5, ge=0.0, le=1.0)
    tags: list[str] = Field(default_factory=list)
    enabled: bool = True


class FetchSettings(StrictModel):
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
    # How pages' main text is extracted (deepdaily.extract.article.EXTRACTION_MODES):
    # "standard" (with trafilatura's fallback extractors), "fast" (without: cheaper, but it
    # misses paragraphs of pages without clear markup), "precision" or "recall".
    extraction: Literal["fast", "standard", "precision", "recall"] = "standard"
    # Private networks and hosts that links found in fetched content (and redirects) may reach
    # anyway: networks ("10.0.0.0/8"), hosts ("intranet.example"), domains ("*.corp.example").
    allow_private: list[str] = Field(default_factory=list)
    # Wall-clock bound on fetching one source's URL: all attempts, waits and redirects.
    source_deadline_s: float = Field(default=30.0, gt=0)
    # The same for each page or forum topic fetched for an entry, each on its own.
    page_deadline_s: float = Field(default=20.0, gt=0)
    # Entries kept per source and run (the first ones listed); the rest are dropped with a warning.
    max_entries: int = Field(default=1000, ge=1)
    # The whole collect stage, every source and page, queueing included; past it, what is
    # still running fails with a reason and the run goes on with what was collected.
    collect_deadline_s: float = Field(default=600.0, gt=0)

    @field_validator("allow_private")
    @classmethod
    def _allow_list(cls, value: list[str]) -> list[str]:
        from deepdaily.fetch.guard import AllowList  # here: the fetch package imports config

        AllowList.parse(value)  # ValueError names the entry
        return value


class LLMSpec(StrictModel):
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


class AnalysisSettings(StrictModel):
    """How events are analysed once an LLM chain is configured."""

    revision_rounds: int = Field(default=2, ge=0, le=5)
    max_source_tokens: int = Field(default=6000, ge=200)
    concurrency: int = Field(default=4, ge=1)
    budget_tokens: int = Field(default=0, ge=0)  # 0 = unlimited
    budget_cost: float = Field(default=0.0, ge=0)  # 0 = unlimited
    judge: str = ""  # name of an [[llm]] entry used as a second-opinion judge
    judge_relevance: bool = True  # one LLM relevance judgement of the candidates (rank/judge.py)
    # A different [[llm]] provider is asked whether each claim is entailed by its passage
    # (one batched, cached call per item); it can only remove or mark claims, never add.
    entailment: bool = False
    # Wall-clock limit, in seconds, on the run's LLM work (relevance judgement, analysis,
    # synthesis), counted from its first LLM request; past it, calls in flight are cut and the
    # remaining items come from the offline engine (0 = no limit beyond the per-request
    # timeouts: each [[llm]] entry's `timeout` bounds one request to it, retries included).
    deadline_s: float = Field(default=600.0, ge=0)


class WatchSettings(StrictModel):
    """How the watch list is followed up (``deepdaily.watch``).

    A topic boosts matching events by ``boost`` on the total score until ``horizon_days``
    days pass without a match; ``min_overlap`` is the key weight an event must reach to match.
    """

    enabled: bool = True
    horizon_days: int = Field(default=14, ge=1, le=365)
    boost: float = Field(default=0.1, ge=0.0, le=1.0)
    min_overlap: float = Field(default=1.0, gt=0.0)


def _settings_error(sub_loc: tuple[str, ...], message: str) -> PydanticCustomError:
    """An error reported at ``sub_loc`` below the validator's own location."""
    return PydanticCustomError("settings", "{message}", {"message": message, SUB_KEY: sub_loc})


class Settings(StrictModel):
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
    # [publish]: the Hugo site, feeds and pages (deepdaily.config.publish).
    publish: PublishSettings = Field(default_factory=PublishSettings)
    # [[deliver]] channels a published digest is sent to (deepdaily.config.deliver).
    deliver: DeliverList = Field(default_factory=list)
    distributed: DistributedSettings = Field(default_factory=DistributedSettings)  # workers
    # More profiles from the same store: each table overrides the keys of [profile] it sets.
    profiles: dict[str, dict[str, Any]] = Field(default_factory=dict)
    config_path: Path | None = Field(default=None, exclude=True)
    # The [profile] as loaded; ``profile`` may since have been swapped for another one.
    _default: Profile | None = PrivateAttr(default=None)

    @field_validator("post_path")
    @classmethod
    def _usable_post_path(cls, value: str) -> str:
        return check_post_path(value)

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
                raise _settings_error((name,), "expected a table of profile keys")
            try:
                Profile.model_validate({**override, "name": name})
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = tuple(str(part) for part in first["loc"])
                msg = first["msg"].removeprefix("Value error, ")
                if first["type"] == "extra_forbidden":
                    msg = unknown_key(loc[-1], known_keys(Profile))
                raise _settings_error((name, *loc), msg) from None
        return value

    @model_validator(mode="after")
    def _one_file_per_profile(self) -> Settings:
        if self._default is None:
            self._default = self.profile
        default = self._default.name
        if default in self.profiles:
            raise _settings_error(
                ("profiles", default),
                f"{default!r} is the default profile's name; set its keys in [profile], or "
                "give [profile] another name",
            )
        self._post_files()  # raises when a profile's own post_path is another's file
        return self

    @property
    def default_profile(self) -> Profile:
        """``[profile]`` as loaded, even after ``profile`` was set to another profile."""
        return self._default or self.profile

    def profile_names(self) -> list[str]:
        """The default profile first, then ``[profiles.<name>]`` in file order."""
        default = self.default_profile.name
        return [default, *(n for n in self.profiles if n != default)]

    def profile_named(self, name: str) -> Profile:
        """A profile: the default ``[profile]`` with ``[profiles.<name>]`` laid over it.

        A name not configured may still be a language variant: ``en`` is the default profile
        (when it is named after its language) in English, ``infra-zh`` is ``infra`` in Chinese,
        as ``run --language`` names them.
        """
        default = self.default_profile
        if name == default.name:
            return default
        if name in self.profiles:
            base = default.model_dump(exclude={"post_path"})
            return Profile.model_validate({**base, **self.profiles[name], "name": name})
        variant = self._variant_named(name)
        if variant is None:
            known = ", ".join(self.profile_names())
            raise ConfigError(f"profiles: no profile named {name!r} (known: {known})")
        return variant

    def for_profile(self, name: str) -> Settings:
        """These settings with ``profile`` set to the named profile."""
        return self.model_copy(update={"profile": self.profile_named(name)})

    def with_profile_changes(self, changes: Mapping[str, Any]) -> Settings:
        """These settings with keys of the current profile changed (``--items``, ``--language``).

        A new ``language`` makes a new profile (see :meth:`variant_name`), so its digests
        and files never replace those of the profile it came from. Raises pydantic's
        ``ValidationError`` for a bad value.
        """
        current = self.profile
        data = {**current.model_dump(), **changes}
        language = changes.get("language")
        if isinstance(language, str) and language != current.language:
            data["name"] = self.variant_name(current, language)
        return self.model_copy(update={"profile": Profile.model_validate(data)})

    def variant_name(self, profile: Profile, language: str) -> str:
        """The name of ``profile`` written in ``language``: the language code when the
        profile is named after its own language (``zh`` -> ``en``), else ``name-language``."""
        if profile.name == profile.language and language not in self.profiles:
            return language
        return f"{profile.name}-{language}"

    def _variant_named(self, name: str) -> Profile | None:
        for base_name in self.profile_names():
            base = self.profile_named(base_name)
            for language in LANGUAGES:
                if language != base.language and self.variant_name(base, language) == name:
                    return Profile.model_validate(
                        {**base.model_dump(), "language": language, "name": name}
                    )
        return None

    def post_path_for(self, profile: Profile) -> str:
        """The ``post_path`` pattern ``profile`` writes to: its own, else the settings'.

        When that would be the file of a profile configured before it (or of any configured
        profile, for one that is not configured), ``-{profile}`` is added before ``.md`` and
        the profile writes beside it instead of over it.
        """
        try:
            files = self._post_files()
        except PydanticCustomError as exc:  # settings changed since they were validated
            raise ConfigError(f"post_path: {exc.message()}") from None
        if profile.name in files:
            return files[profile.name][0]
        pattern = profile.post_path or self.post_path
        taken = {file for _, file in files.values()}
        if _sample_file(pattern, profile) in taken:
            return with_profile_suffix(pattern)
        return pattern

    def _post_files(self) -> dict[str, tuple[str, str]]:
        """Each configured profile's pattern and sample file, in order; a profile whose own
        ``post_path`` names an earlier profile's file is a settings error."""
        files: dict[str, tuple[str, str]] = {}
        taken: dict[str, str] = {}
        for name in self.profile_names():
            profile = self.profile_named(name)
            pattern = profile.post_path or self.post_path
            file = _sample_file(pattern, profile)
            if file in taken:
                if profile.post_path and name != self.default_profile.name:
                    raise _settings_error(
                        ("profiles", name, "post_path"),
                        f"{pattern!r} names the same file as profile {taken[file]!r}; add "
                        "{profile} to it, e.g. 'content/{profile}/{date}.md'",
                    )
                pattern = with_profile_suffix(pattern)
                file = _sample_file(pattern, profile)
            files[name] = (pattern, file)
            taken[file] = name
        return files

    @property
    def site_dir(self) -> Path:
        """The Hugo site posts are published into: ``[publish] site_dir``, else ``output_dir``."""
        return self.publish.site_dir or self.output_dir

    def source(self, name: str) -> SourceSpec:
        for spec in self.sources:
            if spec.name == name:
                return spec
        raise ConfigError(f"sources: no source named {name!r}")


def _sample_file(pattern: str, profile: Profile) -> str:
    """The file ``pattern`` names for ``profile`` on a sample day, for comparisons."""
    values = placeholder_values(_SAMPLE_DAY, profile.name, profile.language)
    return fill(pattern, values).casefold()


def _deep_merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_toml_text(path: Path) -> str:
    """The settings file's text; a file that is not UTF-8 is a one-line ``ConfigError``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save the file as UTF-8"
        ) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(read_toml_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _defaults() -> dict[str, Any]:
    text = resources.files("deepdaily.config").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _env_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    """``DEEPDAILY_A__B=v`` becomes ``{"a": {"b": v}}``; JSON values are decoded."""
    layer: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key in NOT_SETTINGS:
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
                "post_path",
            }
        ):
            value = raw
        node = layer
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return layer


def _store_url_origin(
    file_layer: Mapping[str, Any],
    env_layer: Mapping[str, Any],
    overrides: Mapping[str, Any],
    config_path: Path,
) -> str:
    """Which layer set ``store.url`` last."""

    def sets(layer: Mapping[str, Any]) -> bool:
        store = layer.get("store")
        return isinstance(store, Mapping) and store.get("url") is not None

    if sets(overrides):
        return "the command line"
    if sets(env_layer):
        return "DEEPDAILY_STORE__URL"
    return str(config_path) if sets(file_layer) else ""


def _anchor_paths(layer: dict[str, Any], folder: Path) -> dict[str, Any]:
    """The settings file's relative paths made relative to its folder, not to the working
    directory, so ``deepdaily -c /srv/site/deepdaily.toml run`` from cron writes and reads where
    the file says: the database (``store.url``), ``output_dir`` and ``template_dir``."""
    anchored = dict(layer)
    store = layer.get("store")
    if isinstance(store, dict) and isinstance(store.get("url"), str):
        anchored["store"] = {**store, "url": anchor_sqlite_url(store["url"], folder)}
    for key in ("output_dir", "template_dir"):
        value = layer.get(key)
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            anchored[key] = str(folder / value)
    publish = layer.get("publish")
    if isinstance(publish, dict):  # [publish] site_dir likewise
        site_dir = publish.get("site_dir")
        if isinstance(site_dir, str) and site_dir and not Path(site_dir).expanduser().is_absolute():
            anchored["publish"] = {**publish, "site_dir": str(folder / site_dir)}
    return anchored


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
    file_layer: dict[str, Any] = {}
    if config_path.exists():
        raw_layer = _read_toml(config_path)
        _refuse_nul(raw_layer, [], str(config_path))  # before paths are resolved
        file_layer = _anchor_paths(raw_layer, config_path.resolve().parent)
        file_layer.setdefault("output_dir", str(config_path.resolve().parent / data["output_dir"]))
        data = _deep_merge(data, file_layer)
        origin = str(config_path)
    elif explicit:
        raise ConfigError(f"{config_path}: config file not found")
    env_layer = _env_layer(env)
    if env_layer:
        data = _deep_merge(data, env_layer)
    layer = {k: v for k, v in (overrides or {}).items() if v is not None}
    if layer:
        data = _deep_merge(data, layer)
    _refuse_nul(
        data, [("the command line", layer), ("environment (DEEPDAILY_*)", env_layer)], origin
    )
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        top = str(first["loc"][0]) if first["loc"] else ""
        if env_layer and top in env_layer:
            origin = "environment (DEEPDAILY_*)"
        raise ConfigError(describe_error(first, origin, data, Settings)) from None
    used = config_path if config_path.exists() else None
    settings.config_path = used
    url_origin = _store_url_origin(file_layer, env_layer, layer, config_path)
    settings.store.locate(used, url_origin)
    check_database_url(settings.store.resolved_url(), url_origin or origin)
    return settings


def _refuse_nul(
    data: Mapping[str, Any], layers: list[tuple[str, Mapping[str, Any]]], file_origin: str
) -> None:
    """A ``ConfigError`` naming the first key whose value (or name) holds a NUL character,
    and the layer that set it."""
    found = _nul_path(data, ())
    if found is None:
        return
    origin = file_origin
    for name, layer in layers:
        if _nul_path(layer, ()) is not None:
            origin = name
            break
    key = ".".join(found) or "(top level)"
    raise ConfigError(
        f"{origin}: {key}: contains a NUL character (\\u0000); remove it, no path, name, URL "
        "or text may hold one"
    )


def _nul_path(value: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = (*path, str(key).replace("\x00", "\\u0000"))
            if "\x00" in str(key):
                return here
            found = _nul_path(item, here)
            if found is not None:
                return found
    if isinstance(value, list):
        head, last = path[:-1], (path[-1] if path else "")
        for index, item in enumerate(value):
            found = _nul_path(item, (*head, f"{last}[{index}]"))
            if found is not None:
                return found
    return None
