"""``store.url`` checked when the settings load: a known database, with its driver installed.

A URL whose scheme names no database SQLAlchemy knows, or whose driver is not installed
(``postgresql://…`` without psycopg), is a settings error (exit 2) before anything is fetched,
with what to install: ``pip install 'deepdaily[postgres]'`` for PostgreSQL. SQLite needs
nothing (Python ships it), so the default costs no import here.

``postgresql://`` and ``postgres://`` mean psycopg 3 (:func:`engine_url`): SQLAlchemy's own
default for them is psycopg2, which deepdaily does not use.
"""

from __future__ import annotations

from deepdaily.errors import ConfigError

__all__ = ["check_database_url", "engine_url", "safe_url"]

#: What to install for a database that is not bundled, by dialect name.
_INSTALL = {
    "postgresql": "pip install 'deepdaily[postgres]'",
}
_EXAMPLES = "sqlite:///PATH/deepdaily.db or postgresql://USER@HOST/DATABASE"


def engine_url(url: str) -> str:
    """``url`` with a bare PostgreSQL scheme given the psycopg 3 driver."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, _, host = rest.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url


def check_database_url(url: str, origin: str) -> None:
    """Raise :class:`ConfigError` (one line naming ``origin``, the layer that set the URL)
    when ``url`` cannot be opened for want of a known scheme or an installed driver."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return
    where = f"{origin}: store.url {safe_url(url)}"
    if not scheme:
        raise ConfigError(f"{where}: not a database URL; use {_EXAMPLES}")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        dialect = make_url(engine_url(url)).get_dialect()
    except NoSuchModuleError:
        raise ConfigError(
            f"{where}: unknown database scheme {scheme.split('+')[0]!r}; use {_EXAMPLES}"
        ) from None
    except (ArgumentError, ValueError) as exc:
        raise ConfigError(f"{where}: not a database URL ({exc}); use {_EXAMPLES}") from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        name = dialect.name
        driver = getattr(dialect, "driver", "") or name
        extra = _INSTALL.get(name)
        if extra and driver in ("psycopg", name):
            install = extra
        elif extra:
            install = f"install {driver!r}, or use {name}+psycopg:// after {extra}"
        else:
            install = f"install the {driver!r} driver for {name} into deepdaily's environment"
        missing = getattr(exc, "name", None) or driver
        raise ConfigError(
            f"{where}: the {name} driver is not installed (no module {missing!r}); {install}"
        ) from None
