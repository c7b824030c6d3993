"""What verification did to one item, in numbers and one-line reasons, for the run manifest.

Counts are about the item as finally published:

- ``claims_checked``: claims in the model's last answer;
- ``claims_passed``: claims published as verified (lexically, or by the judge);
- ``claims_revised``: of those, the ones that only passed after a revision round;
- ``claims_unverified``: published marked 未核实 / unverified (passage only loosely found and no
  judge decided);
- ``claims_dropped``: left out (passage not in any source, a fact not in the sources, an
  instruction or markup), never published;
- ``sentences_dropped``: sentences of what/why/technical/impact/advice removed for the same
  reasons; ``urls_stripped``: links that were not a source URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

__all__ = ["VerificationReport", "totals"]


class VerificationReport(BaseModel):
    event_id: str
    engine: str = "llm"
    model: str = ""
    prompt_version: str = ""
    claims_checked: int = 0
    claims_passed: int = 0
    claims_revised: int = 0
    claims_unverified: int = 0
    claims_dropped: int = 0
    sentences_checked: int = 0
    sentences_dropped: int = 0
    urls_stripped: int = 0
    markup_stripped: int = 0
    inputs_redacted: int = 0  # instruction sentences removed from the sources before prompting
    reasks: int = 0  # answers that were not valid JSON for the schema
    revision_rounds: int = 0
    judge_calls: int = 0
    reasons: list[str] = Field(default_factory=list)
    note: str = ""  # why the offline engine was used, when it was

    def reason(self, line: str) -> None:
        if line not in self.reasons:
            self.reasons.append(line)


_COUNTS = (
    "claims_checked",
    "claims_passed",
    "claims_revised",
    "claims_unverified",
    "claims_dropped",
    "sentences_checked",
    "sentences_dropped",
    "urls_stripped",
    "markup_stripped",
    "inputs_redacted",
    "reasks",
    "revision_rounds",
    "judge_calls",
)


def totals(reports: Iterable[VerificationReport]) -> dict[str, int]:
    """The sum of every count over ``reports``, plus ``items`` and ``offline_items``."""
    result = dict.fromkeys(("items", "offline_items", *_COUNTS), 0)
    for report in reports:
        result["items"] += 1
        result["offline_items"] += report.engine == "offline"
        for name in _COUNTS:
            result[name] += getattr(report, name)
    return result
