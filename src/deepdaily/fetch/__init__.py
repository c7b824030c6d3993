"""Fetching: a bounded async HTTP client with retries, deadlines, conditional GET and an SSRF
guard, and decoding of fetched bodies without mojibake (:mod:`deepdaily.fetch.decode`).

Governed by the ``[fetch]`` settings; see :mod:`deepdaily.fetch.client`. The guard's decisions
are in :mod:`deepdaily.fetch.guard`, the connection layer that enforces them on resolved
addresses in :mod:`deepdaily.fetch.resolve`, deadlines in :mod:`deepdaily.fetch.deadline`.
"""

from __future__ import annotations

from deepdaily.fetch.client import Fetcher, FetchResponse, decode_text, parse_retry_after
from deepdaily.fetch.deadline import Deadline
from deepdaily.fetch.decode import Decoded, charset_of, decode_body, decode_lines
from deepdaily.fetch.guard import (
    MAX_URL_LENGTH,
    AllowList,
    address_problem,
    check_addresses,
    check_url,
    host_of,
    is_local,
    parse_url,
)
from deepdaily.fetch.local import file_url, local_path

__all__ = [
    "MAX_URL_LENGTH",
    "AllowList",
    "Deadline",
    "Decoded",
    "FetchResponse",
    "Fetcher",
    "address_problem",
    "charset_of",
    "check_addresses",
    "check_url",
    "decode_body",
    "decode_lines",
    "decode_text",
    "file_url",
    "host_of",
    "is_local",
    "local_path",
    "parse_retry_after",
    "parse_url",
]
