"""The ``jsonl`` source type: one JSON object per line, each a candidate item.

Each record needs ``url`` and ``title``; optional fields are ``published`` (ISO 8601 date or
date-time, RFC 2822, or epoch seconds; a bare date means midnight UTC), ``source`` (the outlet,
kept as the tag ``outlet:<name>`` since :attr:`Entry.source` is the configured source's name),
``language`` (tag ``lang:<code>``), ``text``/``content``/``synopsis`` (full text),
``summary``, ``author``, ``tags`` and ``id`` (the record's own id, which tells apart records
that share a URL). Evaluation labels in labelled files (``label``,
``near_duplicate_of``, ``kind``, ``adversarial``) are answers, never inputs: they are ignored.

The file is decoded line by line (:func:`~deepdaily.fetch.decode_lines`): a line in another
charset than the rest is decoded on its own and reported in :attr:`Collected.warnings`, never
turning the other lines into mojibake. Unusable lines (invalid JSON, a record nested deeper
than :data:`~deepdaily.sources.limits.MAX_DEPTH` levels, a missing field, anything a hostile
line can make a record raise) are skipped, counted in :attr:`Collected.skipped` and listed with
their reason in :attr:`Collected.refused`; a file that yields no entry at all raises
:class:`~deepdaily.errors.ParseError`. Links are bounded later, by
:func:`~deepdaily.sources.limits.admit_entries`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

from deepdaily.config import SourceSpec
from deepdaily.errors import ParseError
from deepdaily.extract.article import parse_date
from deepdaily.fetch import Fetcher, FetchResponse, decode_lines
from deepdaily.models import Entry
from deepdaily.sources.base import (
    Collected,
    FetchedSource,
    collected,
    off_loop,
    register_source_type,
)
from deepdaily.sources.limits import Parsed, load_json, one_line

__all__ = ["JsonlSource", "parse_jsonl", "record_entry"]

log = logging.getLogger(__name__)

_TEXT_FIELDS = ("text", "content", "synopsis")


@register_source_type
class JsonlSource(FetchedSource):
    """A JSON Lines file of candidate items."""

    name: ClassVar[str] = "jsonl"

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        return await off_loop(self._parse, spec, response, fetcher.settings.max_entries)

    def _parse(self, spec: SourceSpec, response: FetchResponse, max_entries: int) -> Collected:
        decoded = decode_lines(response.body)  # one line in another charset costs that line
        problems: list[str] = []
        parsed = parse_jsonl(
            decoded.text,
            source=spec.name,
            label=response.url,
            problems=problems,
            max_entries=max_entries,
        )
        result = collected(response, parsed.entries, parsed.skipped, decoding=decoded.warning)
        result.refused.extend(f"{response.url} {problem}" for problem in problems)
        result.dropped = parsed.dropped
        return result


def parse_jsonl(
    text: str,
    *,
    source: str,
    label: str,
    problems: list[str] | None = None,
    max_entries: int | None = None,
) -> Parsed:
    """Entries of a JSON Lines document, the number of unusable lines and the number of
    records left unread once ``max_entries`` entries were read; ``problems`` (when given)
    receives one line per unusable line, ``"line <n>: <why>"``."""
    if not text.strip():
        raise ParseError(f"{label}: empty body", url=label)
    entries: list[Entry] = []
    problems = [] if problems is None else problems
    dropped = 0
    # "\n" only: U+2028 or U+0085 inside a JSON string is text, not a line break
    for number, line in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        if max_entries is not None and len(entries) >= max_entries:
            dropped += 1
            continue
        try:
            record = load_json(line, label=f"line {number}")
        except ParseError as exc:
            problems.append(str(exc))
            continue
        try:
            entries.append(record_entry(record, source=source))
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
        except Exception as exc:  # one hostile record costs its line, never the file
            problems.append(f"line {number}: unreadable: {one_line(exc)}")
    if problems:
        log.warning("%s: skipped %d unusable lines, first %s", label, len(problems), problems[0])
    if not entries:
        first = f"; first: {problems[0]}" if problems else ""
        raise ParseError(
            f"{label}: no usable JSONL records ({len(problems)} bad lines{first})", url=label
        )
    return Parsed(entries, len(problems), dropped)


def _string(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    return value.strip() if isinstance(value, str) else ""


def _published(value: Any) -> datetime | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, ValueError, OSError):
            return None
    if not isinstance(value, str):
        return None
    parsed = parse_date(value)
    if parsed is not None:
        return parsed
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _author(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return ", ".join(name.strip() for name in value if isinstance(name, str) and name.strip())
    return ""


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def record_entry(record: Any, *, source: str) -> Entry:
    """One entry from a decoded record; :class:`ValueError` says why a record is unusable."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    url = _string(record, "url")
    title = " ".join(_string(record, "title").split())
    if not url:
        raise ValueError("missing url")
    if not title:
        raise ValueError("missing title")
    raw_tags = record.get("tags")
    tags = [str(t).strip() for t in raw_tags if _scalar(t)] if isinstance(raw_tags, list) else []
    tags = [tag for tag in tags if tag]
    outlet = _string(record, "source")
    if outlet:
        tags.append(f"outlet:{outlet}")
    language = _string(record, "language")
    if language:
        tags.append(f"lang:{language.lower()}")
    links = record.get("links")
    return Entry(
        source=source,
        url=url,
        title=title,
        summary=_string(record, "summary"),
        content_text=next((t for f in _TEXT_FIELDS if (t := _string(record, f))), ""),
        published=_published(record.get("published")),
        author=_author(record.get("author")),
        tags=tuple(dict.fromkeys(tags)),
        guid=str(record["id"]).strip() if _scalar(record.get("id")) else "",
        links=tuple(str(link) for link in links if isinstance(link, str))
        if isinstance(links, list)
        else (),
    )
