"""Text stays text: charsets of feeds, pages and JSON Lines, and repairing stored mojibake.

Regressions guarded: one Latin-1 line in a UTF-8 JSONL file made the whole body decode as
cp1252, so every Chinese title was stored as ``å¤§æ¨¡åž‹…``; a feed whose HTTP header named
another charset than its bytes was stored the same way; and a document stored with broken text
was never re-extracted because its URL was known.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update

from deepdaily.cli.main import main
from deepdaily.config import FetchSettings, SourceSpec
from deepdaily.fetch import Fetcher, decode_body, decode_lines
from deepdaily.sources import Validators, collect_source
from deepdaily.store import Store
from deepdaily.store import schema as t
from deepdaily.testing import FixtureServer
from ingest_support import collect_once, ingest_settings, stored_documents

TITLE_ZH = "大模型推理优化：从量化到投机解码"
TEXT_ZH = "团队把投机解码与四位量化结合，单卡吞吐提升到原来的三倍，延迟下降四成。"
MOJIBAKE = ("å¤", "æ¨¡", "Ã", "â€")  # what UTF-8 read as cp1252/latin-1 looks like


def _clean(text: str) -> bool:
    return not any(mark in text for mark in MOJIBAKE) and "\ufffd" not in text


# decode_body / decode_lines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "declared", "text", "encoding", "warned"),
    [
        (TITLE_ZH.encode(), None, TITLE_ZH, "utf-8", False),
        ("naïve café".encode(), "iso-8859-1", "naïve café", "utf-8", True),  # lying header
        (
            f'<?xml version="1.0" encoding="windows-1252"?><t>{TITLE_ZH}</t>'.encode(),
            None,
            f'<?xml version="1.0" encoding="windows-1252"?><t>{TITLE_ZH}</t>',
            "utf-8",
            True,
        ),
        (
            "Réseaux de neurones à la française".encode("latin-1"),
            None,
            "Réseaux de neurones à la française",
            "cp1252",
            True,
        ),  # undeclared legacy: detected
        (
            "Naïve priors — “quick”".encode("cp1252"),
            "utf-8",
            "Naïve priors — “quick”",
            "cp1252",
            True,
        ),  # declared UTF-8, bytes are not
        (f"<p>{TITLE_ZH}</p>".encode("gbk"), "gbk", f"<p>{TITLE_ZH}</p>", "gbk", False),
        (
            '<meta charset="iso-8859-1"><p>caf\xe9</p>'.encode("latin-1"),
            None,
            '<meta charset="iso-8859-1"><p>café</p>',
            "cp1252",
            False,
        ),
        ("x é".encode("utf-16"), None, "x é", "utf-16", False),
        (
            '<?xml version="1.0"?><a>hé</a>'.encode("utf-16-be"),
            None,
            '<?xml version="1.0"?><a>hé</a>',
            "utf-16-be",
            False,
        ),  # no BOM: sniffed from "<"
        (
            '<?xml version="1.0" encoding="UTF-16"?><a>hé</a>'.encode(),
            None,
            '<?xml version="1.0" encoding="UTF-16"?><a>hé</a>',
            "utf-8",
            True,
        ),  # no NUL bytes
    ],
)
def test_decode_body_follows_bom_declarations_header_then_detection(
    body: bytes, declared: str | None, text: str, encoding: str, warned: bool
) -> None:
    decoded = decode_body(body, declared)
    assert (decoded.text, decoded.encoding, bool(decoded.warning)) == (text, encoding, warned)


def test_one_bad_byte_costs_one_character_not_the_body() -> None:
    body = f"{TITLE_ZH}\n{TEXT_ZH}\n".encode() + b"caf\xe9 " + TEXT_ZH.encode()
    decoded = decode_body(body, "utf-8")
    assert decoded.encoding == "utf-8" and decoded.replaced == 1
    assert decoded.text.startswith(f"{TITLE_ZH}\n{TEXT_ZH}\ncaf\ufffd ")
    assert decoded.warning == "read as UTF-8, 1 bytes not valid UTF-8 were replaced"


def test_jsonl_lines_are_decoded_one_by_one() -> None:
    good = json.dumps({"title": TITLE_ZH}, ensure_ascii=False).encode()
    latin = json.dumps({"title": "Café crème"}, ensure_ascii=False).encode("latin-1")
    decoded = decode_lines(b"\n".join([good, latin, good]))
    assert [json.loads(line)["title"] for line in decoded.text.split("\n")] == [
        TITLE_ZH,
        "Café crème",
        TITLE_ZH,
    ]
    assert decoded.warning == "1 lines not UTF-8, decoded one by one: line 2 (windows-1252)"


async def test_a_forum_topic_with_a_stray_byte_is_read_not_refused(
    fixture_server: FixtureServer, web_root: Path
) -> None:
    """Regression: one invalid byte in a Discourse body made the whole forum "not valid JSON"."""
    body = (web_root / "forum/t/101.json").read_bytes().replace(b"Version 2.4", b"Versi\xf3n 2.4")
    fixture_server.route("/t/101.json", body=body, content_type="application/json")
    spec = SourceSpec(name="forum", url=fixture_server.url("/t/101.json"), type="discourse")
    async with Fetcher(FetchSettings(retries=0)) as fetcher:
        result = await collect_source(spec, fetcher, Validators())
    (entry,) = result.entries
    assert entry.title == "Release notes: serving runtime 2.4"
    assert "Versión 2.4 adds paged attention" in entry.content_text
    assert result.warnings == [
        f"{fixture_server.url('/t/101.json')}: not UTF-8: read as windows-1252"
    ]


def test_a_jsonl_file_in_one_legacy_charset_is_decoded_as_a_whole() -> None:
    """When most lines are not UTF-8 the file has a charset of its own: detected once, not
    guessed line by line."""
    lines = [
        json.dumps({"title": f"{TITLE_ZH} {n}", "text": TEXT_ZH}, ensure_ascii=False)
        for n in range(4)
    ]
    decoded = decode_lines("\n".join(lines).encode("gb18030"))
    assert decoded.text.split("\n") == lines
    assert decoded.encoding == "gb18030" and decoded.warning == "not UTF-8: read as gb18030"


async def test_a_page_whose_meta_charset_lies_is_read_as_utf8(
    fixture_server: FixtureServer,
) -> None:
    page = (
        f"<html><head><meta charset='windows-1252'><title>{TITLE_FITS_CP1252}</title></head>"
        f"<body><article><h1>{TITLE_FITS_CP1252}</h1><p>{TEXT_FITS_CP1252}</p></article>"
        "</body></html>"
    )
    fixture_server.route("/article.html", body=page.encode(), content_type="text/html")
    spec = SourceSpec(name="page", url=fixture_server.url("/article.html"), type="html")
    async with Fetcher(FetchSettings(retries=0)) as fetcher:
        result = await collect_source(spec, fetcher, Validators())
    (entry,) = result.entries
    assert entry.title == TITLE_FITS_CP1252 and TEXT_FITS_CP1252 in entry.content_html
    assert result.warnings == [
        f"{fixture_server.url('/article.html')}: the document declares windows-1252 but the "
        "bytes are UTF-8; read as UTF-8"
    ]


# end to end: collect into SQLite ---------------------------------------------------------------


def _record(n: int, title: str, text: str) -> dict[str, str]:
    return {
        "url": f"https://news.example/zh/{n}",
        "title": title,
        "text": text,
        "published": "2026-02-11",
        "language": "zh",
    }


def _jsonl(records: list[bytes]) -> bytes:
    return b"\n".join(records) + b"\n"


def _utf8(record: dict[str, str]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def test_mixed_encoding_jsonl_is_stored_without_mojibake(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    """Regression: one Latin-1 line made every Chinese title of the file mojibake (exit 0)."""
    latin = json.dumps(
        _record(3, "Café des réseaux", "Un modèle entraîné."), ensure_ascii=False
    ).encode("latin-1")
    body = _jsonl(
        [
            _utf8(_record(1, TITLE_ZH, TEXT_ZH)),
            _utf8(_record(2, f"{TITLE_ZH}（续）", TEXT_ZH)),
            latin,
        ]
    )
    fixture_server.route("/day.jsonl", body=body, content_type="application/x-ndjson")
    settings = ingest_settings(
        tmp_path, [{"name": "zh-wire", "url": fixture_server.url("/day.jsonl"), "type": "jsonl"}]
    )
    report = collect_once(settings)
    docs = stored_documents(settings)
    assert [d["title"] for d in docs] == [TITLE_ZH, f"{TITLE_ZH}（续）", "Café des réseaux"]
    assert all(_clean(d["title"]) and _clean(d["text"]) for d in docs)
    (outcome,) = report.outcomes
    assert outcome.ok and outcome.new_documents == 3
    assert outcome.warnings == [
        f"{fixture_server.url('/day.jsonl')}: 1 lines not UTF-8, decoded one by one: "
        "line 3 (windows-1252)"
    ]


# Every byte of this UTF-8 feed is defined in windows-1252, so the lie decodes "fine".
TITLE_FITS_CP1252 = "大模型推测采样：新版本训练框架"
TEXT_FITS_CP1252 = "新版本的推测采样框架：并行训练延迟更低。"
_FEED = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>中文技术周刊</title><link>https://weekly.example/</link>
<description>周刊</description>
<item><title>{TITLE_FITS_CP1252}</title><link>https://weekly.example/p/1</link>
<description>{TEXT_FITS_CP1252}</description></item>
<item><title>naïve café — résumé</title><link>https://weekly.example/p/2</link>
<description>长任务调度器的设计。</description></item>
</channel></rss>
"""


@pytest.mark.parametrize("charset", ["windows-1252", "ISO-8859-1"])
def test_feed_with_a_lying_charset_is_stored_as_text(
    fixture_server: FixtureServer, tmp_path: Path, charset: str
) -> None:
    """Regression: the header said windows-1252, the bytes were UTF-8: titles became mojibake."""
    fixture_server.route(
        "/weekly.xml",
        body=_FEED.encode("utf-8"),
        content_type=f"application/rss+xml; charset={charset}",
    )
    settings = ingest_settings(
        tmp_path, [{"name": "weekly", "url": fixture_server.url("/weekly.xml"), "type": "feed"}]
    )
    # The feed alone is under test: its item pages (on weekly.example) are never asked for.
    settings.fetch.fetch_pages = False
    report = collect_once(settings)
    docs = stored_documents(settings)
    assert [d["title"] for d in docs] == [TITLE_FITS_CP1252, "naïve café — résumé"]
    assert [d["text"] for d in docs] == [TEXT_FITS_CP1252, "长任务调度器的设计。"]
    (outcome,) = report.outcomes
    assert outcome.warnings == [
        f"{fixture_server.url('/weekly.xml')}: the HTTP header declares {charset.lower()} but "
        "the bytes are UTF-8; read as UTF-8"
    ]


def test_a_page_with_a_stray_byte_keeps_its_text_and_warns(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    """A summary-only entry's page: one invalid byte is replaced, the rest stays UTF-8."""
    paragraph = "<p>" + TEXT_ZH * 4 + "</p>"
    page = (
        (
            f"<html><head><meta charset='utf-8'><title>{TITLE_ZH}</title></head><body><article>"
            f"<h1>{TITLE_ZH}</h1>{paragraph}{paragraph}</article></body></html>"
        )
        .encode()
        .replace("。".encode(), b"\xa0", 1)
    )
    fixture_server.route("/post.html", body=page, content_type="text/html")
    listing = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "周刊",
        "items": [
            {
                "id": "1",
                "url": fixture_server.url("/post.html"),
                "title": TITLE_ZH,
                "summary": "摘要",
            }
        ],
    }
    fixture_server.route(
        "/feed.json",
        body=json.dumps(listing, ensure_ascii=False),
        content_type="application/feed+json",
    )
    settings = ingest_settings(
        tmp_path, [{"name": "weekly", "url": fixture_server.url("/feed.json"), "type": "feed"}]
    )
    report = collect_once(settings)
    (doc,) = stored_documents(settings)
    assert TEXT_ZH[:20] in doc["text"] and not any(m in doc["text"] for m in MOJIBAKE)
    assert report.outcomes[0].warnings == [
        f"{fixture_server.url('/post.html')}: read as UTF-8, 1 bytes not valid UTF-8 were replaced"
    ]


# repairing what is stored ----------------------------------------------------------------------


def test_fixing_the_source_updates_the_stored_document(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    """A title stored with a replaced byte is re-extracted once the source is fixed: same row,
    same id, no duplicate, the other documents untouched."""
    stray = f"{TITLE_ZH} v2".encode() + b"\xe9"  # a Latin-1 byte in a UTF-8 line
    broken = _utf8(_record(1, "MARK", TEXT_ZH)).replace(b"MARK", stray)
    other = _utf8(_record(2, "调度器复盘", "长任务不再饿死。"))
    fixture_server.route("/day.jsonl", body=_jsonl([broken, other]))
    settings = ingest_settings(
        tmp_path, [{"name": "zh-wire", "url": fixture_server.url("/day.jsonl"), "type": "jsonl"}]
    )
    collect_once(settings)
    before = {d["canonical_url"]: d for d in stored_documents(settings)}
    first = before["https://news.example/zh/1"]
    assert first["title"].endswith("\ufffd")

    fixed = _utf8(_record(1, f"{TITLE_ZH} v2é", TEXT_ZH))
    fixture_server.route("/day.jsonl", body=_jsonl([fixed, other]))
    report = collect_once(settings)
    after = {d["canonical_url"]: d for d in stored_documents(settings)}
    assert report.documents_updated == 1 and report.documents_new == 0
    assert report.documents_seen == 1 and report.outcomes[0].warnings == []
    assert set(after) == set(before)
    repaired = after["https://news.example/zh/1"]
    assert repaired["title"] == f"{TITLE_ZH} v2é"
    assert (repaired["id"], repaired["fetched_at"]) == (first["id"], first["fetched_at"])
    assert after["https://news.example/zh/2"] == before["https://news.example/zh/2"]
    assert collect_once(settings).documents_updated == 0  # fixed once, then left alone


def test_mojibake_stored_by_an_earlier_version_is_repaired(
    fixture_server: FixtureServer, tmp_path: Path
) -> None:
    """Documents stored before fingerprints were kept (entry_hash NULL) are compared by what
    they show: a mojibake title differs from the source's, so it is re-extracted."""
    records = [_record(1, TITLE_ZH, TEXT_ZH), _record(2, "调度器复盘", "长任务。")]
    body = _jsonl([_utf8(record) for record in records])
    fixture_server.route("/day.jsonl", body=body)
    settings = ingest_settings(
        tmp_path, [{"name": "zh-wire", "url": fixture_server.url("/day.jsonl"), "type": "jsonl"}]
    )
    collect_once(settings)
    garbled = TITLE_ZH.encode().decode("cp1252", errors="replace")
    with Store(settings.store.resolved_url()) as store, store.engine.begin() as conn:
        conn.execute(update(t.documents).values(entry_hash=None))  # as an older version left it
        conn.execute(
            update(t.documents)
            .where(t.documents.c.canonical_url == "https://news.example/zh/1")
            .values(title=garbled)
        )
    report = collect_once(settings)
    titles = [d["title"] for d in stored_documents(settings)]
    assert titles == [TITLE_ZH, "调度器复盘"]
    assert report.documents_updated == 1 and report.documents_seen == 1


def test_run_publishes_text_not_mojibake_and_says_what_it_replaced(
    fixture_server: FixtureServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``deepdaily run`` on a UTF-8 JSONL file with one Latin-1 line: exit 0, the stored and
    published Chinese titles are text, and the summary and ``digest show --why`` name the
    decoding problem."""
    latin = json.dumps(
        _record(3, "Café des réseaux", "Un modèle entraîné sur le web."), ensure_ascii=False
    ).encode("latin-1")
    records = [_record(1, TITLE_ZH, TEXT_ZH), _record(2, "长任务调度器的设计", "长任务不再饿死。")]
    fixture_server.route("/day.jsonl", body=_jsonl([*map(_utf8, records), latin]))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEEPDAILY_STORE__URL", f"sqlite:///{tmp_path / 'dd.db'}")
    (tmp_path / "deepdaily.toml").write_text(
        f'output_dir = "{tmp_path / "site"}"\n\n[[sources]]\nname = "zh-wire"\n'
        f'url = "{fixture_server.url("/day.jsonl")}"\ntype = "jsonl"\n',
        encoding="utf-8",
    )
    assert main(["run", "--date", "2026-02-12", "--offline"]) == 0
    summary = " ".join(capsys.readouterr().out.split())
    assert "zh-wire: " in summary and "line 3 (windows-1252)" in summary
    (post,) = (tmp_path / "site").rglob("*.md")
    published = post.read_text(encoding="utf-8")
    assert TITLE_ZH in published and not any(mark in published for mark in MOJIBAKE)
    assert all(_clean(d["title"]) for d in stored_documents(ingest_settings(tmp_path, [])))
    assert main(["digest", "show", "--date", "2026-02-12", "--why"]) == 0
    why = " ".join(capsys.readouterr().out.split())
    assert "warning" in why and "1 lines not UTF-8, decoded one by one: line 3" in why
