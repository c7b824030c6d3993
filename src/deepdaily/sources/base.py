"""The source seam: what a source type is, the registry, and ``collect_source``.

A source type turns one configured :class:`~deepdaily.config.SourceSpec` into
:class:`~deepdaily.models.Entry` records. Each type lives in its own module and registers itself
with :func:`register_source_type`; adding a type is adding a module. A type has two methods:
``collect`` (fetch and parse, honouring the previous run's validators) and ``parse`` (turn an
already fetched response into entries), which lets :func:`collect_source` resolve ``type =
"auto"`` by sniffing the body it fetched once.

The fetch itself is governed by the ``[fetch]`` settings through the given
:class:`~deepdaily.fetch.Fetcher`. What a type returns is bounded by
:func:`~deepdaily.sources.limits.admit_entries` before anyone sees it: at most
``[fetch] max_entries`` entries, fields cut to their caps, and only entries whose link is a
valid ``http(s)`` URL (or, for a local source, a local file); each refused entry is listed in
:attr:`Collected.refused` with its reason. Parsing is CPU work: the built-in types, type
sniffing and the bounds run in one parser thread (:func:`off_loop`), so a huge feed never stalls
the event loop that fetches the other sources.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import ClassVar, ParamSpec, Protocol, TypeVar

from deepdaily.config import SourceSpec
from deepdaily.errors import ConfigError, ParseError
from deepdaily.fetch import Fetcher, FetchResponse
from deepdaily.models import Entry
from deepdaily.sources.limits import admit_entries, load_json, refusal_warnings

__all__ = [
    "Collected",
    "FetchedSource",
    "SourceType",
    "Validators",
    "collect_source",
    "get_source_type",
    "off_loop",
    "register_source_type",
    "registered_types",
    "root_element",
    "root_name",
    "sniff_type",
]


@dataclass(frozen=True)
class Validators:
    """The conditional-GET validators a source answered with last time."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Collected:
    """What collecting one source produced. ``skipped`` counts records that were unusable;
    ``warnings`` are one-line problems of the source (bytes replaced in decoding, entries
    refused or over the cap); ``refused`` has one line per refused entry, ``"<url>: <why>"``;
    ``dropped`` counts the entries over ``[fetch] max_entries``."""

    entries: list[Entry]
    validators: Validators
    not_modified: bool
    status: int | None
    final_url: str
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dropped: int = 0  # items over [fetch] max_entries, left unread


class SourceType(Protocol):
    """One kind of source (``feed``, ``html``...)."""

    name: ClassVar[str]

    async def collect(
        self, spec: SourceSpec, fetcher: Fetcher, validators: Validators
    ) -> Collected:
        """Fetch ``spec.url`` (conditionally) and return its entries."""
        ...

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        """Entries of an already fetched ``response`` (may fetch more, e.g. forum topics)."""
        ...


class FetchedSource:
    """Base for types whose ``collect`` is "fetch ``spec.url``, then ``parse``"."""

    name: ClassVar[str] = ""

    def source_url(self, spec: SourceSpec) -> str:
        """The URL to fetch for ``spec`` (a type may rewrite it, e.g. append ``latest.json``)."""
        return spec.url

    async def collect(
        self, spec: SourceSpec, fetcher: Fetcher, validators: Validators
    ) -> Collected:
        response = await fetcher.get(
            self.source_url(spec), etag=validators.etag, last_modified=validators.last_modified
        )
        if response.not_modified:
            return unchanged(response, validators)
        return await self.parse(spec, response, fetcher)

    async def parse(self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher) -> Collected:
        raise NotImplementedError


def unchanged(response: FetchResponse, validators: Validators) -> Collected:
    """The result for a ``304``: nothing new, validators kept."""
    return Collected(
        entries=[],
        validators=Validators(
            response.etag or validators.etag, response.last_modified or validators.last_modified
        ),
        not_modified=True,
        status=response.status,
        final_url=response.final_url,
    )


def collected(
    response: FetchResponse, entries: list[Entry], skipped: int = 0, *, decoding: str = ""
) -> Collected:
    """The result for a fetched and parsed body; ``decoding`` is the decoder's warning."""
    return Collected(
        entries=entries,
        validators=Validators(response.etag, response.last_modified),
        not_modified=False,
        status=response.status,
        final_url=response.final_url,
        skipped=skipped,
        warnings=[f"{response.url}: {decoding}"] if decoding else [],
    )


_REGISTRY: dict[str, type[SourceType]] = {}
T = TypeVar("T", bound=type[SourceType])


def register_source_type(cls: T) -> T:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    if not getattr(cls, "name", ""):
        raise TypeError(f"{cls.__name__} needs a non-empty class attribute 'name'")
    _REGISTRY[cls.name] = cls
    return cls


def _load_builtin_types() -> None:
    # Importing the modules registers them; done lazily to keep imports acyclic.
    from deepdaily.sources import discourse, feed, html, jsonl  # noqa: F401


def registered_types() -> list[str]:
    _load_builtin_types()
    return sorted(_REGISTRY)


def get_source_type(name: str) -> SourceType:
    """An instance of the source type registered as ``name``."""
    _load_builtin_types()
    try:
        return _REGISTRY[name]()
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown source type {name!r} (known: {known}, auto)") from None


_ROOT = re.compile(rb"<\s*([A-Za-z][\w:.-]*)")
_SKIP_PROLOG = re.compile(
    rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf"})
_FEED_TYPES = ("rss", "atom", "rdf")


def root_name(body: bytes) -> bytes:
    """The name of the first element of an XML or HTML body as written (``b""`` if none)."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:65536]
    prolog = _SKIP_PROLOG.match(head)
    match = _ROOT.match(head[prolog.end() if prolog else 0 :])
    return match.group(1) if match else b""


def root_element(body: bytes) -> str:
    """The lower-case name of the first element of an XML or HTML body (``""`` if none)."""
    return root_name(body).decode("ascii", "replace").lower()


def sniff_type(response: FetchResponse) -> str:
    """The source type name a fetched body looks like; :class:`ParseError` if none fits."""
    url = response.url
    body = response.body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        raise ParseError(f"{url}: empty body", url=url)
    path = response.final_url.lower().split("?")[0]
    if (
        path.endswith((".jsonl", ".ndjson"))
        or "jsonl" in response.content_type
        or ("ndjson" in response.content_type)
    ):
        return "jsonl"
    if body[:1] in (b"{", b"["):
        return _sniff_json(url, body)
    if body[:1] == b"<":
        root = root_element(body)
        if root in _FEED_ROOTS or root.endswith(":rdf"):
            return "feed"
        if root == "opml":
            raise ParseError(f"{url}: an OPML file, not a source: import it instead", url=url)
        if root == "html" or "html" in response.content_type:
            return "html"
        if any(kind in response.content_type for kind in _FEED_TYPES) or "xml" in root:
            return "feed"
        return "html"
    raise ParseError(f"{url}: cannot tell the source type; set type in the config", url=url)


def _sniff_json(url: str, body: bytes) -> str:
    try:
        data = load_json(body, label=url)
    except ParseError:
        first = body.split(b"\n", 1)[0]
        load_json(first, label=url)  # a file whose first line is JSON is JSON Lines
        return "jsonl"
    if isinstance(data, dict):
        if "topic_list" in data or "post_stream" in data:
            return "discourse"
        if str(data.get("version", "")).startswith("https://jsonfeed.org/version"):
            return "feed"
        if "url" in data and "title" in data:
            return "jsonl"  # a single-record JSONL file
    raise ParseError(f"{url}: JSON that is neither a JSON Feed nor a Discourse list", url=url)


async def collect_source(
    spec: SourceSpec, fetcher: Fetcher, validators: Validators | None = None
) -> Collected:
    """Collect one source, detecting its type from the body when ``spec.type`` is ``auto``;
    the entries are bounded by :func:`~deepdaily.sources.limits.admit_entries`."""
    validators = validators or Validators()
    if spec.type != "auto":
        found = await get_source_type(spec.type).collect(spec, fetcher, validators)
    else:
        response = await fetcher.get(
            spec.url, etag=validators.etag, last_modified=validators.last_modified
        )
        if response.not_modified:
            return unchanged(response, validators)
        kind = await off_loop(sniff_type, response)
        found = await get_source_type(kind).parse(spec, response, fetcher)
    admitted = await off_loop(
        admit_entries,
        found.entries,
        source_url=found.final_url,
        max_entries=max(0, fetcher.settings.max_entries),
    )
    listed = len(found.entries) + found.dropped
    found.entries = admitted.entries
    found.dropped += admitted.dropped
    found.refused.extend(admitted.refused)
    found.warnings.extend(refusal_warnings(found.refused, dropped=found.dropped, listed=listed))
    return found


#: One thread parses, for every source in turn: parsing is CPU work, and one thread beside
#: the event loop leaves the loop (and the other sources' deadlines) its share of the GIL.
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="deepdaily-parse")
P = ParamSpec("P")
R = TypeVar("R")


async def off_loop(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``func(*args, **kwargs)`` run in the parser thread, awaited from the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_PARSER, functools.partial(func, *args, **kwargs))
