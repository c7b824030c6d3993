"""``deepdaily db migrate|check|prune|copy``: the store's schema, health, retention and moves
between databases.

The store is the one ``store.url`` names (or ``--db``); SQLite by default, PostgreSQL with the
``postgres`` extra (``postgresql://USER@HOST/DATABASE``, psycopg 3). Every other command
migrates the store when it opens it; ``db migrate`` does only that, ``db check`` changes
nothing, ``db prune`` applies the retention policy (:mod:`deepdaily.store.retention`) and
``db copy`` moves a whole store into an empty database (see
:mod:`deepdaily.store.copy`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from deepdaily.cli.app import CONTEXT, app, state

__all__ = ["db_app"]

db_app = typer.Typer(
    help="The store: apply migrations, check it, copy it to another database.",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


def _url() -> str:
    return state.settings().store.resolved_url()


@db_app.command("migrate")
def migrate() -> None:
    """Apply the migrations the store has not had yet."""
    from deepdaily.config.dburl import safe_url
    from deepdaily.store import Store
    from deepdaily.store.migrations import MIGRATIONS

    url = _url()
    with Store(url) as store:
        applied = store.migrations_applied
    if applied:
        typer.echo(f"{safe_url(url)}: applied {len(applied)}: {', '.join(applied)}")
    else:
        typer.echo(f"{safe_url(url)}: up to date ({len(MIGRATIONS)} migrations)")


@db_app.command("check")
def check() -> None:
    """Report the database, its migrations, integrity and rows; change nothing.

    Exits 1 when migrations are pending or the database is damaged."""
    from sqlalchemy import func, inspect, select

    from deepdaily.config.dburl import safe_url
    from deepdaily.store import Store
    from deepdaily.tables import store_tables

    url = _url()
    problems: list[str] = []
    with Store(url, migrate=False) as store:
        engine = store.engine
        pending = store.pending_migrations()  # connects: the server's version is known after
        version = ".".join(str(part) for part in engine.dialect.server_version_info or ())
        typer.echo(f"database   {safe_url(url)} ({engine.dialect.name} {version})")
        if pending:
            problems.append(f"{len(pending)} migrations pending: {', '.join(pending)}")
            typer.echo(f"migrations pending: {', '.join(pending)} (run `deepdaily db migrate`)")
        else:
            typer.echo("migrations up to date")
        integrity = store.integrity()
        typer.echo(f"integrity  {integrity}")
        if integrity != "ok":
            problems.append(f"integrity: {integrity}")
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            for table in store_tables():
                if table.name in present:
                    rows = conn.scalar(select(func.count()).select_from(table)) or 0
                    typer.echo(f"  {table.name:18} {rows:>10,} rows")
    if problems:
        raise typer.Exit(1)


@db_app.command("prune")
def prune_store(
    keep_days: Annotated[
        int | None,
        typer.Option("--keep-days", min=1, help="Override [store] keep_days for this prune."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go; remove nothing.")
    ] = False,
) -> None:
    """Remove what is older than keep_days and no stored digest stands on (runs do this
    after every run of a recent day)."""
    from datetime import UTC, datetime

    from deepdaily.errors import UsageError
    from deepdaily.store.retention import prune

    settings = state.settings()
    days = settings.store.keep_days if keep_days is None else keep_days
    if days == 0:
        typer.echo("[store] keep_days = 0: everything is kept")
        return
    from deepdaily.config.store import EVENT_MEMORY_DAYS

    if days <= EVENT_MEMORY_DAYS:
        raise UsageError(
            f"db prune: --keep-days {days} would remove documents of events runs still join "
            f"new coverage to ({EVENT_MEMORY_DAYS} days); use more than {EVENT_MEMORY_DAYS}"
        )
    with state.store(settings) as store:
        report = prune(store, days, datetime.now(UTC), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"{verb} {report.total:,} rows {report.describe()}")


@db_app.command("copy")
def copy(
    source: Annotated[str, typer.Argument(help="The store to copy, e.g. sqlite:///deepdaily.db")],
    target: Annotated[
        str, typer.Argument(help="An empty database, e.g. postgresql://deepdaily@127.0.0.1/dd")
    ],
) -> None:
    """Copy a whole store into an empty database and verify every table's row count.

    Both are migrated first; the copy is one transaction on the target: complete or absent."""
    from deepdaily.config.dburl import check_database_url, safe_url
    from deepdaily.store import Store
    from deepdaily.store.copy import copy_store
    from deepdaily.tables import store_tables

    check_database_url(source, "db copy SOURCE")
    check_database_url(target, "db copy TARGET")
    if source == target:
        from deepdaily.errors import UsageError

        raise UsageError("db copy: SOURCE and TARGET are the same database")
    with Store(source) as origin, Store(target) as destination:
        report = copy_store(
            origin,
            destination,
            store_tables(),
            on_table=lambda name, rows: typer.echo(f"  {name:18} {rows:>10,} rows"),
        )
    typer.echo(
        f"copied {report.total:,} rows in {len(report.rows)} tables from {safe_url(source)} to "
        f"{safe_url(target)}; row counts verified"
    )
