# ruff: noqa: E501  (HTML templates read better unwrapped)
"""A synthetic, deterministic web for the ingest benchmark.

``generate(root, base_url, feeds=..., pages_per_feed=..., seed=...)`` writes one RSS 2.0 feed per
simulated site and the article pages its entries link to::

    root/s/007/feed.xml               RSS 2.0; entries carry a short summary and a link only
    root/s/007/posts/<slug>.html      a full article page, 30-80 KB of realistic markup

The prose comes from the small phrase grammar below (a technical-news vocabulary filled into
varied sentence templates), so every page is different text of plausible shape. Every random
choice is drawn from a generator seeded with ``(seed, site, page)``: the same seed and sizes
give byte-identical files, apart from ``base_url`` (the loopback port), which appears in links.

:class:`Web` puts the directory behind :class:`deepdaily.testing.FixtureServer` (static files
with ``ETag``/``Last-Modified`` and ``304`` answers to conditional requests) on ``127.0.0.1``,
one server per simulated host, each response delayed uniformly at random as the web is;
:class:`DelayedServer` is a self-contained fallback with the same behaviour, used only when that
class cannot be imported.
"""

from __future__ import annotations

import hashlib
import html
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "Corpus",
    "DelayedServer",
    "Prose",
    "Web",
    "generate",
]

# --------------------------------------------------------------------------------------------
# Vocabulary. Written for this benchmark: the words of a technical news site about AI systems.
# --------------------------------------------------------------------------------------------

_ORGS = [
    "Northwind Labs",
    "Helix Compute",
    "Quarry AI",
    "Bluefin Systems",
    "Arbor Research",
    "Kestrel Cloud",
    "Tessellate",
    "Oakmont Institute",
    "Marlin Data",
    "Ridgeline Networks",
    "Cobalt Robotics",
    "Lumen Forge",
    "Parallax Group",
    "Stratus Foundry",
    "Vantage Silicon",
    "Ember Analytics",
    "Juniper Works",
    "Halcyon Models",
    "Basalt Security",
    "Corvid Labs",
]
_PRODUCTS = [
    "scheduler",
    "inference server",
    "tokenizer",
    "vector index",
    "compiler pass",
    "training loop",
    "evaluation harness",
    "serving stack",
    "kernel library",
    "router",
    "agent framework",
    "retrieval pipeline",
    "quantization toolkit",
    "model registry",
    "batching layer",
    "cache",
    "profiler",
    "data loader",
    "sandbox",
    "orchestrator",
]
_ADJECTIVES = [
    "distributed",
    "open-source",
    "experimental",
    "incremental",
    "lightweight",
    "sparse",
    "speculative",
    "deterministic",
    "multilingual",
    "memory-efficient",
    "fault-tolerant",
    "low-latency",
    "mixed-precision",
    "streaming",
    "asynchronous",
    "sharded",
    "portable",
    "reproducible",
    "self-hosted",
    "hardware-aware",
]
_TOPICS = [
    "long-context reasoning",
    "GPU utilisation",
    "prompt injection",
    "kernel fusion",
    "KV-cache eviction",
    "model distillation",
    "retrieval quality",
    "tail latency",
    "supply-chain security",
    "benchmark contamination",
    "fine-tuning cost",
    "agent reliability",
    "speculative decoding",
    "checkpoint size",
    "tokenizer drift",
    "data deduplication",
    "evaluation leakage",
    "cold-start time",
    "memory bandwidth",
    "cluster scheduling",
]
_METRICS = [
    "throughput",
    "p99 latency",
    "peak memory",
    "accuracy",
    "pass rate",
    "token cost",
    "startup time",
    "error rate",
    "energy use",
    "recall",
    "compile time",
    "queue depth",
]
_SUBJECTS = [
    "the team",
    "the maintainers",
    "the authors",
    "our benchmark",
    "the new release",
    "the patch",
    "the reference implementation",
    "an early adopter",
    "the reviewers",
    "the upstream project",
    "the hosted service",
    "the open model",
    "the baseline",
    "a second run",
    "the migration",
    "the pilot deployment",
]
_VERBS_PAST = [
    "reduced",
    "doubled",
    "measured",
    "replaced",
    "rewrote",
    "profiled",
    "shipped",
    "deprecated",
    "validated",
    "reproduced",
    "split",
    "merged",
    "audited",
    "tuned",
    "isolated",
    "documented",
    "benchmarked",
    "simplified",
]
_VERBS_PRESENT = [
    "changes",
    "limits",
    "explains",
    "hides",
    "exposes",
    "dominates",
    "undercuts",
    "complicates",
    "improves",
    "bounds",
    "shifts",
    "reveals",
]
_OPENERS = [
    "In practice,",
    "For now,",
    "Crucially,",
    "At the same time,",
    "By contrast,",
    "Unsurprisingly,",
    "More interesting is that",
    "According to the changelog,",
    "In our tests,",
    "On closer inspection,",
    "Taken together,",
    "As a result,",
    "Still,",
    "Notably,",
    "For most users,",
    "Behind the scenes,",
]
_CLAUSES = [
    "which matters most for small teams",
    "although the gain shrinks on older hardware",
    "once the cache is warm",
    "without touching the public API",
    "at the price of a longer build",
    "because the bottleneck moved to the network",
    "even with the default settings",
    "when requests arrive in bursts",
    "as long as the batch fits in memory",
    "which nobody had measured before",
    "and the regression tests still pass",
    "but only for English prompts",
    "after a week of production traffic",
    "under a strict latency budget",
]
_PLACES = [
    "in production",
    "on a single node",
    "across eight GPUs",
    "on commodity CPUs",
    "in the nightly build",
    "on the public leaderboard",
    "behind a feature flag",
    "in the staging cluster",
    "on laptops",
    "at the edge",
]
_NAMES = [
    "Ada",
    "Bruno",
    "Chen",
    "Dara",
    "Emeka",
    "Farah",
    "Goran",
    "Hana",
    "Ivo",
    "Jun",
    "Keira",
    "Lars",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
]
_SURNAMES = [
    "Abbott",
    "Baptiste",
    "Castro",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Gupta",
    "Hale",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quint",
    "Rahman",
    "Sato",
    "Tanaka",
    "Varga",
    "Weber",
    "Yilmaz",
    "Zhou",
]
_SECTIONS = [
    "Research",
    "Infrastructure",
    "Security",
    "Open Source",
    "Tooling",
    "Releases",
    "Hardware",
    "Evaluation",
    "Agents",
    "Data",
    "Policy",
    "Tutorials",
]
_IDENTS = [
    "batch",
    "cache",
    "queue",
    "token",
    "shard",
    "worker",
    "budget",
    "window",
    "step",
    "model",
    "config",
    "result",
    "plan",
    "metric",
    "stream",
    "chunk",
    "graph",
    "node",
]


def _a(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


def _plural(noun: str) -> str:
    if noun.endswith("y"):
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "ch")):
        return noun + "es"
    return noun + "s"


class Prose:
    """Sentences, paragraphs and titles drawn from the vocabulary above with a given RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def _pick(self, words: list[str]) -> str:
        return self.r.choice(words)

    def number(self) -> str:
        kind = self.r.random()
        if kind < 0.4:
            return f"{self.r.randint(3, 87)}%"
        if kind < 0.7:
            return f"{self.r.randint(2, 12)}x"
        if kind < 0.85:
            return f"{self.r.randint(8, 950)} ms"
        return f"{self.r.randint(2, 640)} GB"

    def percent(self) -> str:
        return f"{self.r.randint(3, 87)}%" if self.r.random() < 0.7 else f"{self.r.randint(2, 12)}x"

    def thing(self) -> str:
        return f"the {self._pick(_ADJECTIVES)} {self._pick(_PRODUCTS)}"

    def sentence(self) -> str:
        p, r = self._pick, self.r
        template = r.randrange(10)
        if template == 0:
            s = f"{p(_SUBJECTS)} {p(_VERBS_PAST)} {self.thing()} {p(_PLACES)}"
        elif template == 1:
            s = (
                f"{p(_ORGS)} {p(_VERBS_PAST)} its {p(_PRODUCTS)} and cut {p(_METRICS)} "
                f"by {self.percent()}"
            )
        elif template == 2:
            s = f"{p(_OPENERS)} {p(_TOPICS)} {p(_VERBS_PRESENT)} how {self.thing()} behaves"
        elif template == 3:
            s = f"{self.thing()} {p(_VERBS_PRESENT)} {p(_METRICS)}, {p(_CLAUSES)}"
        elif template == 4:
            s = (
                f"{p(_OPENERS)} {p(_SUBJECTS)} {p(_VERBS_PAST)} {p(_METRICS)} "
                f"{p(_PLACES)} and saw a change of {self.number()}"
            )
        elif template == 5:
            s = (
                f"the question is whether {p(_TOPICS)} still matters once "
                f"{self.thing()} is in place"
            )
        elif template == 6:
            s = (
                f"{p(_NAMES)} {p(_SURNAMES)} of {p(_ORGS)} said the work on {p(_TOPICS)} "
                f"took {r.randint(2, 19)} weeks"
            )
        elif template == 7:
            s = (
                f"compared with the previous version, {p(_METRICS)} moved by "
                f"{self.percent()} {p(_PLACES)}"
            )
        elif template == 8:
            s = (
                f"{p(_SUBJECTS)} {p(_VERBS_PAST)} {self.thing()}, {p(_CLAUSES)}, "
                f"and {p(_VERBS_PAST)} {self.thing()} next"
            )
        else:
            s = f"{p(_OPENERS)} {self.thing()} {p(_VERBS_PRESENT)} {p(_TOPICS)} {p(_CLAUSES)}"
        s = s[0].upper() + s[1:]
        return s + r.choice([".", ".", ".", ".", "!", "?"] if template == 5 else ".")

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            s = self.sentence()
            out.append(s)
            count += len(s.split())
        return " ".join(out)

    def title(self) -> str:
        p, r = self._pick, self.r
        form = r.randrange(5)
        if form == 0:
            t = f"{p(_ORGS)} ships {_a(p(_ADJECTIVES))} {p(_PRODUCTS)} for {p(_TOPICS)}"
        elif form == 1:
            t = f"What {p(_TOPICS)} teaches us about {p(_METRICS)}"
        elif form == 2:
            t = f"{_a(p(_ADJECTIVES))} {p(_PRODUCTS)} cuts {p(_METRICS)} by {self.percent()}"
        elif form == 3:
            t = f"Inside the {p(_PRODUCTS)} behind {p(_ORGS)}'s {p(_TOPICS)} work"
        else:
            t = f"Notes on {p(_TOPICS)}: {p(_ADJECTIVES)} {_plural(p(_PRODUCTS))} {p(_PLACES)}"
        return t[0].upper() + t[1:]

    def person(self) -> str:
        return f"{self._pick(_NAMES)} {self._pick(_SURNAMES)}"

    def code(self, lines: int) -> str:
        r, p = self.r, self._pick
        fn = f"{p(_IDENTS)}_{p(_IDENTS)}"
        out = [f"def {fn}({p(_IDENTS)}, {p(_IDENTS)}={r.randint(1, 64)}):"]
        for _ in range(lines):
            a, b, c = p(_IDENTS), p(_IDENTS), p(_IDENTS)
            form = r.randrange(4)
            if form == 0:
                out.append(f"    {a} = {b}.get({c!r}, {r.randint(0, 512)})")
            elif form == 1:
                out.append(f"    for {a} in {b}.{c}s():")
                out.append(f"        {a}.update({c}={r.random():.3f})")
            elif form == 2:
                out.append(f"    if {a} > {r.randint(1, 4096)}:")
                out.append(f"        return {b}[:{r.randint(1, 32)}]")
            else:
                out.append(f"    {a}_{b} = sum({c} for {c} in {b} if {c})")
        out.append(f"    return {p(_IDENTS)}")
        return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Pages and feeds
# --------------------------------------------------------------------------------------------

_EPOCH = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)  # entries dated in the day before 2026-01-01


@dataclass(frozen=True)
class Article:
    site: int
    index: int
    slug: str
    title: str
    summary: str
    author: str
    section: str
    published: datetime
    url: str


@dataclass
class Corpus:
    """What :func:`generate` wrote."""

    root: Path
    base_url: str
    feeds: list[str] = field(default_factory=list)  # feed URLs
    pages: list[str] = field(default_factory=list)  # article page URLs
    page_files: list[Path] = field(default_factory=list)  # same order as ``pages``
    bytes_feeds: int = 0
    bytes_pages: int = 0
    words: int = 0  # article-body words over all pages
    truth: list[list[str]] = field(default_factory=list)  # each page's body blocks, same order
    titles: list[str] = field(default_factory=list)  # each page's headline, same order

    def page_sizes(self) -> list[int]:
        return [path.stat().st_size for path in self.page_files]


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _slugify(text: str) -> str:
    keep = [c.lower() if c.isalnum() else "-" for c in text]
    return "-".join(part for part in "".join(keep).split("-") if part)[:60]


def _articles(seed: int, site: int, count: int, base_url: str) -> list[Article]:
    rng = _rng(seed, "site", site)
    prose = Prose(rng)
    out: list[Article] = []
    when = _EPOCH - timedelta(minutes=rng.randint(0, 120))
    for index in range(count):
        title = prose.title()
        slug = f"{index:03d}-{_slugify(title)}"
        summary = prose.sentence() + " " + prose.sentence()
        out.append(
            Article(
                site=site,
                index=index,
                slug=slug,
                title=title,
                summary=summary[:280],
                author=prose.person(),
                section=rng.choice(_SECTIONS),
                published=when,
                url=f"{base_url}/s/{site:03d}/posts/{slug}.html",
            )
        )
        when -= timedelta(minutes=rng.randint(15, 140))
    return out


def _site_name(seed: int, site: int) -> str:
    rng = _rng(seed, "name", site)
    return f"{rng.choice(_ORGS)} {rng.choice(['Blog', 'Journal', 'Notes', 'Engineering', 'News'])}"


def render_feed(seed: int, site: int, articles: list[Article], base_url: str) -> str:
    """RSS 2.0 whose items carry only a title, a link, a date and a one-or-two-line teaser."""
    esc = html.escape
    name = _site_name(seed, site)
    home = f"{base_url}/s/{site:03d}/"
    items = []
    for a in articles:
        items.append(
            "    <item>\n"
            f"      <title>{esc(a.title)}</title>\n"
            f"      <link>{esc(a.url)}</link>\n"
            f'      <guid isPermaLink="true">{esc(a.url)}</guid>\n'
            f"      <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>\n"
            f"      <dc:creator>{esc(a.author)}</dc:creator>\n"
            f"      <category>{esc(a.section)}</category>\n"
            f"      <description>{esc(a.summary)}</description>\n"
            "    </item>\n"
        )
    newest = articles[0].published if articles else _EPOCH
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{esc(name)}</title>\n"
        f"    <link>{esc(home)}</link>\n"
        f'    <atom:link href="{esc(home)}feed.xml" rel="self" type="application/rss+xml"/>\n'
        f"    <description>Posts from {esc(name)}</description>\n"
        "    <language>en</language>\n"
        f"    <lastBuildDate>{format_datetime(newest, usegmt=True)}</lastBuildDate>\n"
        + "".join(items)
        + "  </channel>\n</rss>\n"
    )


_CSS_PROPS = [
    ("margin", lambda r: f"{r.randint(0, 48)}px {r.randint(0, 48)}px"),
    ("padding", lambda r: f"{r.randint(0, 32)}px"),
    ("color", lambda r: f"#{r.randrange(0x1000000):06x}"),
    ("background", lambda r: f"#{r.randrange(0x1000000):06x}"),
    ("font-size", lambda r: f"{r.uniform(0.7, 2.4):.2f}rem"),
    ("line-height", lambda r: f"{r.uniform(1.1, 1.9):.2f}"),
    ("border-radius", lambda r: f"{r.randint(0, 16)}px"),
    ("display", lambda r: r.choice(["flex", "grid", "block", "inline-block", "none"])),
    ("gap", lambda r: f"{r.randint(2, 40)}px"),
    ("max-width", lambda r: f"{r.randint(240, 1440)}px"),
    ("transition", lambda r: f"opacity {r.randint(50, 600)}ms ease-in-out"),
    (
        "box-shadow",
        lambda r: f"0 {r.randint(0, 8)}px {r.randint(0, 24)}px rgba(0,0,0,.{r.randint(1, 9)})",
    ),
]


def _css(rng: random.Random, target: int) -> str:
    out: list[str] = []
    size = 0
    while size < target:
        sel = f".{rng.choice(_IDENTS)}-{rng.choice(_IDENTS)}{rng.choice(['', '__item', '--active', ':hover', ' > a'])}"
        props = "".join(
            f"{name}:{value(rng)};" for name, value in rng.sample(_CSS_PROPS, rng.randint(2, 6))
        )
        rule = f"{sel}{{{props}}}\n"
        out.append(rule)
        size += len(rule)
    return "".join(out)


def _js(rng: random.Random, target: int) -> str:
    out = ["(function(){'use strict';var w=window,d=document;"]
    size = len(out[0])
    while size < target:
        a, b, c = rng.choice(_IDENTS), rng.choice(_IDENTS), rng.choice(_IDENTS)
        form = rng.randrange(4)
        if form == 0:
            line = f"function {a}{b.title()}(e){{if(!e||e.{c}>{rng.randint(1, 999)})return null;return e.{a}||{rng.randint(0, 99)};}}"
        elif form == 1:
            line = f"d.querySelectorAll('.{a}-{b}').forEach(function(n){{n.addEventListener('{rng.choice(['click', 'focus', 'scroll', 'keyup'])}',function(){{n.classList.toggle('{c}');}});}});"
        elif form == 2:
            line = f"w.__{a}={{{b}:{rng.randint(0, 10**6)},{c}:'{rng.randrange(16**8):08x}',ttl:{rng.randint(1, 3600)}}};"
        else:
            line = f"var {a}_{rng.randrange(10**4)}=[{','.join(str(rng.randint(0, 255)) for _ in range(rng.randint(4, 16)))}];"
        out.append(line + "\n")
        size += len(line) + 1
    out.append("})();")
    return "".join(out)


def render_page(
    seed: int, article: Article, siblings: list[Article], base_url: str
) -> tuple[str, int, list[str]]:
    """One article page, its body word count and its body's text blocks (:func:`truth_blocks`)."""
    rng = _rng(seed, "page", article.site, article.index)
    prose = Prose(rng)
    esc = html.escape
    site_name = _site_name(seed, article.site)
    home = f"{base_url}/s/{article.site:03d}/"
    target = rng.randint(30_000, 80_000)  # bytes, before padding is settled
    published = article.published.isoformat()

    # -- article body: 600-1,500 words in sections of paragraphs, a list, a code block -----
    body_words = rng.randint(600, 1500)
    parts: list[str] = []
    words = 0
    lead = prose.paragraph(rng.randint(35, 60))
    parts.append(f'<p class="lead">{esc(lead)}</p>')
    words += len(lead.split())
    code_at = rng.randint(1, 3)
    list_at = rng.randint(0, 2)
    section = 0
    while words < body_words:
        heading = prose.title()
        parts.append(f'<h2 id="s{section}">{esc(heading)}</h2>')
        words += len(heading.split())
        for _ in range(rng.randint(2, 4)):
            para = prose.paragraph(rng.randint(50, 110))
            # an inline link and some emphasis, as edited articles have
            sentences = [esc(x) for x in para.split(". ")]
            for k in range(len(sentences) - 1):
                roll = rng.random()
                if roll < 0.15:
                    other = rng.choice(siblings)
                    sentences[k] += (
                        f' (<a href="{esc(other.url)}">'
                        f"{esc(other.title.split(':')[0].lower())}</a>)"
                    )
                elif roll < 0.25:
                    sentences[k] = f"<strong>{sentences[k]}</strong>"
                elif roll < 0.35:
                    sentences[k] += (
                        f" (see <code>{rng.choice(_IDENTS)}.{rng.choice(_IDENTS)}()</code>)"
                    )
            parts.append(f"<p>{'. '.join(sentences)}</p>")
            words += len(para.split())
        if section == list_at:
            tag = rng.choice(["ul", "ol"])
            items = "".join(f"<li>{esc(prose.sentence())}</li>" for _ in range(rng.randint(3, 6)))
            parts.append(f"<{tag}>{items}</{tag}>")
        if section == code_at:
            parts.append(
                f'<pre><code class="language-python">{esc(prose.code(rng.randint(6, 18)))}</code></pre>'
            )
        if rng.random() < 0.25:
            parts.append(f"<blockquote><p>{esc(prose.sentence())}</p></blockquote>")
        section += 1
    if code_at >= section:  # short article: the code block still belongs in it
        parts.append(
            f'<pre><code class="language-python">{esc(prose.code(rng.randint(6, 18)))}</code></pre>'
        )
    # Most pages are plainly marked up; some carry boilerplate inside the article body (promos,
    # "Related:" lines, an advertisement), some are div soup with short paragraphs and no
    # <main>/<article>. Drawn from a generator of their own, so the prose stays the same.
    lay = _rng(seed, "layout", article.site, article.index)
    layout = lay.choices(LAYOUTS, weights=(6, 2, 2))[0]
    if layout == "divs":
        parts = _as_divs(lay, parts)
    article_html = "\n".join(parts)
    truth = truth_blocks(article_html)  # before any boilerplate goes in
    if layout == "promos":
        article_html = "\n".join(_with_promos(lay, parts, siblings, home))

    nav = "".join(
        f'<li class="site-nav__item"><a href="{home}section/{_slugify(s)}/">{esc(s)}</a>'
        '<ul class="site-nav__sub">'
        + "".join(
            f'<li><a href="{home}section/{_slugify(s)}/{_slugify(t)}/">{esc(t)}</a></li>'
            for t in rng.sample(_TOPICS, 4)
        )
        + "</ul></li>"
        for s in _SECTIONS
    )
    related = "".join(
        f'<li class="related__item"><a href="{esc(a.url)}">{esc(a.title)}</a>'
        f'<span class="related__date">{a.published:%b %d}</span></li>'
        for a in rng.sample(siblings, min(len(siblings), 8))
    )
    tags = "".join(
        f'<a class="tag" href="{home}tag/{_slugify(t)}/">{esc(t)}</a> '
        for t in rng.sample(_TOPICS, 12)
    )
    footer_cols = []
    for col in range(rng.randint(4, 6)):
        links = "".join(
            f'<li><a href="{home}{_slugify(rng.choice(_IDENTS))}/{col}-{i}">'
            f"{esc(rng.choice(_TOPICS).capitalize())}</a></li>"
            for i in range(rng.randint(10, 18))
        )
        footer_cols.append(
            f'<div class="footer__col"><h4>{esc(rng.choice(_SECTIONS))}</h4><ul>{links}</ul></div>'
        )
    comments = []
    for i in range(rng.randint(2, 9)):
        when = article.published + timedelta(minutes=rng.randint(5, 600))
        text = esc(prose.paragraph(rng.randint(15, 60)))
        comments.append(
            f'<li class="comment" id="c{i}"><div class="comment__meta">'
            f'<img class="avatar" src="{home}avatars/{rng.randrange(10**6)}.png" alt="" width="32" height="32">'
            f'<span class="comment__author">{esc(prose.person())}</span> '
            f'<time datetime="{when.isoformat()}">{when:%Y-%m-%d %H:%M}</time></div>'
            f'<p class="comment__body">{text}</p>'
            f'<a class="comment__reply" href="#reply-{i}">Reply</a></li>'
        )
    share = "".join(
        f'<a class="share__link share__link--{name}" href="https://{name}.example/share?u='
        f'{esc(article.url)}" aria-label="Share on {name}">{_icon(rng)}</a>'
        for name in ("mastodon", "bluesky", "linkedin", "reddit", "hn", "email")
    )
    cards = "".join(
        f'<div class="card"><a class="card__link" href="{esc(a.url)}">'
        f'<img class="card__img" src="{home}images/{a.slug}-thumb.jpg" alt="" loading="lazy" '
        f'width="320" height="180"><h3 class="card__title">{esc(a.title)}</h3></a>'
        f'<p class="card__meta"><span>{esc(a.author)}</span> · <span>{esc(a.section)}</span> · '
        f'<time datetime="{a.published.isoformat()}">{a.published:%b %d}</time></p>'
        f'<p class="card__teaser">{esc(a.summary)}</p></div>'
        for a in rng.sample(siblings, min(len(siblings), rng.randint(4, 9)))
    )
    jsonld = (
        '{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":{_json_str(article.title)},"datePublished":"{published}",'
        f'"author":{{"@type":"Person","name":{_json_str(article.author)}}},'
        f'"publisher":{{"@type":"Organization","name":{_json_str(site_name)}}}}}'
    )

    def assemble(style: str, script: str) -> str:
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article.title)} | {esc(site_name)}</title>
<meta name="description" content="{esc(article.summary)}">
<meta name="author" content="{esc(article.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:description" content="{esc(article.summary)}">
<meta property="og:url" content="{esc(article.url)}">
<meta property="og:site_name" content="{esc(site_name)}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="{esc(article.section)}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="{esc(article.url)}">
<link rel="alternate" type="application/rss+xml" href="{home}feed.xml">
<link rel="stylesheet" href="{home}assets/site.{rng.randrange(16**8):08x}.css">
<link rel="preload" href="{home}assets/font.woff2" as="font" crossorigin>
<style>
{style}</style>
<script type="application/ld+json">{jsonld}</script>
<script>
{script}</script>
</head>
<body class="post-template">
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<div class="site-header__brand"><a href="{home}"><img src="{home}logo.svg" alt="{esc(site_name)}" width="120" height="32"></a></div>
<nav class="site-nav" aria-label="Main"><ul>{nav}</ul></nav>
<form class="search" action="{home}search" role="search"><input type="search" name="q" placeholder="Search"><button type="submit">Go</button></form>
</header>
<div class="layout">
<main id="main">
<nav class="breadcrumb" aria-label="Breadcrumb"><a href="{home}">Home</a> › <a href="{home}section/{_slugify(article.section)}/">{esc(article.section)}</a></nav>
<article class="post">
<header class="post__header">
<h1 class="post__title">{esc(article.title)}</h1>
<p class="post__byline">By <a rel="author" href="{home}authors/{_slugify(article.author)}/">{esc(article.author)}</a> · <time datetime="{published}">{article.published:%B %d, %Y}</time> · {rng.randint(3, 14)} min read</p>
</header>
<figure class="post__image"><img src="{home}images/{article.slug}.jpg" alt="{esc(article.title)}" width="1200" height="630"><figcaption>{esc(prose.sentence())}</figcaption></figure>
<div class="post__content">
{article_html}
</div>
<footer class="post__footer"><div class="tags">{tags}</div>
<div class="share">{share}</div></footer>
</article>
<section class="comments" id="comments">
<h3>{len(comments)} comments</h3>
<ol class="comment-list">{"".join(comments)}</ol>
<form class="comment-form" action="{home}comments" method="post"><textarea name="body"></textarea><button>Post comment</button></form>
</section>
</main>
<aside class="sidebar">
<section class="related"><h3>Related posts</h3><ul>{related}</ul></section>
<section class="newsletter"><h3>Newsletter</h3><p>One email a week with the posts that mattered.</p><form action="{home}subscribe"><input type="email" name="email"><button>Subscribe</button></form></section>
<section class="tag-cloud"><h3>Topics</h3>{tags}</section>
</aside>
</div>
<section class="more-stories"><h2>More from {esc(site_name)}</h2><div class="cards">{cards}</div></section>
<footer class="site-footer">
<div class="footer__cols">{"".join(footer_cols)}</div>
<p class="copyright">© 2025 {esc(site_name)}. All rights reserved. <a href="{home}privacy">Privacy</a> · <a href="{home}terms">Terms</a> · <a href="{home}feed.xml">RSS</a></p>
</footer>
<script src="{home}assets/app.{rng.randrange(16**8):08x}.js" defer></script>
</body>
</html>
"""

    skeleton = len(assemble("", "").encode("utf-8"))
    padding = max(target - skeleton, 2_000)
    style_share = rng.uniform(0.35, 0.6)
    page = assemble(
        _css(rng, int(padding * style_share)), _js(rng, int(padding * (1 - style_share)))
    )
    if layout == "divs":  # no landmarks: the content is found by its text alone
        for landmark, div in (
            ('<main id="main">', '<div id="main">'),
            ("</main>", "</div>"),
            ('<article class="post">', '<div class="post">'),
            ("</article>", "</div>"),
        ):
            page = page.replace(landmark, div, 1)
    return page, words, truth


#: Page layouts: plain markup, boilerplate inside the body, div soup.
LAYOUTS = ("plain", "promos", "divs")


def _as_divs(rng: random.Random, parts: list[str]) -> list[str]:
    """Paragraphs as ``<div class="para">``, and a few one-sentence paragraphs among them."""
    prose = Prose(rng)
    out = []
    for part in parts:
        if part.startswith("<p") and part.endswith("</p>"):
            part = '<div class="para">' + part[part.index(">") + 1 : -len("</p>")] + "</div>"
        out.append(part)
        if rng.random() < 0.15:
            out.append(f'<div class="para">{html.escape(prose.sentence())}</div>')
    return out


def _with_promos(
    rng: random.Random, parts: list[str], siblings: list[Article], home: str
) -> list[str]:
    """``parts`` with two to four boilerplate blocks put between them (never first)."""
    prose = Prose(rng)
    esc = html.escape
    other = rng.choice(siblings)
    promos = [
        '<div class="promo promo--newsletter"><p>Enjoying this post? One email a week with the '
        f'posts that mattered.</p><a class="btn" href="{home}subscribe">Subscribe</a></div>',
        f'<p class="related-inline"><strong>Related:</strong> <a href="{esc(other.url)}">'
        f"{esc(other.title)}</a></p>",
        '<div class="ad" aria-label="Advertisement"><span>Advertisement</span>'
        f"<p>Sponsored. {esc(prose.sentence())}</p></div>",
        f'<div class="promo promo--event"><p>Join us live: {esc(prose.title())}</p>'
        f'<a href="{home}events">Register</a></div>',
    ]
    out = list(parts)
    for promo in rng.sample(promos, rng.randint(2, 4)):
        out.insert(rng.randint(1, len(out)), promo)
    return out


def truth_blocks(article_html: str) -> list[str]:
    """The plain text of an article body, one block per paragraph, heading, list item or line of
    code, whitespace collapsed: what a main-text extractor should return, and nothing else."""
    import lxml.html

    blocks: list[str] = []
    for element in lxml.html.fragments_fromstring(article_html):
        if element.tag in ("ul", "ol"):
            pieces = [item.text_content() for item in element.iter("li")]
        elif element.tag == "pre":
            pieces = element.text_content().split("\n")
        else:
            pieces = [element.text_content()]
        blocks.extend(" ".join(piece.split()) for piece in pieces)
    return [block for block in blocks if block]


def _icon(rng: random.Random) -> str:
    paths = "".join(
        f'<path d="M{rng.randint(0, 24)} {rng.randint(0, 24)}l{rng.randint(-9, 9)} '
        f'{rng.randint(-9, 9)}h{rng.randint(1, 12)}v{rng.randint(1, 12)}z"/>'
        for _ in range(rng.randint(2, 5))
    )
    return (
        f'<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        f'fill="currentColor">{paths}</svg>'
    )


def _json_str(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def generate(
    root: Path,
    base_url: str | Sequence[str],
    *,
    feeds: int = 100,
    pages_per_feed: int = 10,
    seed: int = 1,
) -> Corpus:
    """Write ``feeds`` sites of ``pages_per_feed`` articles each under ``root``.

    ``base_url`` may be a list: site ``i`` is then addressed through ``base_url[i % len]``, so
    sites served on different ports look like different hosts to a client's per-host limits.
    """
    root = Path(root)
    bases = [base_url] if isinstance(base_url, str) else list(base_url)
    bases = [b.rstrip("/") for b in bases]
    corpus = Corpus(root=root, base_url=bases[0])
    for site in range(feeds):
        base = bases[site % len(bases)]
        site_dir = root / "s" / f"{site:03d}"
        (site_dir / "posts").mkdir(parents=True, exist_ok=True)
        articles = _articles(seed, site, pages_per_feed, base)
        feed = render_feed(seed, site, articles, base).encode("utf-8")
        (site_dir / "feed.xml").write_bytes(feed)
        corpus.feeds.append(f"{base}/s/{site:03d}/feed.xml")
        corpus.bytes_feeds += len(feed)
        for article in articles:
            siblings = [a for a in articles if a is not article] or [article]
            page, words, truth = render_page(seed, article, siblings, base)
            data = page.encode("utf-8")
            path = site_dir / "posts" / f"{article.slug}.html"
            path.write_bytes(data)
            corpus.pages.append(article.url)
            corpus.page_files.append(path)
            corpus.bytes_pages += len(data)
            corpus.words += words
            corpus.truth.append(truth)
            corpus.titles.append(article.title)
    return corpus


# --------------------------------------------------------------------------------------------
# Serving
# --------------------------------------------------------------------------------------------


class _FixtureAdapter:
    """One :class:`deepdaily.testing.FixtureServer` on its own loopback port."""

    kind = "deepdaily.testing.FixtureServer"

    def __init__(self, root: Path, delay: tuple[float, float], seed: int = 0) -> None:
        from deepdaily.testing import FixtureServer

        self._server = FixtureServer(root=root, delay=delay).start()
        self.base_url = self._server.base_url

    def stop(self) -> None:
        self._server.stop()

    def requests(self) -> list[tuple[str, str, dict[str, str]]]:
        return list(self._server.requests)

    def reset(self) -> None:
        self._server.clear()


class DelayedServer:
    """Fallback: a threaded static-file server on 127.0.0.1 with delays and conditional GET."""

    kind = "benchmarks.corpus.DelayedServer"

    def __init__(self, root: Path, delay: tuple[float, float], seed: int = 0) -> None:
        self.root = Path(root).resolve()
        self.delay = delay
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._httpd = _Httpd(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def requests_made(self) -> list[tuple[str, str, dict[str, str]]]:
        with self._lock:
            return list(self.requests)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with outer._lock:
                    outer.requests.append(("GET", self.path, headers))
                    pause = outer._rng.uniform(*outer.delay)
                time.sleep(pause)
                target = (outer.root / unquote(urlsplit(self.path).path).lstrip("/")).resolve()
                if not target.is_relative_to(outer.root) or not target.is_file():
                    self._reply(404, {}, b"not found")
                    return
                body = target.read_bytes()
                mtime = int(target.stat().st_mtime)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                meta = {
                    "ETag": etag,
                    "Last-Modified": formatdate(mtime, usegmt=True),
                    "Content-Type": "application/rss+xml"
                    if target.suffix == ".xml"
                    else "text/html; charset=utf-8",
                }
                match = headers.get("if-none-match")
                since = headers.get("if-modified-since")
                fresh = False
                if match is not None:
                    fresh = etag in {t.strip().removeprefix("W/") for t in match.split(",")}
                elif since:
                    try:
                        fresh = mtime <= parsedate_to_datetime(since).timestamp()
                    except (TypeError, ValueError):
                        fresh = False
                self._reply(304 if fresh else 200, meta, b"" if fresh else body)

            def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return Handler


class _Httpd(ThreadingHTTPServer):
    request_queue_size = 256  # many clients connect at once; the default backlog is 5


class Web:
    """The synthetic web: ``hosts`` servers on 127.0.0.1 sharing one document root.

    Each server listens on its own ephemeral port, so a client that limits connections per
    ``host:port`` sees ``hosts`` different sites. Requests are tallied over all of them.
    """

    def __init__(
        self,
        root: Path,
        *,
        hosts: int = 1,
        delay: tuple[float, float] = (0.02, 0.2),
        seed: int = 0,
        prefer_fixture: bool = True,
    ) -> None:
        self.servers: list[Any] = []
        for index in range(max(1, hosts)):
            server: Any = None
            if prefer_fixture:
                try:
                    server = _FixtureAdapter(root, delay)
                except ImportError:
                    prefer_fixture = False
            if server is None:
                server = DelayedServer(root, delay, seed + index)
            self.servers.append(server)
        self.kind = type(self.servers[0]).kind
        self.base_urls = [server.base_url for server in self.servers]

    def _all_requests(self) -> list[tuple[str, str, dict[str, str]]]:
        out: list[tuple[str, str, dict[str, str]]] = []
        for server in self.servers:
            if isinstance(server, DelayedServer):
                out.extend(server.requests_made())
            else:
                out.extend(server.requests())
        return out

    def count(self) -> dict[str, int]:
        """Requests since the last :meth:`reset`: all, feeds, pages, conditional ones."""
        counts = {"requests": 0, "feeds": 0, "pages": 0, "conditional": 0}
        for _method, path, headers in self._all_requests():
            counts["requests"] += 1
            if path.endswith("/feed.xml"):
                counts["feeds"] += 1
            elif "/posts/" in path:
                counts["pages"] += 1
            if "if-none-match" in headers or "if-modified-since" in headers:
                counts["conditional"] += 1
        return counts

    def reset(self) -> None:
        for server in self.servers:
            server.reset()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def __enter__(self) -> Web:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def iter_bodies(corpus: Corpus) -> Iterator[bytes]:
    for path in corpus.page_files:
        yield path.read_bytes()
