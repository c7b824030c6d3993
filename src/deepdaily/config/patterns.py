"""The ``{placeholder}`` templates of the settings: ``post_path`` and ``profile.title``.

Both are checked when the settings load, before anything is fetched or any LLM is paid for,
so a typo is a settings error (exit 2) and never a ``KeyError`` after a whole run:

- placeholders are ``{date}`` (``2026-02-12``), ``{year}``, ``{month}``, ``{day}``,
  ``{profile}`` and ``{language}``, with no format spec; ``{{`` and ``}}`` are literal braces;
- both must name the day (``{date}``, or ``{year}``, ``{month}`` and ``{day}``), or every day
  would get the same title or overwrite the same post;
- ``post_path`` is a file under ``output_dir``: relative, without ``..``, not ending in ``/``,
  ending in ``.md`` (or ``.markdown``) so the JSON written beside it (same name, ``.json``)
  never replaces it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import PurePosixPath
from string import Formatter

__all__ = [
    "PLACEHOLDERS",
    "POST_SUFFIXES",
    "check_post_path",
    "check_title",
    "fill",
    "placeholder_values",
    "with_profile_suffix",
]

PLACEHOLDERS = ("date", "year", "month", "day", "profile", "language")
POST_SUFFIXES = (".md", ".markdown")
_DAY_FIELDS = ({"date"}, {"year", "month", "day"})
_WINDOWS_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_EXAMPLE = "e.g. 'content/posts/{date}.md'"


def _fields(pattern: str) -> set[str]:
    """The placeholders of ``pattern``; ``ValueError`` with a one-line reason if one is bad."""
    try:
        parsed = list(Formatter().parse(pattern))
    except ValueError:
        raise ValueError(
            f"unbalanced '{{' or '}}' in {pattern!r}; write {{{{ or }}}} for a literal brace"
        ) from None
    allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    fields: set[str] = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            raise ValueError(f"unknown placeholder {shown} in {pattern!r}; use {allowed}")
        if spec or conversion:
            raise ValueError(f"placeholder {{{name}}} in {pattern!r} takes no format or conversion")
        fields.add(name)
    return fields


def _names_the_day(fields: set[str]) -> bool:
    return any(needed <= fields for needed in _DAY_FIELDS)


def check_title(title: str) -> str:
    """``title`` if it is a usable title template, else ``ValueError`` saying why."""
    if not _names_the_day(_fields(title)):
        raise ValueError(
            "must contain the placeholder {date} (or {year}, {month} and {day}), "
            "e.g. 'AI Engineering Deep-Dive | {date}'"
        )
    return title


def check_post_path(pattern: str) -> str:
    """``pattern`` if it names one Markdown file per day inside the site, else ``ValueError``."""
    if not pattern.strip():
        raise ValueError(f"must name the post's file, {_EXAMPLE}")
    fields = _fields(pattern)
    if pattern.endswith(("/", "\\")):
        raise ValueError(f"{pattern!r} ends in '/': name the file itself, {_EXAMPLE}")
    if pattern.startswith(("/", "\\", "~")) or _WINDOWS_DRIVE_RE.match(pattern):
        raise ValueError(f"{pattern!r} must be relative to output_dir, {_EXAMPLE}")
    path = PurePosixPath(pattern.replace("\\", "/"))
    if ".." in path.parts:
        raise ValueError(f"{pattern!r} must stay inside output_dir (no '..')")
    if path.suffix == ".json":
        raise ValueError(
            f"{pattern!r} would be overwritten by the JSON written beside the post; "
            f"end it in .md, {_EXAMPLE}"
        )
    if path.suffix not in POST_SUFFIXES or not path.stem:
        raise ValueError(f"{pattern!r} must name a Markdown file ending in .md, {_EXAMPLE}")
    if not _names_the_day(fields):
        raise ValueError(
            f"{pattern!r} has no {{date}} (or {{year}}, {{month}} and {{day}}): every day "
            f"would overwrite the same post, {_EXAMPLE}"
        )
    return pattern


def placeholder_values(day: date | str, profile: str, language: str) -> dict[str, str]:
    """The value of every placeholder for one digest."""
    when = day if isinstance(day, date) else date.fromisoformat(day)
    return {
        "date": when.isoformat(),
        "year": f"{when.year:04d}",
        "month": f"{when.month:02d}",
        "day": f"{when.day:02d}",
        "profile": profile,
        "language": language,
    }


def fill(pattern: str, values: Mapping[str, str]) -> str:
    """A checked pattern with its placeholders replaced."""
    return pattern.format_map(values)


def with_profile_suffix(pattern: str) -> str:
    """``pattern`` made distinct per profile: ``content/posts/{date}.md`` ->
    ``content/posts/{date}-{profile}.md``; a page bundle's ``{date}/index.md`` ->
    ``{date}-{profile}/index.md``."""
    path = PurePosixPath(pattern)
    if path.stem in ("index", "_index") and len(path.parts) > 1:
        return str(path.parent.with_name(path.parent.name + "-{profile}") / path.name)
    return str(path.with_name(path.stem + "-{profile}" + path.suffix))
