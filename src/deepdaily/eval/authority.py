"""Authority rules for labelled days: what a user would set in ``SourceSpec.authority``.

A labelled day has no source settings, so every document gets :data:`DEFAULT_AUTHORITY` unless
a rule derives authorities from the records' input fields (never from their labels).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "CHANNEL_WORDS",
    "DEFAULT_AUTHORITY",
    "FIRST_PARTY_AUTHORITY",
    "MIN_MENTIONING_OUTLETS",
    "AuthorityRule",
    "first_party_authority",
]

DEFAULT_AUTHORITY = 0.5
FIRST_PARTY_AUTHORITY = 0.8
CHANNEL_WORDS = frozenset({"blog", "news", "newsroom", "research", "engineering", "press"})
MIN_MENTIONING_OUTLETS = 2

AuthorityRule = Callable[[Sequence[Mapping[str, Any]]], list[float]]


def first_party_authority(records: Sequence[Mapping[str, Any]]) -> list[float]:
    """Authority per record: first-party channels of organisations in the news rank higher.

    A source named like an organisation's own channel ("<Org> blog", "<Org> news") whose
    organisation is named by at least :data:`MIN_MENTIONING_OUTLETS` other outlets in the same
    pool publishes primary material about a subject of the day's news: authority
    :data:`FIRST_PARTY_AUTHORITY`. Everything else (press, personal and vendor blogs, forums,
    code hosts, preprint servers) keeps :data:`DEFAULT_AUTHORITY`. Reads only ``source`` and the
    texts, never labels, so it emulates what a user would set in ``SourceSpec.authority``.
    """
    texts = [
        (str(r.get("source") or ""), f"{r.get('title') or ''} {r.get('synopsis') or ''}")
        for r in records
    ]
    values: list[float] = []
    for source, _ in texts:
        words = source.split()
        org = " ".join(words[:-1]) if len(words) > 1 and words[-1].lower() in CHANNEL_WORDS else ""
        if not org:
            values.append(DEFAULT_AUTHORITY)
            continue
        names = {org, org.split()[-1]}
        channel = re.escape(words[-1])
        pattern = re.compile(  # the organisation itself, not its channel's name
            r"\b(?:" + "|".join(re.escape(n) for n in names) + rf")\b(?!\s+{channel})",
            re.IGNORECASE,
        )
        outlets = {other for other, text in texts if other != source and pattern.search(text)}
        prominent = len(outlets) >= MIN_MENTIONING_OUTLETS
        values.append(FIRST_PARTY_AUTHORITY if prominent else DEFAULT_AUTHORITY)
    return values
