"""``deepdaily doctor``: one line per ``[[deliver]]`` channel.

A channel's line names the environment variables it reads and whether each is set (never a
value): ``fail`` when an enabled channel misses one (its delivery would fail), ``ok``
otherwise; a disabled channel is shown as such. An email channel's ``ca_file`` must be
readable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deepdaily.config import Settings

__all__ = ["channel_checks"]

Check = tuple[str, str, str]


def channel_checks(settings: Settings, environ: Mapping[str, str] | None = None) -> list[Check]:
    env = os.environ if environ is None else environ
    checks: list[Check] = []
    for spec in settings.deliver:
        label = f"deliver {spec.name} ({spec.type})"
        if not spec.enabled:
            checks.append(("ok", "deliver", f"{label}: disabled"))
            continue
        names = spec.env_names()
        missing = [name for name in names.values() if not env.get(name, "").strip()]
        present = [name for name in names.values() if name not in missing]
        parts = []
        if present:
            parts.append("set: " + ", ".join(f"${n}" for n in present))
        if missing:
            parts.append("missing: " + ", ".join(f"${n}" for n in missing))
        ca_file = str(getattr(spec, "ca_file", "") or "")
        unreadable = bool(ca_file) and not Path(ca_file).is_file()
        if unreadable:
            parts.append(f"ca_file {ca_file} not found")
        status = "fail" if missing or unreadable else "ok"
        checks.append((status, "deliver", f"{label}: " + ("; ".join(parts) or "no secret")))
    return checks
