"""The structured records that flow between pipeline stages.

Each stage takes and returns these pydantic models, so intermediate results can be stored as
JSON, compared across runs and shown in the run manifest. Ids are content hashes
(:func:`content_id`), which is what makes every stage idempotent.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Backing",
    "Claim",
    "Digest",
    "DigestItem",
    "Document",
    "Entry",
    "Event",
    "ScoreBreakdown",
    "Selection",
    "SourceOutcome",
    "Synthesis",
    "Trend",
    "WatchItem",
    "content_id",
]

Engine = Literal["offline", "llm"]


def content_id(*parts: str, length: int = 16) -> str:
    """A stable hex id for the given text parts (sha256, truncated)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


class Entry(BaseModel):
    """One item as a source lists it, before extraction (a feed entry, a forum topic...)."""

    model_config = ConfigDict(frozen=True)

    source: str  # SourceSpec.name
    url: str
    title: str
    summary: str = ""  # plain text, possibly a teaser
    content_html: str = ""  # full body when the source provides one
    content_text: str = ""  # full plain text when the source provides one (JSONL, forum)
    published: datetime | None = None  # timezone-aware (UTC) when known
    author: str = ""
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # outbound links found in the body
    guid: str = ""  # the source's own id of the entry (RSS guid, Atom/JSON Feed id)


class Document(BaseModel):
    """An extracted article: the unit stored, clustered and cited."""

    id: str  # content_id(canonical_url, text)
    source: str
    url: str
    canonical_url: str
    title: str
    text: str
    summary: str = ""
    published: datetime | None = None
    fetched_at: datetime
    author: str = ""
    language: str = ""
    authority: float = 0.5  # copied from the source spec at ingest time
    tags: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    event_id: str | None = None

    @property
    def outlet(self) -> str:
        """Who published it: the ``outlet:`` tag a collection source (a JSONL file, an
        aggregator) sets per item, else the source itself. Independence is counted by outlet."""
        return next(
            (t.removeprefix("outlet:") for t in self.tags if t.startswith("outlet:")), self.source
        )


class Event(BaseModel):
    """One story, with every document that covers it."""

    id: str
    title: str
    documents: list[Document]
    first_seen: datetime
    last_seen: datetime

    @property
    def sources(self) -> list[str]:
        """Distinct outlets, in document order."""
        return list(dict.fromkeys(doc.outlet for doc in self.documents))

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(doc.canonical_url for doc in self.documents))

    def as_of(self, end: datetime) -> Event | None:
        """The event as it stood before ``end``: later documents removed (None if none left).

        Re-running an earlier day must not let coverage from later days leak into it.
        """
        docs = [doc for doc in self.documents if (doc.published or doc.fetched_at) < end]
        if not docs:
            return None
        if len(docs) == len(self.documents):
            return self
        seen = [doc.published or doc.fetched_at for doc in docs]
        return self.model_copy(
            update={"documents": docs, "first_seen": min(seen), "last_seen": max(seen)}
        )


class ScoreBreakdown(BaseModel):
    """Why an event scored what it did; every component is in [0, 1]."""

    authority: float = 0.0
    coverage: float = 0.0  # number of independent sources
    relevance: float = 0.0  # match with the profile's interests
    recency: float = 0.0  # position inside the digest window
    novelty: float = 0.0  # 1.0 = never published before
    total: float = 0.0  # weighted sum before diversity
    diversity_penalty: float = 0.0  # MMR redundancy with earlier picks
    matched_terms: list[str] = Field(default_factory=list)


class Selection(BaseModel):
    """The selection decision for one event, kept for selected and rejected alike."""

    event_id: str
    title: str
    selected: bool
    rank: int | None = None  # 1-based among selected events
    score: ScoreBreakdown
    reason: str  # one readable sentence, in English


class Claim(BaseModel):
    """A factual statement in an item, with the passage it rests on.

    ``passage`` is the source's own text, located verbatim by the verifier, and ``source_url``
    the source it was found in; ``id`` is what :class:`Backing` entries cite (0: not cited by
    id, as in offline items, whose claims quote their sentences).
    """

    id: int = 0
    text: str
    passage: str = ""
    source_url: str = ""
    status: Literal["verified", "unverified", "dropped"] = "unverified"
    reasons: list[str] = Field(default_factory=list)


class Backing(BaseModel):
    """One published sentence of an LLM item and the claims it rests on.

    ``section`` names the field it is in (``what``, ``why``, ``technical``, ``impact``,
    ``advice``); ``judgement`` marks an opinion (which states no fact beyond its claims'
    passages). A sentence resting on a claim a second opinion could not confirm is
    ``unverified``, and the renderer marks it (未核实).
    """

    section: str
    text: str
    claims: list[int] = Field(default_factory=list)
    judgement: bool = False
    status: Literal["verified", "unverified"] = "verified"


class DigestItem(BaseModel):
    """One analysed event as rendered: ``## N) 机构：标题`` and its bullets.

    ``why``, ``impact`` and ``advice`` are judgement; the offline engine leaves them ``None``
    and the renderer says they need an LLM instead of inventing them. An item with
    ``update_of`` is the update of an event an earlier digest carried, analysed from the
    coverage that came after it (``deepdaily.pipeline.history``).
    """

    event_id: str
    organisation: str
    title: str
    sources: list[str]  # URLs, only from the event's documents
    what: str
    why: str | None = None
    technical_label: str = "技术要点"
    technical: list[str] = Field(default_factory=list)
    impact: list[str] | None = None
    advice: list[str] | None = None
    advice_lead: str = ""
    claims: list[Claim] = Field(default_factory=list)
    backing: list[Backing] = Field(default_factory=list)  # LLM items: each sentence's claims
    engine: Engine = "offline"
    model: str = ""
    note: str = ""  # e.g. why an LLM result was replaced by the offline engine
    selection_reason: str = ""
    follow_up: str = ""  # the watch topic this event follows up (deepdaily.watch), one sentence
    update_of: str = ""  # YYYY-MM-DD of the digest that first carried this event, for an update
    update_url: str = ""  # that digest's page on the site, e.g. /posts/2026-11-26/
    # Fields an editor rewrote in the review (``deepdaily serve``): published as written, not
    # verified (the editor's responsibility), see deepdaily.pipeline.edits.
    edited: bool = False
    edited_fields: list[str] = Field(default_factory=list)


class Trend(BaseModel):
    lead: str  # the bold lead phrase
    text: str
    items: list[int] = Field(default_factory=list)  # 1-based item numbers it draws on


class WatchItem(BaseModel):
    lead: str
    text: str
    terms: list[str] = Field(default_factory=list)


class Synthesis(BaseModel):
    trends: list[Trend] = Field(default_factory=list)
    watch: list[WatchItem] = Field(default_factory=list)


class Digest(BaseModel):
    """A whole day's digest, the input of every renderer."""

    date: str  # YYYY-MM-DD in the profile's timezone
    profile: str
    language: str
    title: str
    tagline: str
    tags: list[str]
    categories: list[str]
    published_at: datetime  # front-matter date, e.g. 08:00 local
    items: list[DigestItem]
    synthesis: Synthesis
    engine: Engine = "offline"
    window_start: datetime
    window_end: datetime
    generated_at: datetime


class SourceOutcome(BaseModel):
    """What collecting one source produced, for the store and the run summary."""

    source: str
    url: str
    ok: bool
    status: int | None = None
    not_modified: bool = False
    entries: int = 0
    new_documents: int = 0
    error: str = ""  # one line
    elapsed_ms: int = 0
    warnings: list[str] = Field(default_factory=list)  # one line each, e.g. bytes replaced
