"""Sources: turn each configured source into entries, one module per source type.

Types register themselves by name (``feed``, ``html``, ``discourse``, ``jsonl``);
:func:`collect_source` resolves ``auto`` by sniffing the fetched body. :func:`parse_opml`
imports a feed reader's subscriptions. Fetching is governed by the ``[fetch]`` settings.
"""

from __future__ import annotations

from deepdaily.sources.base import (
    Collected,
    FetchedSource,
    SourceType,
    Validators,
    collect_source,
    get_source_type,
    register_source_type,
    registered_types,
    sniff_type,
)
from deepdaily.sources.discourse import DiscourseSource
from deepdaily.sources.feed import FeedSource, parse_feed
from deepdaily.sources.html import HtmlSource, parse_html_page
from deepdaily.sources.jsonl import JsonlSource, parse_jsonl
from deepdaily.sources.opml import parse_opml

__all__ = [
    "Collected",
    "DiscourseSource",
    "FeedSource",
    "FetchedSource",
    "HtmlSource",
    "JsonlSource",
    "SourceType",
    "Validators",
    "collect_source",
    "get_source_type",
    "parse_feed",
    "parse_html_page",
    "parse_jsonl",
    "parse_opml",
    "register_source_type",
    "registered_types",
    "sniff_type",
]
