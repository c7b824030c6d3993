"""``deepdaily site init DIR``: a minimal Hugo site that shows the digests with no theme.

Writes ``hugo.toml`` (``baseURL`` from ``[publish] base_url``, the profile's title, language
and tagline), the layouts packaged under ``publish/site/layouts`` (``_default/baseof.html``,
``list.html``, ``single.html``, ``index.html`` and a ``digest-list`` partial), the stylesheet
``static/css/digest.css`` (the one the standalone pages inline, ``templates/digest.css``), an
archive page ``content/posts/_index.md`` and a ``.gitignore`` for Hugo's output. Goldmark keeps
raw HTML off (``unsafe = false``), so nothing from a source reaches the page as markup.

A directory that holds anything is refused unless ``force``: then only the files above are
overwritten, nothing else is touched. Every file is written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from deepdaily.errors import PublishError
from deepdaily.fileio import write_atomic
from deepdaily.publish.html import digest_css
from deepdaily.render.sanitise import toml_value

__all__ = ["SiteInit", "init_site"]

_ARCHIVE_TITLES = {"zh": "往期日报", "en": "All digests"}
_EMPTY = {"zh": "还没有发布的日报。", "en": "No digest published yet."}


@dataclass
class SiteInit:
    """The site written by :func:`init_site`."""

    root: Path
    files: list[Path] = field(default_factory=list)


def _layouts() -> list[tuple[str, str]]:
    """(relative path, text) of every packaged layout file."""
    found: list[tuple[str, str]] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = f"{prefix}/{child.name}"
            if child.is_dir():
                walk(child, name)
            elif child.name.endswith(".html"):
                found.append((name, child.read_text(encoding="utf-8")))

    walk(resources.files("deepdaily.publish").joinpath("site", "layouts"), "layouts")
    return found


def hugo_config(*, base_url: str, title: str, language: str, description: str) -> str:
    """The text of ``hugo.toml``."""
    zh = language.startswith("zh")
    lines = [
        "# Written by `deepdaily site init`; `deepdaily publish` writes posts into content/.",
        f"baseURL = {toml_value(base_url)}",
        f"languageCode = {toml_value('zh-CN' if zh else language)}",
        f"title = {toml_value(title)}",
        'disableKinds = ["taxonomy", "term"]',
        "",
        "[params]",
        f"description = {toml_value(description)}",
        f"empty = {toml_value(_EMPTY['zh' if zh else 'en'])}",
        'feed = "feeds/index.xml"  # the full-content RSS `deepdaily publish` writes to static/',
        'atom = "feeds/atom.xml"',
        'footer = "deepdaily"',
        "",
        "[markup.goldmark.renderer]",
        "unsafe = false  # raw HTML in a post is dropped, never rendered",
        "",
    ]
    if zh:
        lines.insert(5, "hasCJKLanguage = true")
    return "\n".join(lines)


def init_site(
    root: Path,
    *,
    base_url: str,
    title: str,
    language: str = "zh",
    description: str = "",
    force: bool = False,
) -> SiteInit:
    """Write the site into ``root`` (see the module docstring); return what was written.

    Raises :class:`PublishError` when ``root`` is a file, or a directory holding anything and
    ``force`` is not set.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise PublishError(f"site init: {root} is a file, not a directory")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise PublishError(
            f"site init: {root} is not empty; choose an empty or new directory, or pass --force "
            "to overwrite the site's own files there"
        )
    zh = language.startswith("zh")
    files: list[tuple[str, str]] = [
        (
            "hugo.toml",
            hugo_config(base_url=base_url, title=title, language=language, description=description),
        ),
        *_layouts(),
        ("static/css/digest.css", digest_css()),
        (
            "content/posts/_index.md",
            f"+++\ntitle = {toml_value(_ARCHIVE_TITLES['zh' if zh else 'en'])}\n+++\n",
        ),
        (".gitignore", "public/\nresources/_gen/\n.hugo_build.lock\n"),
    ]
    result = SiteInit(root=root)
    for relative, text in files:
        path = root / relative
        try:
            write_atomic(path, text)
        except OSError as exc:
            raise PublishError(f"site init: cannot write {path}: {exc.strerror or exc}") from None
        result.files.append(path)
    return result
