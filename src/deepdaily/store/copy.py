"""Copy a whole store to another database: ``deepdaily db copy SOURCE TARGET``.

The way from SQLite to PostgreSQL (or back, or to a fresh file as a backup). Both databases are
opened as stores, so both are migrated to this version's schema first; the target must be
empty. Every table is read in one transaction of the source (one consistent snapshot, even
while a run writes to it) and written in one transaction of the target, parents before
children, in batches, through the same table definitions the store's queries use (so dates,
JSON and flags are converted by the same code on both sides). Before the target commits, the
row count of every table is compared with the source's; any difference, or an error, rolls the
whole target back: a copy is complete or absent.

A table the source holds that the copy does not know (a migration added it and nobody listed
it here) stops the copy before anything is written, by name: nothing is left behind silently.
On PostgreSQL, identity columns continue after the largest copied id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Integer, Table, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import sort_tables

from deepdaily.errors import StoreError
from deepdaily.store.store import Store

__all__ = ["CopyReport", "copy_store"]

#: Rows per insert.
BATCH = 2000


@dataclass
class CopyReport:
    """What a copy moved: rows per table, in the order written."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_store(
    source: Store,
    target: Store,
    tables: Sequence[Table],
    *,
    batch: int = BATCH,
    on_table: Callable[[str, int], None] | None = None,
) -> CopyReport:
    """Copy every row of ``tables`` from ``source`` into the empty ``target``; see the module.

    ``tables`` must name every table of the source but ``schema_migrations`` (the target's own
    migrations stand); ``on_table(name, rows)`` is told after each table is written.
    """
    _check_same_schema(source, target)
    ordered = [table for table in sort_tables(tables) if table.name != "schema_migrations"]
    _check_every_table_known(source, ordered)
    report = CopyReport()
    with source.engine.connect() as reading, target.engine.connect() as writing:
        if source.engine.dialect.name == "postgresql":
            reading = reading.execution_options(isolation_level="REPEATABLE READ")
        with reading.begin(), writing.begin():
            for table in ordered:
                held = writing.scalar(select(func.count()).select_from(table)) or 0
                if held:
                    raise StoreError(
                        f"target {_name(target)}: table {table.name} already holds {held} rows; "
                        "db copy fills an empty store"
                    )
            for table in ordered:
                copied = 0
                result = reading.execution_options(yield_per=batch).execute(select(table))
                for rows in result.partitions():
                    try:
                        writing.execute(table.insert(), [dict(row._mapping) for row in rows])
                    except SQLAlchemyError as exc:
                        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
                        raise StoreError(
                            f"table {table.name}: the target refused rows {copied + 1}–"
                            f"{copied + len(rows)}: {reason}; nothing was copied"
                        ) from exc
                    copied += len(rows)
                expected = reading.scalar(select(func.count()).select_from(table)) or 0
                written = writing.scalar(select(func.count()).select_from(table)) or 0
                if not copied == expected == written:
                    raise StoreError(
                        f"table {table.name}: {expected} rows in the source, {copied} read, "
                        f"{written} in the target; nothing was copied"
                    )
                _continue_identity(writing, table)
                report.rows[table.name] = written
                if on_table is not None:
                    on_table(table.name, written)
    return report


def _name(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=True)


def _check_same_schema(source: Store, target: Store) -> None:
    for store, role in ((source, "source"), (target, "target")):
        pending = store.pending_migrations()
        if pending:
            raise StoreError(f"{role} {_name(store)}: migrations pending: {', '.join(pending)}")


def _check_every_table_known(source: Store, tables: Sequence[Table]) -> None:
    known = {table.name for table in tables} | {"schema_migrations"}
    present = set(inspect(source.engine).get_table_names())
    unknown = sorted(name for name in present - known if not name.startswith("sqlite_"))
    if unknown:
        raise StoreError(
            f"source {_name(source)}: table(s) {', '.join(unknown)} not known to db copy; "
            "nothing was copied"
        )


def _continue_identity(conn: Connection, table: Table) -> None:
    """After explicit ids were copied into a PostgreSQL identity column, new rows continue
    after the largest one (SQLite's AUTOINCREMENT does so by itself)."""
    if conn.dialect.name != "postgresql":
        return
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer):
        return
    column = keys[0].name
    sequence = conn.scalar(
        text("SELECT pg_get_serial_sequence(:table, :column)"),
        {"table": table.name, "column": column},
    )
    if sequence:
        conn.execute(
            text(
                f'SELECT setval(:sequence, COALESCE((SELECT max("{column}") FROM "{table.name}"), '
                "0) + 1, false)"
            ),
            {"sequence": sequence},
        )
