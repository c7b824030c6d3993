"""The external commands publishing may run: ``hugo`` in the site, ``git commit`` of the files.

``[publish] build`` (``publish --build``) runs ``[publish] hugo`` (a name on ``PATH`` or a
path) in the site directory; ``[publish] commit`` (``publish --commit``) commits exactly the
files a publish wrote, in the git repository that holds the site, and never pushes. A missing
command, a directory outside any repository, or a command that fails is one
:class:`~deepdaily.errors.PublishError` line naming the setting and what went wrong; files
already written stay as they are.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from deepdaily.errors import PublishError

__all__ = ["build_site", "commit_files"]

#: Seconds a ``hugo`` build or a git command may take.
COMMAND_TIMEOUT = 300.0


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _run(command: list[str], cwd: Path, what: str) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PublishError(f"{what}: {type(exc).__name__}: {exc}") from None
    return done


def build_site(site_dir: Path, hugo: str = "hugo") -> Path:
    """Run ``hugo`` in ``site_dir``; return the folder it built (``public/``)."""
    binary = shutil.which(hugo)
    if binary is None:
        raise PublishError(
            f"publish.hugo: {hugo!r} not found (install Hugo, e.g. apt-get install hugo, or set "
            "[publish] hugo to its path)"
        )
    if not any((site_dir / name).is_file() for name in ("hugo.toml", "config.toml", "hugo.yaml")):
        raise PublishError(
            f"publish.build: {site_dir} is not a Hugo site (no hugo.toml); make one with "
            f"`deepdaily site init {site_dir}` and set [publish] site_dir"
        )
    done = _run([binary, "--quiet"], site_dir, f"publish.build: hugo in {site_dir}")
    if done.returncode != 0:
        why = _last_line(done.stderr) or _last_line(done.stdout) or f"exit {done.returncode}"
        raise PublishError(f"publish.build: hugo failed in {site_dir}: {why}")
    return site_dir / "public"


def commit_files(files: Sequence[Path], message: str) -> str | None:
    """Commit ``files`` (and only them) in the git repository holding the first (those outside
    it are left out); return the new commit's id, or None when nothing of them changed."""
    if not files:
        return None
    git = shutil.which("git")
    if git is None:
        raise PublishError("publish.commit: git not found (install git or set commit = false)")
    folder = files[0].parent
    top = _run([git, "rev-parse", "--show-toplevel"], folder, "publish.commit: git")
    if top.returncode != 0:
        raise PublishError(
            f"publish.commit: {folder} is not inside a git repository (git init it, or set "
            "[publish] commit = false)"
        )
    root = Path(top.stdout.strip()).resolve()
    # Files outside that repository (an output_dir elsewhere) are not ours to commit there.
    paths = [str(p.resolve().relative_to(root)) for p in files if p.resolve().is_relative_to(root)]
    added = _run([git, "add", "--", *paths], root, "publish.commit: git add")
    if added.returncode != 0:
        raise PublishError(f"publish.commit: git add failed: {_last_line(added.stderr)}")
    staged = _run(
        [git, "diff", "--cached", "--quiet", "--", *paths], root, "publish.commit: git diff"
    )
    if staged.returncode == 0:
        return None  # nothing of ours changed
    done = _run(
        [git, "commit", "--quiet", "-m", message, "--", *paths],
        root,
        "publish.commit: git commit",
    )
    if done.returncode != 0:
        why = _last_line(done.stderr) or _last_line(done.stdout) or f"exit {done.returncode}"
        raise PublishError(f"publish.commit: git commit failed in {root}: {why}")
    head = _run([git, "rev-parse", "HEAD"], root, "publish.commit: git rev-parse")
    return head.stdout.strip() or None
