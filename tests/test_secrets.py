"""Secrets and files: the database, its WAL and SHM and the lock files are private (0600); a
keys file other users can read is a warning (once per run) and a ``doctor`` line; and no key
value reaches any artefact of a full run with an LLM chain whose servers echo the keys back.

Regression guard: the database was created 0644, and the keys file's permissions were only a
note in the manifest.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from deepdaily.store import Store
from deepdaily.testing import FixtureServer
from deepdaily.testing.llm_server import (
    ReplyLike,
    Responder,
    ScriptedLLMServer,
    ScriptedRequest,
    fault,
    garbage,
)
from site_support import DAY
from test_pipeline_llm import model

ENV_KEY = "sk-planted-env-7f3a9c2e41d85b06e9a1c3f4d2"
FILE_KEY = "sk-planted-file-0b94e6d1a7c35f28b4e0d9c1a6"


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which files are created 0644 unless made private on purpose."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_its_wal_and_shm_are_created_0600(tmp_path: Path, umask_022: None) -> None:
    database = tmp_path / "state" / "dd.db"
    store = Store(f"sqlite:///{database}")
    try:
        with store.engine.connect() as conn:  # an open connection keeps the WAL and SHM
            store.start_run("r1", "zh", "2026-11-26")
            wal, shm = database.with_name("dd.db-wal"), database.with_name("dd.db-shm")
            assert wal.exists() and shm.exists()
            assert {p.name: _mode(p) for p in (database, wal, shm)} == {
                "dd.db": 0o600,
                "dd.db-wal": 0o600,
                "dd.db-shm": 0o600,
            }
            conn.rollback()
        with store.run_lock("zh"):
            assert _mode(tmp_path / "state" / "dd.db.lock-zh") == 0o600
    finally:
        store.close()


def test_an_existing_database_keeps_the_mode_its_owner_gave_it(
    tmp_path: Path, umask_022: None
) -> None:
    database = tmp_path / "dd.db"
    Store(f"sqlite:///{database}").close()
    database.chmod(0o640)  # shared with a group on purpose
    Store(f"sqlite:///{database}").close()
    assert _mode(database) == 0o640


def _keys_home(tmp_path: Path, mode: int) -> Path:
    home = tmp_path / "config"
    (home / "deepdaily").mkdir(parents=True)
    keys = home / "deepdaily" / "keys.toml"
    keys.write_text(f'DDTEST_KEY_FILE = "{FILE_KEY}"\n', encoding="utf-8")
    keys.chmod(mode)
    return home


def _config(workdir: Path, site: FixtureServer, llm_url: str, extra: str = "") -> None:
    (workdir / "deepdaily.toml").write_text(
        f"""output_dir = "out"
[store]
url = "sqlite:///{workdir / "dd.db"}"
[profile]
name = "en"
language = "en"
title = "Deep dive | {{date}}"
[fetch]
timeout = 2.0
retries = 0
[[sources]]
name = "wire"
url = "{site.url("/wire.xml")}"
[[sources]]
name = "dispatch"
url = "{site.url("/dispatch.atom")}"
[[llm]]
name = "first"
base_url = "{llm_url}"
model = "m-first"
api_key_env = "DDTEST_KEY_ENV"
timeout = 5
max_retries = 0
[[llm]]
name = "second"
base_url = "{llm_url}"
model = "m-second"
api_key_env = "DDTEST_KEY_FILE"
timeout = 5
max_retries = 0
{extra}""",
        encoding="utf-8",
    )


def _deepdaily(
    args: list[str], workdir: Path, config_home: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DDTEST_")}
    env.update(
        XDG_CONFIG_HOME=str(config_home), DDTEST_KEY_ENV=ENV_KEY, COLUMNS="200", NO_COLOR="1"
    )
    return subprocess.run(
        [sys.executable, "-m", "deepdaily", *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_keys_file_others_can_read_is_a_warning_once_per_run_and_a_doctor_line(
    tmp_path: Path, site: FixtureServer
) -> None:
    home = _keys_home(tmp_path, 0o644)
    workdir = tmp_path / "work"
    workdir.mkdir()
    keys = home / "deepdaily" / "keys.toml"
    with ScriptedLLMServer(default=fault(503, "busy")) as server:
        _config(workdir, site, server.openai_url, '[profiles.second]\npost_path = "s/{date}.md"\n')
        done = _deepdaily(["run", "--all-profiles", "--date", DAY.isoformat()], workdir, home)
        assert done.returncode == 0, done.stderr
        warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
        assert warnings == [
            f"warning: keys file {keys} is open to other users (mode 0644); run: chmod 600 {keys}"
        ]
        doctor = _deepdaily(["doctor"], workdir, home)
        assert f"! keys file  keys file {keys} is open to other users" in doctor.stdout
        keys.chmod(0o600)
        done = _deepdaily(["run", "--date", DAY.isoformat()], workdir, home)
        assert done.returncode == 0 and "warning:" not in done.stderr
        assert f"✓ keys file  {keys}: private" in _deepdaily(["doctor"], workdir, home).stdout


def echoing(served: dict[str, int]) -> Responder:
    """The model of test_pipeline_llm, behind faults that put the caller's key in the error:
    the first entry's key is refused (401, key echoed); the second's first two requests fail
    (a 500 and a proxy page, both echoing it), the rest are answered. ``served`` counts the
    requests made with each key."""
    guard = threading.Lock()

    def respond(request: ScriptedRequest) -> ReplyLike:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        with guard:
            served[key] = served.get(key, 0) + 1
            count = served[key]
        if key == ENV_KEY:
            return fault(401, f"Incorrect API key provided: {key}", error_type="invalid_api_key")
        if key == FILE_KEY and count == 1:
            return fault(500, f"internal error while serving key {key} (Bearer {key})")
        if key == FILE_KEY and count == 2:
            return garbage(f"<html><body>502 Bad Gateway: upstream refused {key}</body></html>")
        return model(request)

    return respond


def _artefacts(workdir: Path) -> dict[str, bytes]:
    """Every file the run left under its work directory (database, WAL, SHM, lock files,
    posts, JSON), by relative path."""
    return {
        str(path.relative_to(workdir)): path.read_bytes()
        for path in sorted(workdir.rglob("*"))
        if path.is_file()
    }


def test_no_key_value_reaches_any_artefact_of_a_full_run(
    tmp_path: Path, site: FixtureServer
) -> None:
    home = _keys_home(tmp_path, 0o600)
    workdir = tmp_path / "work"
    workdir.mkdir()
    served: dict[str, int] = {}
    with ScriptedLLMServer(responder=echoing(served)) as server:
        _config(workdir, site, server.openai_url)
        Store(f"sqlite:///{workdir / 'dd.db'}").close()
        # A reader holding a snapshot keeps every page the run writes in the WAL, so the WAL
        # is there to be searched after the run.
        reader = sqlite3.connect(workdir / "dd.db")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM runs").fetchone()
        try:
            done = _deepdaily(["run", "--date", DAY.isoformat()], workdir, home)
            doctor = _deepdaily(["doctor"], workdir, home)
            files = _artefacts(workdir)
        finally:
            reader.close()
    assert done.returncode == 0, done.stderr
    assert served.get(ENV_KEY, 0) >= 1 and served.get(FILE_KEY, 0) >= 3  # both keys were used
    assert len(files.get("dd.db-wal", b"")) > 100_000  # the run's writes, all of them
    assert any(name.startswith("out/") and name.endswith(".md") for name in files)
    with sqlite3.connect(workdir / "dd.db") as conn:
        manifest = conn.execute("SELECT manifest FROM runs").fetchone()[0]
        items = conn.execute("SELECT count(*) FROM digest_events").fetchone()[0]
        engine = conn.execute("SELECT engine FROM digests").fetchone()[0]
    assert engine == "llm" and items >= 1  # the answers after the faults were used
    assert "401" in manifest or "API key" in manifest  # the refusal is recorded, scrubbed
    texts = {
        "stdout": done.stdout.encode(),
        "stderr": done.stderr.encode(),
        "doctor": (doctor.stdout + doctor.stderr).encode(),
        **files,
    }
    for key in (ENV_KEY, FILE_KEY):
        for needle in (key, key[8:28]):  # the key, and a long piece of it (a cut echo)
            leaks = [name for name, data in texts.items() if needle.encode() in data]
            assert leaks == [], f"{needle!r} found in {leaks}"
