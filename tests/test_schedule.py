"""``deepdaily schedule print``: the crontab line and systemd units run the digest as intended.

The systemd units are checked by ``systemd-analyze verify`` (Debian's systemd, in the base
system); the crontab line is taken apart and its command run with ``doctor`` in place of
``run``, from another working directory, as cron would.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deepdaily.cli.main import main
from deepdaily.config import load_settings
from deepdaily.schedule import cron_entry, schedule_for, systemd_units


def settings_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "site" / "deepdaily.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        '[profile]\ntimezone = "Europe/Berlin"\npublish_hour = 7\n'
        '[[sources]]\nname = "lab"\nurl = "https://lab.example/feed.xml"\n' + extra,
        encoding="utf-8",
    )
    return path


def test_cron_runs_after_the_publish_hour_in_local_time(tmp_path: Path) -> None:
    schedule = schedule_for(load_settings(settings_file(tmp_path), environ={}))
    winter = cron_entry(schedule, on=date(2027, 1, 10), local=ZoneInfo("UTC"))
    note, line = winter.splitlines()
    assert line.startswith("5 6 * * * ")  # 07:05 in Berlin is 06:05 UTC in January
    assert "07:05 Europe/Berlin = 06:05 local time" in note
    assert "daylight saving moves it to 05:05" in note  # and 05:05 UTC in July
    same_zone = cron_entry(schedule, on=date(2027, 1, 10), local=ZoneInfo("Europe/Berlin"))
    assert same_zone.splitlines()[1].startswith("5 7 * * * ")
    assert "daylight saving" not in same_zone


def test_the_cron_command_works_from_any_directory(tmp_path: Path) -> None:
    config = settings_file(tmp_path)
    schedule = schedule_for(load_settings(config, environ={}))
    line = cron_entry(schedule).splitlines()[1]
    fields = line.split(" ", 5)
    assert all(f.isdigit() or f == "*" for f in fields[:5])
    command = shlex.split(fields[5].split(" >> ")[0].split(" && ", 1)[1])
    assert command[command.index("--config") + 1] == str(config.resolve())
    assert command[-1] == "run"
    elsewhere = tmp_path / "cron-home"
    elsewhere.mkdir()
    done = subprocess.run(
        [*command[:-1], "doctor"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert str(config.resolve()) in done.stdout  # it read the settings file it was given
    assert str(config.parent / "deepdaily.db") in " ".join(done.stdout.split())


def test_systemd_units_verify_and_run_in_the_profile_timezone(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: Debian's systemd package provides it"
    settings = load_settings(settings_file(tmp_path, '\n[profiles.en]\nlanguage = "en"\n'))
    units = systemd_units(schedule_for(settings))
    assert "OnCalendar=*-*-* 07:05:00 Europe/Berlin" in units["deepdaily.timer"]
    assert "run --all-profiles" in units["deepdaily.service"]  # two profiles: one run
    for name, text in units.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", str(tmp_path / "deepdaily.service"), str(tmp_path / "deepdaily.timer")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_schedule_print_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = settings_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["-c", str(config), "schedule", "print", "--cron"]) == 0
    assert "--profile zh run" in capsys.readouterr().out
    assert main(["-c", str(config), "schedule", "print", "--systemd", "--write", "units"]) == 0
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == [
        "deepdaily.service",
        "deepdaily.timer",
    ]
    assert main(["-c", str(config), "schedule", "print"]) == 2  # one of --cron, --systemd
