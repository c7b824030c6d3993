"""The evidence of an event (its sources, as a prompt shows them), and the guard for any item.

:func:`evidence_for` is what output is checked against: the event's source URLs, each source's
title and text with hidden markup, instruction sentences and links removed (the sentences
removed are kept in ``redacted``: they may never be evidence), and the facts in them. The LLM
analyser passes the texts of its own grounding, so claims are located in exactly what the model
was shown; otherwise they are read here from the documents, the same way
(:mod:`deepdaily.text.sanitise`, :mod:`deepdaily.text.untrusted`).

:func:`verify_item` is the stage's seam (``verify_item(item, event) -> DigestItem``) for items
written without per-sentence backing, such as the offline engine's: it keeps only source URLs
in ``sources``, strips foreign links and markup from every text field, drops sentences that
fail :func:`~deepdaily.verify.sentence.sentence_problems` (facts checked against the whole
event; the language check only for LLM items: offline items quote sources verbatim), and
re-checks every claim with :func:`~deepdaily.verify.claims.check_claim`: a claim whose passage
is located verbatim and agrees is ``verified`` (its passage and URL replaced by the source's
own); any other is left out, and so is every sentence containing its text. What it did is
added to ``report`` when given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from deepdaily.models import Claim, DigestItem, Event
from deepdaily.text.links import same_url, strip_urls
from deepdaily.text.sanitise import clean_title, redact_instructions, sanitise_text, strip_markup
from deepdaily.text.sentences import join_sentences, split_sentences
from deepdaily.text.untrusted import strip_links
from deepdaily.verify.analysis import LINK, unmark
from deepdaily.verify.claims import check_claim, match_tokens
from deepdaily.verify.report import VerificationReport
from deepdaily.verify.sentence import LEAK, Evidence, echoes, sentence_problems

__all__ = ["drop_sentences", "evidence_for", "source_texts", "verify_item"]


def source_texts(event: Event) -> tuple[dict[str, str], list[str]]:
    """URL -> title and sanitised text of each source of ``event``, and the sentences removed
    as instructions (see the module docstring)."""
    texts: dict[str, str] = {}
    redacted: list[str] = []
    best: dict[str, tuple[int, str, str]] = {}
    for doc in event.documents:
        body = doc.text or doc.summary
        if len(body) >= best.get(doc.canonical_url, (-1, "", ""))[0]:
            best[doc.canonical_url] = (len(body), doc.title or event.title, body)
    for url, (_, title, body) in best.items():
        cleaned, _removed = redact_instructions(sanitise_text(body))
        texts[url] = f"{clean_title(title)}\n{strip_links(cleaned)}"
    for doc in event.documents:  # every copy, summary and title: none may be evidence
        for part in (doc.title, doc.summary, doc.text):
            if part:
                redacted.extend(redact_instructions(sanitise_text(part))[1])
    return texts, list(dict.fromkeys(redacted))


def evidence_for(
    event: Event,
    language: str,
    *,
    prompt: str = "",
    texts: Mapping[str, str] | None = None,
    redacted: Iterable[str] | None = None,
) -> Evidence:
    """The evidence of ``event``'s sources (see the module docstring)."""
    if texts is None:
        own, removed = source_texts(event)
        texts = own
        redacted = [*removed, *(redacted or ())]
    published = [d.published.date() for d in event.documents if d.published]
    return Evidence.build(
        event.urls,
        dict(texts),
        language=language,
        redacted=redacted or (),
        prompt=prompt,
        published=published,
        names=[d.source for d in event.documents],
    )


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def drop_sentences(text: str, claims: Iterable[str]) -> str:
    """``text`` without the sentences that contain one of the (dropped) ``claims``' texts.

    A claim text shorter than four tokens (a bare name) is too short to say which sentence
    states it, and removes nothing.
    """
    keys = [_normal(c) for c in claims if len(match_tokens(c)) >= 4]
    if not keys or not text:
        return text
    kept = [s for s in split_sentences(text) if not any(k in _normal(s) for k in keys)]
    return join_sentences(kept)


class _Cleaner:
    """Sentence-by-sentence cleaning of free text, counting what it removes."""

    def __init__(self, evidence: Evidence, language: bool) -> None:
        self.evidence = evidence
        self.language = language
        self.checked = 0
        self.dropped = 0
        self.link_lost = 0
        self.urls: list[str] = []
        self.markup = 0
        self.reasons: list[str] = []

    def __call__(self, text: str, path: str) -> str:
        plain = strip_markup(text)
        if plain != text.strip():
            self.markup += 1
        plain = unmark(plain)
        leaked = bool(self.evidence.prompt) and echoes(plain, [self.evidence.prompt])
        kept: list[str] = []
        for original in split_sentences(plain):
            self.checked += 1
            sentence, removed = strip_urls(original, self.evidence.urls)
            self.urls.extend(removed)
            reasons = [LINK] if removed else []
            if leaked:
                reasons.append(LEAK)
            if sentence:
                reasons += sentence_problems(sentence, self.evidence, language=self.language)
            if reasons:
                self.dropped += 1
                self.link_lost += bool(removed)
                self.reasons.append(f"{path}: dropped — {'; '.join(reasons)}")
            else:
                kept.append(sentence)
        return join_sentences(kept)


def verify_item(
    item: DigestItem,
    event: Event,
    *,
    language: str = "zh",
    report: VerificationReport | None = None,
) -> DigestItem:
    """``item`` with only what its event's sources support (see the module docstring)."""
    evidence = evidence_for(event, language)
    clean = _Cleaner(evidence, language=item.engine == "llm")
    claims: list[Claim] = []
    dropped: list[str] = []
    for claim in item.claims:
        text, removed = strip_urls(strip_markup(claim.text), evidence.urls)
        passage, removed_too = strip_urls(strip_markup(claim.passage), evidence.urls)
        clean.urls.extend(removed + removed_too)
        cited = next((u for u in evidence.urls if same_url(u, claim.source_url)), "")
        check = check_claim(
            claim.id, text, passage, cited, evidence.texts, redacted=evidence.redacted
        )
        if not check.ok:
            dropped.append(text)
            if report is not None:
                report.reason(f"claim dropped: {'; '.join(check.reasons)}")
            continue
        claims.append(
            claim.model_copy(
                update={
                    "text": text,
                    "passage": check.passage,
                    "source_url": check.url,
                    "status": "verified",
                    "reasons": check.reasons or claim.reasons,
                }
            )
        )

    def field(text: str, path: str) -> str:
        return drop_sentences(clean(text, path), dropped)

    def entries(values: list[str] | None, name: str) -> list[str] | None:
        if values is None:
            return None
        kept = [field(v, f"{name}[{i}]") for i, v in enumerate(values)]
        return [v for v in kept if v] or None

    title = field(item.title, "title") or re.sub(
        r"\s+", " ", strip_urls(strip_markup(item.title), [])[0]
    )
    verified = item.model_copy(
        update={
            "title": title,
            "sources": [u for u in item.sources if any(same_url(u, e) for e in evidence.urls)],
            "what": field(item.what, "what"),
            "why": (field(item.why, "why") or None) if item.why is not None else None,
            "technical": entries(item.technical, "technical") or [],
            "impact": entries(item.impact, "impact"),
            "advice": entries(item.advice, "advice"),
            "advice_lead": field(item.advice_lead, "advice_lead"),
            "claims": claims,
        }
    )
    if report is not None:
        report.claims_checked += len(item.claims)
        report.claims_passed += len(claims)
        report.claims_dropped += len(item.claims) - len(claims)
        report.sentences_checked += clean.checked
        report.sentences_passed += clean.checked - clean.dropped
        report.sentences_dropped += clean.dropped
        report.sentences_lost_to_links += clean.link_lost
        report.urls_stripped += len(clean.urls)
        report.markup_stripped += clean.markup
        for line in clean.reasons:
            report.reason(line)
    return verified
