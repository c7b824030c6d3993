"""The databases the store's tests run on: SQLite in a temporary folder, and a real PostgreSQL.

PostgreSQL is the server ``tools/services`` starts on 127.0.0.1 (or the one
``DEEPDAILY_TEST_POSTGRES_URL`` names); each test gets a schema of its own, dropped after it.
A server that does not answer fails the test with the reason and how to start one: it is never
skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from deepdaily.config.dburl import engine_url, safe_url

__all__ = ["BACKENDS", "POSTGRES_URL", "postgres_server", "postgres_url", "store_url"]

POSTGRES_URL = os.environ.get(
    "DEEPDAILY_TEST_POSTGRES_URL",
    "postgresql://deepdaily:deepdaily@127.0.0.1:5432/deepdaily_test",
)
BACKENDS = ("sqlite", "postgresql")


def _connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(
        engine_url(url).replace("postgresql+psycopg://", "postgresql://"),
        connect_timeout=5,
        autocommit=True,
    )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL URL the tests use, checked to answer."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is not installed: pip install -e '.[test]' (it brings [postgres])")
    try:
        _connect(POSTGRES_URL).close()
    except Exception as exc:  # any failure: its message is the reason shown
        pytest.fail(
            f"PostgreSQL at {safe_url(POSTGRES_URL)} does not answer ({str(exc).strip()}); "
            "start it with `bash tools/services` or set DEEPDAILY_TEST_POSTGRES_URL"
        )
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL URL whose search path is a new, empty schema (dropped afterwards)."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with _connect(postgres_server) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options=-csearch_path%3D{schema}"
    with _connect(postgres_server) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db' / 'deepdaily.db'}"
    return str(request.getfixturevalue("postgres_url"))
