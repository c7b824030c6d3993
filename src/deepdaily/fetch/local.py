"""Reading ``file://`` URLs and plain local paths as if they were fetched.

A local source answers like an HTTP one: a validator pair (an ``ETag`` made of size and
modification time, and ``Last-Modified``) so a re-run with unchanged files reports
``not_modified``, and ``fetch.max_bytes`` caps what is read.
"""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from deepdaily.errors import FetchError, TooLarge
from deepdaily.fetch.guard import shown

__all__ = ["LocalFile", "file_url", "local_path", "read_local"]


class LocalFile:
    """What reading a local file produced."""

    __slots__ = ("body", "etag", "last_modified", "not_modified", "path")

    def __init__(
        self, path: Path, body: bytes, etag: str, last_modified: str, not_modified: bool
    ) -> None:
        self.path = path
        self.body = body
        self.etag = etag
        self.last_modified = last_modified
        self.not_modified = not_modified


def local_path(url: str) -> Path:
    """The filesystem path a ``file://`` URL or plain path names."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return Path(url).expanduser()
    if parts.netloc not in ("", "localhost"):
        raise FetchError(f"{url}: file URLs with a remote host are not supported", url=url)
    return Path(url2pathname(unquote(parts.path)))


def read_local(
    url: str, *, max_bytes: int, etag: str | None = None, last_modified: str | None = None
) -> LocalFile:
    """Read the file ``url`` names; blocking, so call it in a worker thread."""
    path = local_path(url)
    if "\x00" in str(path):
        raise FetchError(f"{shown(url)}: a path may not contain a NUL character", url=url)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FetchError(f"file not found: {path}", url=url) from None
    except OSError as exc:
        raise FetchError(f"{path}: cannot read: {exc.strerror}", url=url) from None
    if not path.is_file():
        raise FetchError(f"{path}: not a regular file", url=url)
    if stat.st_size > max_bytes:
        raise TooLarge(f"{path}: file over {max_bytes} bytes ({stat.st_size})", url=url)
    current_etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    current_modified = formatdate(int(stat.st_mtime), usegmt=True)
    unchanged = (etag is not None and etag == current_etag) or (
        etag is None and last_modified is not None and last_modified == current_modified
    )
    if unchanged:
        return LocalFile(path, b"", current_etag, current_modified, True)
    try:
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"{path}: cannot read: {exc.strerror or exc}", url=url) from None
    if len(body) > max_bytes:
        raise TooLarge(f"{path}: file over {max_bytes} bytes", url=url)
    return LocalFile(path, body, current_etag, current_modified, False)


def file_url(path: Path | str) -> str:
    """A ``file://`` URL for ``path`` (absolute)."""
    return Path(os.path.abspath(path)).as_uri()
