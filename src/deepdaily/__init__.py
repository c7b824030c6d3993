"""deepdaily: a daily technical deep-dive digest.

The public API. Light names are imported at once; the pipeline and the store are loaded on
first use, so ``import deepdaily`` (and extraction worker processes) stay cheap::

    from deepdaily import Store, load_settings, run_digest
    settings = load_settings("deepdaily.toml")
    with Store(settings.store.resolved_url()) as store:
        result = asyncio.run(run_digest(settings, store, date(2026, 11, 27)))
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from deepdaily.config import LLMSpec, Profile, Settings, SourceSpec, load_settings
from deepdaily.errors import ConfigError, DeepdailyError, SourceError, StoreError, UsageError
from deepdaily.models import Digest, DigestItem, Document, Entry, Event, Selection, Synthesis

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DeepdailyError",
    "Digest",
    "DigestItem",
    "Document",
    "Entry",
    "Event",
    "LLMSpec",
    "Manifest",
    "Profile",
    "RunResult",
    "Selection",
    "Settings",
    "SourceError",
    "SourceSpec",
    "Store",
    "StoreError",
    "Synthesis",
    "UsageError",
    "__version__",
    "load_settings",
    "render_json",
    "render_markdown",
    "run_digest",
]

_LAZY = {
    "Store": "deepdaily.store",
    "run_digest": "deepdaily.pipeline",
    "RunResult": "deepdaily.pipeline",
    "Manifest": "deepdaily.pipeline",
    "render_markdown": "deepdaily.render",
    "render_json": "deepdaily.render",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'deepdaily' has no attribute {name!r}")
