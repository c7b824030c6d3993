"""Edit the user's ``deepdaily.toml`` in place, keeping its comments and layout (tomlkit).

The file is read as the settings loader reads it (UTF-8, a byte-order mark accepted; anything
else is a one-line ``ConfigError``) and written back as UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from deepdaily.config.settings import SourceSpec, read_toml_text
from deepdaily.errors import ConfigError
from deepdaily.fileio import write_atomic

__all__ = ["add_sources", "remove_source"]


def _load(path: Path) -> tomlkit.TOMLDocument:
    if not path.exists():
        return tomlkit.document()
    try:
        return tomlkit.parse(read_toml_text(path))
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def add_sources(path: Path, specs: Sequence[SourceSpec]) -> tuple[list[str], list[str]]:
    """Append sources; return (added names, skipped lines) — a name or URL already present
    is skipped, never duplicated."""
    doc = _load(path)
    table = doc.get("sources")
    if table is None:
        table = tomlkit.aot()
        doc["sources"] = table
    names = {str(item.get("name")) for item in table}
    urls = {str(item.get("url")) for item in table}
    added: list[str] = []
    skipped: list[str] = []
    for spec in specs:
        if spec.name in names or spec.url in urls:
            skipped.append(f"{spec.name}: already configured ({spec.url})")
            continue
        entry = tomlkit.table()
        for key, value in spec.model_dump(exclude_defaults=True).items():
            entry[key] = value
        entry["name"], entry["url"] = spec.name, spec.url
        table.append(entry)
        names.add(spec.name)
        urls.add(spec.url)
        added.append(spec.name)
    write_atomic(path, tomlkit.dumps(doc))  # a kill never leaves half a settings file
    return added, skipped


def remove_source(path: Path, name: str) -> None:
    doc = _load(path)
    table = doc.get("sources") or []
    keep = [item for item in table if item.get("name") != name]
    if len(keep) == len(table):
        raise ConfigError(f"{path}: sources: no source named {name!r}")
    new = tomlkit.aot()
    for item in keep:
        new.append(item)
    doc["sources"] = new
    write_atomic(path, tomlkit.dumps(doc))  # a kill never leaves half a settings file
