"""The template context: a :class:`~deepdaily.models.Digest` laid out as ready Markdown lines.

Templates stay layout-only; every decision is made here, where it is tested:

- claims: a rendered text containing a ``dropped`` claim's text loses it (an entry left empty
  is not rendered), and one containing an ``unverified`` claim's text gets the label's marker
  (``（未核实）``) right after it; likewise a sentence whose :class:`~deepdaily.models.Backing`
  is ``unverified`` (it rests on a claim a second opinion could not confirm) is marked after
  the sentence;
- headings: ``机构：标题``, or the title alone when it already begins with the organisation
  (``星河智能发布 Orion-7``), so the name is not said twice;
- sources: each a CommonMark autolink (``来源：<https://…>``), so Hugo renders a link even
  after the full-width colon, which stops its linkifier; the template puts each on its own
  line (a hard line break between them), as the reference writes one ``来源`` line per source;
- sections: one entry renders inline after its label, several as sub-bullets, in the
  reference's order (是什么, 为什么重要, technical points, 可能影响, 落地建议); an offline item
  renders only the sections the engine fills (what and the technical points: the digest's
  banner says once, under the tagline, what it leaves out), while a judgement section an LLM
  item lacks says so in one line ("not generated") instead of being invented or silently
  missing;
- a watch-list follow-up (``DigestItem.follow_up``) closes the bullets as ``- **跟进**：…``
  (``- **Follow-up**: …``);
- an update of an event an earlier digest carried (``DigestItem.update_of``) opens the bullets
  with ``- **更新**：此事件已在 2026-11-26 的日报中报道（[链接](/posts/...)），以下为新进展。``
  (``- **Update**: first covered in the 2026-11-26 digest ([link](...)); what is new follows.``),
  the link left out when ``update_url`` is empty;
- a field an editor rewrote (``DigestItem.edited_fields``, ``deepdaily serve``) is rendered as
  written: no claim is taken out of it and no marker added (the editor answers for it);
- every string is passed through :mod:`deepdaily.render.sanitise`.

Templates also receive the raw ``digest`` for anything this view does not lay out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from deepdaily.analyse.labels import Labels, labels_for
from deepdaily.models import Backing, Claim, Digest, DigestItem
from deepdaily.render.sanitise import (
    md_autolink,
    md_emphasis,
    md_heading,
    md_label,
    md_text,
    md_url,
)
from deepdaily.text.sentences import normalise

__all__ = ["BulletView", "ItemView", "ListEntry", "digest_context"]

# The label of the watch-list follow-up bullet, by Labels.language (deepdaily.watch).
_FOLLOW_UP_LABELS = {"zh": "跟进", "en": "Follow-up"}


@dataclass(frozen=True)
class BulletView:
    """``- **label**：text`` followed by ``  - sub`` lines."""

    label: str
    text: str = ""
    subs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ItemView:
    number: int
    heading: str  # "机构：标题", or the title when it starts with the organisation
    sources: list[str]  # "<https://…>": Markdown autolinks
    note: str
    bullets: list[BulletView]
    item: DigestItem


@dataclass(frozen=True)
class ListEntry:
    """``N. **lead**：text`` in the trends and watch lists."""

    number: int
    lead: str
    text: str


def _mark(text: str, quoted: str, labels: Labels) -> str:
    """``text`` with the unverified marker after ``quoted`` (once)."""
    end = text.index(quoted) + len(quoted)
    if labels.unverified.strip() in text[end:][:12]:
        return text
    return text[:end] + labels.unverified + text[end:]


def apply_claims(
    text: str, claims: Sequence[Claim], labels: Labels, backing: Sequence[Backing] = ()
) -> str:
    """``text`` without its dropped claims and with its unverified claims and sentences
    marked."""
    text = normalise(text)
    for sentence in backing:
        quoted = normalise(sentence.text)
        if sentence.status == "unverified" and quoted and quoted in text:
            text = _mark(text, quoted, labels)
    for claim in claims:
        quoted = normalise(claim.text)
        if not quoted or claim.status == "verified" or quoted not in text:
            continue
        if claim.status == "dropped":
            text = normalise(text.replace(quoted, " "))
        else:
            text = _mark(text, quoted, labels)
    return text if any(ch.isalnum() for ch in text) else ""


def _applied(text: str, item: DigestItem, labels: Labels, name: str = "") -> str:
    if name in item.edited_fields:  # the editor's words, published as written
        return normalise(text)
    return apply_claims(text, item.claims, labels, item.backing)


def _section(
    label: str,
    entries: Sequence[str],
    lead: str,
    missing: str,
    item: DigestItem,
    labels: Labels,
    name: str = "",
) -> BulletView | None:
    kept = [md_text(t) for t in (_applied(e, item, labels, name) for e in entries) if t]
    lead = md_text(_applied(lead, item, labels, "advice_lead")) if lead else ""
    if not kept and not lead:
        return BulletView(md_label(label), missing) if missing else None
    if len(kept) == 1:
        return BulletView(md_label(label), f"{lead}{kept[0]}")
    return BulletView(md_label(label), lead, kept)


def _bullets(item: DigestItem, labels: Labels) -> list[BulletView]:
    judgement = "" if item.engine == "offline" else labels.missing_section
    what = _applied(item.what, item, labels, "what") or labels.what_dropped
    technical_label = item.technical_label
    if technical_label == labels_for("zh").technical:
        technical_label = labels.technical  # the model's default, in the digest's language
    sections = [
        BulletView(md_label(labels.what), md_text(what)),
        _section(labels.why, [item.why] if item.why else [], "", judgement, item, labels, "why"),
        _section(technical_label, item.technical, "", "", item, labels, "technical"),
        _section(labels.impact, item.impact or [], "", judgement, item, labels, "impact"),
        _section(
            labels.advice, item.advice or [], item.advice_lead, judgement, item, labels, "advice"
        ),
    ]
    return [section for section in sections if section is not None]


def _update(item: DigestItem, labels: Labels) -> list[BulletView]:
    if not item.update_of.strip():
        return []
    url = md_url(item.update_url).replace("(", "%28").replace(")", "%29")
    link = labels.update_link.format(url=url) if url else ""
    text = labels.update_text.format(date=md_text(item.update_of), link=link)
    return [BulletView(md_label(labels.update), text)]


def _follow_up(item: DigestItem, labels: Labels) -> list[BulletView]:
    if not item.follow_up.strip():
        return []
    label = _FOLLOW_UP_LABELS.get(labels.language, _FOLLOW_UP_LABELS["en"])
    return [BulletView(md_label(label), md_text(item.follow_up))]


def _item_view(number: int, item: DigestItem, labels: Labels) -> ItemView:
    title = md_heading(item.title)
    organisation = item.organisation.strip()
    named = not organisation or item.title.strip().casefold().startswith(organisation.casefold())
    heading = title if named else f"{md_text(organisation)}{labels.colon}{title}"
    return ItemView(
        number=number,
        heading=heading,
        sources=[md_autolink(url) for url in dict.fromkeys(item.sources) if url.strip()],
        note=md_emphasis(item.note) if item.note.strip() else "",
        bullets=[*_update(item, labels), *_bullets(item, labels), *_follow_up(item, labels)],
        item=item,
    )


def _banner(digest: Digest, labels: Labels) -> str:
    if digest.engine == "offline":
        return labels.offline_banner
    offline = [n for n, item in enumerate(digest.items, start=1) if item.engine == "offline"]
    return labels.offline_items_banner.format(items=labels.items_phrase(offline)) if offline else ""


def digest_context(digest: Digest) -> dict[str, Any]:
    """Everything ``digest.md.j2`` and its partials use, by name."""
    labels = labels_for(digest.language)
    trends = [
        ListEntry(n, md_label(t.lead), md_text(t.text))
        for n, t in enumerate(digest.synthesis.trends, start=1)
    ]
    watch = [
        ListEntry(n, md_label(w.lead), md_text(w.text))
        for n, w in enumerate(digest.synthesis.watch, start=1)
    ]
    return {
        "digest": digest,
        "labels": labels,
        "front_matter": {
            "title": digest.title,
            "date": digest.published_at,
            "tags": list(digest.tags),
            "categories": list(digest.categories),
            "draft": False,
        },
        "tagline": md_text(digest.tagline),
        "banner": md_text(_banner(digest, labels)),
        "items": [_item_view(n, item, labels) for n, item in enumerate(digest.items, start=1)],
        "trends": trends,
        "watch": watch,
    }
