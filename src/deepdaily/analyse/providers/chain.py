"""Build the run's LLM provider from the ``[[llm]]`` entries.

Each enabled entry is resolved against its preset (:mod:`.presets`) and becomes an
:class:`OpenAICompatProvider` or :class:`AnthropicProvider`; the usable ones, in order, form a
:class:`FallbackProvider`, wrapped in a :class:`CachingProvider` when a store is given. An entry
that cannot be used (unknown preset, key not set, SDK not installed) is skipped with a one-line
note, recorded as disabled in the call log: one bad entry never stops the digest.

Keys are read only from the environment, or else from an optional keys file,
``~/.config/deepdaily/keys.toml`` (the platform's user config directory), mapping environment
variable names to keys::

    OPENAI_API_KEY = "sk-..."
    DEEPSEEK_API_KEY = "sk-..."

The environment wins over the file. Keys are handed to the SDK clients and to nothing else:
never logged, stored, or put into a message (keep the file private: ``chmod 600``; a file
others can read is a note of the run, a warning on the console of ``deepdaily run`` and a
``doctor`` line: :func:`keys_file_problem`).
"""

from __future__ import annotations

import asyncio
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import platformdirs

from deepdaily.analyse.providers.base import Provider
from deepdaily.analyse.providers.cache import CachingProvider, ResponseCache
from deepdaily.analyse.providers.calllog import CallLog
from deepdaily.analyse.providers.fallback import FallbackProvider, Sleep
from deepdaily.analyse.providers.presets import Endpoint, UnknownPreset, resolve
from deepdaily.config import LLMSpec, Settings
from deepdaily.store import Store

__all__ = [
    "KEYS_FILE",
    "build_chain",
    "build_provider",
    "endpoints",
    "keys_file_problem",
    "read_keys_file",
]

KEYS_FILE = Path(platformdirs.user_config_dir("deepdaily", appauthor=False)) / "keys.toml"


def read_keys_file(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The keys in ``path`` (default :data:`KEYS_FILE`) and notes about the file, if any."""
    path = KEYS_FILE if path is None else path
    if not path.is_file():
        return {}, []
    problem = keys_file_problem(path)
    notes: list[str] = [problem] if problem else []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message gives a position, never the file's content.
        return {}, [*notes, f"keys file {path}: not valid TOML ({exc}); ignored"]
    except OSError as exc:
        return {}, [*notes, f"keys file {path}: cannot read ({exc.strerror}); ignored"]
    keys = {str(k): v for k, v in data.items() if isinstance(v, str) and v}
    return keys, notes


def keys_file_problem(path: Path | None = None) -> str | None:
    """A one-line warning when the keys file (default :data:`KEYS_FILE`) exists and users
    other than its owner may read or change it, else None."""
    path = KEYS_FILE if path is None else path
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode) or not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None
    return (
        f"keys file {path} is open to other users (mode {stat.S_IMODE(mode):04o}); "
        f"run: chmod 600 {path}"
    )


def _lookup_key(name: str, environ: Mapping[str, str], keys: Mapping[str, str]) -> str | None:
    return environ.get(name) or keys.get(name) or None


def build_provider(
    spec: LLMSpec | Endpoint,
    *,
    index: int = 0,
    environ: Mapping[str, str] = os.environ,
    keys: Mapping[str, str] | None = None,
    http_client: Any = None,
) -> tuple[Provider | None, str]:
    """One entry's provider, or ``None`` and the one-line reason it cannot be used."""
    try:
        endpoint = spec if isinstance(spec, Endpoint) else resolve(spec, index)
    except UnknownPreset as exc:
        return None, str(exc)
    api_key = (
        _lookup_key(endpoint.api_key_env, environ, keys or {}) if endpoint.api_key_env else None
    )
    if endpoint.key_required and not api_key:
        return None, f"{endpoint.label}: environment variable {endpoint.api_key_env} is not set"
    try:
        if endpoint.kind == "anthropic":
            from deepdaily.analyse.providers.anthropic_provider import AnthropicProvider

            return AnthropicProvider(endpoint, api_key, http_client=http_client), ""
        from deepdaily.analyse.providers.openai_compat import OpenAICompatProvider

        return OpenAICompatProvider(endpoint, api_key, http_client=http_client), ""
    except ImportError:
        package = "anthropic" if endpoint.kind == "anthropic" else "openai"
        return None, (
            f"{endpoint.label}: the {package!r} package is not installed; "
            "pip install 'deepdaily[llm]'"
        )


def endpoints(settings: Settings) -> tuple[list[Endpoint], list[str]]:
    """The enabled entries resolved, with unique names, and notes about the others."""
    found: list[Endpoint] = []
    notes: list[str] = []
    seen: set[str] = set()
    for index, spec in enumerate(settings.llm):
        try:
            endpoint = resolve(spec, index)
        except UnknownPreset as exc:
            notes.append(str(exc))
            continue
        if endpoint.name in seen:
            endpoint = replace(endpoint, name=f"{endpoint.name}#{index}")
        seen.add(endpoint.name)
        if not spec.enabled:
            notes.append(f"{endpoint.label}: disabled in the configuration")
            continue
        found.append(endpoint)
    return found, notes


def build_chain(
    settings: Settings,
    *,
    environ: Mapping[str, str] = os.environ,
    log: CallLog,
    store: Store | None,
    http_client: Any = None,
    keys_file: Path | None = None,
    backoff: float = 1.0,
    max_retry_after: float = 30.0,
    breaker_threshold: int = 3,
    sleep: Sleep = asyncio.sleep,
) -> tuple[Provider | None, list[str]]:
    """The provider for the run (``None`` when no entry is usable) and one-line notes.

    The result is a :class:`CachingProvider` over a :class:`FallbackProvider` (no cache without
    a store). Skipped entries are recorded in ``log.disabled`` too, so the manifest shows them.
    Call ``aclose()`` on the provider when the run is over.
    """
    found, notes = endpoints(settings)
    keys, key_notes = read_keys_file(keys_file) if found else ({}, [])
    notes.extend(key_notes)
    providers: list[Provider] = []
    for endpoint in found:
        provider, why = build_provider(
            endpoint, environ=environ, keys=keys, http_client=http_client
        )
        if provider is None:
            notes.append(why)
            log.disable(endpoint.name, why)
        else:
            providers.append(provider)
    if not providers:
        if settings.llm:
            notes.append("no usable [[llm]] entry: the offline engine will be used")
        return None, notes
    chain: Provider = FallbackProvider(
        providers,
        log=log,
        backoff=backoff,
        max_retry_after=max_retry_after,
        breaker_threshold=breaker_threshold,
        sleep=sleep,
    )
    if store is not None:
        chain = CachingProvider(chain, ResponseCache(store), log=log)
    return chain, notes
