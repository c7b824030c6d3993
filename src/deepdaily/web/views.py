"""What the review pages show, prepared for the templates (no framework here).

- the draft as the reader will see it: the stored post's Markdown turned into HTML by the
  published page's own converter and stylesheet (:mod:`deepdaily.publish.html`, so the draft
  looks like the page it becomes); without the publish package, by markdown-it-py here. Either
  way raw HTML in the Markdown is escaped, not passed through, and only http(s), mailto and
  relative links are made clickable;
- the candidates' score breakdown rows;
- the manifest's headline figures.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from markdown_it import MarkdownIt

from deepdaily.models import Selection

__all__ = ["SCORE_COLUMNS", "digest_css", "draft_html", "manifest_summary", "score_row"]

_FRONT_MATTER = re.compile(r"\A\s*(\+\+\+|---)\n.*?\n\1\s*\n", re.DOTALL)
_SAFE_LINK = re.compile(r"^(https?:|mailto:|/|#|\./|\.\./)", re.IGNORECASE)

#: The score columns of the candidates table: (label, ScoreBreakdown field).
SCORE_COLUMNS = (
    ("total", "total"),
    ("authority", "authority"),
    ("coverage", "coverage"),
    ("relevance", "relevance"),
    ("recency", "recency"),
    ("novelty", "novelty"),
    ("diversity −", "diversity_penalty"),
)


@functools.cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return md


def draft_html(markdown: str, base_url: str) -> str:
    """The post's body as HTML (safe to insert: raw HTML in it is escaped)."""
    try:
        from deepdaily.publish.html import body_html
    except ImportError:
        body = _FRONT_MATTER.sub("", markdown, count=1)
        return str(_markdown().render(body))
    return body_html(markdown, base_url)


def digest_css() -> str:
    """The published page's stylesheet, for the draft ("" without the publish package)."""
    try:
        from deepdaily.publish.html import digest_css as published_css
    except ImportError:
        return ""
    return published_css()


def score_row(sel: Selection) -> list[str]:
    """The score columns of one candidate, formatted."""
    return [f"{getattr(sel.score, name):.2f}" for _, name in SCORE_COLUMNS]


def manifest_summary(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """Headline lines of a run manifest (label, value)."""
    if not manifest:
        return []
    timings = manifest.get("timings") or []
    sources = manifest.get("sources") or []
    ok = sum(1 for s in sources if s.get("ok"))
    llm = manifest.get("llm") or {}
    lines = [
        ("run", str(manifest.get("run_id", ""))),
        ("window", f"{manifest.get('window_start', '')} – {manifest.get('window_end', '')}"),
        ("engine", str(manifest.get("engine", ""))),
        ("documents in window", str(manifest.get("documents_in_window", 0))),
        ("events", str(manifest.get("events", 0))),
        (
            "selected",
            f"{len(manifest.get('selected') or [])} (rejected {manifest.get('rejected', 0)})",
        ),
        (
            "sources",
            f"{ok} ok, {len(sources) - ok} failed" if sources else "not fetched by this run",
        ),
        ("time", " · ".join(f"{t['stage']} {t['seconds']:.2f} s" for t in timings)),
    ]
    if llm.get("calls") is not None:
        lines.append(
            (
                "LLM",
                f"{llm['calls']} calls, {llm.get('cache_hits', 0)} cached, tokens "
                f"{llm.get('tokens_in', 0)} in / {llm.get('tokens_out', 0)} out",
            )
        )
    return lines
