"""Several profiles from one store: one fetch, one digest per profile, each its own sources."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from deepdaily.cli.main import main
from deepdaily.testing import FixtureServer
from site_support import DAY


def test_all_profiles_fetch_once_and_write_one_digest_each(
    site: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deepdaily.toml").write_text(
        f"""
output_dir = "out"
[store]
url = "sqlite:///{tmp_path / "dd.db"}"

[[sources]]
name = "wire"
url = "{site.url("/wire.xml")}"
tags = ["news"]

[[sources]]
name = "forum"
url = "{site.url("/forum/latest.json")}"
type = "discourse"
tags = ["community"]

[profiles.community]
language = "en"
title = "Community notes | {{date}}"
source_tags = ["community"]
post_path = "content/community/{{date}}.md"
""",
        encoding="utf-8",
    )
    assert main(["run", "--all-profiles", "--date", DAY.isoformat()]) == 0
    assert site.paths().count("/wire.xml") == 1  # fetched once for both profiles

    zh = (tmp_path / "out" / "content" / "posts" / f"{DAY}.md").read_text(encoding="utf-8")
    community = (tmp_path / "out" / "content" / "community" / f"{DAY}.md").read_text(
        encoding="utf-8"
    )
    assert "AI 技术深度日报" in zh and "CVE-2026-4411" in zh
    assert community.startswith('+++\ntitle = "Community notes | ')
    assert "## 1) " in community and "CVE-2026-4411" not in community  # forum only
    with sqlite3.connect(tmp_path / "dd.db") as conn:
        profiles = {row[0] for row in conn.execute("SELECT profile FROM digests")}
    assert profiles == {"zh", "community"}

    assert main(["-p", "community", "digest", "show", "--date", DAY.isoformat()]) == 0
    assert main(["-p", "nobody", "digest", "show"]) == 2
