"""The CLI starts at once: what each light command imports, --version, shell completion.

Regression guard: ``deepdaily --help`` used to take 3-5 s because importing the CLI imported
the whole pipeline (datasketch, numpy/scipy, trafilatura, SQLAlchemy, the LLM SDKs). Each
check runs in a fresh interpreter, since this test process has imported everything already.
The time itself is measured by ``benchmarks/startup.py``, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import deepdaily

#: Never imported by merely starting the CLI (``--help``, ``--version``, completion). pydantic
#: is not listed: typer itself loads it to convert a subcommand's options (``typer._adapters``);
#: deepdaily's own pydantic models (``deepdaily.config``, ``deepdaily.models``) are.
HEAVY_AT_START = (
    "sqlalchemy",
    "rich",
    "httpx",
    "jinja2",
    "feedparser",
    "lxml",
    "numpy",
    "scipy",
    "datasketch",
    "trafilatura",
    "htmldate",
    "openai",
    "anthropic",
    "dramatiq",
    "redis",
    "asyncio",
    "deepdaily.config",
    "deepdaily.models",
    "deepdaily.store",
    "deepdaily.pipeline",
    "deepdaily.distributed",
)
#: Never imported by commands that only read settings and the store.
PIPELINE = (
    "numpy",
    "scipy",
    "datasketch",
    "trafilatura",
    "htmldate",
    "feedparser",
    "openai",
    "anthropic",
    "jinja2",
    "deepdaily.pipeline",
    "deepdaily.cluster",
    "deepdaily.analyse",
)

PROBE = """
import json, sys
from deepdaily.cli.main import main
code = main(sys.argv[1:])
print("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """The top-level and deepdaily modules loaded by running the CLI with ``args``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    report = json.loads(done.stdout.rsplit("@@", 1)[1])
    assert report["code"] == 0, done.stderr
    return set(report["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


def test_importing_the_cli_imports_nothing_heavy(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, deepdaily.cli.main; print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert loaded(set(json.loads(done.stdout)), (*HEAVY_AT_START, "pydantic")) == []


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["run", "--help"],
        ["worker", "--help"],
        ["sources", "--help"],
        ["--version"],
    ],
)
def test_help_and_version_stay_light(args: list[str], tmp_path: Path) -> None:
    assert loaded(imported_by(args, tmp_path), HEAVY_AT_START) == []


def test_reading_commands_never_import_the_pipeline(tmp_path: Path) -> None:
    """``sources list`` and ``digest show`` need the settings and the store, nothing more."""
    (tmp_path / "deepdaily.toml").write_text(
        '[[sources]]\nname = "lab"\nurl = "https://lab.example/feed.xml"\n', encoding="utf-8"
    )
    env = {"DEEPDAILY_STORE__URL": f"sqlite:///{tmp_path / 'dd.db'}"}
    listed = imported_by(["sources", "list"], tmp_path, env)
    assert "sqlalchemy" in listed  # it did read the store
    assert loaded(listed, PIPELINE) == []
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "digest", "show"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )
    assert "no digest stored" in done.stderr  # exit 1, and still no pipeline imported
    report = json.loads(done.stdout.rsplit("@@", 1)[1])
    assert report["code"] == 1
    assert loaded(set(report["modules"]), PIPELINE) == []


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from deepdaily.cli.main import main

    for flag in ("--version", "-V"):
        assert main([flag]) == 0
        assert capsys.readouterr().out.strip() == f"deepdaily {deepdaily.__version__}"


def test_shell_completion_completes_commands_and_subcommands(tmp_path: Path) -> None:
    """Bash completion as the shell calls it: the script's environment variables."""

    def complete(words: str, cword: int) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from deepdaily.cli.main import main; main()"],
            cwd=tmp_path,
            env={
                **os.environ,
                "_DEEPDAILY_COMPLETE": "complete_bash",
                "COMP_WORDS": words,
                "COMP_CWORD": str(cword),
            },
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.split()

    assert complete("deepdaily sou", 1) == ["sources"]
    assert {"list", "add", "remove", "check", "import-opml"} <= set(
        complete("deepdaily sources ", 2)
    )
    script = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from deepdaily.cli.main import main; sys.exit(main())",
            "--show-completion",
            "bash",
        ],
        # typer detects the shell from the parent processes unless told to take the name
        # given: a test run from a shell other than bash (or none) must not depend on it
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "_DEEPDAILY_COMPLETE" in script.stdout
