"""A digest's Markdown post as HTML: the body of the feeds' entries and the standalone page.

The post (:func:`deepdaily.render.render_markdown`) is converted with markdown-it-py's
CommonMark parser with raw HTML off, so any markup a source smuggled into the text comes out as
text, and link targets go through markdown-it's validation (no ``javascript:`` or ``data:``).
Relative links (an update's link to an earlier post, ``/posts/…``) are made absolute against
``[publish] base_url``, since a feed reader or a saved page has no site to resolve them against;
links leaving the site get ``rel="noopener noreferrer"``. The standalone page
(``templates/page.html.j2``) inlines ``templates/digest.css``, the stylesheet the Hugo site of
``deepdaily site init`` uses too, so both look alike.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from deepdaily.models import Digest

__all__ = ["body_html", "digest_css", "page_html", "strip_front_matter"]

_FRONT_MATTER_RE = re.compile(r"\A\+\+\+\n.*?\n\+\+\+\n", re.DOTALL)


def strip_front_matter(markdown: str) -> str:
    """The post without its TOML front matter (``+++`` … ``+++``)."""
    return _FRONT_MATTER_RE.sub("", markdown, count=1).lstrip("\n")


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _absolute_links(tokens: list[Token], base_url: str) -> None:
    site = urlsplit(base_url).netloc.lower()
    for token in tokens:
        if token.children:
            _absolute_links(token.children, base_url)
        if token.type != "link_open":
            continue
        href = str(token.attrGet("href") or "")
        absolute = urljoin(base_url, href)
        token.attrSet("href", absolute)
        if urlsplit(absolute).netloc.lower() != site:
            token.attrSet("rel", "noopener noreferrer")


def body_html(markdown: str, base_url: str) -> str:
    """The post's body (front matter dropped) as an HTML fragment, links absolute."""
    parser = _parser()
    env: dict[str, object] = {}
    tokens = parser.parse(strip_front_matter(markdown), env)
    _absolute_links(tokens, base_url)
    return str(parser.renderer.render(tokens, parser.options, env))


@cache
def digest_css() -> str:
    """The digest stylesheet (``templates/digest.css``)."""
    return (
        resources.files("deepdaily.publish")
        .joinpath("templates", "digest.css")
        .read_text(encoding="utf-8")
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("deepdaily.publish", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def page_html(
    digest: Digest,
    markdown: str,
    *,
    base_url: str,
    permalink: str,
    site_title: str,
) -> str:
    """The standalone HTML page of ``digest`` (its post ``markdown``), inline CSS."""
    template = _environment().get_template("page.html.j2")
    return template.render(
        title=digest.title,
        lang="zh-CN" if digest.language.startswith("zh") else digest.language,
        date=digest.date,
        published=digest.published_at.isoformat(),
        body=Markup(body_html(markdown, base_url)),  # markdown-it output, raw HTML off
        css=Markup(digest_css()),
        permalink=permalink,
        home=base_url,
        site_title=site_title,
        footer=f"deepdaily · {digest.profile} · {digest.date}",
    )
