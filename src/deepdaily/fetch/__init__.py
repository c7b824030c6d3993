"""Fetching: a bounded async HTTP client with retries, conditional GET and an SSRF guard, and
decoding of fetched bodies without mojibake (:mod:`deepdaily.fetch.decode`).

Governed by the ``[fetch]`` settings; see :mod:`deepdaily.fetch.client`.
"""

from __future__ import annotations

from deepdaily.fetch.client import Fetcher, FetchResponse, decode_text, parse_retry_after
from deepdaily.fetch.decode import Decoded, charset_of, decode_body, decode_lines
from deepdaily.fetch.guard import check_url, host_of, is_local
from deepdaily.fetch.local import file_url, local_path

__all__ = [
    "Decoded",
    "FetchResponse",
    "Fetcher",
    "charset_of",
    "check_url",
    "decode_body",
    "decode_lines",
    "decode_text",
    "file_url",
    "host_of",
    "is_local",
    "local_path",
    "parse_retry_after",
]
