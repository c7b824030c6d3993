"""Render a digest as a Hugo Markdown post, and name the post's file.

The packaged templates are ``render/templates/digest.md.j2`` and its ``partials/``; a
``template_dir`` given by the user shadows them file by file (a Jinja2 ``ChoiceLoader``), so
overriding only ``partials/item.md.j2`` keeps everything else. Templates get the context built
by :func:`deepdaily.render.view.digest_context` and the filters ``md`` (one safe Markdown line),
``toml`` (a TOML literal) and ``url``. Undefined names are errors (``StrictUndefined``); there is
no HTML autoescaping, Markdown safety is the view's and the filters' job. The settings key
``post_path`` (default ``content/posts/{date}.md``) names the file, see :func:`post_filename`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
)

from deepdaily.errors import ConfigError
from deepdaily.models import Digest
from deepdaily.render.sanitise import md_text, md_url, toml_value
from deepdaily.render.view import digest_context

__all__ = ["DIGEST_TEMPLATE", "post_filename", "render_markdown"]

DIGEST_TEMPLATE = "digest.md.j2"
_BLANK_RUNS_RE = re.compile(r"\n{3,}")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@lru_cache(maxsize=8)
def _environment(template_dir: str | None) -> Environment:
    loaders: list[BaseLoader] = [FileSystemLoader(template_dir)] if template_dir else []
    loaders.append(PackageLoader("deepdaily.render", "templates"))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md_text, toml=toml_value, url=md_url)
    return env


def _tidy(text: str) -> str:
    """No trailing spaces, no runs of blank lines, exactly one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    return _BLANK_RUNS_RE.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def render_markdown(digest: Digest, *, template_dir: Path | None = None) -> str:
    """The digest as a Hugo post (TOML front matter, then Markdown).

    Raises ``ValueError`` if ``digest.published_at`` has no timezone offset, and Jinja2's
    ``TemplateError`` for a broken override template.
    """
    env = _environment(str(Path(template_dir).resolve()) if template_dir else None)
    return _tidy(env.get_template(DIGEST_TEMPLATE).render(digest_context(digest)))


def post_filename(digest: Digest, pattern: str = "content/posts/{date}.md") -> str:
    """The post's path relative to the site, from the ``post_path`` pattern.

    Placeholders: ``{date}`` (``YYYY-MM-DD``), ``{year}``, ``{month}``, ``{day}``, ``{profile}``
    and ``{language}``.
    """
    match = _DATE_RE.match(digest.date)
    if not match:
        raise ValueError(f"digest date {digest.date!r} is not YYYY-MM-DD")
    year, month, day = match.groups()
    values = {
        "date": digest.date,
        "year": year,
        "month": month,
        "day": day,
        "profile": digest.profile,
        "language": digest.language,
    }
    try:
        path = pattern.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"post_path: cannot use {pattern!r} ({exc}); placeholders are "
            + ", ".join("{" + key + "}" for key in values)
        ) from None
    if path.startswith("/") or ".." in Path(path).parts:
        raise ConfigError(f"post_path: {path!r} must stay inside the site directory")
    return path
