"""One run per store and profile at a time: the run lock.

A run of profile ``P`` holds ``P``'s lock from before it fetches until its digest is stored, so
a second run of ``P`` on the same store (a cron overlap, a hand-started run) stops at once with
"another run of profile P is in progress since …, pid N" (:class:`~deepdaily.errors.RunInProgress`)
or, asked to wait, waits until the first one ends. Runs of other profiles go on concurrently.

- **SQLite**: the lock is an ``flock`` on a file beside the database,
  ``<database>.lock-<profile>`` (created 0600). The holder writes its pid, start time and
  profile into it as JSON; a free lock is an empty file. The kernel releases an ``flock`` when
  its process dies, ``kill -9`` included, so a lock left by a killed run is *stale*: its file
  still names the dead pid, nobody holds the ``flock``, and the next run takes it over.
- **PostgreSQL**: a session-level ``pg_advisory_lock`` keyed by a hash of the profile, held on
  a connection of its own whose ``application_name`` names the holder's pid and start time; the
  server releases it when that session ends.
- **An in-memory database** lives in one process: the lock is a set of profiles held in it.

Which one applies follows ``store.url``; :func:`run_lock_for` picks it. ``deepdaily doctor``
reads the state of every lock (:meth:`RunLock.state`) without taking it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from deepdaily.errors import RunInProgress, StoreError

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

__all__ = [
    "FileRunLock",
    "Holder",
    "LockState",
    "MemoryRunLock",
    "PostgresRunLock",
    "RunLock",
    "advisory_key",
    "app_name",
    "holder_from_app_name",
    "lock_files",
    "run_lock_for",
    "sqlite_path",
]

#: How often a waiting run looks at the lock again, in seconds.
POLL_SECONDS = 0.2
LOCK_SUFFIX = ".lock-"

State = Literal["free", "held", "stale"]
OnWait = Callable[["Holder | None"], None]


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a run lock: the process id, when it took the lock, on which host."""

    pid: int
    since: datetime | None
    host: str = ""

    def describe(self) -> str:
        when = f"{self.since:%Y-%m-%d %H:%M:%S} UTC" if self.since else "an unknown time"
        return f"since {when}, pid {self.pid}"

    def as_json(self, profile: str) -> str:
        since = self.since.isoformat() if self.since else None
        return json.dumps({"pid": self.pid, "since": since, "host": self.host, "profile": profile})

    @classmethod
    def from_json(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            pid = int(data["pid"])
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
        except (ValueError, KeyError, TypeError):
            return None
        return cls(pid=pid, since=since, host=str(data.get("host") or ""))


@dataclass(frozen=True)
class LockState:
    """What :meth:`RunLock.state` found: ``free`` (nobody), ``held`` (by ``holder``, alive) or
    ``stale`` (``holder`` died without releasing; the next run takes it over)."""

    profile: str
    state: State
    holder: Holder | None = None

    def describe(self) -> str:
        if self.state == "free":
            return f"profile {self.profile}: free"
        who = self.holder.describe() if self.holder else "holder unknown"
        if self.state == "held":
            return f"profile {self.profile}: a run is in progress {who}"
        return (
            f"profile {self.profile}: stale lock of a run that died ({who}); "
            "the next run takes it over"
        )


class RunLock(Protocol):
    """The lock of one profile on one store."""

    profile: str
    #: The holder named by a stale lock the last :meth:`acquire` took over, if any.
    took_over: Holder | None

    def acquire(
        self, *, wait: bool = False, timeout: float | None = None, on_wait: OnWait | None = None
    ) -> None:
        """Take the lock, or raise :class:`RunInProgress` (at once, or after ``timeout``
        seconds of waiting when ``wait``; ``None`` waits for ever). ``on_wait`` is called once
        with the holder before waiting starts."""

    def release(self) -> None:
        """Let the lock go (nothing happens when it is not held)."""

    def state(self) -> LockState:
        """The lock's state as seen from outside, without taking it."""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _in_progress(profile: str, holder: Holder | None, waited: float | None = None) -> RunInProgress:
    who = holder.describe() if holder else "(holder unknown)"
    tail = f" (waited {waited:.0f} s)" if waited is not None else ""
    return RunInProgress(
        f"another run of profile {profile} is in progress {who}{tail}; "
        "wait for it, or run with --wait",
        profile=profile,
        pid=holder.pid if holder else None,
    )


def _acquire_polling(
    lock: Any,
    try_once: Callable[[], bool],
    *,
    wait: bool,
    timeout: float | None,
    on_wait: OnWait | None,
) -> None:
    """Take a lock through ``try_once``, waiting when asked: the loop shared by every kind."""
    if try_once():
        return
    holder = lock.state().holder
    if not wait:
        raise _in_progress(lock.profile, holder)
    if on_wait is not None:
        on_wait(holder)
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        if timeout is not None and elapsed >= timeout:
            raise _in_progress(lock.profile, lock.state().holder, waited=elapsed)
        pause = POLL_SECONDS if timeout is None else min(POLL_SECONDS, timeout - elapsed)
        time.sleep(max(pause, 0.01))
        if try_once():
            return


# -- SQLite: a file lock beside the database ----------------------------------------------------


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None (in memory, or not SQLite)."""
    scheme, sep, rest = url.partition(":///")
    if not sep or not scheme.startswith("sqlite"):
        return None
    path = rest.split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)  # as SQLite opens it: no "~" expansion


def lock_files(database: Path) -> dict[str, Path]:
    """The run-lock files beside ``database``, by profile."""
    prefix = database.name + LOCK_SUFFIX
    found: dict[str, Path] = {}
    with contextlib.suppress(OSError):
        for path in database.parent.iterdir():
            if path.name.startswith(prefix) and len(path.name) > len(prefix):
                found[path.name[len(prefix) :]] = path
    return dict(sorted(found.items()))


def _open_private(path: Path) -> int:
    """Open (creating 0600 if needed) ``path`` for reading and writing."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    with contextlib.suppress(OSError):
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    return fd


class FileRunLock:
    """``flock`` on ``<database>.lock-<profile>``; see the module docstring."""

    def __init__(self, database: Path, profile: str) -> None:
        self.profile = profile
        self.path = database.with_name(database.name + LOCK_SUFFIX + profile)
        self._fd: int | None = None
        #: The holder named by a stale lock this process took over, if any.
        self.took_over: Holder | None = None

    def _try(self) -> bool:
        import fcntl

        fd = _open_private(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"run lock {self.path}: cannot lock: {exc.strerror}") from exc
        old = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        self.took_over = Holder.from_json(old) if old.strip() else None  # its process died
        holder = Holder(pid=os.getpid(), since=now(), host=socket.gethostname())
        data = holder.as_json(self.profile).encode("utf-8")
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
        self._fd = fd
        return True

    def acquire(
        self, *, wait: bool = False, timeout: float | None = None, on_wait: OnWait | None = None
    ) -> None:
        if self._fd is not None:
            raise StoreError(f"run lock {self.path}: already held by this process")
        try:
            _acquire_polling(self, self._try, wait=wait, timeout=timeout, on_wait=on_wait)
        except OSError as exc:
            raise StoreError(f"run lock {self.path}: {exc.strerror or exc}") from exc

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # an empty file is a free lock
        finally:
            os.close(fd)  # closing drops the flock

    def _holder(self) -> Holder | None:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        return Holder.from_json(text) if text.strip() else None

    def state(self) -> LockState:
        import fcntl

        if self._fd is not None:
            return LockState(self.profile, "held", self._holder())
        if not self.path.exists():
            return LockState(self.profile, "free")
        holder = self._holder()
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return LockState(self.profile, "free")
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return LockState(self.profile, "held", holder)
        finally:
            os.close(fd)
        return LockState(self.profile, "stale" if holder else "free", holder)


# -- PostgreSQL: an advisory lock on a session of its own -----------------------------------------


def advisory_key(profile: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock``, from the profile's name."""
    digest = hashlib.sha256(b"deepdaily run lock\0" + profile.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_APP_PREFIX = "deepdaily run "


def app_name(holder: Holder, profile: str) -> str:
    """The ``application_name`` of the session holding a profile's lock on PostgreSQL:
    pid, start (Unix seconds) and profile, within the server's 63 characters."""
    since = int(holder.since.timestamp()) if holder.since else 0
    return f"{_APP_PREFIX}{holder.pid} {since} {profile}"[:63]


def holder_from_app_name(name: object) -> Holder | None:
    """The holder an :func:`app_name` names, or None for another application's name."""
    if not isinstance(name, str) or not name.startswith(_APP_PREFIX):
        return None
    parts = name[len(_APP_PREFIX) :].split(" ", 2)
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    since = datetime.fromtimestamp(int(parts[1]), UTC) if int(parts[1]) else None
    return Holder(pid=int(parts[0]), since=since)


class PostgresRunLock:
    """``pg_try_advisory_lock(key)`` held by a dedicated connection for the whole run."""

    def __init__(self, engine: Engine, profile: str) -> None:
        self.profile = profile
        self.engine = engine
        self.key = advisory_key(profile)
        self._conn: Connection | None = None
        self.took_over: Holder | None = None  # the server ends a dead client's session

    def _connect(self) -> Connection:
        return self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def _try(self) -> bool:
        from sqlalchemy import text

        conn = self._conn or self._connect()
        holder = Holder(pid=os.getpid(), since=now(), host=socket.gethostname())
        name = app_name(holder, self.profile)
        if conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}):
            conn.execute(text("SELECT set_config('application_name', :n, false)"), {"n": name})
            self._conn = conn
            return True
        conn.close()
        return False

    def acquire(
        self, *, wait: bool = False, timeout: float | None = None, on_wait: OnWait | None = None
    ) -> None:
        if self._conn is not None:
            raise StoreError(f"run lock of profile {self.profile}: already held by this process")
        _acquire_polling(self, self._try, wait=wait, timeout=timeout, on_wait=on_wait)

    def release(self) -> None:
        from sqlalchemy import text

        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
        finally:
            conn.close()  # ending the session would release it anyway

    def state(self) -> LockState:
        from sqlalchemy import text

        unsigned = self.key & 0xFFFFFFFFFFFFFFFF
        query = text(
            "SELECT a.application_name, a.backend_start FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :hi "
            "AND l.objid = :lo AND l.objsubid = 1"
        )
        with self._connect() as conn:
            row = conn.execute(query, {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF}).first()
        if row is None:
            return LockState(self.profile, "free")
        name, started = row
        holder = holder_from_app_name(name) or Holder(pid=0, since=started)
        return LockState(self.profile, "held", holder)


# -- in memory: one process ------------------------------------------------------------------


_MEMORY_HELD: dict[tuple[int, str], Holder] = {}
_MEMORY_GUARD = threading.Lock()


class MemoryRunLock:
    """The lock of an in-memory database, which no other process can open."""

    def __init__(self, store_id: int, profile: str) -> None:
        self.profile = profile
        self._key = (store_id, profile)
        self._held = False
        self.took_over: Holder | None = None

    def _try(self) -> bool:
        with _MEMORY_GUARD:
            if self._key in _MEMORY_HELD:
                return False
            _MEMORY_HELD[self._key] = Holder(pid=os.getpid(), since=now())
            self._held = True
            return True

    def acquire(
        self, *, wait: bool = False, timeout: float | None = None, on_wait: OnWait | None = None
    ) -> None:
        _acquire_polling(self, self._try, wait=wait, timeout=timeout, on_wait=on_wait)

    def release(self) -> None:
        if self._held:
            with _MEMORY_GUARD:
                _MEMORY_HELD.pop(self._key, None)
            self._held = False

    def state(self) -> LockState:
        holder = _MEMORY_HELD.get(self._key)
        return LockState(self.profile, "held" if holder else "free", holder)


def run_lock_for(url: str, engine: Engine, profile: str) -> RunLock:
    """The run lock of ``profile`` on the database at ``url``."""
    if engine.dialect.name == "postgresql":
        return PostgresRunLock(engine, profile)
    database = sqlite_path(url) if engine.dialect.name == "sqlite" else None
    if database is not None:
        if sys.platform == "win32":  # pragma: no cover - fcntl is POSIX
            raise StoreError("run locks on SQLite need a POSIX system (fcntl)")
        return FileRunLock(database, profile)
    return MemoryRunLock(id(engine), profile)
