"""RSS 2.0 and Atom feeds of a profile's published digests, written with feedgen.

One entry per published digest, newest date first, at most ``[publish] feed_items``. Each entry
carries the whole digest as HTML (:func:`deepdaily.publish.html.body_html`; RSS
``content:encoded`` beside a plain-text ``description``, Atom ``content type="html"`` beside a
``summary``) and is identified by a ``tag:`` URI built from the host of ``[publish] base_url``,
the profile and the date (:func:`tag_uri`), so re-publishing a day, or moving the files, never
makes a reader see it twice. Every date in a feed comes from the store (when a digest was
published, when its content last changed), never from the clock, so the same digests give the
same bytes and an unchanged feed is not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from deepdaily import __version__

__all__ = ["FeedEntry", "FeedInfo", "atom_feed", "feed_tag_uri", "rss_feed", "tag_uri"]


def tag_uri(host: str, profile: str, date: str) -> str:
    """The stable identity of a digest in the feeds (RFC 4151):
    ``tag:HOST,DATE:deepdaily/PROFILE/DATE``."""
    return f"tag:{host},{date}:deepdaily/{profile}/{date}"


def feed_tag_uri(host: str, profile: str) -> str:
    """The identity of a profile's feed: ``tag:HOST,2026:deepdaily/PROFILE`` (the year is
    a fixed part of the name, not a date that changes)."""
    return f"tag:{host},2026:deepdaily/{profile}"


@dataclass(frozen=True)
class FeedEntry:
    """One published digest as a feed entry."""

    guid: str
    title: str
    link: str  # the post on the site
    published: datetime  # the digest's own date and hour (front matter)
    updated: datetime  # when its published content last changed
    summary: str  # plain text
    html: str  # the whole digest


@dataclass(frozen=True)
class FeedInfo:
    """The feed itself: title, description, the site's address, its own address, language."""

    id: str
    title: str
    description: str
    site_url: str
    rss_url: str
    atom_url: str
    language: str


def _generator(info: FeedInfo, entries: list[FeedEntry], self_url: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(info.id)
    feed.title(info.title)
    feed.description(info.description or info.title)
    feed.subtitle(info.description or info.title)
    feed.language(info.language)
    feed.generator("deepdaily", version=__version__)
    feed.link(href=self_url, rel="self")
    feed.link(href=info.site_url, rel="alternate")  # last: feedgen makes it the RSS <link>
    newest = max((e.updated for e in entries), default=None)
    if newest is not None:
        feed.updated(newest)  # lastBuildDate / atom:updated: from the store, not the clock
    for entry in reversed(entries):  # feedgen prepends: the newest ends up first
        item = feed.add_entry()
        item.id(entry.guid)
        item.guid(entry.guid, permalink=False)
        item.title(entry.title)
        item.link(href=entry.link, rel="alternate")
        item.published(entry.published)
        item.updated(entry.updated)
        item.summary(entry.summary)
        item.description(entry.summary)
        item.content(entry.html, type="CDATA")
    return feed


def rss_feed(info: FeedInfo, entries: list[FeedEntry]) -> bytes:
    """The RSS 2.0 document (``entries`` newest first)."""
    feed = _generator(info, entries, info.rss_url)
    return bytes(feed.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def atom_feed(info: FeedInfo, entries: list[FeedEntry]) -> bytes:
    """The Atom 1.0 document (``entries`` newest first)."""
    feed = _generator(info, entries, info.atom_url)
    # feedgen writes entries' content as given: Atom wants type="html" text, escaped.
    for item in feed.entry():
        html = item.content()["content"]
        item.content(html, type="html")
    return bytes(feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))
