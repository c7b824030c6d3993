"""deepdaily: a daily technical deep-dive digest.

The public API. Only the errors are imported at once; settings, records, the pipeline and the
store are loaded on first use, so ``import deepdaily`` (the CLI's start, extraction worker
processes) stays cheap::

    from deepdaily import Store, load_settings, run_digest
    settings = load_settings("deepdaily.toml")
    with Store(settings.store.resolved_url()) as store:
        result = asyncio.run(run_digest(settings, store, date(2026, 11, 27)))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from deepdaily.errors import ConfigError, DeepdailyError, SourceError, StoreError, UsageError

if TYPE_CHECKING:
    from deepdaily.config import LLMSpec, Profile, Settings, SourceSpec, load_settings
    from deepdaily.models import Digest, DigestItem, Document, Entry, Event, Selection, Synthesis
    from deepdaily.pipeline import Manifest, RunResult, run_digest
    from deepdaily.render import render_json, render_markdown
    from deepdaily.store import Store

__version__ = "0.1.0"  # the one place the version is set (pyproject reads it)

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

# Everything but the errors is loaded on first use: the settings and records are pydantic
# models whose classes take ~0.1 s to build, which the CLI's --help must not pay.
_LAZY = {
    **dict.fromkeys(
        ("LLMSpec", "Profile", "Settings", "SourceSpec", "load_settings"), "deepdaily.config"
    ),
    **dict.fromkeys(
        ("Digest", "DigestItem", "Document", "Entry", "Event", "Selection", "Synthesis"),
        "deepdaily.models",
    ),
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
