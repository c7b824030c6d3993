"""The run manifest: what one run tried, produced and decided, stored as JSON with the run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from deepdaily.models import SourceOutcome

__all__ = ["Manifest", "StageTiming"]


class StageTiming(BaseModel):
    stage: str
    seconds: float


class Manifest(BaseModel):
    run_id: str
    profile: str
    digest_date: str
    window_start: datetime
    window_end: datetime
    engine: str = "offline"
    sources: list[SourceOutcome] = Field(default_factory=list)
    entries: int = 0
    documents_new: int = 0
    documents_seen: int = 0
    documents_updated: int = 0  # stored documents re-extracted because their source changed
    extraction_failures: list[str] = Field(default_factory=list)
    # Entries that are part of another document, with the reason ("same page as <url>: ...").
    merged_entries: list[str] = Field(default_factory=list)
    documents_in_window: int = 0
    events: int = 0
    selected: list[str] = Field(default_factory=list)  # event ids in rank order
    rejected: int = 0
    llm: dict[str, Any] = Field(default_factory=dict)  # calls, tokens, cost, verification
    timings: list[StageTiming] = Field(default_factory=list)
    digest_path: str = ""
    digest_hash: str = ""
    digest_changed: bool = False
    errors: list[str] = Field(default_factory=list)
    # The source outcomes came from an earlier run of the same invocation (--all-profiles).
    collected_earlier: bool = False
    # Rows the retention policy removed after the run ([store] keep_days), by table.
    pruned: dict[str, int] = Field(default_factory=dict)
    # The editor's edits of the day (deepdaily.pipeline.edits), one line each: those applied,
    # and those kept but not applicable (their event is not in the digest any more).
    edits_applied: list[str] = Field(default_factory=list)
    edits_orphaned: list[str] = Field(default_factory=list)

    @property
    def sources_ok(self) -> int:
        return sum(1 for s in self.sources if s.ok)

    @property
    def sources_failed(self) -> list[SourceOutcome]:
        return [s for s in self.sources if not s.ok]

    @property
    def seconds(self) -> float:
        return round(sum(t.seconds for t in self.timings), 3)
