"""``deepdaily sources``, ``doctor`` and ``run`` from the command line, on real files and HTTP."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from deepdaily.cli.main import main
from deepdaily.testing import FixtureServer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEEPDAILY_STORE__URL", f"sqlite:///{tmp_path / 'dd.db'}")
    return tmp_path


def config(workdir: Path) -> dict[str, object]:
    return tomllib.loads((workdir / "deepdaily.toml").read_text(encoding="utf-8"))


def test_add_keeps_comments_and_refuses_duplicates(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "deepdaily.toml").write_text("# my digest\n[profile]\nitems = 5\n", "utf-8")
    assert (
        main(
            [
                "sources",
                "add",
                "https://lab.example/feed.xml",
                "--authority",
                "0.8",
                "--tag",
                "official",
            ]
        )
        == 0
    )
    assert main(["sources", "add", "https://lab.example/feed.xml", "--name", "again"]) == 0
    assert "already configured" in capsys.readouterr().out
    text = (workdir / "deepdaily.toml").read_text(encoding="utf-8")
    assert text.startswith("# my digest")
    sources = config(workdir)["sources"]
    assert sources == [
        {
            "name": "lab.example",
            "url": "https://lab.example/feed.xml",
            "authority": 0.8,
            "tags": ["official"],
        }
    ]
    assert main(["sources", "add", "https://x.example/f", "--authority", "7"]) == 2
    assert "authority" in capsys.readouterr().err


def test_import_opml_then_list_and_remove(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "import-opml", str(FIXTURES / "web" / "subscriptions.opml")]) == 0
    names = [s["name"] for s in config(workdir)["sources"]]  # type: ignore[index]
    assert len(names) == len(set(names)) >= 3
    assert main(["sources", "list"]) == 0
    assert "never" in capsys.readouterr().out
    assert main(["sources", "remove", names[0]]) == 0
    assert names[0] not in [s["name"] for s in config(workdir)["sources"]]  # type: ignore[index]
    assert main(["sources", "remove", "no-such-source"]) == 2


def test_check_reports_each_source_and_stores_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FixtureServer(FIXTURES / "web") as server:
        (workdir / "deepdaily.toml").write_text(
            f'[[sources]]\nname = "good"\nurl = "{server.url("/feeds/rss20.xml")}"\n'
            f'[[sources]]\nname = "bad"\ntype = "feed"\n'
            f'url = "{server.url("/feeds/not-a-feed.xml")}"\n',
            encoding="utf-8",
        )
        assert main(["sources", "check"]) == 1  # one failed
    out = " ".join(capsys.readouterr().out.split())
    assert "good" in out and "bad" in out and "looks like HTML" in out
    assert main(["doctor"]) == 0
    doctor = capsys.readouterr().out
    assert "0 documents" in doctor and "2 enabled" in doctor


def test_run_without_sources_is_a_clear_settings_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run"]) == 2
    assert "sources: none configured" in capsys.readouterr().err
    assert main(["doctor"]) == 1
    assert "no sources configured" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "not a URL (no scheme) nor an existing file"),
        ("htp://lab.example/feed.xml", "did you mean http://?"),
        ("https:///feed.xml", "no host name"),
        ("http://lab.example:99999/feed.xml", "not a valid URL"),
        ("feeds/missing.xml", "no such file"),
        ("file:///nowhere/at/all.xml", "no such file"),
    ],
)
def test_add_refuses_an_unreadable_url_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], url: str, says: str
) -> None:
    """Regression: ``sources add "not a url"`` and ``htp://…`` were accepted and only failed at
    run time, every morning."""
    (workdir / "deepdaily.toml").write_text("[profile]\nitems = 5\n", encoding="utf-8")
    assert main(["sources", "add", url]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err and repr(url) in err
    assert "sources" not in config(workdir)


def test_add_accepts_an_existing_local_file(workdir: Path) -> None:
    (workdir / "items.jsonl").write_text("", encoding="utf-8")
    assert main(["sources", "add", "items.jsonl", "--type", "jsonl"]) == 0
    assert config(workdir)["sources"] == [  # type: ignore[comparison-overlap]
        {"name": "items", "url": "items.jsonl", "type": "jsonl"}
    ]


def test_add_check_fetches_first_and_adds_only_what_answers(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FixtureServer(FIXTURES / "web") as server:
        good, bad = server.url("/feeds/rss20.xml"), server.url("/feeds/not-a-feed.xml")
        assert main(["sources", "add", good, "--name", "good", "--check"]) == 0
        assert "checked good:" in capsys.readouterr().out
        assert main(["sources", "add", bad, "--name", "bad", "--type", "feed", "--check"]) == 1
        assert "not added" in capsys.readouterr().err
        fetched = server.paths()
    assert fetched.count("/feeds/rss20.xml") == 1 and "/feeds/not-a-feed.xml" in fetched
    assert [s["name"] for s in config(workdir)["sources"]] == ["good"]  # type: ignore[index]


def test_import_opml_says_why_each_feed_was_skipped(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: import-opml said "skipped 3" without a reason."""
    opml = workdir / "reader.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="Lab" xmlUrl="https://lab.example/feed.xml"/>'
        '<outline text="Typo" xmlUrl="htps://typo.example/feed.xml"/>'
        '<outline text="Lab again" xmlUrl="https://lab.example/feed.xml"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["sources", "import-opml", str(opml)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "imported 1 sources" in out and "skipped 2" in out
    assert "skipped Typo: source 'htps://typo.example/feed.xml': unsupported scheme" in out
    assert "skipped Lab again: already configured" in out
