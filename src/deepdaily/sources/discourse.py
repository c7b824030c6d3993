"""The ``discourse`` source type: topics of a Discourse forum through its JSON API.

``spec.url`` may be a topic list (``/latest.json``, ``/top.json``, ``/c/<slug>.json``,
``/c/<slug>/<id>.json``), one topic (``/t/<id>.json`` or ``/t/<slug>/<id>.json``) or the forum's
base URL, to which ``/latest.json`` is appended. For a list, the first ``MAX_TOPICS`` topics
are fetched concurrently as ``/t/<id>.json`` (through the fetcher, so ``[fetch]`` limits and
the SSRF guard apply, with the list as ``discovered_from``); each becomes one entry with the
first post's text. A topic that cannot be fetched still yields an entry from the list data.
Bodies are read as UTF-8; a stray invalid byte is replaced and reported as a warning of the
source (:func:`~deepdaily.fetch.decode_body`) instead of failing the forum. Answers nested
deeper than :data:`~deepdaily.sources.limits.MAX_DEPTH` levels are refused unparsed; a topic id
must be a whole number and a slug is percent-encoded, so list data cannot steer the topic URLs.
A topic whose answer has the wrong shape costs that topic alone (it falls back to the list data,
or is refused with its reason), never the forum.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit, urlunsplit

from deepdaily.config import SourceSpec
from deepdaily.errors import ParseError, SourceError
from deepdaily.extract.article import html_to_text, parse_date
from deepdaily.extract.urls import canonical_url, links_in_html
from deepdaily.fetch import Fetcher, FetchResponse, decode_body
from deepdaily.models import Entry
from deepdaily.sources.base import (
    Collected,
    FetchedSource,
    collected,
    off_loop,
    register_source_type,
)
from deepdaily.sources.limits import load_json, one_line

__all__ = ["MAX_TOPICS", "DiscourseSource", "api_url", "forum_base", "topic_entry"]

MAX_TOPICS = 30
_API_PATH = re.compile(r"/(?:latest|top|new|hot|categories)(?:/\w+)?\.json$|/(?:c|t)/.*$")


def forum_base(url: str) -> str:
    """The forum's root URL (scheme, host and any sub-folder), without a trailing slash."""
    parts = urlsplit(url)
    path = _API_PATH.sub("", parts.path).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def api_url(url: str) -> str:
    """The JSON URL to fetch for a configured forum URL."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith(".json"):
        return url
    if re.search(r"/(?:c|t)/", path + "/"):
        return urlunsplit((parts.scheme, parts.netloc, path + ".json", parts.query, ""))
    return urlunsplit((parts.scheme, parts.netloc, path + "/latest.json", parts.query, ""))


@register_source_type
class DiscourseSource(FetchedSource):
    """A Discourse forum's latest topics, a category, or one topic."""

    name: ClassVar[str] = "discourse"

    def source_url(self, spec: SourceSpec) -> str:
        return api_url(spec.url)

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        label = response.url
        warnings: list[str] = []
        refused: list[str] = []
        data = await off_loop(_json, response.body, label, warnings)
        base = forum_base(response.final_url)
        if "post_stream" in data:
            try:
                entries = [topic_entry(data, base=base, source=spec.name)]
            except ParseError:
                raise
            except Exception as exc:
                raise ParseError(f"{label}: unreadable topic: {one_line(exc)}", url=label) from None
        else:
            topic_list = data.get("topic_list")
            if not isinstance(topic_list, dict) or not isinstance(topic_list.get("topics"), list):
                raise ParseError(f"{label}: not a Discourse topic list or topic", url=label)
            topics: list[dict[str, Any]] = []
            for number, topic in enumerate(topic_list["topics"], start=1):
                if not isinstance(topic, dict) or _topic_id(topic) is None:
                    refused.append(f"{label} topic {number}: no numeric id")
                elif not _is_category_about(topic):
                    topics.append(topic)
            found = await asyncio.gather(
                *(
                    self._topic(t, base, spec.name, response.final_url, fetcher, warnings)
                    for t in topics[:MAX_TOPICS]
                )
            )
            entries = []
            for topic, entry in zip(topics, found, strict=False):
                if isinstance(entry, Entry):
                    entries.append(entry)
                else:
                    refused.append(f"{label} topic {_topic_id(topic)}: {entry}")
        result = collected(response, entries)
        result.warnings.extend(warnings)
        result.refused.extend(refused)
        return result

    async def _topic(
        self,
        listed: dict[str, Any],
        base: str,
        source: str,
        list_url: str,
        fetcher: Fetcher,
        warnings: list[str],
    ) -> Entry | str:
        """The topic's entry (from its own answer, else from the list data), or why none."""
        url = f"{base}/t/{_topic_id(listed)}.json"
        try:
            response = await fetcher.get(url, discovered_from=list_url)
            return topic_entry(_json(response.body, url, warnings), base=base, source=source)
        except SourceError:
            pass
        except Exception as exc:  # a hostile topic answer costs that topic's text only
            warnings.append(f"{url}: unreadable topic: {one_line(exc)}")
        try:
            return _listed_entry(listed, base=base, source=source)
        except Exception as exc:
            return f"unreadable: {one_line(exc)}"


def _json(body: bytes, label: str, warnings: list[str]) -> dict[str, Any]:
    """The JSON object of ``body``; a stray non-UTF-8 byte costs one character and a warning
    (appended to ``warnings``), not the whole forum."""
    if not body.strip():
        raise ParseError(f"{label}: empty body", url=label)
    decoded = decode_body(body)  # JSON is UTF-8 unless the bytes say otherwise
    data = load_json(decoded.text, label=label)
    if decoded.warning:
        warnings.append(f"{label}: {decoded.warning}")
    if not isinstance(data, dict):
        raise ParseError(f"{label}: not a Discourse topic list or topic", url=label)
    return data


def _topic_id(topic: dict[str, Any]) -> int | None:
    """A topic's id when it is a whole number (as JSON or as digits), else ``None``."""
    value = topic.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**63 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def _is_category_about(topic: dict[str, Any]) -> bool:
    return bool(topic.get("pinned")) and str(topic.get("title", "")).startswith("About the ")


def _date(value: Any) -> datetime | None:
    return parse_date(value) if isinstance(value, str) else None


def _topic_url(base: str, topic: dict[str, Any]) -> str:
    slug = topic.get("slug")
    slug = quote(slug[:200], safe="-_.~") if isinstance(slug, str) and slug.strip() else "topic"
    return f"{base}/t/{slug}/{_topic_id(topic)}"


def _tags(topic: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    tags = topic.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        name = tag.get("name") if isinstance(tag, dict) else tag
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return tuple(dict.fromkeys(names))


def _title(topic: dict[str, Any]) -> str:
    fancy, plain = _text(topic.get("fancy_title")), _text(topic.get("title"))
    return html_to_text(fancy or plain) or plain


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def topic_entry(topic: dict[str, Any], *, base: str, source: str) -> Entry:
    """One entry from a ``/t/<id>.json`` answer."""
    if _topic_id(topic) is None:
        raise ParseError(f"{base}: Discourse topic without a numeric id", url=base)
    stream = topic.get("post_stream")
    posts = stream.get("posts") if isinstance(stream, dict) else None
    posts = [p for p in posts if isinstance(p, dict)] if isinstance(posts, list) else []
    first = next((p for p in posts if p.get("post_number") == 1), posts[0] if posts else {})
    cooked = _text(first.get("cooked"))
    url = _topic_url(base, topic)
    links = links_in_html(cooked, url)
    link_counts = first.get("link_counts")
    for link in link_counts if isinstance(link_counts, list) else []:
        if isinstance(link, dict) and isinstance(link.get("url"), str):
            target = canonical_url(link["url"])
            if target.startswith(("http://", "https://")) and target not in links:
                links.append(target)
    return Entry(
        source=source,
        url=url,
        title=_title(topic) or url,
        content_text=html_to_text(cooked),
        published=_date(topic.get("created_at")) or _date(first.get("created_at")),
        author=(_text(first.get("name")) or _text(first.get("username"))).strip(),
        tags=_tags(topic),
        links=tuple(links),
    )


def _listed_entry(topic: dict[str, Any], *, base: str, source: str) -> Entry:
    """An entry from the list data alone, when the topic itself could not be fetched."""
    url = _topic_url(base, topic)
    return Entry(
        source=source,
        url=url,
        title=_title(topic) or url,
        summary=html_to_text(_text(topic.get("excerpt"))),
        published=_date(topic.get("created_at")),
        tags=_tags(topic),
    )
