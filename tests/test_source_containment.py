"""Every source fails alone, every entry too: the crash cases of issue 9 through ``deepdaily run``.

Before, each of these ended the whole run with exit 1, a traceback, no digest and the good
sources' documents lost, because only deepdaily's own errors were caught per source:

- a JSON Feed nested 200,000 arrays deep, and a JSONL line nested as deep (``RecursionError``);
- a feed item linking ``http://１２７．０．０．１/x`` (``httpx.InvalidURL`` from the page fetch);
- a source URL with port 99999 (``OverflowError``), a full-width or invalid-IDNA host, a URL
  over 64 KB;

and ``javascript:``/``data:`` item links were stored, selected and written raw into the JSON.
Now a run with such sources beside good ones exits 0, names each failed source on one line in
the summary and the fetch log, lists each refused entry with its reason, and stores every good
entry. Everything is served by a :class:`~deepdaily.testing.FixtureServer` on 127.0.0.1, and
:func:`~deepdaily.testing.llm_server.loopback_only` makes any lookup of another host name fail.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from deepdaily.cli.app import console
from deepdaily.cli.main import main
from deepdaily.config import SourceSpec, load_settings
from deepdaily.fetch import Fetcher, FetchResponse
from deepdaily.pipeline.collect import collect
from deepdaily.sources import Collected, FetchedSource
from deepdaily.sources import base as sources_base
from deepdaily.sources.limits import MAX_TITLE
from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deepdaily.testing.llm_server import loopback_only
from site_support import DAY

DEEP = 200_000
FULL_WIDTH = "http://１２７．０．０．１/x"
JS_LINK = "javascript:alert(document.cookie)"
DATA_LINK = "data:text/html,<script>alert(1)</script>"
BAD_IDNA = "http://xn--a.example/x"
FAILED = re.compile(r"^✗ (?P<source>[^:]+): (?P<reason>.*)$", re.MULTILINE)


def json_feed(*items: dict[str, object]) -> bytes:
    return json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": list(items)}
    ).encode()


def item(
    url: str, title: str, text: str = "A paragraph of text about the item."
) -> dict[str, object]:
    return {
        "id": title,
        "url": url,
        "title": title,
        "content_text": text,
        "date_published": "2026-11-26T06:00:00Z",
    }


def serve_hostile(site: FixtureServer) -> dict[str, str]:
    """Program the hostile routes on ``site``; the sources to configure, by name."""
    deep = b"[" * DEEP + b"]" * DEEP
    site.route(
        "/deep-feed.json",
        body=b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + deep + b"}",
        content_type="application/feed+json",
    )
    good_record = json.dumps(
        {
            "url": site.url("/jsonl/kept"),
            "title": "Kept record beside a deep line",
            "text": "The JSONL record before the deep line is kept.",
            "published": "2026-11-26T07:00:00Z",
        }
    ).encode()
    site.route(
        "/deep.jsonl", body=good_record + b"\n" + deep + b"\n", content_type="application/x-ndjson"
    )
    site.route("/only-deep.jsonl", body=deep + b"\n", content_type="application/x-ndjson")
    long_link = site.url("/" + "a" * 70_000)
    site.route(
        "/odd-links.json",
        body=json_feed(
            item(site.url("/odd/kept"), "Kept item among odd links"),
            item(FULL_WIDTH, "Full-width host"),
            item(JS_LINK, "Script link"),
            item(DATA_LINK, "Data link"),
            item(BAD_IDNA, "Invalid IDNA host"),
            item(long_link, "Seventy kilobyte link"),
            item("http://127.0.0.1:99999/x", "Port out of range"),
        ),
        content_type="application/feed+json",
    )
    return {
        "deep-feed": site.url("/deep-feed.json"),
        "deep-jsonl": site.url("/deep.jsonl"),
        "only-deep-jsonl": site.url("/only-deep.jsonl"),
        "odd-links": site.url("/odd-links.json"),
        "port-99999": "http://127.0.0.1:99999/feed.xml",
        "full-width-source": f"http://１２７．０．０．１:{site.port}/wire.xml",
        "idna-source": "http://xn--a.example/feed.xml",
        "long-source": site.url("/" + "b" * 70_000),
    }


GOOD = {"wire": "/wire.xml", "dispatch": "/dispatch.atom", "forum": "/forum/latest.json"}
#: Each failing source and a fragment of its one-line reason.
FAILS = {
    "deep-feed": "nested deeper than 64 levels",
    "only-deep-jsonl": "nested deeper than 64 levels",
    "port-99999": "port 99999",
    "full-width-source": "Invalid IDNA hostname",
    "idna-source": "xn--a.example",
    "long-source": "characters",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "work"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()
    with loopback_only():
        yield home


def write_config(workdir: Path, sources: dict[str, str], extra: str = "") -> None:
    lines = [
        f'output_dir = "out"\n[store]\nurl = "sqlite:///{workdir / "dd.db"}"\n',
        "[fetch]\ntimeout = 1.0\nconnect_timeout = 0.5\nretries = 0\nbackoff = 0.01\n" + extra,
    ]
    for name, url in sources.items():
        lines.append(f"[[sources]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n")
    (workdir / "deepdaily.toml").write_text("\n".join(lines), encoding="utf-8")


def query(workdir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(workdir / "dd.db") as conn:
        return list(conn.execute(sql))


def test_crash_cases_cost_only_their_source_or_entry(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression (issue 9): deep nesting, a full-width host, port 99999, an invalid IDNA host
    and 64 KB URLs crashed the run; javascript:/data: item links reached the digest JSON."""
    hostile = serve_hostile(site)
    write_config(workdir, {**{n: site.url(p) for n, p in GOOD.items()}, **hostile})

    assert main(["run", "--date", DAY.isoformat()]) == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert "Traceback" not in out

    failed = {m["source"]: m["reason"] for m in FAILED.finditer(captured.out)}
    assert set(failed) == set(FAILS), failed
    for name, fragment in FAILS.items():
        assert fragment in failed[name], (name, failed[name])
        assert len(failed[name]) < 400, (name, len(failed[name]))
    logged = dict(query(workdir, "SELECT source, error FROM fetch_log WHERE NOT ok"))
    assert set(logged) == set(FAILS)
    assert all(error and "\n" not in str(error) for error in logged.values())

    # every good entry stored: the three good sources, and the good ones beside bad entries
    stored = {str(url) for (url,) in query(workdir, "SELECT url FROM documents")}
    by_source = dict(query(workdir, "SELECT source, COUNT(*) FROM documents GROUP BY source"))
    assert by_source["wire"] == 2 and by_source["dispatch"] == 1 and by_source["forum"] == 1
    assert site.url("/jsonl/kept") in stored and site.url("/odd/kept") in stored
    assert by_source["deep-jsonl"] == 1 and by_source["odd-links"] == 1
    assert all(url.startswith(("http://", "https://")) for url in stored), stored

    # each refused entry has its reason in the run's manifest and a warning in the summary
    manifest = json.loads(str(query(workdir, "SELECT manifest FROM runs")[0][0]))
    refusals = [line for line in manifest["extraction_failures"] if line.startswith("odd-links:")]
    assert len(refusals) == 6, refusals
    for fragment in (
        "Invalid IDNA hostname",
        "scheme 'javascript' is not http or https",
        "scheme 'data' is not http or https",
        "U+0080",  # the invalid IDNA label of xn--a.example
        "(at most 8192)",
        "port 99999 out of range",
    ):
        assert sum(fragment in line for line in refusals) == 1, fragment
    assert any(
        line.startswith("deep-jsonl:") and "line 2: JSON nested deeper than 64 levels" in line
        for line in manifest["extraction_failures"]
    )
    assert "! odd-links: refused 6 entries; first:" in captured.out

    # the digest JSON carries only web URLs
    digest_json = next((workdir / "out").rglob(f"{DAY}.json")).read_text(encoding="utf-8")
    assert "javascript:" not in digest_json and "data:text" not in digest_json
    for url in re.findall(r'"(?:source_url|url)": "([^"]*)"', digest_json):
        assert url.startswith(("http://", "https://")), url


def test_entries_over_max_entries_are_dropped_with_a_warning(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feed listing 30 items under ``[fetch] max_entries = 10`` keeps the first 10 and says
    so; a title of 100,000 characters is cut to MAX_TITLE."""
    items = [item(site.url(f"/many/{n}"), f"Item number {n}") for n in range(30)]
    items[0]["title"] = "Long " + "title " * 20_000
    site.route("/many.json", body=json_feed(*items), content_type="application/feed+json")
    write_config(workdir, {"many": site.url("/many.json")}, extra="max_entries = 10\n")

    assert main(["run", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "! many: listed 30 entries; kept the first 10 ([fetch] max_entries)" in out
    stored = {str(url) for (url,) in query(workdir, "SELECT url FROM documents")}
    assert stored == {site.url(f"/many/{n}") for n in range(10)}
    titles = [str(title) for (title,) in query(workdir, "SELECT title FROM documents")]
    assert max(len(title) for title in titles) == MAX_TITLE


# collect() on its own: unexpected exceptions, per stage ----------------------------------


def settings_for(tmp_path: Path, sources: dict[str, tuple[str, str]]) -> tuple[object, Store]:
    settings = load_settings(
        None,
        environ={},
        overrides={
            "store": {"url": f"sqlite:///{tmp_path / 'dd.db'}"},
            "sources": [
                {"name": name, "url": url, "type": kind} for name, (url, kind) in sources.items()
            ],
            "fetch": {"timeout": 1.0, "retries": 0, "backoff": 0.0},
        },
    )
    store = Store(settings.store.resolved_url())
    store.start_run("run-1", "default", DAY.isoformat())
    return settings, store


def broken_type(error: BaseException) -> type[FetchedSource]:
    class Broken(FetchedSource):
        name: ClassVar[str] = "html"

        async def parse(
            self, spec: SourceSpec, response: FetchResponse, fetcher: Fetcher
        ) -> Collected:
            raise error

    return Broken


def test_an_unexpected_parser_exception_is_a_one_line_failure_of_its_source(
    tmp_path: Path, site: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (issue 9): only DeepdailyError was caught per source, so any other exception
    a source type raised (RecursionError, KeyError...) ended the whole run."""
    monkeypatch.setitem(
        sources_base._REGISTRY, "html", broken_type(RecursionError("maximum recursion depth"))
    )
    settings, store = settings_for(
        tmp_path,
        {"wire": (site.url("/wire.xml"), "feed"), "page": (site.url("/pages/quill.html"), "html")},
    )
    report = asyncio.run(collect(settings, store, "run-1", workers=0))  # type: ignore[arg-type]
    outcomes = {o.source: o for o in report.outcomes}
    assert outcomes["wire"].ok and outcomes["wire"].new_documents == 2
    assert not outcomes["page"].ok
    assert outcomes["page"].error == (
        f"html {site.url('/pages/quill.html')}: parser error: "
        "RecursionError (maximum recursion depth)"
    )


def test_memory_error_still_ends_the_run(
    tmp_path: Path, site: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MemoryError is not one source's problem: it is let through (decided in collect.py)."""
    monkeypatch.setitem(sources_base._REGISTRY, "html", broken_type(MemoryError()))
    settings, store = settings_for(tmp_path, {"page": (site.url("/pages/quill.html"), "html")})
    with pytest.raises(MemoryError):
        asyncio.run(collect(settings, store, "run-1", workers=0))  # type: ignore[arg-type]


def test_one_entry_failing_extraction_keeps_the_sources_other_entries(
    tmp_path: Path, site: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (issue 9): an unexpected exception while making one entry's document lost
    every entry of its source; now it is that entry's failure, with its reason."""
    from deepdaily.extract import documents

    real = documents._fragment_article

    def fragile(html: str, url: str) -> object:
        if "poison" in html:
            raise KeyError("poison")
        return real(html, url)

    monkeypatch.setattr(documents, "_fragment_article", fragile)
    body = json_feed(
        {"id": "1", "url": site.url("/e/1"), "title": "One", "content_html": "<p>fine one</p>"},
        {"id": "2", "url": site.url("/e/2"), "title": "Two", "content_html": "<p>poison</p>"},
        {"id": "3", "url": site.url("/e/3"), "title": "Three", "content_html": "<p>fine 3</p>"},
    )
    site.route("/entries.json", body=body, content_type="application/feed+json")
    settings, store = settings_for(tmp_path, {"feed": (site.url("/entries.json"), "feed")})
    report = asyncio.run(collect(settings, store, "run-1", workers=0))  # type: ignore[arg-type]
    assert report.outcomes[0].ok and report.outcomes[0].new_documents == 2
    assert report.extraction_failures == [
        f"feed: {site.url('/e/2')}: extraction error: KeyError ('poison')"
    ]
