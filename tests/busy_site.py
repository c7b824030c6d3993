"""A busy loopback news site for the crash, lock and secrets tests: several outlets, each with a
feed of many short teasers whose full articles must be fetched and extracted (so the run uses
the extraction process pool), covering a dozen invented stories, some told by two outlets.

Served by a real :class:`FixtureServer` with a small random latency per response, so one
``deepdaily run`` over it lasts a second or two: long enough to be killed in every stage, to
overlap with a second run, and to hold its lock while a test looks at it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from deepdaily.testing import FixtureServer

DAY = date(2026, 11, 27)  # window 2026-11-26 00:00 – 2026-11-27 00:00 UTC for profile "en"

# (organisation, product, version, what it is, figure, unit, subject)
STORIES = [
    ("Quillstone", "Quill", "7.2", "open mixture-of-experts model", "61.4", "percent", "coding"),
    ("Vaultline", "Vault Agent", "3.2.1", "agent runtime", "30", "days", "sandboxing"),
    ("Harborlight", "Harbor DB", "5.0", "vector database", "2400", "queries per second", "search"),
    ("Cobaltine", "Cobalt Serve", "1.9", "inference server", "41", "seconds", "cold starts"),
    ("Fernreach", "Fern Tokenizer", "2.0", "tokenizer library", "18", "percent", "compression"),
    ("Mistwater", "Mist Eval", "0.8", "evaluation harness", "112", "tasks", "benchmarks"),
    ("Oakhollow", "Oak Compiler", "4.4", "kernel compiler", "2.3", "times", "GPU kernels"),
    ("Pebblerun", "Pebble Cache", "6.1", "prompt cache", "73", "percent", "latency"),
    ("Reedmark", "Reed Guard", "1.2", "policy engine", "9", "rules", "agent permissions"),
    ("Sablecrest", "Sable Train", "3.0", "training framework", "512", "accelerators", "scaling"),
    ("Tidefall", "Tide Stream", "2.6", "streaming runtime", "15", "milliseconds", "speech"),
    ("Umberfield", "Umber Vision", "5.5", "vision encoder", "88.1", "percent", "documents"),
]
OUTLETS = ["wire", "dispatch", "ledger", "signal", "review", "digest"]


def _article(
    org: str,
    product: str,
    version: str,
    kind: str,
    figure: str,
    unit: str,
    subject: str,
    outlet: str,
    hour: int,
) -> str:
    paragraphs = [
        f"{org} released {product} {version}, a new {kind} aimed at teams working on {subject}.",
        f"According to {org}, {product} {version} reaches {figure} {unit} on its internal "
        f"{subject} measurements, compared with the previous release.",
        f"The {product} project documents the change in a technical report and publishes the "
        "source code together with upgrade notes for existing users.",
        f"Engineers at {org} said the {version} release changes the default configuration, so "
        "operators should read the migration guide before they upgrade production systems.",
        f"Independent users have not yet reproduced the {figure} {unit} figure reported for "
        f"{product}; {outlet} will follow up when third-party numbers appear.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{product} {version} | {outlet}</title>"
        f'<meta property="article:published_time" content="2026-11-26T{hour:02d}:10:00Z">'
        f"</head><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav>"
        f"<article><h1>{org} ships {product} {version}</h1>{body}</article>"
        f"<footer>Copyright {outlet}. <a href='/jobs'>Jobs</a></footer></body></html>"
    )


def write_busy_site(root: Path, base: str, *, outlets: int = 6, per_outlet: int = 8) -> list[str]:
    """Write the site under ``root`` (links point at ``base``); return the feed paths."""
    feeds: list[str] = []
    for o, outlet in enumerate(OUTLETS[:outlets]):
        (root / outlet).mkdir(parents=True, exist_ok=True)
        items = []
        for i in range(per_outlet):
            story = STORIES[(o * 5 + i) % len(STORIES)]
            org, product, version = story[0], story[1], story[2]
            hour = 1 + (o * per_outlet + i) % 22
            slug = f"{product.lower().replace(' ', '-')}-{version}-{i}"
            (root / outlet / f"{slug}.html").write_text(
                _article(*story, outlet=outlet, hour=hour), encoding="utf-8"
            )
            items.append(
                f"<item><title>{org} ships {product} {version}</title>"
                f"<link>{base}/{outlet}/{slug}.html</link><guid>{base}/{outlet}/{slug}</guid>"
                f"<pubDate>Thu, 26 Nov 2026 {hour:02d}:10:00 GMT</pubDate>"
                f"<description>{product} {version} from {org}.</description></item>"
            )
        (root / f"{outlet}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{outlet}</title><link>{base}/</link><description>news</description>"
            f"{''.join(items)}</channel></rss>",
            encoding="utf-8",
        )
        feeds.append(f"/{outlet}.xml")
    return feeds


def serve_busy_site(
    root: Path, *, outlets: int = 6, per_outlet: int = 8, delay: tuple[float, float] = (0.01, 0.04)
) -> tuple[FixtureServer, list[str]]:
    """Write and serve the site; return the running server and the feed URLs."""
    root.mkdir(parents=True, exist_ok=True)
    server = FixtureServer(root, delay=delay).start()
    feeds = write_busy_site(
        root, server.base_url.rstrip("/"), outlets=outlets, per_outlet=per_outlet
    )
    return server, [server.url(path) for path in feeds]


def busy_config(workdir: Path, feeds: list[str], extra: str = "") -> Path:
    """A ``deepdaily.toml`` in ``workdir`` reading ``feeds``, English profile, SQLite beside
    it, output under ``workdir/out``."""
    lines = [
        'output_dir = "out"',
        "[store]",
        f'url = "sqlite:///{workdir / "dd.db"}"',
        "[profile]",
        'language = "en"',
        'timezone = "UTC"',
        "publish_hour = 0",
        "items = 6",
        'interests = ["model", "release", "agent", "inference", "database", "benchmark"]',
        "[fetch]",
        "timeout = 5.0",
        "connect_timeout = 2.0",
        "retries = 0",
        "backoff = 0.01",
        "per_host = 4",
    ]
    for index, url in enumerate(feeds):
        lines += ["[[sources]]", f'name = "{OUTLETS[index]}"', f'url = "{url}"']
    path = workdir / "deepdaily.toml"
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path
