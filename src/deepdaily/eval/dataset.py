"""Read and check a labelled day file: an optional header record, then one candidate per line.

The format is the shared evaluation corpus's (``shared/corpus/README.md``): one JSON object per
line with ``id``, ``url``, ``title``, ``published``, ``source``, ``kind``, ``label``
(``gold`` or ``distractor``), ``near_duplicate_of``, ``language``, ``synopsis`` and
``adversarial``. Two additions, both optional:

* ``follow_up_of``: the ``id`` of an item on an earlier day whose story this item continues;
* a **header record** on the first line, ``{"dataset": {...}}``, with ``date`` (the digest
  date, ``YYYY-MM-DD``; otherwise taken from a ``day-YYYY-MM-DD`` file name), ``window_hours``
  (the digest window's length; otherwise the caller's choice), ``history`` (earlier labelled
  days replayed before this one, paths relative to this file) and ``description``.

``near_duplicate_of`` is either a reference digest's item number (an integer, as in the shared
corpus) or the ``id`` of another record of the same file (a string), which names the story's
group. Fields beyond these (the volume files' ``ai_keyword_match``, ``authors`` ...) are ignored.

Every problem raises :class:`DatasetError` naming the file and the line, e.g.
``day.jsonl:7: 'label' must be "gold" or "distractor", not 'maybe'``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from deepdaily.errors import UsageError

__all__ = [
    "HEADER_KEY",
    "LABELS",
    "DatasetError",
    "DatasetFile",
    "Header",
    "parse_published",
    "read_dataset",
]

HEADER_KEY = "dataset"
LABELS = frozenset({"gold", "distractor"})
MAX_WINDOW_HOURS = 24 * 14
_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_HEADER_FIELDS = frozenset({"date", "window_hours", "history", "description"})
_OPTIONAL_TEXT = (
    "published",
    "source",
    "kind",
    "language",
    "synopsis",
    "adversarial",
    "follow_up_of",
)


class DatasetError(UsageError):
    """A labelled day file is missing or malformed (exit code 2)."""


@dataclass(frozen=True)
class Header:
    """The optional first-line record of a labelled day."""

    date: date | None = None
    window_hours: int | None = None
    history: tuple[Path, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class DatasetFile:
    """A checked labelled day: its header, date and candidate records (with line numbers)."""

    path: Path
    header: Header
    day: date
    records: list[dict[str, Any]]
    lines: dict[str, int] = field(default_factory=dict)  # record id -> line number


def parse_published(value: str | None) -> datetime | None:
    """A record's ``published``: a bare date is read as 12:00 UTC, a naive time as UTC."""
    if not value:
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(12), tzinfo=UTC)
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fail(path: Path, line: int | None, problem: str) -> DatasetError:
    where = f"{path}:{line}" if line is not None else str(path)
    return DatasetError(f"{where}: {problem}")


def _header(path: Path, line: int, raw: Any) -> Header:
    if not isinstance(raw, dict):
        raise _fail(path, line, f"the header's {HEADER_KEY!r} must be an object")
    unknown = sorted(set(raw) - _HEADER_FIELDS)
    if unknown:
        raise _fail(
            path,
            line,
            f"unknown header field {unknown[0]!r} (known: {', '.join(sorted(_HEADER_FIELDS))})",
        )
    day = None
    if raw.get("date") is not None:
        try:
            day = date.fromisoformat(str(raw["date"]))
        except ValueError:
            raise _fail(
                path, line, f"header 'date' must be YYYY-MM-DD, not {raw['date']!r}"
            ) from None
    hours = raw.get("window_hours")
    if hours is not None and (
        not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_WINDOW_HOURS
    ):
        raise _fail(
            path, line, f"header 'window_hours' must be 1..{MAX_WINDOW_HOURS}, not {hours!r}"
        )
    history = raw.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise _fail(path, line, "header 'history' must be a list of file paths")
    return Header(
        date=day,
        window_hours=hours,
        history=tuple(path.parent / h for h in history),
        description=str(raw.get("description") or ""),
    )


def _check_record(path: Path, line: int, record: dict[str, Any]) -> None:
    for name in ("id", "url"):
        if not isinstance(record.get(name), str) or not record[name].strip():
            raise _fail(path, line, f"missing or empty {name!r}")
    if not isinstance(record.get("title"), str):
        raise _fail(path, line, "missing 'title' (a string)")
    if record.get("label") not in LABELS:
        raise _fail(
            path, line, f'\'label\' must be "gold" or "distractor", not {record.get("label")!r}'
        )
    for name in _OPTIONAL_TEXT:
        if record.get(name) is not None and not isinstance(record[name], str):
            raise _fail(path, line, f"{name!r} must be a string or null")
    try:
        parse_published(record.get("published"))
    except ValueError:
        raise _fail(
            path, line, f"'published' is not an ISO date or time: {record['published']!r}"
        ) from None
    ref = record.get("near_duplicate_of")
    if ref is not None and (isinstance(ref, bool) or not isinstance(ref, int | str)):
        raise _fail(path, line, "'near_duplicate_of' must be an item number, a record id or null")


def _day_of(path: Path, header: Header) -> date:
    if header.date is not None:
        return header.date
    named = _DAY_IN_NAME.search(path.name)
    if named:
        try:
            return date.fromisoformat(named.group(1))
        except ValueError:
            pass
    raise _fail(
        path,
        None,
        "no digest date: name the file day-YYYY-MM-DD.jsonl or give a "
        f'header {{"{HEADER_KEY}": {{"date": "YYYY-MM-DD"}}}}',
    )


def read_dataset(path: Path | str) -> DatasetFile:
    """Read and check one labelled day; raise :class:`DatasetError` on the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(path, None, "no such dataset file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, None, f"cannot read: {exc}") from None
    header = Header()
    records: list[dict[str, Any]] = []
    lines: dict[str, int] = {}
    header_seen = False
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        try:
            record = json.loads(raw_line)
        except json.JSONDecodeError as exc:
            raise _fail(path, number, f"invalid JSON ({exc.msg}, column {exc.colno})") from None
        if not isinstance(record, dict):
            raise _fail(path, number, "each line must be a JSON object")
        if HEADER_KEY in record and "id" not in record:
            if records or header_seen:
                raise _fail(path, number, "only one header record, on the first line")
            header_seen = True
            header = _header(path, number, record[HEADER_KEY])
            continue
        _check_record(path, number, record)
        if record["id"] in lines:
            raise _fail(
                path, number, f"duplicate id {record['id']!r} (first on line {lines[record['id']]})"
            )
        lines[record["id"]] = number
        records.append(record)
    if not records:
        raise _fail(path, None, "no candidate records")
    for record in records:
        ref = record.get("near_duplicate_of")
        if isinstance(ref, str) and ref not in lines:
            raise _fail(
                path,
                lines[record["id"]],
                f"'near_duplicate_of' names {ref!r}, which is not a record of this file",
            )
    return DatasetFile(
        path=path, header=header, day=_day_of(path, header), records=records, lines=lines
    )
