"""Helpers for the publishing tests: settings in a temporary folder, digests stored in a real
SQLite store (made from the hand-written golden digest, one per day), and an HTML reader that
collects a page's headings and links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from deepdaily.config import Settings, load_settings
from deepdaily.models import Digest
from deepdaily.render import render_json, render_markdown
from deepdaily.store import Store

GOLDEN = Path(__file__).parent / "golden"
BASE_URL = "https://digest.example.org/"


def publish_settings(tmp_path: Path, **publish: Any) -> Settings:
    """Settings writing into ``tmp_path/out`` with a store in ``tmp_path``; ``publish`` is laid
    over ``[publish]`` (base_url defaults to :data:`BASE_URL`)."""
    return load_settings(
        None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "publish": {"base_url": BASE_URL, **publish},
        },
    )


def digest_for(day: date, profile: str = "zh", **changes: Any) -> Digest:
    """The golden Chinese digest moved to ``day`` (title, dates) for ``profile``."""
    golden = Digest.model_validate_json((GOLDEN / "digest-zh.input.json").read_text("utf-8"))
    shift = day - date.fromisoformat(golden.date)
    published = golden.published_at + shift
    return golden.model_copy(
        update={
            "date": day.isoformat(),
            "profile": profile,
            "title": f"AI 技术深度日报｜{day.isoformat()}",
            "published_at": published,
            "window_start": golden.window_start + shift,
            "window_end": golden.window_end + shift,
            "generated_at": golden.generated_at + shift,
            **changes,
        }
    )


def store_digest(store: Store, digest: Digest, status: str = "approved") -> None:
    """Save ``digest`` as a run of its day would (a run row first, then the digest)."""
    run_id = f"run-{digest.date}-{datetime.now().timestamp():.6f}".replace(".", "")
    store.start_run(run_id, digest.profile, digest.date)
    store.save_digest(
        digest,
        run_id=run_id,
        path=f"content/posts/{digest.date}.md",
        markdown=render_markdown(digest),
        json_text=render_json(digest),
        status=status,
    )


def days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


class PageReader(HTMLParser):
    """Headings (tag, text), link targets (unquoted) and the tags met, of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.tags: list[str] = []
        self._heading: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(unquote(href))

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == self._heading[0]:
            self.headings.append((tag, "".join(self._heading[1]).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)


def read_page(path: Path) -> PageReader:
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader
