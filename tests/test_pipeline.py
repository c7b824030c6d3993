"""The whole pipeline on a real loopback site: good sources, every kind of bad one, re-runs.

The site is written into ``tmp_path`` and served by a real :class:`FixtureServer`, so feeds,
pages and forum JSON travel over HTTP with ETags and ``304`` answers like on the web.
"""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline import run_digest
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from site_support import BAD, DAY


def settings_for(server: FixtureServer, tmp_path: Path, *, dead_port: int) -> Settings:
    sources = [
        {"name": "wire", "url": server.url("/wire.xml"), "type": "feed", "authority": 0.7},
        {"name": "dispatch", "url": server.url("/dispatch.atom"), "authority": 0.6},
        {"name": "forum", "url": server.url("/forum/latest.json"), "type": "discourse"},
        *({"name": name, "url": server.url(path), "type": "feed"} for name, path in BAD.items()),
        {"name": "refused", "url": f"http://127.0.0.1:{dead_port}/feed.xml"},
        {"name": "no-file", "url": str(tmp_path / "absent.xml")},
    ]
    return load_settings(
        tmp_path / "none.toml" if False else None,
        environ={},
        overrides={
            "output_dir": str(tmp_path / "out"),
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "sources": sources,
            "fetch": {
                "timeout": 1.0,
                "connect_timeout": 0.5,
                "retries": 1,
                "backoff": 0.01,
                "max_bytes": 1_000_000,
                "max_redirects": 3,
            },
        },
    )


def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(settings: Settings) -> tuple[object, Store]:
    store = Store(settings.store.resolved_url())
    result = asyncio.run(run_digest(settings, store, DAY, workers=0))
    return result, store


def test_pipeline_end_to_end_with_bad_sources_and_reruns(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = settings_for(site, tmp_path, dead_port=unused_port())
    result, store = run(settings)
    manifest = result.manifest  # type: ignore[attr-defined]

    outcomes = {o.source: o for o in manifest.sources}
    assert all(outcomes[name].ok for name in ("wire", "dispatch", "forum"))
    expected_errors = {
        "malformed": "malformed XML",
        "html-as-feed": "looks like HTML",
        "empty": "empty body",
        "missing": "HTTP 404",
        "server-error": "HTTP 500",
        "timeout": "timeout",
        "oversized": "body over",
        "loop": "redirect",
        "refused": "connection refused",
        "no-file": "file not found",
    }
    for name, fragment in expected_errors.items():
        outcome = outcomes[name]
        assert not outcome.ok, name
        assert fragment in outcome.error, (name, outcome.error)
        assert "\n" not in outcome.error
    # pages behind summary-only entries were fetched and extracted, tracking params dropped
    texts = {
        d.canonical_url: d for d in store.documents_in(manifest.window_start, manifest.window_end)
    }
    quill = texts[site.url("/pages/quill.html")]
    assert "64 experts with 4 active" in quill.text
    assert "Copyright Wire" not in quill.text

    # the three outlets' Quill-7 stories are one event; the CVE is another
    selected = {s.event_id: s for s in result.selections if s.selected}  # type: ignore[attr-defined]
    events = {e.id: e for e in store.events_by_id(selected)}
    quill_event = next(e for e in events.values() if "Quill" in e.title)
    assert set(quill_event.sources) == {"wire", "dispatch", "forum"}
    assert any("CVE-2026-4411" in e.title for e in events.values())
    assert all(s.reason for s in result.selections)  # type: ignore[attr-defined]

    digest = Path(manifest.digest_path).read_text(encoding="utf-8")
    front = tomllib.loads(digest.split("+++")[1])
    assert front["title"] == "AI 技术深度日报｜2026-11-27"
    assert "来源：<" + site.url("/pages/quill.html") + ">" in digest  # a Markdown autolink
    assert "utm_source" not in digest

    counts = {t: store.count(t) for t in ("documents", "events", "digests", "digest_events")}
    site.clear()

    # second run: every good source answers 304, nothing is re-extracted or duplicated
    again, store2 = run(settings)
    outcomes2 = {o.source: o for o in again.manifest.sources}  # type: ignore[attr-defined]
    assert outcomes2["wire"].not_modified and outcomes2["dispatch"].not_modified
    assert not any(p.startswith("/pages/") for p in site.paths())
    sent = [h for m, p, h in site.requests if p == "/wire.xml"]
    assert sent and ("if-none-match" in sent[0] or "if-modified-since" in sent[0])
    assert {t: store2.count(t) for t in counts} == counts
    assert Path(again.manifest.digest_path).read_text(encoding="utf-8") == digest  # type: ignore[attr-defined]

    # a source that breaks later loses nothing already stored
    (tmp_path / "site" / "wire.xml").write_text("<html>maintenance</html>", encoding="utf-8")
    third, store3 = run(settings)
    assert not {o.source: o for o in third.manifest.sources}["wire"].ok  # type: ignore[attr-defined]
    assert store3.count("documents") == counts["documents"]
    assert "Quill-7 Turbo" in Path(third.manifest.digest_path).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    states = store3.source_states()
    assert states["wire"]["last_error"] and states["wire"]["etag"]  # validators kept
