"""Files written whole or not at all.

:func:`write_atomic` writes to a temporary file in the target's own directory
(``.<name>.<pid>.<random>.tmp``), flushes and fsyncs it, renames it over the target (an atomic
step on POSIX filesystems) and fsyncs the directory. A process killed at any moment leaves
either the old file or the new one, never a half-written one; the temporary file it may leave
names its process, so the next write of the same target, seeing that process gone, removes it.
The new file gets the old file's permissions, or the usual ones (``0666`` less the umask) when
it is new; a symbolic link is kept, the file it points at replaced. Every output of a run (the
post, its JSON) goes through here, and so do the settings file edited by ``deepdaily sources``,
the JSON schema and the evaluation floors.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

__all__ = ["write_atomic"]

_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")


def _umask() -> int:
    """The process umask, read without changing it where Linux allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(path: Path) -> None:
    """Delete temporary files of ``path`` left by processes that died while writing it."""
    with contextlib.suppress(OSError):
        for sibling in path.parent.iterdir():
            match = _TEMP_RE.match(sibling.name)
            if match is None or match["name"] != path.name:
                continue
            pid = int(match["pid"])
            if pid == os.getpid() or not _pid_alive(pid):
                with contextlib.suppress(OSError):
                    sibling.unlink()


def _fsync_directory(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems cannot open a directory
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``data`` in one step (see the module docstring); creates the
    parent directories. ``OSError`` leaves the old file as it was."""
    path = Path(path)
    if path.is_symlink():  # replace the file the link points at, keep the link
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            view = memoryview(raw)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_directory(path.parent)
