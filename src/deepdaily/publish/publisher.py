"""Publish the digest stored for a profile and day: the Hugo post, the feeds, the page, the JSON.

:func:`publish_digest` reads the digest the store holds for ``settings.profile`` and ``day``
(its JSON is the source of truth: it already carries an editor's changes), renders it with the
same renderers a run uses, and writes:

- the Hugo post into the site, ``[publish] site_dir`` (default ``output_dir``) at
  ``post_path`` (``content/posts/{date}.md``);
- under ``output_dir``: the JSON beside where the post goes there
  (``content/posts/{date}.json``), the standalone HTML page ``html/{date}.html``, and the RSS
  2.0 and Atom feeds of the profile's published digests, ``feeds/index.xml`` and
  ``feeds/atom.xml`` (a profile other than the default one: ``feeds/PROFILE/…``); when
  ``site_dir`` is a Hugo site, the feeds go into its ``static/feeds/`` too, so the site serves
  them at the address they name (``BASE/feeds/index.xml``) and its pages link them.

Every file goes through :func:`deepdaily.fileio.write_atomic`, and only when its bytes change:
publishing an unchanged digest again rewrites nothing, and its feed entries keep their ids and
dates. A draft not approved, or a day with nothing stored, is refused with one
:class:`~deepdaily.errors.PublishError` line. The files are written first, then the digest is
marked published (:meth:`deepdaily.store.Store.mark_published`); then, if asked
(``[publish] build``/``commit`` or ``build=``/``commit=``), ``hugo`` builds the site and the
files written are committed to git (never pushed).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from deepdaily.config import Settings
from deepdaily.errors import PublishError
from deepdaily.fileio import write_atomic
from deepdaily.models import Digest
from deepdaily.publish.feeds import (
    FeedEntry,
    FeedInfo,
    atom_feed,
    feed_tag_uri,
    rss_feed,
    tag_uri,
)
from deepdaily.publish.html import body_html, page_html
from deepdaily.publish.tools import build_site, commit_files
from deepdaily.render import post_filename, render_json, render_markdown
from deepdaily.store import Store

__all__ = [
    "PublishResult",
    "PublishTargets",
    "publish_digest",
    "site_title",
    "targets_for",
    "write_post",
]


@dataclass
class PublishResult:
    """What :func:`publish_digest` did: every path it manages, and those it (re)wrote."""

    profile: str
    date: str
    post: Path
    json: Path
    html: Path
    rss: Path
    atom: Path
    written: list[Path] = field(default_factory=list)  # changed on disk by this publish
    published_at: datetime | None = None  # when this content was first published
    built: Path | None = None  # hugo's output folder, when built
    commit: str | None = None  # the git commit made, when committed

    @property
    def paths(self) -> list[Path]:
        return [self.post, self.json, self.html, self.rss, self.atom]

    @property
    def changed(self) -> bool:
        return bool(self.written)


@dataclass(frozen=True)
class PublishTargets:
    """Where the files of one digest of a profile go (see the module docstring)."""

    post: Path
    json: Path
    html: Path
    rss: Path
    atom: Path
    permalink: str  # the post's address on the site
    relative: str  # the post's path inside the site


def _permalink(relative: str, base_url: str) -> str:
    """The address Hugo gives the post at ``relative`` (``content/posts/D.md`` ->
    ``BASE/posts/D/``; Hugo lower-cases paths)."""
    parts = PurePosixPath(relative).with_suffix("").parts
    if parts and parts[0] == "content":
        parts = parts[1:]
    return base_url + "/".join(parts).lower() + "/"


def _feed_dir(settings: Settings) -> Path:
    base = settings.output_dir / "feeds"
    if settings.profile.name == settings.default_profile.name:
        return base
    return base / settings.profile.name


#: The files that make a directory a Hugo site.
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml")


def _served_feeds(settings: Settings, targets: PublishTargets) -> tuple[Path, Path] | None:
    """Where the Hugo site serves the feeds (``static/feeds/…``, so they are at the address
    the feeds name, ``BASE/feeds/index.xml``), when ``site_dir`` is a Hugo site."""
    site = settings.site_dir
    if not any((site / name).is_file() for name in _HUGO_CONFIGS):
        return None
    static = site / "static" / targets.rss.parent.relative_to(settings.output_dir)
    return static / targets.rss.name, static / targets.atom.name


def targets_for(settings: Settings, digest: Digest) -> PublishTargets:
    """The paths of ``digest``'s files for ``settings`` (its profile, site and output dir)."""
    relative = post_filename(digest, settings.post_path_for(settings.profile))
    feeds = _feed_dir(settings)
    return PublishTargets(
        post=settings.site_dir / relative,
        json=(settings.output_dir / relative).with_suffix(".json"),
        html=settings.output_dir / "html" / PurePosixPath(relative).with_suffix(".html").name,
        rss=feeds / "index.xml",
        atom=feeds / "atom.xml",
        permalink=_permalink(relative, settings.publish.base_url),
        relative=relative,
    )


def _write(path: Path, data: str | bytes, written: list[Path]) -> None:
    """Write ``path`` atomically unless it already holds exactly ``data``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.is_file() and path.read_bytes() == raw:
            return
    except OSError:
        pass
    try:
        write_atomic(path, raw)
    except OSError as exc:
        raise PublishError(f"cannot write {path}: {exc.strerror or exc}") from None
    written.append(path)


def write_post(settings: Settings, digest: Digest, markdown: str, json_text: str) -> list[Path]:
    """Write the post and its JSON where :func:`publish_digest` puts them (unless they hold
    these bytes already); return the paths written. A run calls it before storing the digest,
    so a crash between the two leaves files the next run finds as they should be."""
    targets = targets_for(settings, digest)
    written: list[Path] = []
    _write(targets.json, json_text, written)
    _write(targets.post, markdown, written)
    return written


def _load(json_text: str, profile: str, day: str) -> Digest:
    try:
        return Digest.model_validate_json(json_text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PublishError(
            f"the stored digest of {day} (profile {profile}) is not a valid digest: "
            f"{where}: {first['msg']}"
        ) from None


_PLACEHOLDER_RE = re.compile(r"\{[a-z_]+\}")


def site_title(settings: Settings) -> str:
    """The profile's title without its date: "AI 技术深度日报｜{date}" -> "AI 技术深度日报"."""
    stripped = _PLACEHOLDER_RE.sub("", settings.profile.title_template)
    return stripped.strip(" \t|｜-–—:：·/") or "deepdaily"


def _summary(digest: Digest) -> str:
    """A plain-text summary: the tagline, then the items' titles."""
    titles = "; ".join(item.title for item in digest.items)
    return " ".join(part for part in (digest.tagline.strip(), titles) if part)


def _entries(
    settings: Settings, store: Store, current: Digest, current_at: datetime, markdown: str
) -> list[FeedEntry]:
    """The feed entries, newest date first: the stored published digests of the profile, with
    the one being published in its new form."""
    profile = settings.profile.name
    rows = store.published_digests(profile, limit=settings.publish.feed_items + 1)
    entries: dict[str, FeedEntry] = {}
    for row in rows:
        if row["date"] == current.date or not row["published_json"]:
            continue
        try:
            digest = Digest.model_validate_json(row["published_json"])
        except ValidationError:
            continue  # a damaged old row leaves the feed, not the publish
        old_markdown = render_markdown(digest, template_dir=settings.template_dir)
        entries[digest.date] = _entry(
            settings, digest, old_markdown, row["published_at"] or digest.generated_at
        )
    entries[current.date] = _entry(settings, current, markdown, current_at)
    newest = sorted(entries.values(), key=lambda e: e.published, reverse=True)
    return newest[: settings.publish.feed_items]


def _entry(settings: Settings, digest: Digest, markdown: str, updated: datetime) -> FeedEntry:
    targets = targets_for(settings, digest)
    return FeedEntry(
        guid=tag_uri(settings.publish.host, digest.profile, digest.date),
        title=digest.title,
        link=targets.permalink,
        published=digest.published_at,
        updated=_aware(updated),
        summary=_summary(digest),
        html=body_html(markdown, settings.publish.base_url),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _feed_info(settings: Settings, targets: PublishTargets) -> FeedInfo:
    base = settings.publish.base_url
    feeds = _feed_dir(settings).relative_to(settings.output_dir).as_posix()
    profile = settings.profile
    return FeedInfo(
        id=feed_tag_uri(settings.publish.host, profile.name),
        title=site_title(settings),
        description=profile.tagline_text,
        site_url=base,
        rss_url=f"{base}{feeds}/index.xml",
        atom_url=f"{base}{feeds}/atom.xml",
        language="zh-CN" if profile.language.startswith("zh") else profile.language,
    )


def publish_digest(
    settings: Settings,
    store: Store,
    day: date,
    *,
    build: bool | None = None,
    commit: bool | None = None,
) -> PublishResult:
    """Publish the digest stored for ``settings.profile`` and ``day`` (module docstring).

    ``build``/``commit`` override ``[publish] build``/``commit`` for this call. Raises
    :class:`PublishError` when nothing is stored for the day, when it is a draft not yet
    approved, and when a file cannot be written or ``hugo``/``git`` fails.
    """
    profile = settings.profile.name
    key = day.isoformat()
    row = store.digest(profile, key)
    if row is None:
        raise PublishError(
            f"no digest stored for {key} (profile {profile}): make it first with "
            f"`deepdaily run --date {key}`"
        )
    if row["status"] == "draft":
        raise PublishError(
            f"the digest of {key} (profile {profile}) is a draft not yet approved: review it "
            f"with `deepdaily serve`, or release it with `deepdaily publish --approve {key}`"
        )
    digest = _load(row["json"], profile, key)
    markdown = render_markdown(digest, template_dir=settings.template_dir)
    json_text = render_json(digest)
    content_hash = hashlib.sha256(markdown.encode("utf-8")).hexdigest()
    kept = row.get("published_at") if row.get("published_hash") == content_hash else None
    published_at = _aware(kept) if kept is not None else datetime.now(UTC).replace(microsecond=0)

    targets = targets_for(settings, digest)
    result = PublishResult(
        profile=profile,
        date=key,
        post=targets.post,
        json=targets.json,
        html=targets.html,
        rss=targets.rss,
        atom=targets.atom,
        published_at=published_at,
    )
    written = result.written
    written += write_post(settings, digest, markdown, json_text)
    page = page_html(
        digest,
        markdown,
        base_url=settings.publish.base_url,
        permalink=targets.permalink,
        site_title=site_title(settings),
    )
    _write(targets.html, page, written)
    entries = _entries(settings, store, digest, published_at, markdown)
    info = _feed_info(settings, targets)
    rss, atom = rss_feed(info, entries), atom_feed(info, entries)
    _write(targets.rss, rss, written)
    _write(targets.atom, atom, written)
    served = _served_feeds(settings, targets)
    if served is not None:  # the Hugo site serves them at the address the feeds give
        _write(served[0], rss, written)
        _write(served[1], atom, written)
    store.mark_published(
        profile, key, markdown=markdown, json_text=json_text, published_at=published_at
    )

    if settings.publish.build if build is None else build:
        result.built = build_site(settings.site_dir, settings.publish.hugo)
    if settings.publish.commit if commit is None else commit:
        result.commit = commit_files(  # this digest's files only; git skips the unchanged
            [path for path in result.paths if path.is_file()],
            f"deepdaily: publish {profile} {key}",
        )
    return result
