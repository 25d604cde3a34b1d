"""A write after reads: in the reading transaction when the database allows it."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, event, func, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from trace.db import make_engine, write_after_reads


@pytest.fixture
def probe(database_url: str) -> Iterator[tuple[Engine, Table]]:
    """A table of this test's own on each database, and an engine that counts rollbacks."""
    engine = make_engine(database_url)
    table = Table(f"probe_{uuid4().hex[:12]}", MetaData(), Column("id", Integer, primary_key=True))
    table.create(engine)
    yield engine, table
    table.drop(engine)
    engine.dispose()


def _rollbacks(engine: Engine) -> list[object]:
    seen: list[object] = []
    event.listen(engine, "rollback", seen.append)
    return seen


def _read_then_write_after_another_commit(engine: Engine, table: Table) -> int:
    with Session(engine) as session:
        session.execute(select(func.count()).select_from(table)).scalar_one()  # reads begin
        with engine.begin() as other:  # another worker records its scan meanwhile
            other.execute(insert(table).values(id=1))

        def write() -> int:
            session.connection().execute(insert(table).values(id=2))
            return 2

        return write_after_reads(session, write)


def test_the_write_is_made_and_committed_although_another_connection_wrote(probe):
    engine, table = probe

    written = _read_then_write_after_another_commit(engine, table)

    assert written == 2
    with engine.connect() as connection:
        assert connection.execute(select(table.c.id).order_by(table.c.id)).scalars().all() == [
            1,
            2,
        ]


def test_sqlite_writes_in_a_new_transaction_only_when_it_must(probe, database_url):
    engine, table = probe
    rollbacks = _rollbacks(engine)

    _read_then_write_after_another_commit(engine, table)

    # SQLite refuses the write in a snapshot older than the other commit: the reads end and
    # the write gets its own transaction. PostgreSQL writes in the reading transaction.
    expected = 1 if database_url.startswith("sqlite") else 0
    assert len(rollbacks) == expected


def test_nothing_in_between_means_one_transaction(probe):
    engine, table = probe
    rollbacks = _rollbacks(engine)
    with Session(engine) as session:
        session.execute(select(func.count()).select_from(table)).scalar_one()
        write_after_reads(session, lambda: session.connection().execute(insert(table).values(id=7)))

    assert rollbacks == []


def test_other_database_errors_are_not_retried(probe):
    engine, _ = probe
    missing = Table("no_such_table", MetaData(), Column("id", Integer, primary_key=True))
    attempts: list[int] = []

    def write() -> None:
        attempts.append(1)
        session.connection().execute(insert(missing).values(id=1))

    with Session(engine) as session, pytest.raises(DBAPIError):
        write_after_reads(session, write)

    assert attempts == [1]
