"""The Dockerfile agrees with the project it packages.

No Docker engine runs on the test machines, so the image is not built here; these checks catch
what drifts silently: files it copies, extras it installs, the entry point it names.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def test_the_dockerfile_copies_files_that_exist_and_installs_real_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for word, rest in instructions():
        if word == "COPY":
            *sources, _target = rest.split()
            assert all((ROOT / s).exists() for s in sources), rest
    installs = " ".join(rest for word, rest in instructions() if word == "RUN")
    extras = re.search(r"'\.\[([a-z,]+)\]'", installs)
    assert extras, "the image installs the project with its extras"
    assert set(extras.group(1).split(",")) <= set(project["project"]["optional-dependencies"])


def test_the_entry_point_is_the_cli_and_the_data_is_a_volume() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = dict(instructions())
    assert found["ENTRYPOINT"] == '["deepdaily"]' and "deepdaily" in project["project"]["scripts"]
    assert found["VOLUME"] == '["/data"]' and found["WORKDIR"] == "/data"
    assert found["USER"] != "root"
