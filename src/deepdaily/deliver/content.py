"""A published digest laid out for chat platforms: sections any channel can render and split.

The published digest (its stored JSON, read back into :class:`~deepdaily.models.Digest`) goes
through the same view as the Hugo post (:func:`deepdaily.render.view.digest_context`), so a
channel shows what the site shows: dropped claims left out, unverified ones marked, an
editor's text as written. The result is a :class:`Content`: the digest's title, tagline and
banner, the address of the full digest on the site (``[publish] base_url`` and ``post_path``),
and :class:`Section` s, one per item, then the trends and the watch list. Texts stay inline
Markdown as the post writes them; :mod:`deepdaily.deliver.inline` turns them into each
platform's markup.

A section is the unit a channel never cuts: :func:`pack` fills messages with whole sections,
and only a section too long for a message on its own is shortened (:meth:`Section.shortened`:
its last bullets give way to a line linking the full digest), never cut silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from deepdaily.analyse.labels import labels_for
from deepdaily.models import Digest
from deepdaily.render.markdown import post_filename
from deepdaily.render.view import digest_context

if TYPE_CHECKING:
    from deepdaily.config import Settings

__all__ = ["Content", "Entry", "Section", "build_content", "digest_url", "pack"]

T = TypeVar("T")

_SHORTENED = {
    "zh": "（此条过长，已节选；全文见：{url}）",
    "en": "(shortened to fit this message; the full text: {url})",
}
_PART = {"zh": "（{index}/{total}）", "en": " ({index}/{total})"}
_FULL = {"zh": "全文", "en": "Full digest"}


@dataclass(frozen=True)
class Entry:
    """One bullet: a bold ``label`` (plain text, may be empty), inline-Markdown ``text`` and
    sub-bullets."""

    label: str
    text: str = ""
    subs: tuple[str, ...] = ()
    number: int = 0  # > 0: a numbered entry (trends, watch list)


@dataclass(frozen=True)
class Section:
    """An item (``item-N``), the trends or the watch list: a heading, the item's sources, an
    optional note and its entries."""

    key: str
    heading: str  # inline Markdown, e.g. "1) 机构：标题"
    sources: tuple[str, ...] = ()
    note: str = ""
    entries: tuple[Entry, ...] = ()
    shortened: bool = False

    def cut(self, keep: int, url: str, language: str, *, sources: int | None = None) -> Section:
        """This section with only its first ``keep`` entries (and ``sources`` sources), closed
        by a line saying it was shortened and where the full text is."""
        words = _SHORTENED["zh" if language.startswith("zh") else "en"]
        note = Entry("", words.format(url=f"<{url}>" if url else "-"))
        kept_sources = self.sources if sources is None else self.sources[:sources]
        return replace(
            self, entries=(*self.entries[:keep], note), sources=kept_sources, shortened=True
        )

    def shortened_versions(self, url: str, language: str) -> list[Section]:
        """Ever shorter versions of this section, longest first: fewer entries, then fewer
        sources, then the heading alone with the link."""
        versions = [self.cut(n, url, language) for n in range(len(self.entries) - 1, -1, -1)]
        versions += [self.cut(0, url, language, sources=n) for n in (1, 0) if n < len(self.sources)]
        heading = self.heading
        while len(heading) > 40:
            heading = heading[: len(heading) * 2 // 3].rstrip() + "…"
            versions.append(replace(self.cut(0, url, language, sources=0), heading=heading))
        return versions


@dataclass(frozen=True)
class Content:
    """What every chat channel sends: the head (title, tagline, banner), the sections, and
    where the full digest is."""

    title: str  # plain text
    tagline: str  # inline Markdown
    banner: str  # inline Markdown
    sections: tuple[Section, ...]
    url: str  # the digest's page on the site
    language: str
    date: str
    profile: str
    items: int = 0
    labels: dict[str, str] = field(default_factory=dict)

    def part_suffix(self, index: int, total: int) -> str:
        """`` (2/3)`` after the title of a digest sent in several messages ("" for one)."""
        if total <= 1:
            return ""
        words = _PART["zh" if self.language.startswith("zh") else "en"]
        return words.format(index=index, total=total)

    @property
    def full_label(self) -> str:
        return _FULL["zh" if self.language.startswith("zh") else "en"]


def digest_url(settings: Settings, digest: Digest) -> str:
    """The digest's page on the published site: ``[publish] base_url`` followed by the Hugo
    address of its post (``content/posts/2026-02-12.md`` -> ``posts/2026-02-12/``)."""
    try:
        path = post_filename(digest, settings.post_path_for(settings.profile))
    except Exception:  # a profile the settings do not name: the default pattern
        path = post_filename(digest)
    relative = path.removeprefix("content/").removesuffix(".md").removesuffix("/index")
    return settings.publish.base_url + relative.strip("/") + "/"


def build_content(digest: Digest, url: str) -> Content:
    """The digest as :class:`Content` (see the module's docstring)."""
    context = digest_context(digest)
    labels = labels_for(digest.language)
    sections: list[Section] = []
    for item in context["items"]:
        entries = tuple(
            Entry(_plain_label(bullet.label), bullet.text, tuple(bullet.subs))
            for bullet in item.bullets
        )
        sections.append(
            Section(
                key=f"item-{item.number}",
                heading=f"{item.number}) {item.heading}",
                sources=tuple(url for url in dict.fromkeys(item.item.sources) if url.strip()),
                note=f"{labels.note}{labels.colon}{item.note}" if item.note else "",
                entries=entries,
            )
        )
    if not sections:  # a quiet day: say so where the items would be
        sections.append(Section(key="no-items", heading="", entries=(Entry("", labels.no_items),)))
    for key, title, rows, empty in (
        ("trends", labels.trends, context["trends"], labels.no_trends),
        ("watch", labels.watch, context["watch"], labels.no_watch),
    ):
        entries = tuple(Entry(_plain_label(r.lead), r.text, (), r.number) for r in rows)
        sections.append(Section(key=key, heading=title, entries=entries or (Entry("", empty),)))
    return Content(
        title=digest.title,
        tagline=context["tagline"],
        banner=context["banner"],
        sections=tuple(sections),
        url=url,
        language=digest.language,
        date=digest.date,
        profile=digest.profile,
        items=len(context["items"]),
        labels={"source": labels.source, "colon": labels.colon, "no_items": labels.no_items},
    )


def _plain_label(label: str) -> str:
    """A label as plain text (the view escapes ``*`` and leading markers for Markdown)."""
    return label.replace("\\*", "*").replace("\\", "")


def pack(
    content: Content,
    fits: Callable[[Sequence[Section], bool], bool],
) -> list[list[Section]]:
    """The sections grouped into messages, in order, each message as full as ``fits`` allows.

    ``fits(sections, first)`` says whether one message holding ``sections`` (the first
    message also carries the digest's head) is within the platform's limits. A section never
    spans two messages; one that fits no message on its own is replaced by the longest of its
    :meth:`Section.shortened_versions` that does (the last resort is sent even if over, and the
    platform's refusal is then reported)."""
    messages: list[list[Section]] = []
    current: list[Section] = []
    for section in content.sections:
        first = not messages
        if fits([*current, section], first):
            current.append(section)
            continue
        if current:
            messages.append(current)
            current = []
            first = False
        if fits([section], first):
            current = [section]
            continue
        versions = section.shortened_versions(content.url, content.language)
        chosen = next(
            (v for v in versions if fits([v], first)), versions[-1] if versions else section
        )
        current = [chosen]
    if current or not messages:
        messages.append(current)
    return messages
