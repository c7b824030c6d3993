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
