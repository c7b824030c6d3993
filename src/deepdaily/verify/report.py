"""What verification did to one item, in numbers and one-line reasons, for the run manifest.

Sentences and claims are counted once each, over every round of the item (the first answer and
each revision; the same text in two rounds is one sentence), so nothing a model wrote escapes
the count:

- ``*_checked``: distinct sentences (claims) written in any round; every one is checked, with
  no cap;
- ``*_passed``: published as verified;
- ``*_marked``: published marked 未核实 / unverified (a second opinion could not confirm it);
- ``*_revised``: of the published ones, those that only passed after a revision round;
- ``*_dropped``: never published: failed in the last round, failed and replaced, lost in a
  revision, or over a section's limit. ``checked = passed + marked + dropped`` always holds;
- ``sentences_lost_in_revision``: of the dropped, sentences that had passed in an earlier
  round and were not in the answer finally kept (a revision discarded them);
- ``sentences_lost_to_links``: of the dropped, sentences that carried a link that is not a
  source URL (the whole sentence goes, and is counted here);
- ``urls_stripped``: such links; ``markup_stripped``: fields that carried markup.

An item that fell back to the offline engine keeps the counts of the LLM answers it rejected.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

__all__ = ["COUNTS", "VerificationReport", "totals"]


class VerificationReport(BaseModel):
    event_id: str
    engine: str = "llm"
    model: str = ""
    prompt_version: str = ""
    sentences_checked: int = 0
    sentences_passed: int = 0
    sentences_marked: int = 0
    sentences_revised: int = 0
    sentences_dropped: int = 0
    sentences_lost_in_revision: int = 0
    sentences_lost_to_links: int = 0
    claims_checked: int = 0
    claims_passed: int = 0
    claims_marked: int = 0
    claims_revised: int = 0
    claims_dropped: int = 0
    urls_stripped: int = 0
    markup_stripped: int = 0
    inputs_redacted: int = 0  # instruction sentences removed from the sources before prompting
    reasks: int = 0  # answers that were not valid JSON for the schema
    revision_rounds: int = 0
    second_opinion_calls: int = 0  # entailment checks asked of another provider
    reasons: list[str] = Field(default_factory=list)
    note: str = ""  # why the offline engine was used, when it was

    def reason(self, line: str) -> None:
        if line not in self.reasons:
            self.reasons.append(line)


COUNTS = (
    "sentences_checked",
    "sentences_passed",
    "sentences_marked",
    "sentences_revised",
    "sentences_dropped",
    "sentences_lost_in_revision",
    "sentences_lost_to_links",
    "claims_checked",
    "claims_passed",
    "claims_marked",
    "claims_revised",
    "claims_dropped",
    "urls_stripped",
    "markup_stripped",
    "inputs_redacted",
    "reasks",
    "revision_rounds",
    "second_opinion_calls",
)
"""The counts :func:`totals` sums."""


def totals(reports: Iterable[VerificationReport]) -> dict[str, int]:
    """The sum of every count over ``reports``, plus ``items`` and ``offline_items``."""
    result = dict.fromkeys(("items", "offline_items", *COUNTS), 0)
    for report in reports:
        result["items"] += 1
        result["offline_items"] += report.engine == "offline"
        for name in COUNTS:
            result[name] += getattr(report, name)
    return result
