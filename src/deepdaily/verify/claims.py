"""Is a claim backed by its passage? The passage must be the source's, and agree with the claim.

:func:`check_claim` takes one claim of a model's answer (its text, its passage, the URL it
cites) and the texts of the event's sources, and passes it only when:

1. the passage is long enough to be evidence (:data:`MIN_PASSAGE_TOKENS` tokens, a token being
   a run of Latin letters and digits or one CJK character);
2. the passage is not a sentence the grounding removed as an instruction to an AI or to the
   reader (``redacted``), and does not read as one (:func:`~deepdaily.text.sanitise.
   is_instruction`): untrusted instructions are never evidence;
3. :func:`~deepdaily.text.agree.locate_passage` finds it *verbatim* (after whitespace, width
   and quote normalisation) in one of the sources, the cited one first. There is no similarity
   threshold: one changed number or flipped word means it is not the source's passage;
4. :func:`~deepdaily.text.agree.disagreements` finds no fact of the claim (numbers with their
   units, dates, number words, direction, negation and modality, names) that the located
   passage does not match.

What is kept is the source's own span and URL (:attr:`ClaimCheck.passage`,
:attr:`ClaimCheck.url`), never the model's copy of it. Each rejection names the fact or the
step and why, for the revision prompt and the run manifest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from deepdaily.text.agree import Located, disagreements, locate_passage
from deepdaily.text.directives import rests_on
from deepdaily.text.sanitise import is_instruction

__all__ = [
    "MIN_PASSAGE_TOKENS",
    "ClaimCheck",
    "check_claim",
    "closed",
    "match_tokens",
    "repeats_redacted",
]

MIN_PASSAGE_TOKENS = 4

_TOKEN_RE = re.compile(
    r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]", re.IGNORECASE
)

Verdict = Literal["verified", "failed"]


def match_tokens(text: str) -> list[str]:
    """The normalised tokens of ``text``: NFKC, case-folded, Latin runs and CJK characters."""
    normal = unicodedata.normalize("NFKC", text)
    return [m.group().casefold() for m in _TOKEN_RE.finditer(normal)]


def closed(text: str) -> str:
    """``text`` without the punctuation that closes it, which states no fact (and would
    otherwise stick to a last name such as ``GLM-6.``)."""
    return text.rstrip().rstrip(".。!！?？;；…").rstrip()


def repeats_redacted(passage: str, redacted: Sequence[str]) -> bool:
    """Whether ``passage`` is (part of) a removed instruction sentence, holds one, or shares a
    run of words with one (:func:`deepdaily.text.directives.rests_on`)."""
    return bool(match_tokens(passage)) and rests_on(passage, redacted)


@dataclass
class ClaimCheck:
    """One claim and what verification found."""

    id: int
    text: str  # the claim, as cleaned
    verdict: Verdict
    located: Located | None = None  # where the passage is in the sources
    reasons: list[str] = field(default_factory=list)
    quoted: str = ""  # the model's passage, for the revision prompt only

    @property
    def ok(self) -> bool:
        return self.verdict == "verified"

    @property
    def passage(self) -> str:
        """The source's own text of the passage ("" when it was not found)."""
        return self.located.text if self.located else ""

    @property
    def url(self) -> str:
        return self.located.url if self.located else ""

    def fail(self, reason: str) -> None:
        self.verdict = "failed"
        if reason not in self.reasons:
            self.reasons.append(reason)


def check_claim(
    claim_id: int,
    text: str,
    passage: str,
    cited_url: str,
    texts: Mapping[str, str],
    *,
    redacted: Sequence[str] = (),
) -> ClaimCheck:
    """Check one claim against the sources ``texts`` (URL -> text); see the module docstring."""
    check = ClaimCheck(claim_id, text.strip(), "verified", quoted=passage)
    if not check.text:
        check.fail("the claim states nothing")
    if is_instruction(text):
        check.fail("the claim reads as an instruction")
    if len(match_tokens(passage)) < MIN_PASSAGE_TOKENS:
        check.fail("passage missing or too short to be evidence")
        return check
    if repeats_redacted(passage, redacted) or is_instruction(passage):
        check.fail("the passage is an instruction found in a source, never evidence")
        return check
    located = locate_passage(passage, texts, cited_url)
    if located is None:
        check.fail("passage not found verbatim in any source (copy it character for character)")
        return check
    check.located = located
    if is_instruction(located.text) or repeats_redacted(located.text, redacted):
        check.fail("the passage is an instruction found in a source, never evidence")
        return check
    for reason in disagreements(closed(check.text), located.text):
        check.fail(reason)
    return check
