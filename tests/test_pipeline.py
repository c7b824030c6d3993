"""The whole pipeline on a real loopback site: good sources, every kind of bad one, re-runs.

The site is written into ``tmp_path`` and served by a real :class:`FixtureServer`, so feeds,
pages and forum JSON travel over HTTP with ETags and ``304`` answers like on the web.
"""

from __future__ import annotations

import asyncio
import json
import tomllib
from datetime import date
from pathlib import Path

import pytest

from deepdaily.config import Settings, load_settings
from deepdaily.pipeline import run_digest
from deepdaily.store import Store
from deepdaily.testing import FixtureServer

DAY = date(2026, 11, 27)  # window 2026-11-26 00:00 – 2026-11-27 00:00 UTC

ARTICLE = """<!doctype html><html><head><title>{title} | Wire</title>
<meta property="article:published_time" content="2026-11-26T0{hour}:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>{title}</h1>{paragraphs}</article>
<footer>Copyright Wire. <a href="/jobs">Jobs</a></footer></body></html>"""


def paragraphs(*sentences: str) -> str:
    return "".join(f"<p>{s}</p>" for s in sentences)


QUILL_FACTS = (
    "Quillstone released Quill-7 Turbo, a 34B mixture-of-experts model, under Apache 2.0.",
    "On the HarborBench coding suite Quill-7 Turbo scores 61.4%, up from 52.0% for Quill-6.",
    "The model serves 2,400 tokens per second on one node of eight 80GB GPUs with FP8 weights.",
    "Quillstone says the routing layer uses 64 experts with 4 active per token.",
    "Weights, an inference server and a 40-page technical report are available today.",
)
QUILL_RETOLD = (
    "Quill-7 Turbo from Quillstone is a 34B mixture-of-experts model released as Apache 2.0.",
    "Its HarborBench score is 61.4%, against 52.0% for the previous Quill-6 generation.",
    "Throughput reaches 2,400 tokens per second on eight 80GB GPUs using FP8 weights.",
    "Independent testers have not yet reproduced the benchmark numbers.",
)
VAULT_FACTS = (
    "Vaultline disclosed CVE-2026-4411, a sandbox escape in its agent runtime version 3.2.",
    "An agent could write outside its workspace through a symlink race in the file tool.",
    "Version 3.2.1 fixes the race by opening files with O_NOFOLLOW and re-checking the path.",
    "Operators should upgrade and rotate tokens that agents could read during the last 30 days.",
)


def write_site(root: Path, base: str) -> None:
    (root / "pages").mkdir(parents=True)
    (root / "forum" / "t").mkdir(parents=True)
    (root / "pages" / "quill.html").write_text(
        ARTICLE.format(
            title="Quill-7 Turbo: a 34B open MoE model", hour=2, paragraphs=paragraphs(*QUILL_FACTS)
        ),
        encoding="utf-8",
    )
    (root / "pages" / "vault.html").write_text(
        ARTICLE.format(
            title="CVE-2026-4411: sandbox escape in Vaultline agent runtime",
            hour=5,
            paragraphs=paragraphs(*VAULT_FACTS),
        ),
        encoding="utf-8",
    )
    items = "".join(
        f"<item><title>{title}</title><link>{base}/pages/{page}.html?utm_source=rss</link>"
        f"<pubDate>Thu, 26 Nov 2026 0{hour}:00:00 GMT</pubDate>"
        f"<description>{teaser}</description></item>"
        for title, page, hour, teaser in [
            ("Quill-7 Turbo: a 34B open MoE model", "quill", 2, "Quillstone's new model."),
            (
                "CVE-2026-4411: sandbox escape in Vaultline agent runtime",
                "vault",
                5,
                "Upgrade to 3.2.1.",
            ),
        ]
    )
    (root / "wire.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>{base}/</link><description>news</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    retold = paragraphs(*QUILL_RETOLD).replace("<", "&lt;").replace(">", "&gt;")
    (root / "dispatch.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Dispatch</title><id>{base}/dispatch</id><updated>2026-11-26T09:00:00Z</updated>"
        f"<entry><title>Quillstone ships Quill-7 Turbo with 61.4% on HarborBench</title>"
        f'<link href="{base}/dispatch/quill-7-turbo"/><id>{base}/dispatch/1</id>'
        f"<updated>2026-11-26T09:00:00Z</updated>"
        f'<content type="html">{retold}</content></entry></feed>',
        encoding="utf-8",
    )
    (root / "forum" / "latest.json").write_text(
        json.dumps(
            {
                "topic_list": {
                    "topics": [
                        {
                            "id": 7,
                            "slug": "fp8-on-quill-7",
                            "title": "FP8 serving of Quill-7 Turbo: our numbers",
                            "created_at": "2026-11-26T11:00:00Z",
                            "last_posted_at": "2026-11-26T12:00:00Z",
                            "posts_count": 2,
                            "tags": [],
                        }
                    ]
                }
            }
        ),
        encoding="utf-8",
    )
    (root / "forum" / "t" / "7.json").write_text(
        json.dumps(
            {
                "id": 7,
                "slug": "fp8-on-quill-7",
                "title": "FP8 serving of Quill-7 Turbo: our numbers",
                "created_at": "2026-11-26T11:00:00Z",
                "tags": [],
                "post_stream": {
                    "posts": [
                        {
                            "id": 1,
                            "username": "ops_anna",
                            "created_at": "2026-11-26T11:00:00Z",
                            "cooked": FORUM_POST,
                        }
                    ]
                },
            }
        ),
        encoding="utf-8",
    )
    (root / "broken.xml").write_text("<rss><channel><item><title>unterminated", encoding="utf-8")
    (root / "page-as-feed.xml").write_text(
        "<!doctype html><html><body>Hi</body></html>", encoding="utf-8"
    )
    (root / "empty.xml").write_text("", encoding="utf-8")


FORUM_POST = (
    "<p>We measured Quill-7 Turbo with FP8 weights on eight 80GB GPUs: 2,150 tokens per "
    "second at batch 64, a little under the 2,400 claimed. Cold start took 41 seconds.</p>"
)

BAD = {
    "malformed": "/broken.xml",
    "html-as-feed": "/page-as-feed.xml",
    "empty": "/empty.xml",
    "missing": "/nowhere.xml",
    "server-error": "/boom.xml",
    "timeout": "/slow.xml",
    "oversized": "/huge.xml",
    "loop": "/loop-a.xml",
}


@pytest.fixture
def site(tmp_path: Path) -> FixtureServer:
    root = tmp_path / "site"
    root.mkdir()
    server = FixtureServer(root).start()
    write_site(root, server.base_url.rstrip("/"))
    server.route("/boom.xml", status=500, body="oops")
    server.stall("/slow.xml", seconds=5)
    server.stream("/huge.xml", size=5_000_000)
    server.route("/loop-a.xml", status=302, headers={"Location": "/loop-b.xml"})
    server.route("/loop-b.xml", status=302, headers={"Location": "/loop-a.xml"})
    yield server
    server.stop()


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
    assert "来源：" + site.url("/pages/quill.html") in digest
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
