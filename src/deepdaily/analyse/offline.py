"""The offline engine: an honest, extractive digest item without any LLM.

For one event it quotes, never writes:

- **lead document**: the most authoritative document (``Document.authority``), ties going to
  the earliest published, then to document order;
- **title**: the lead document's title without a site suffix (``... | Blog``), without a
  preprint id (``. (arXiv:2602.01234v2 [cs.LG])``) and without links; the event's or another
  document's title when the lead's is empty or an instruction;
- **organisation**: see :mod:`deepdaily.text.entities` (a ``Name: ...`` title prefix is
  usually the product, so the source's organisation comes first); the source is the lead's
  outlet (``Document.outlet``: the ``outlet:`` tag of a collection source, else the configured
  name), and when that names nobody (``127.0.0.1:8765``, ``corpus``) the lead's first sentence
  and the other titles are read for who acts, then the domain;
- **what**: the lead document's feed summary (``Document.summary``) when it is a substantive,
  sentence-level summary (:func:`substantive_summary`: over :data:`SUMMARY_MIN_CHARS`, ending
  a sentence, not a teaser cut with "…", not the title again, nothing to distrust, opening
  with a sentence that stands alone), else its first one or two sentences from the first that
  stands alone (:func:`~deepdaily.text.sentences.stands_alone`: not "It lists ...", not
  "该模型…"), looking in the other documents when the lead has none; trimmed to
  ``what_chars`` at a sentence, clause or word boundary;
- **technical**: up to ``max_points`` sentences that carry facts
  (:func:`~deepdaily.text.terms.fact_score`) from all of the event's documents, lead first,
  in reading order; near-duplicates are removed, and so is a sentence that states the same
  figures and names as one already quoted, in either language
  (:func:`deepdaily.cluster.anchors.anchors`: ``63.0% on RepoFix-500`` =
  ``RepoFix-500 得分 63.0%``);
- **sources**: the documents' canonical URLs, lead first, and nothing else.

Each quoted sentence is kept as a ``verified`` :class:`~deepdaily.models.Claim` whose passage is
the verbatim sentence. ``why``, ``impact`` and ``advice`` stay ``None``: judgement needs an LLM,
and the renderer leaves those sections out (the digest's banner says so once).
Sentences that instruct an AI or the reader, or contain a link, are never quoted
(:mod:`deepdaily.text.untrusted`). The synthesis is extractive too
(:mod:`deepdaily.analyse.synthesis`: shared names and themes; :mod:`deepdaily.analyse.watchlist`:
follow-ups the sources announce).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from deepdaily.analyse.labels import labels_for
from deepdaily.analyse.synthesis import synthesise_offline
from deepdaily.cluster.anchors import anchors
from deepdaily.config.settings import Profile
from deepdaily.errors import AnalysisError
from deepdaily.models import Claim, DigestItem, Document, Event, Synthesis
from deepdaily.text.entities import find_organisation, split_title_prefix
from deepdaily.text.sentences import (
    join_sentences,
    normalise,
    split_sentences,
    stands_alone,
    trim_at_boundary,
)
from deepdaily.text.terms import fact_score
from deepdaily.text.untrusted import contains_link, is_instruction, strip_links

__all__ = ["SUMMARY_MIN_CHARS", "OfflineAnalyser", "clean_title", "substantive_summary"]

SUMMARY_MIN_CHARS = 60  # a CJK character counts twice

_SITE_WORDS = re.compile(
    r"\b(blog|news|newsroom|press|forum|forums|community|docs|documentation|magazine|journal)\b"
    r"|官网|博客|新闻|社区|论坛|频道",
    re.IGNORECASE,
)
_SUFFIX_RE = re.compile(
    r"^(?P<head>.+?)(?P<sep>\s+[|｜\-–—·•:]{1,2}\s+|\s*｜\s*)(?P<tail>[^|｜]+)$"
)
_BOILERPLATE = re.compile(
    r"^(share|subscribe|read more|sign up|log in|advertisement|related|posted by|photo|image|"
    r"credit|copyright|all rights reserved|阅读原文|责任编辑|原标题|图片来源|版权)",
    re.IGNORECASE,
)
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# A preprint server's id after a title: ". (openprint:2611.05088v1 [cs.CL])", " (arXiv:2602.01234v2
# [cs.LG])"; the period before it goes too, other parentheses stay.
_PREPRINT_ID_RE = re.compile(
    r"\.?\s*[(（]\s*(?:[A-Za-z][\w.-]*:\s*\d{4}\.\d{4,5}(?:v\d+)?(?:\s*\[[^\]]{1,20}\])?"
    r"|\d{4}\.\d{4,5}(?:v\d+)?\s*\[[^\]]{1,20}\])\s*[)）]\s*$"
)
# A figure glued to a unit or a bracket before it, as when table cells lose their borders.
_GLUED_CELLS_RE = re.compile(r"(?:[)）]|\d\s?(?:GB|MB|TB|KB|%|ms|s|x|B|K|M))\d")
_LIST_MARK_RE = re.compile(r"^(?:[-*•·–]\s+)")  # a list item's bullet is not quoted
_TEASER_END = ("…", "...", "[…]", "[...]", "[…]", "……", "more", "More")
_SENTENCE_END = tuple(".!?。！？") + tuple("”’」』）)\"'")
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*")
_VERBATIM = "verbatim extract"


@dataclass(frozen=True)
class _Sentence:
    text: str
    doc: Document
    doc_rank: int
    index: int


def _rank_documents(event: Event) -> list[Document]:
    if not event.documents:
        raise AnalysisError(f"event {event.id}: no documents to analyse")
    order = {id(doc): i for i, doc in enumerate(event.documents)}
    return sorted(
        event.documents,
        key=lambda d: (
            -d.authority,
            d.published is None,
            d.published.timestamp() if d.published else 0.0,
            order[id(d)],
        ),
    )


def _is_site_name(tail: str, sep: str, doc: Document) -> bool:
    tail_key = tail.casefold().replace(" ", "")
    source_key = doc.source.casefold().replace(" ", "")
    host = (urlsplit(doc.canonical_url).hostname or "").removeprefix("www.")
    brand = host.split(".")[-2] if host.count(".") >= 1 else host
    return len(tail) <= 40 and (
        "|" in sep
        or "｜" in sep
        or (bool(source_key) and (source_key in tail_key or tail_key in source_key))
        or (bool(brand) and brand in tail_key)
        or bool(_SITE_WORDS.search(tail))
    )


def clean_title(title: str, doc: Document) -> str:
    """A title without links and without trailing site names (``Title | Site Blog``)."""
    title = strip_links(normalise(title))
    title = _PREPRINT_ID_RE.sub("", title).strip()
    while match := _SUFFIX_RE.match(title):
        head, sep, tail = match.group("head"), match.group("sep"), match.group("tail").strip()
        if len(head.strip()) < 8 or not _is_site_name(tail, sep, doc):
            break
        title = head.strip()
    return title


def _own_name_removed(sentence: str, url: str) -> str:
    """``sentence`` without the bare name of the document's own site (``Intelligibberish.com
    explains ...``): an outlet naming itself links nowhere else, so it does not make the
    sentence a link; a path after it (``site.com/claim``) still does."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if "." not in host:
        return sentence
    own = re.compile(rf"(?<![\w.@/-])(?:www\.)?{re.escape(host)}(?![\w/@-]|\.\w)", re.I)
    return own.sub("", sentence)


def _quotable(sentence: str, title: str, url: str = "") -> bool:
    if is_instruction(sentence) or _BOILERPLATE.match(sentence):
        return False
    if contains_link(_own_name_removed(sentence, url) if url else sentence):
        return False
    if sentence.count("|") >= 2:
        return False  # a table row flattened by extraction, not a sentence
    if not sentence.endswith(_SENTENCE_END) and _GLUED_CELLS_RE.search(sentence):
        return False  # table cells run together: "KV cache (BF16)16.0 GB7.1 GB"
    if normalise(sentence).casefold() == normalise(title).casefold():
        return False
    if _CJK_RE.search(sentence):
        return len(_CJK_RE.findall(sentence)) >= 8
    return len(sentence.split()) >= 4


def _weighted_length(text: str) -> int:
    return len(text) + len(_CJK_RE.findall(text))


def substantive_summary(doc: Document, title: str = "") -> str:
    """The document's feed summary when it reads as a summary of the article, else ``""``.

    It must be longer than :data:`SUMMARY_MIN_CHARS`, end a sentence (a teaser cut with "…"
    or "[...]" does not), differ from the title, and hold nothing the engine may not quote
    (an instruction, a link, boilerplate)."""
    summary = normalise(doc.summary)
    if _weighted_length(summary) <= SUMMARY_MIN_CHARS:
        return ""
    if summary.endswith(_TEASER_END) or not summary.endswith(_SENTENCE_END):
        return ""
    if summary.casefold() in {normalise(t).casefold() for t in (doc.title, title) if t}:
        return ""
    sentences = split_sentences(summary)
    if not sentences or not all(_quotable(s, doc.title, doc.canonical_url) for s in sentences):
        return ""
    return summary if stands_alone(sentences[0]) else ""


def _sentences(doc: Document, rank: int) -> list[_Sentence]:
    for body in (doc.text, doc.summary):
        pieces = (_LIST_MARK_RE.sub("", s) for s in split_sentences(body))
        found = [s for s in pieces if _quotable(s, doc.title, doc.canonical_url)]
        if found:
            return [_Sentence(s, doc, rank, i) for i, s in enumerate(found)]
    return []


def _context(lead: Document, others: Sequence[Document]) -> list[str]:
    """Where to look for who acts when the source names nobody: the lead's opening sentences
    (its text often opens with the headline again, which is skipped), its summary's first
    sentence, then the other documents' titles."""
    heading = normalise(lead.title).casefold()
    opening = [s for s in split_sentences(lead.text)[:3] if normalise(s).casefold() != heading]
    return [*opening[:2], *split_sentences(lead.summary)[:1], *(doc.title for doc in others)]


def _shingles(text: str) -> set[str]:
    words = {w.casefold() for w in _TOKEN_RE.findall(text)}
    cjk = "".join(_CJK_RE.findall(text))
    return words | {cjk[i : i + 2] for i in range(len(cjk) - 1)}


def _similar(a: set[str], b: set[str], threshold: float = 0.6) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= threshold


def _facts(text: str) -> frozenset[str]:
    """The figures and identifiers of a sentence in a language-independent form
    (``63.0%``, ``RepoFix-500``, ``3100 亿`` = ``310B``)."""
    return frozenset(a.key for a in anchors(text) if a.kind in ("figure", "ident"))


def _same_facts(candidate: frozenset[str], earlier: frozenset[str]) -> bool:
    """Whether ``candidate`` mostly repeats the figures and names of an earlier sentence,
    perhaps in the other language: most of its own, and at least two or its only one."""
    shared = len(candidate & earlier)
    return (shared >= 2 or len(candidate) == shared == 1) and shared >= 0.6 * len(candidate)


class OfflineAnalyser:
    """The extractive engine (see the module docstring); it needs no network and no key."""

    name = "offline"

    def __init__(
        self, *, what_chars: int = 200, max_points: int = 4, max_point_chars: int = 300
    ) -> None:
        self.what_chars = what_chars
        self.max_points = max_points
        self.max_point_chars = max_point_chars

    async def analyse(self, event: Event, profile: Profile) -> DigestItem:
        return self.analyse_sync(event, profile)

    async def synthesise(
        self, items: Sequence[DigestItem], events: Sequence[Event], profile: Profile
    ) -> Synthesis:
        return synthesise_offline(items, events, profile)

    def analyse_sync(self, event: Event, profile: Profile) -> DigestItem:
        """:meth:`analyse` without the event loop; the work is CPU-only and quick."""
        labels = labels_for(profile.language)
        docs = _rank_documents(event)
        lead = docs[0]
        title = self._title(event, docs)
        organisation = find_organisation(
            title, lead.outlet, lead.canonical_url, _context(lead, docs[1:])
        )
        title = split_title_prefix(title, organisation)
        sentences = [s for rank, doc in enumerate(docs) for s in _sentences(doc, rank)]

        claims: list[Claim] = []
        summary = substantive_summary(lead, title)
        what_used = [] if summary else self._what_sentences(sentences)
        if summary:
            what = trim_at_boundary(summary, self.what_chars)
            claims.append(self._claim(what, summary, lead))
            shown = {normalise(s) for s in split_sentences(what)}
            what_used = [s for s in sentences if s.doc is lead and normalise(s.text) in shown]
            quoted = [*shown]
        elif what_used:
            passage = join_sentences([s.text for s in what_used])
            what = trim_at_boundary(passage, self.what_chars)
            claims.append(self._claim(what, passage, what_used[0].doc))
            quoted = [s.text for s in what_used]
        else:
            what = labels.no_extract
            quoted = []
        points = self._technical(sentences, what_used, quoted)
        claims.extend(self._claim(p.text, p.text, p.doc) for p in points)
        sources = list(dict.fromkeys([lead.canonical_url, *event.urls]))
        return DigestItem(
            event_id=event.id,
            organisation=organisation,
            title=title,
            sources=sources,
            what=what,
            technical_label=labels.technical,
            technical=[p.text for p in points],
            claims=claims,
            engine="offline",
        )

    def _title(self, event: Event, docs: list[Document]) -> str:
        candidates = [(docs[0].title, docs[0]), (event.title, docs[0])]
        candidates += [(doc.title, doc) for doc in docs[1:]]
        for raw, doc in candidates:
            title = clean_title(raw, doc)
            if title and not is_instruction(title):
                return trim_at_boundary(title, 120)
        return docs[0].source

    def _what_sentences(self, sentences: list[_Sentence]) -> list[_Sentence]:
        """One or two consecutive sentences of one document, opening with one that stands
        alone: the lead document's first such, else another document's, else the lead's
        first sentence."""
        if not sentences:
            return []
        opening = next((s for s in sentences if stands_alone(s.text)), sentences[0])
        own = [s for s in sentences if s.doc is opening.doc]
        own = own[own.index(opening) :][:2]
        short_first = len(own) == 2 and len(own[0].text) < self.what_chars * 0.45
        if short_first and len(join_sentences([s.text for s in own])) <= self.what_chars:
            return own
        return own[:1]

    def _technical(
        self, sentences: list[_Sentence], used: list[_Sentence], quoted: list[str]
    ) -> list[_Sentence]:
        taken = [_shingles(text) for text in quoted]
        stated = [_facts(text) for text in quoted]
        used_keys = {(s.doc_rank, s.index) for s in used}
        scored = [
            (fact_score(s.text), s)
            for s in sentences
            if (s.doc_rank, s.index) not in used_keys
            and len(s.text) <= self.max_point_chars
            and not s.text.rstrip("”’」』）)\"' ").endswith(("?", "？"))
        ]
        picked: list[_Sentence] = []
        for score, sentence in sorted(scored, key=lambda p: (-p[0], p[1].doc_rank, p[1].index)):
            if score < 2 or len(picked) >= self.max_points:
                break
            shingles = _shingles(sentence.text)
            if any(_similar(shingles, other) for other in taken):
                continue
            facts = _facts(sentence.text)
            if any(_same_facts(facts, other) for other in stated):
                continue  # the same figures, told again (often in the other language)
            taken.append(shingles)
            stated.append(facts)
            picked.append(sentence)
        return sorted(picked, key=lambda s: (s.doc_rank, s.index))

    @staticmethod
    def _claim(text: str, passage: str, doc: Document) -> Claim:
        reasons = [_VERBATIM] if text == passage else [f"{_VERBATIM}, trimmed"]
        return Claim(
            text=text,
            passage=passage,
            source_url=doc.canonical_url,
            status="verified",
            reasons=reasons,
        )
