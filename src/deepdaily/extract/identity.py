"""Which listed entries become documents: identity by entry URL, sameness by content.

Every entry is identified by its :func:`~deepdaily.extract.urls.entry_url` (the canonical page,
plus a fragment that may name an entry of its own) and fingerprinted by :func:`entry_hash`
(its title, summary, text, HTML body and GUID as the source listed them). :func:`plan_entries`
then sorts a source's entries, in order, into

- **new**: nothing stored under its entry URL, no twin on its page: extracted and stored;
- **changed**: stored under its entry URL by the same source, but the source's text changed
  since: re-extracted and the stored document updated in place (same id and event), which is
  how a document stored as mojibake is repaired once its source is fixed;
- **known**: stored, unchanged (or stored from another source): nothing to do;
- **merged**: another entry of the batch, or a stored document, is on the same page with the
  same content (a navigation anchor, or a URL listed twice): one document, and a :class:`Merge`
  saying which and why. Entries of one page with different content keep their own documents.

So no listed entry disappears silently: it is stored, already stored, or reported as merged.
Nothing here is configurable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from deepdaily.extract.urls import entry_url, page_of
from deepdaily.models import Entry, content_id

__all__ = ["Merge", "Plan", "Planned", "StoredEntry", "entry_hash", "pages_of", "plan_entries"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def entry_hash(entry: Entry) -> str:
    """The fingerprint of an entry's content as its source listed it."""
    return content_id(
        "entry",
        _squash(entry.title),
        _squash(entry.summary),
        _squash(entry.content_text),
        entry.content_html,
        entry.guid,
    )


@dataclass(frozen=True)
class StoredEntry:
    """What the store knows of one document, to tell a listed entry's fate."""

    url: str  # its entry URL (documents.canonical_url)
    source: str
    title: str
    text: str
    entry_hash: str | None  # None for documents stored before entry hashes were kept

    def same_content(self, entry: Entry, fingerprint: str) -> bool:
        """True when ``entry`` lists what this document was made from."""
        if self.entry_hash is not None:
            return self.entry_hash == fingerprint
        # Stored before fingerprints were kept: compare what the document shows.
        text = _squash(entry.content_text)
        return _squash(self.title) == _squash(entry.title) and (
            not text or _squash(self.text) == text
        )


@dataclass(frozen=True)
class Merge:
    """An entry that is not a document of its own, and why."""

    source: str
    url: str  # the entry's URL as listed
    into: str  # the entry URL of the document it is part of
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.url}: {self.reason}"


@dataclass(frozen=True)
class Planned:
    """An entry to extract: ``update`` when it replaces the stored document of ``key``."""

    entry: Entry
    key: str
    fingerprint: str
    update: bool = False


@dataclass
class Plan:
    jobs: list[Planned] = field(default_factory=list)
    known: int = 0
    merges: list[Merge] = field(default_factory=list)


def pages_of(entries: Iterable[Entry]) -> list[str]:
    """The pages the entries are on (what to ask the store about), once each."""
    return list(dict.fromkeys(page_of(entry_url(entry.url)) for entry in entries))


def plan_entries(
    entries: Sequence[Entry], stored: Mapping[str, Sequence[StoredEntry]] | None = None
) -> Plan:
    """Sort ``entries`` (in order) into new, changed, known and merged.

    ``stored`` maps a page (:func:`~deepdaily.extract.urls.page_of`) to the documents stored on
    it; pages with nothing stored may be missing.
    """
    stored = stored or {}
    plan = Plan()
    listed: dict[str, tuple[Entry, str]] = {}  # entry URL -> first entry and its fingerprint
    on_page: dict[str, list[tuple[Entry, str, str]]] = {}  # page -> (entry, key, fingerprint)
    for entry in entries:
        key = entry_url(entry.url)
        page = page_of(key)
        fingerprint = entry_hash(entry)
        if key in listed:
            first, first_print = listed[key]
            why = (
                f"listed twice (same page and content as {first.url})"
                if first_print == fingerprint
                else f"same URL as {first.url} with other content; the first one listed is kept"
            )
            plan.merges.append(Merge(entry.source, entry.url, key, why))
            continue
        twin = next((k for e, k, f in on_page.get(page, ()) if f == fingerprint), None)
        if twin is not None:
            plan.merges.append(
                Merge(entry.source, entry.url, twin, f"same page as {twin}: same title and text")
            )
            continue
        listed[key] = (entry, fingerprint)
        on_page.setdefault(page, []).append((entry, key, fingerprint))
        documents = stored.get(page, ())
        same_url = next((doc for doc in documents if doc.url == key), None)
        if same_url is not None:
            if same_url.source == entry.source and not same_url.same_content(entry, fingerprint):
                plan.jobs.append(Planned(entry, key, fingerprint, update=True))
            else:
                plan.known += 1
            continue
        stored_twin = next((doc for doc in documents if doc.same_content(entry, fingerprint)), None)
        if stored_twin is not None:
            plan.merges.append(
                Merge(
                    entry.source,
                    entry.url,
                    stored_twin.url,
                    f"same page as stored {stored_twin.url}: same title and text",
                )
            )
            continue
        plan.jobs.append(Planned(entry, key, fingerprint))
    return plan
