"""Offline digests as a reader gets them, through the whole pipeline: headings that name the
outlet, no internal key, no line said twice, leads that stand alone, links that are links.

Two days: the loopback news site of ``site_support`` with its sources named the way a user who
gives no name gets them (``127.0.0.1:PORT``, a file stem), and the real labelled day
(``test_offline.CORPUS``) read as a ``jsonl`` source named ``corpus``.
"""

from __future__ import annotations

import asyncio
import re
from datetime import date
from pathlib import Path

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline import run_digest
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from digest_checks import check_offline_digest
from site_support import DAY
from test_offline import CORPUS


def settings_for(tmp_path: Path, sources: list[dict[str, object]]) -> Settings:
    return load_settings(
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "sources": sources,
            "fetch": {"timeout": 2.0, "retries": 0},
        },
    )


def run(settings: Settings, day: date) -> Path:
    store = Store(settings.store.resolved_url())
    result = asyncio.run(run_digest(settings, store, day, workers=0))
    return Path(result.manifest.digest_path)


def headings(markdown: str) -> list[str]:
    return re.findall(r"^## \d+\) (.+)$", markdown, re.M)


def test_headings_name_who_acts_when_sources_have_default_names(
    site: FixtureServer, tmp_path: Path
) -> None:
    """Regression: a source added by URL is named ``127.0.0.1:8765`` and a file ``feed`` or
    ``latest``; headings read "127.0.0.1:8765：Quill-7 Turbo…". They now name the organisation
    the coverage names (Quillstone, Vaultline), or nothing."""
    host = site.base_url.split("//", 1)[1].rstrip("/")
    settings = settings_for(
        tmp_path,
        [
            {"name": host, "url": site.url("/wire.xml"), "type": "feed"},
            {"name": "feed", "url": site.url("/dispatch.atom")},
            {"name": "latest", "url": site.url("/forum/latest.json"), "type": "discourse"},
        ],
    )
    post = run(settings, DAY)
    markdown = post.read_text(encoding="utf-8")
    shown = headings(markdown)
    assert any(h.startswith("Quillstone：") for h in shown), shown
    assert any(h.startswith("Vaultline：") for h in shown), shown
    for heading in shown:
        assert "127.0.0.1" not in heading and not heading.startswith(("feed：", "latest："))
    check_offline_digest(post)
    assert f"来源：<{site.url('/pages/quill.html')}>" in markdown


def test_the_real_day_offline_reads_well(tmp_path: Path) -> None:
    """The labelled day 2026-02-12 as a ``jsonl`` source named ``corpus``. Regression: the
    internal tag ``outlet:arXiv`` led a trend, a lead began "It lists …", and the word counts
    "README" and "Codex" made the watch list."""
    settings = settings_for(tmp_path, [{"name": "corpus", "url": str(CORPUS), "type": "jsonl"}])
    post = run(settings, date(2026, 2, 12))
    markdown = post.read_text(encoding="utf-8")
    check_offline_digest(post)
    assert len(headings(markdown)) >= 5
    assert not any(h.startswith("corpus") for h in headings(markdown))
    assert "**arXiv**" not in markdown and "**README**" not in markdown
    assert "按关键词频次" not in markdown
