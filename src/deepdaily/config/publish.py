"""``[publish]``: where a digest is published and how (:mod:`deepdaily.publish`).

- ``site_dir``: the Hugo site the post is written into (``content/posts/…`` by ``post_path``);
  unset, it is ``output_dir``. Relative to the settings file when written there.
- ``base_url``: the address the site is served at; the feeds' links and the Hugo ``baseURL``
  written by ``deepdaily site init`` come from it, and so does the ``tag:`` URI that identifies
  each digest in the feeds (its host), so set it before readers subscribe.
- ``feed_items``: digests per feed, newest first.
- ``build``/``commit``: run ``hugo`` in the site, and commit the written files to the git
  repository holding them, after every publish (``publish --build/--commit`` for one run).
- ``hugo``: the ``hugo`` command (a name on ``PATH`` or a path).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from deepdaily.config.base import StrictModel

__all__ = ["PublishSettings"]


class PublishSettings(StrictModel):
    site_dir: Path | None = None
    base_url: str = "http://localhost:1313/"
    feed_items: int = Field(default=20, ge=1, le=1000)
    build: bool = False
    commit: bool = False
    hugo: str = Field(default="hugo", min_length=1)

    @field_validator("base_url")
    @classmethod
    def _absolute_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"{value!r} is not an absolute http(s) URL, e.g. 'https://digest.example.org/'"
            )
        if parts.query or parts.fragment:
            raise ValueError(f"{value!r}: a site address has no query or fragment")
        text = value.strip()
        return text if text.endswith("/") else text + "/"

    @property
    def host(self) -> str:
        """The host of ``base_url`` (the authority of the feeds' ``tag:`` URIs)."""
        return (urlsplit(self.base_url).hostname or "localhost").lower()
