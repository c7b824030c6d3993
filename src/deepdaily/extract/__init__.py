"""Extraction: canonical and entry URLs, which entries become documents (new, changed, known
or merged, :mod:`~deepdaily.extract.identity`), main text and dates, content-hash ids.

Governed by ``[fetch] fetch_pages`` (whether summary-only entries fetch their page); see
:mod:`deepdaily.extract.documents`.
"""

from __future__ import annotations

from deepdaily.extract.article import Article, extract_article, html_to_text, parse_date
from deepdaily.extract.documents import (
    ToDocumentsResult,
    normalise_text,
    shutdown_workers,
    to_documents,
)
from deepdaily.extract.identity import (
    Merge,
    Plan,
    StoredEntry,
    entry_hash,
    pages_of,
    plan_entries,
)
from deepdaily.extract.urls import (
    TRACKING_PARAMS,
    canonical_url,
    entry_url,
    links_in_html,
    page_of,
    same_host,
)

__all__ = [
    "TRACKING_PARAMS",
    "Article",
    "Merge",
    "Plan",
    "StoredEntry",
    "ToDocumentsResult",
    "canonical_url",
    "entry_hash",
    "entry_url",
    "extract_article",
    "html_to_text",
    "links_in_html",
    "normalise_text",
    "page_of",
    "pages_of",
    "parse_date",
    "plan_entries",
    "same_host",
    "shutdown_workers",
    "to_documents",
]
