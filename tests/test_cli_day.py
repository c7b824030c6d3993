"""A day a user can trust, through the CLI: broken days fail loudly, partial failures are named,
``--strict`` and future dates, ``doctor``'s source health and keys, the LLM in the summary.

Each test runs ``deepdaily`` as a user would (``main([...])`` in a work directory holding a
``deepdaily.toml``) against the loopback site of ``site_support``, and checks exit codes, the
files written and the rows stored.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deepdaily.cli.app import console
from deepdaily.cli.main import main
from deepdaily.testing import FixtureServer
from site_support import DAY

FAST_FETCH = """
[fetch]
timeout = 1.0
connect_timeout = 0.5
retries = 0
backoff = 0.01
"""


def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(workdir: Path, sources: list[tuple[str, str]], extra: str = "") -> None:
    lines = [f'output_dir = "out"\n[store]\nurl = "sqlite:///{workdir / "dd.db"}"\n', FAST_FETCH]
    for name, url in sources:
        lines.append(f'[[sources]]\nname = "{name}"\nurl = "{url}"\n')
    (workdir / "deepdaily.toml").write_text("\n".join(lines) + extra, encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "work"
    home.mkdir()
    monkeypatch.chdir(home)
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()  # the CLI's console reads the width once per process
    return home


def post(workdir: Path) -> Path:
    return workdir / "out" / "content" / "posts" / f"{DAY}.md"


def runs(workdir: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(workdir / "dd.db") as conn:
        return list(conn.execute("SELECT digest_date, status FROM runs ORDER BY started_at"))


def test_every_source_failing_is_an_error_and_publishes_nothing(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        workdir,
        [
            ("malformed", site.url("/broken.xml")),
            ("missing", site.url("/nowhere.xml")),
            ("refused", f"http://127.0.0.1:{unused_port()}/feed.xml"),
        ],
    )
    assert main(["run", "--date", DAY.isoformat()]) == 1
    captured = capsys.readouterr()
    error = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "every source failed (3 of 3)" in error[0]
    assert "no digest written" in error[0] and "refused" in error[0]
    assert "none written" in captured.out  # the summary still shows what was tried
    assert not post(workdir).exists()
    assert runs(workdir) == [(DAY.isoformat(), "failed")]
    with sqlite3.connect(workdir / "dd.db") as conn:
        assert conn.execute("SELECT count(*) FROM digests").fetchone()[0] == 0


def test_a_broken_rerun_keeps_the_digest_already_written(
    workdir: Path, site: FixtureServer
) -> None:
    """A later run whose sources all fail must not replace a good digest of the same day."""
    write_config(workdir, [("wire", site.url("/wire.xml"))])
    assert main(["run", "--date", DAY.isoformat()]) == 0
    good = post(workdir).read_text(encoding="utf-8")
    assert "## 1) " in good
    write_config(workdir, [("wire", site.url("/nowhere.xml"))])
    assert main(["run", "--date", DAY.isoformat()]) == 1
    assert post(workdir).read_text(encoding="utf-8") == good
    with sqlite3.connect(workdir / "dd.db") as conn:
        assert conn.execute("SELECT count(*) FROM digests").fetchone()[0] == 1


def test_no_document_in_the_window_is_an_error_not_a_quiet_day(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(workdir, [("wire", site.url("/wire.xml"))])
    later = (DAY + timedelta(days=3)).isoformat()
    assert main(["run", "--date", later]) == 1
    err = capsys.readouterr().err
    assert "no document in the window" in err and "none dated in it" in err
    assert not (workdir / "out" / "content" / "posts" / f"{later}.md").exists()
    assert main(["run", "--no-fetch", "--date", later]) == 1
    assert "run without --no-fetch" in capsys.readouterr().err


def test_a_future_date_is_a_usage_error_before_any_fetch(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(workdir, [("wire", site.url("/wire.xml"))])
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    assert main(["run", "--date", tomorrow]) == 2
    assert "in the future" in capsys.readouterr().err
    assert site.paths() == []  # nothing fetched
    assert main(["run", "--date", "someday"]) == 2
    assert "'today' or 'yesterday'" in capsys.readouterr().err


def test_partial_failure_exits_0_and_names_the_source_strict_exits_1(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        workdir, [("wire", site.url("/wire.xml")), ("server-error", site.url("/boom.xml"))]
    )
    assert main(["run", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "1 failed" in out and re.search(r"✗ server-error: .*500", out)
    assert post(workdir).exists()
    post(workdir).unlink()
    assert main(["run", "--strict", "--date", DAY.isoformat()]) == 1
    assert "--strict: 1 source(s) failed: server-error" in capsys.readouterr().err
    assert post(workdir).exists()  # strict changes the exit code, not the digest


def test_all_profiles_name_where_their_sources_were_collected(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: later profiles printed "not fetched (--no-fetch)" with no such flag given."""
    write_config(
        workdir,
        [("wire", site.url("/wire.xml"))],
        '\n[profiles.second]\npost_path = "content/second/{date}.md"\n',
    )
    assert main(["run", "--all-profiles", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "--no-fetch" not in out
    assert "collected once, for the first profile" in out


def test_doctor_reports_failing_and_silent_sources(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(
        workdir, [("wire", site.url("/wire.xml")), ("server-error", site.url("/boom.xml"))]
    )
    assert main(["run", "--date", DAY.isoformat()]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 0  # failing since one fetch: a warning
    out = " ".join(capsys.readouterr().out.split())
    assert "server-error: failing since" in out and "never succeeded" in out
    assert "wire:" not in out
    # Four days pass: the failing source is now an alarm, the good one has gone quiet.
    with sqlite3.connect(workdir / "dd.db") as conn:
        conn.execute("UPDATE fetch_log SET at = datetime(at, '-4 days')")
    assert main(["doctor", "--days", "3"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "✗ source server-error: failing since" in out
    assert "wire: answers, but no new document since" in out
    assert main(["doctor", "--days", "7"]) == 0  # a longer tolerance: warnings only


def test_doctor_finds_a_key_in_the_keys_file(workdir: Path) -> None:
    """Regression: doctor said the key was missing when it was set in keys.toml."""
    config_home = workdir / "config"
    (config_home / "deepdaily").mkdir(parents=True)
    keys = config_home / "deepdaily" / "keys.toml"
    keys.write_text('DEEPSEEK_API_KEY = "sk-test-not-a-real-key"\n', encoding="utf-8")
    keys.chmod(0o600)
    write_config(workdir, [], '\n[[llm]]\npreset = "deepseek"\nmodel = "deepseek-chat"\n')
    env = {k: v for k, v in os.environ.items() if k != "DEEPSEEK_API_KEY"}

    def doctor(home: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deepdaily", "doctor"],
            cwd=workdir,
            env={**env, "XDG_CONFIG_HOME": str(home), "COLUMNS": "200"},
            capture_output=True,
            text=True,
            check=False,
        )

    found = doctor(config_home)
    assert "key DEEPSEEK_API_KEY in" in found.stdout and "keys.toml" in found.stdout
    assert "sk-test" not in found.stdout + found.stderr
    missing = doctor(workdir / "elsewhere")
    assert missing.returncode == 1
    assert "no key: set $DEEPSEEK_API_KEY or add DEEPSEEK_API_KEY to" in missing.stdout


def test_an_unreachable_llm_is_named_in_the_summary(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    port = unused_port()
    write_config(
        workdir,
        [("wire", site.url("/wire.xml"))],
        f'\n[[llm]]\nname = "house-llm"\nbase_url = "http://127.0.0.1:{port}/v1"\n'
        'model = "m1"\ntimeout = 1\nmax_retries = 0\n',
    )
    assert main(["run", "--date", DAY.isoformat()]) == 0  # the offline engine still writes
    out = " ".join(capsys.readouterr().out.replace("│", " ").split())
    assert "offline (no LLM provider answered)" in out
    assert f"llm[0] house-llm (m1) at http://127.0.0.1:{port}/v1" in out
    assert "connection" in out  # the reason, not just "offline"


def test_digest_show_accepts_relative_dates_and_fits_a_narrow_terminal(
    workdir: Path,
    site: FixtureServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_config(
        workdir, [("wire", site.url("/wire.xml")), ("dispatch", site.url("/dispatch.atom"))]
    )
    assert main(["run", "--date", DAY.isoformat()]) == 0
    capsys.readouterr()
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    assert main(["digest", "show", "--date", "yesterday"]) == 1
    assert f"for {yesterday}" in capsys.readouterr().err  # looked up, none stored that day
    monkeypatch.setenv("COLUMNS", "80")
    console.cache_clear()  # one console per process; this test plays two terminals
    assert main(["digest", "show", "--why", "--rejected", "--date", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert any("independent source" in line or "source" in line for line in lines)
    # Reasons wrap at word boundaries: no line is a lone fragment of a few letters.
    fragments = [ln for ln in lines if 0 < len(ln.strip()) <= 3]
    assert fragments == []


def test_a_cron_run_from_elsewhere_writes_where_the_settings_file_says(
    tmp_path: Path,
    site: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Regression: relative ``output_dir`` and the default database followed the working
    directory, so ``deepdaily -c /srv/site/deepdaily.toml run`` from cron wrote elsewhere."""
    site_dir, elsewhere = tmp_path / "srv" / "site", tmp_path / "cron-cwd"
    site_dir.mkdir(parents=True)
    elsewhere.mkdir()
    (site_dir / "deepdaily.toml").write_text(
        f'output_dir = "public"\n{FAST_FETCH}\n[[sources]]\nname = "wire"\n'
        f'url = "{site.url("/wire.xml")}"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("COLUMNS", "200")
    console.cache_clear()
    config = str(site_dir / "deepdaily.toml")
    assert main(["-c", config, "run", "--date", DAY.isoformat()]) == 0
    assert (site_dir / "public" / "content" / "posts" / f"{DAY}.md").exists()
    (site_dir / "deepdaily.toml").write_text(  # the default output_dir follows the file too
        (site_dir / "deepdaily.toml")
        .read_text(encoding="utf-8")
        .replace('output_dir = "public"\n', ""),
        encoding="utf-8",
    )
    assert main(["-c", config, "run", "--no-fetch", "--date", DAY.isoformat()]) == 0
    assert (site_dir / "site" / "content" / "posts" / f"{DAY}.md").exists()
    assert (site_dir / "deepdaily.db").exists()
    assert list(elsewhere.iterdir()) == []
    assert f"database: sqlite:///{site_dir / 'deepdaily.db'} (default: next to" in (
        capsys.readouterr().out
    )
    assert main(["-c", config, "doctor"]) == 0
    assert f"next to {site_dir / 'deepdaily.toml'}" in " ".join(capsys.readouterr().out.split())


HOLDER = """
import sys, time
from pathlib import Path
from deepdaily.store.lock import FileRunLock
FileRunLock(Path(sys.argv[1]), sys.argv[2]).acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_doctor_reports_integrity_locks_and_interrupted_runs(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stale lock and a run left ``running`` by a kill are reported, and the run marked
    interrupted; a lock held by a live process is named with its pid and left alone."""
    import signal

    from deepdaily.store import Store
    from deepdaily.store.lock import FileRunLock

    write_config(workdir, [("wire", site.url("/wire.xml"))])
    assert main(["run", "--date", DAY.isoformat()]) == 0
    capsys.readouterr()
    assert main(["doctor"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "✓ integrity quick_check ok" in out
    assert "✓ lock no run in progress (profiles zh)" in out
    assert "✓ runs no interrupted run" in out

    # A run of zh killed with SIGKILL: its row says running, its lock file names it.
    with Store(f"sqlite:///{workdir / 'dd.db'}") as store:
        store.start_run("killed-run", "zh", DAY.isoformat())
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(workdir / "dd.db"), "zh"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert main(["doctor"]) == 0  # warnings only
    out = " ".join(capsys.readouterr().out.split())
    assert "! lock profile zh: stale lock of a run that died (since" in out
    assert f"pid {holder.pid}); the next run takes it over" in out
    assert "! runs 1 interrupted run(s); latest: profile zh for 2026-11-27" in out
    assert runs(workdir)[-1] == (DAY.isoformat(), "interrupted")

    # A live run holds the lock: doctor names it and leaves its row alone.
    with Store(f"sqlite:///{workdir / 'dd.db'}") as store:
        store.start_run("live-run", "zh", DAY.isoformat())
    live = FileRunLock(workdir / "dd.db", "zh")
    live.acquire()
    try:
        assert main(["doctor"]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "✓ lock profile zh: a run is in progress since" in out
        assert f"pid {os.getpid()}" in out
        assert runs(workdir)[-1] == (DAY.isoformat(), "running")
    finally:
        live.release()


def test_doctor_fails_on_a_damaged_database(
    workdir: Path, site: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(workdir, [("wire", site.url("/wire.xml"))])
    assert main(["run", "--date", DAY.isoformat()]) == 0
    database = workdir / "dd.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'")
        (number,) = root.fetchone()
    with database.open("r+b") as raw:  # scribble over the documents table's first page
        raw.seek((number - 1) * page + 8)
        raw.write(b"\xff" * (page - 16))
    capsys.readouterr()
    assert main(["doctor"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "✗ integrity database damaged:" in out
