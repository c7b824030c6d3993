"""A small news site for pipeline tests: two outlets and a forum covering one story, plus
every kind of broken source. Served from files by a real :class:`FixtureServer`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

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


def serve_site(root: Path) -> FixtureServer:
    """Write the site under ``root`` and serve it, with the broken routes programmed."""
    root.mkdir(parents=True, exist_ok=True)
    server = FixtureServer(root).start()
    write_site(root, server.base_url.rstrip("/"))
    server.route("/boom.xml", status=500, body="oops")
    server.stall("/slow.xml", seconds=5)
    server.stream("/huge.xml", size=5_000_000)
    server.route("/loop-a.xml", status=302, headers={"Location": "/loop-b.xml"})
    server.route("/loop-b.xml", status=302, headers={"Location": "/loop-a.xml"})
    return server
