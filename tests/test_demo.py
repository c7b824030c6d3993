"""``deepdaily demo`` end to end: the bundled snapshot, offline, twice."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

import pytest

from deepdaily.cli.main import main
from digest_checks import check_offline_digest


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("documents", "events", "digests", "digest_events", "sources")
        }


def test_demo_runs_offline_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    day1 = out / "content" / "posts" / "2026-11-26.md"
    day2 = out / "content" / "posts" / "2026-11-27.md"
    assert f"Digest written: {day2}" in " ".join(printed.split()) or str(day2) in printed
    # both failing sources are reported with their one-line reason, the run went on
    assert "Hollowbyte" in printed and "malformed XML" in printed
    assert "connection refused" in printed

    text = day2.read_text(encoding="utf-8")
    front = tomllib.loads(text.split("+++")[1])
    assert front["title"] == "AI 技术深度日报｜2026-11-27"
    assert front["draft"] is False
    assert "未使用 LLM" in text  # the offline engine says so
    assert "prize.example" not in text + day1.read_text(encoding="utf-8")
    for post in (day1, day2):  # no internal keys, no repeated lines, leads that stand alone
        check_offline_digest(post)
    assert text.count("\n## ") >= 3 and "## 今日趋势总结" in text
    first = counts(out / "deepdaily.db")
    assert first["documents"] >= 80 and first["sources"] == 14

    # a second run stores nothing new and renders the same digests
    before = (day1.read_text(encoding="utf-8"), text)
    assert main(["demo", "--out", str(out)]) == 0
    assert counts(out / "deepdaily.db") == first
    assert (day1.read_text(encoding="utf-8"), day2.read_text(encoding="utf-8")) == before
    assert (
        main(
            [
                "--db",
                f"sqlite:///{out / 'deepdaily.db'}",
                "digest",
                "show",
                "--why",
                "--date",
                "2026-11-27",
            ]
        )
        == 0
    )
    why = capsys.readouterr().out
    assert "selected #1" in why or "#1" in why
