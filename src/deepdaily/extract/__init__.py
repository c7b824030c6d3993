"""Extraction: canonical URLs, main text and dates, and documents with content-hash ids.

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
from deepdaily.extract.urls import TRACKING_PARAMS, canonical_url, links_in_html, same_host

__all__ = [
    "TRACKING_PARAMS",
    "Article",
    "ToDocumentsResult",
    "canonical_url",
    "extract_article",
    "html_to_text",
    "links_in_html",
    "normalise_text",
    "parse_date",
    "same_host",
    "shutdown_workers",
    "to_documents",
]
