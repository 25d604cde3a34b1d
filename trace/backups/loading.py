"""Loading the portable rows into a database whose schema is at the archive's revision.

Tables are filled parents first (``sort_tables_and_constraints``). A foreign key in a cycle
(a cooperative's logo is an upload, an upload belongs to a cooperative) is filled in a
second pass: its column is written empty with the row, then set once every table is in.
SQLite takes rows through the driver's executemany, PostgreSQL through COPY; sequences are
then set past the largest id, or the next insert would collide with a restored row.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, ForeignKeyConstraint, MetaData, Table
from sqlalchemy.exc import CircularDependencyError
from sqlalchemy.schema import sort_tables_and_constraints

from trace.backups.manifest import ArchiveRefused, data_part
from trace.backups.portable import read_rows, row_decoder
from trace.backups.progress import Progress

CHUNK = 5_000
# What a data part whose SHA-256 matched may still raise, if whoever wrote it also wrote the
# manifest: not gzip, not JSON lines, rows of the wrong length, values of the wrong kind.
UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError, EOFError, zlib.error)
# A later pass fills these: (table, column) -> [(primary key, value)]
Deferred = dict[tuple[str, str], list[tuple[Any, Any]]]


def load_tables(
    connection: Connection,
    metadata: MetaData,
    archive: tarfile.TarFile,
    counts: dict[str, int],
    progress: Progress,
) -> dict[str, int]:
    """Load every table's rows from ``archive``; the rows loaded per table.

    A table of the archive that the schema lacks (one another program kept in the same
    database) is left out and named on stderr; a table of the schema the archive lacks is
    refused, since the archive would then not be one of this schema.
    """
    targets = {name for name in metadata.tables if name != "alembic_version"}
    lacking = sorted(targets - set(counts))
    if lacking:
        raise ArchiveRefused(f"the archive lacks the table {lacking[0]} of its own revision")
    for name in sorted(set(counts) - targets):
        progress.say(f"NOTE: {name} ({counts[name]:,} rows) is no table of ours: left out")
    later = _cycle_breakers(list(metadata.tables.values()))
    try:
        ordered = sort_tables_and_constraints(
            list(metadata.tables.values()), filter_fn=lambda constraint: constraint in later
        )
    except CircularDependencyError:
        raise ArchiveRefused("the schema has a cycle of required references: cannot load") from None
    _empty_tables(
        connection, [table for table, _ in ordered if table is not None and table.name in targets]
    )
    deferred: Deferred = {}
    loaded = {}
    for table, _ in ordered:
        if table is None or table.name not in targets:
            continue
        columns = [
            column.name
            for constraint in later
            if constraint.table is table
            for column in constraint.columns
        ]
        try:
            loaded[table.name] = _load_table(
                connection, table, archive, columns, deferred, counts, progress
            )
        except UNREADABLE as error:
            reason = _first_line(error)
            raise ArchiveRefused(f"{data_part(table.name)} cannot be read ({reason})") from None
        except connection.dialect.loaded_dbapi.Error as error:
            reason = _first_line(error)
            raise ArchiveRefused(f"the database refused a row of {table.name}: {reason}") from None
    _fill_deferred(connection, metadata, deferred)
    return loaded


def _cycle_breakers(tables: list[Table]) -> set[ForeignKeyConstraint]:
    """The references in a cycle that can wait: nullable columns of a table with a simple
    key (an upload's cooperative is required, but a cooperative's logo can come later)."""
    ordered = sort_tables_and_constraints(tables)
    cyclic = [
        constraint for table, constraints in ordered if table is None for constraint in constraints
    ]
    return {
        constraint
        for constraint in cyclic
        if all(column.nullable for column in constraint.columns)
        and len(constraint.table.primary_key.columns) == 1
    }


def _empty_tables(connection: Connection, parents_first: list[Table]) -> None:
    """Remove the rows the migrations themselves insert (a starting watermark, say): the
    archive holds them as they were."""
    for table in reversed(parents_first):
        connection.exec_driver_sql(f'DELETE FROM "{table.name}"')  # noqa: S608 (schema names)


def _load_table(
    connection: Connection,
    table: Table,
    archive: tarfile.TarFile,
    later: list[str],
    deferred: Deferred,
    counts: dict[str, int],
    progress: Progress,
) -> int:
    source = archive.extractfile(data_part(table.name))
    if source is None:
        raise ArchiveRefused(f"{data_part(table.name)} is missing")
    header, rows = read_rows(source)
    columns: list[str] = header.get("columns", [])
    if header.get("table") != table.name or set(columns) != set(table.columns.keys()):
        raise ArchiveRefused(f"the columns of {table.name} differ from its schema's")
    decode = row_decoder(table, columns, connection.dialect.name)
    positions = {name: columns.index(name) for name in later}
    key = columns.index(table.primary_key.columns[0].name) if later else 0
    loaded = 0

    def decoded() -> Iterator[list[Any]]:
        nonlocal loaded
        for row in progress.rows(table.name, rows, counts[table.name]):
            values = decode(row)
            for name, position in positions.items():
                if values[position] is not None:
                    deferred.setdefault((table.name, name), []).append(
                        (values[key], values[position])
                    )
                    values[position] = None
            loaded += 1
            yield values

    if connection.dialect.name == "sqlite":
        _insert_sqlite(connection, table.name, columns, decoded())
    else:
        _copy_postgres(connection, table.name, columns, decoded())
    if loaded != counts[table.name]:
        raise ArchiveRefused(
            f"{table.name}: {loaded:,} rows in the archive, {counts[table.name]:,} in the manifest"
        )
    if loaded >= 10_000:
        progress.say(f"{table.name}: {loaded:,} rows loaded")
    return loaded


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _names(columns: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in columns)


def _insert_sqlite(
    connection: Connection, table: str, columns: list[str], rows: Iterator[list[Any]]
) -> None:
    cursor: Any = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    statement = (
        f'INSERT INTO "{table}" ({_names(columns)}) VALUES ({", ".join("?" for _ in columns)})'  # noqa: S608 (schema names)
    )
    chunk: list[list[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            cursor.executemany(statement, chunk)
            chunk.clear()
    if chunk:
        cursor.executemany(statement, chunk)
    cursor.close()


def _copy_postgres(
    connection: Connection, table: str, columns: list[str], rows: Iterator[list[Any]]
) -> None:
    driver: Any = connection.connection.driver_connection
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table}" ({_names(columns)}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _fill_deferred(connection: Connection, metadata: MetaData, deferred: Deferred) -> None:
    driver: Any = connection.connection.driver_connection
    mark = "?" if connection.dialect.name == "sqlite" else "%s"
    for (table, column), pairs in deferred.items():
        key = metadata.tables[table].primary_key.columns[0].name
        cursor = driver.cursor()
        statement = f'UPDATE "{table}" SET "{column}" = {mark} WHERE "{key}" = {mark}'  # noqa: S608 (schema names)
        cursor.executemany(statement, [(value, pk) for pk, value in pairs])
        cursor.close()


def reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """PostgreSQL: set each table's id sequence past its largest restored id."""
    if connection.dialect.name == "sqlite":
        return  # an INTEGER PRIMARY KEY takes the largest rowid + 1 by itself
    for table in metadata.tables.values():
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        sequence = connection.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%(table)s, %(column)s)",
            {"table": f'"{table.name}"', "column": keys[0].name},
        ).scalar()
        if sequence:
            connection.exec_driver_sql(
                f'SELECT setval(%(sequence)s, COALESCE(MAX("{keys[0].name}"), 0) + 1, false) '  # noqa: S608 (schema names)
                f'FROM "{table.name}"',
                {"sequence": sequence},
            )
