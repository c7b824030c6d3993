"""Count every sentence and claim a model wrote for one item, over all its rounds.

A sentence is identified by its section and its normalised text, a claim by its normalised
text and passage, so the same sentence in the first answer and in a revision counts once. The
counts are those of :class:`~deepdaily.verify.report.VerificationReport` (see there), computed
from the checks of each round and from what was finally published: what was never published is
dropped, whichever round lost it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from deepdaily.verify.analysis import Checked, normal_key
from deepdaily.verify.claims import ClaimCheck
from deepdaily.verify.report import VerificationReport

__all__ = ["Key", "Status", "claim_key", "fill_report"]

Status = Literal["verified", "unverified"]
Key = tuple[str, str]


def claim_key(check: ClaimCheck) -> Key:
    """A claim's identity across rounds."""
    return normal_key(check.text), normal_key(check.quoted)


@dataclass
class _Seen:
    passed: set[int] = field(default_factory=set)  # rounds in which it passed
    link: bool = False  # it carried a foreign link (in its last round)


def _sentences(rounds: Sequence[Checked]) -> dict[Key, _Seen]:
    seen: dict[Key, _Seen] = {}
    for number, checked in enumerate(rounds):
        for sentence in checked.sentences:
            entry = seen.setdefault(sentence.key, _Seen())
            entry.link = sentence.link
            if sentence.ok:
                entry.passed.add(number)
    return seen


def _claims(rounds: Sequence[Checked]) -> dict[Key, _Seen]:
    seen: dict[Key, _Seen] = {}
    for number, checked in enumerate(rounds):
        for claim in checked.all_claims:
            entry = seen.setdefault(claim_key(claim), _Seen())
            if claim.ok:
                entry.passed.add(number)
    return seen


def fill_report(
    report: VerificationReport,
    rounds: Sequence[Checked],
    final: Checked,
    sentences: Mapping[Key, Status],
    claims: Mapping[Key, Status],
) -> None:
    """Set ``report``'s sentence and claim counts.

    ``rounds`` are the checks of every answer in order (the first answer, then each revision),
    ``final`` the one whose content was published (also after a second opinion), and
    ``sentences`` / ``claims`` what was published, by key, with its status.
    """
    seen = _sentences(rounds)
    in_final = {s.key for s in final.sentences}
    report.sentences_checked = len(seen)
    report.sentences_passed = sum(status == "verified" for status in sentences.values())
    report.sentences_marked = len(sentences) - report.sentences_passed
    report.sentences_revised = sum(0 not in seen[key].passed for key in sentences if key in seen)
    dropped = [key for key in seen if key not in sentences]
    report.sentences_dropped = len(dropped)
    report.sentences_lost_in_revision = sum(
        bool(seen[key].passed) and key not in in_final for key in dropped
    )
    report.sentences_lost_to_links = sum(seen[key].link for key in dropped)
    seen_claims = _claims(rounds)
    report.claims_checked = len(seen_claims)
    report.claims_passed = sum(status == "verified" for status in claims.values())
    report.claims_marked = len(claims) - report.claims_passed
    report.claims_revised = sum(
        0 not in seen_claims[key].passed for key in claims if key in seen_claims
    )
    report.claims_dropped = sum(key not in claims for key in seen_claims)
    report.urls_stripped = sum(len(checked.urls_stripped) for checked in rounds)
    report.markup_stripped = sum(checked.markup_stripped for checked in rounds)
