"""Every command has help text, and both -h and --help work (exit code 0)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer.main

from deepdaily.cli.app import app
from deepdaily.cli.main import main


def walk(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found.extend(walk(sub, (*path, name)))
    return found


COMMANDS = walk(typer.main.get_command(app))


def test_the_expected_commands_exist() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    expected = {
        "demo",
        "run",
        "doctor",
        "sources list",
        "sources add",
        "sources check",
        "sources import-opml",
        "digest show",
    }
    assert expected <= names


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help(
    path: tuple[str, ...], command: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (command.help or "").strip(), f"{' '.join(path) or 'deepdaily'} has no help text"
    for flag in ("--help", "-h"):
        assert main([*path, flag]) == 0
        out = capsys.readouterr().out
        assert "Usage:" in out
        assert command.help.split("\n")[0].strip()[:30] in " ".join(out.split())


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--no-such-flag"]) == 2
    assert "No such option" in capsys.readouterr().err
    assert main(["--config", "/nonexistent/deepdaily.toml", "run"]) == 2
    assert "config file not found" in capsys.readouterr().err


def test_python_dash_m_works() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "deepdaily", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert "demo" in proc.stdout
