"""Reading the portable rows of every table out of one snapshot (``portable.py`` writes them).

The caller holds the snapshot: a connection to SQLite's backup copy, or to PostgreSQL inside
the REPEATABLE READ transaction whose snapshot ``pg_dump`` shares. Rows are read through the
driver's own cursor (a server-side one on PostgreSQL, so a large table is never held in
memory) and written straight into the staged part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, MetaData, Table

from trace.backups.manifest import TABLE_NAME, data_part
from trace.backups.portable import select_sql, write_rows
from trace.backups.progress import Progress

FETCH = 5_000
SKIPPED = frozenset({"alembic_version"})  # the manifest names the revision


def export_tables(connection: Connection, staging: Path, progress: Progress) -> dict[str, int]:
    """Write ``data/<table>.jsonl.gz`` under ``staging`` for each table; the rows of each."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    dialect = connection.dialect.name
    counts = {}
    for table in sorted(metadata.tables.values(), key=lambda table: table.name):
        if table.name in SKIPPED:
            continue
        if not TABLE_NAME.fullmatch(table.name):
            raise ValueError(f"table {table.name!r} has a name backups cannot carry")
        total = connection.exec_driver_sql(f'SELECT count(*) FROM "{table.name}"').scalar_one()  # noqa: S608 (schema names)
        path = staging / data_part(table.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as target:
            rows = progress.rows(table.name, _driver_rows(connection, table, dialect), total)
            counts[table.name] = write_rows(target, table, rows)
        if counts[table.name] >= 10_000:
            progress.say(f"{table.name}: {counts[table.name]:,} rows")
    progress.say(f"rows of {len(counts)} tables written, {sum(counts.values()):,} in all")
    return counts


def _driver_rows(connection: Connection, table: Table, dialect: str) -> Iterator[Any]:
    driver: Any = connection.connection.driver_connection
    if dialect == "sqlite":
        cursor = driver.cursor()
    else:  # a named cursor is a server-side one: psycopg fetches FETCH rows at a time
        cursor = driver.cursor(name=f"backup_{table.name}")
        cursor.itersize = FETCH
    try:
        cursor.execute(select_sql(table, dialect))
        while rows := cursor.fetchmany(FETCH):
            yield from rows
    finally:
        cursor.close()


def storage_keys(connection: Connection) -> list[str]:
    """The file names the snapshot's uploads rows give (none before the uploads table)."""
    metadata = MetaData()
    metadata.reflect(bind=connection, only=lambda name, _: name == "uploads")
    if "uploads" not in metadata.tables:
        return []
    query = 'SELECT storage_key FROM "uploads" ORDER BY id'
    return [str(key) for key in connection.exec_driver_sql(query).scalars()]
