"""Is a claim's passage really in a source? A verbatim check that tolerates copying noise.

Both texts are normalised first: Unicode NFKC (full-width to half-width), case-folded, and cut
into tokens, a token being a run of Latin letters and digits or one CJK/kana/hangul character;
punctuation and whitespace only separate tokens. Then:

1. the passage's token sequence occurs in the source's: score 1.0;
2. otherwise a window slides over the source, as long as the passage, and the windows sharing
   the most tokens with it are compared in order with :class:`difflib.SequenceMatcher`
   (the window widened by a fifth on each side). The score is the number of tokens matched in
   order over the passage's length or the matched stretch of source, whichever is longer, so
   words left out of a quote cost as much as words changed in it.

A passage *matches* at :data:`PASSAGE_THRESHOLD` (0.85): a dropped or changed word in seven,
a different inflection, quote style or ellipsis still passes; a paraphrase does not. Scores from
:data:`JUDGE_FLOOR` (0.6) up to the threshold are *uncertain*: a judge model may decide them,
else the claim is published as unverified. Below the floor the passage is not in the source. A
passage shorter than :data:`MIN_PASSAGE_TOKENS` tokens proves nothing and never matches.

:func:`check_claim` adds the fact check of :mod:`deepdaily.text.facts`: every number, date,
name and organisation in the claim's text must be in the event's sources.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from deepdaily.text.facts import FactIndex
from deepdaily.text.links import same_url

__all__ = [
    "JUDGE_FLOOR",
    "MIN_PASSAGE_TOKENS",
    "PASSAGE_THRESHOLD",
    "ClaimCheck",
    "PassageMatch",
    "check_claim",
    "find_passage",
    "match_tokens",
]

PASSAGE_THRESHOLD = 0.85
JUDGE_FLOOR = 0.6
MIN_PASSAGE_TOKENS = 4
_CANDIDATE_WINDOWS = 5

_TOKEN_RE = re.compile(
    r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]", re.IGNORECASE
)

Verdict = Literal["verified", "uncertain", "failed"]


def _spans(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    normal = unicodedata.normalize("NFKC", text)
    return normal, [(m.group().casefold(), m.start(), m.end()) for m in _TOKEN_RE.finditer(normal)]


def match_tokens(text: str) -> list[str]:
    """The normalised tokens of ``text`` (see the module docstring)."""
    return [token for token, _, _ in _spans(text)[1]]


@dataclass(frozen=True)
class PassageMatch:
    score: float  # 0..1
    url: str = ""  # the source it was found in
    excerpt: str = ""  # the stretch of source text that matched best


def _contiguous(passage: list[str], source: list[str]) -> int:
    """Where the passage's tokens occur in order and adjacent in the source, else -1."""
    first = passage[0]
    n = len(passage)
    for start, token in enumerate(source):
        if token == first and source[start : start + n] == passage:
            return start
    return -1


def _score(passage: list[str], source: list[str]) -> tuple[float, int, int]:
    """The match score and the token span ``[start, end)`` of the source it covers."""
    n = len(passage)
    if n == 0 or not source:
        return 0.0, 0, 0
    at = _contiguous(passage, source)
    if at >= 0:
        return 1.0, at, at + n
    if len(source) <= n:
        windows = [0]
    else:
        want = Counter(passage)
        have = Counter(source[:n])
        overlap = sum((want & have).values())
        scored = [(overlap, 0)]
        for start in range(1, len(source) - n + 1):
            out_tok, in_tok = source[start - 1], source[start + n - 1]
            if have[out_tok] <= want[out_tok]:
                overlap -= 1
            have[out_tok] -= 1
            have[in_tok] += 1
            if have[in_tok] <= want[in_tok]:
                overlap += 1
            scored.append((overlap, start))
        scored.sort(key=lambda s: (-s[0], s[1]))
        if scored[0][0] < JUDGE_FLOOR * n:
            return scored[0][0] / n, scored[0][1], scored[0][1] + n
        windows = [start for _, start in scored[:_CANDIDATE_WINDOWS]]
    slack = max(2, n // 5)
    best = (0.0, 0, 0)
    for start in windows:
        offset = max(0, start - slack)
        window = source[offset : start + n + slack]
        blocks = [
            b
            for b in SequenceMatcher(None, passage, window, autojunk=False).get_matching_blocks()
            if b.size
        ]
        if blocks:
            matched = sum(b.size for b in blocks)
            first, last = blocks[0].b, blocks[-1].b + blocks[-1].size
            score = matched / max(n, last - first)
            if score > best[0]:
                best = (score, offset + first, offset + last)
    return best


def find_passage(passage: str, texts: dict[str, str], prefer: str = "") -> PassageMatch:
    """The best match of ``passage`` among the sources ``texts`` (URL -> text).

    The preferred URL (the one the claim cites) is tried first and wins ties.
    """
    tokens = match_tokens(passage)
    if len(tokens) < MIN_PASSAGE_TOKENS:
        return PassageMatch(0.0)
    order = sorted(texts, key=lambda url: not (prefer and same_url(url, prefer)))
    best = PassageMatch(0.0)
    for url in order:
        normal, spans = _spans(texts[url])
        score, start, end = _score(tokens, [token for token, _, _ in spans])
        if score > best.score:
            excerpt = normal[spans[start][1] : spans[end - 1][2]] if end > start else ""
            best = PassageMatch(score, url, excerpt)
        if score >= 1.0:
            break
    return best


@dataclass
class ClaimCheck:
    verdict: Verdict
    score: float
    url: str  # where the passage was found ("" if nowhere)
    reasons: list[str] = field(default_factory=list)
    excerpt: str = ""  # the matching stretch of source, for a judge


def check_claim(
    text: str, passage: str, source_url: str, texts: dict[str, str], facts: FactIndex
) -> ClaimCheck:
    """Check one claim: its passage against ``texts``, its facts against ``facts``."""
    reasons: list[str] = []
    if len(match_tokens(passage)) < MIN_PASSAGE_TOKENS:
        match = PassageMatch(0.0)
        reasons.append("passage missing or too short to be evidence")
    else:
        match = find_passage(passage, texts, prefer=source_url)
        if match.score < JUDGE_FLOOR:
            reasons.append(f"passage not found in any source (best match {match.score:.2f})")
        elif match.score < PASSAGE_THRESHOLD:
            reasons.append(f"passage only loosely matches a source ({match.score:.2f})")
    for fact in facts.unsupported(text):
        reasons.append(f"{fact.describe()} is not in the sources")
    if match.score >= PASSAGE_THRESHOLD and len(reasons) == 0:
        verdict: Verdict = "verified"
    elif JUDGE_FLOOR <= match.score < PASSAGE_THRESHOLD and len(reasons) == 1:
        verdict = "uncertain"
    else:
        verdict = "failed"
    found = match.score >= JUDGE_FLOOR
    return ClaimCheck(
        verdict,
        round(match.score, 3),
        match.url if found else "",
        reasons,
        match.excerpt if found else "",
    )
