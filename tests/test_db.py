"""Transactions that write: begun as writers on SQLite, or writing after their reads when the
database allows it, and writes apart from a request's transaction."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, event, func, insert, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from tests.conftest import base_config
from trace import create_app
from trace.common.cli import command_transaction
from trace.db import BEGIN_IMMEDIATE, db, make_engine, write_after_reads, write_apart, writer_engine


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


@pytest.fixture
def sqlite_probe(probe, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows as it writes them")
    return probe


def test_a_writer_holds_the_write_lock_from_its_first_read(sqlite_probe, database_url):
    engine, table = sqlite_probe
    impatient = make_engine(database_url, sqlite_busy_timeout_ms=0)
    try:
        with Session(writer_engine(engine)) as writer:
            writer.execute(select(func.count()).select_from(table)).scalar_one()
            with (
                pytest.raises(OperationalError, match="database is locked"),
                impatient.begin() as other,
            ):
                other.execute(insert(table).values(id=1))
    finally:
        impatient.dispose()


def test_a_second_writer_waits_its_turn_instead_of_failing(sqlite_probe):
    engine, table = sqlite_probe

    def register(row_id: int) -> None:
        with Session(writer_engine(engine)) as writer:
            writer.execute(select(func.count()).select_from(table)).scalar_one()
            writer.execute(insert(table).values(id=row_id))
            writer.commit()

    with Session(writer_engine(engine)) as first, ThreadPoolExecutor(1) as pool:
        first.execute(select(func.count()).select_from(table)).scalar_one()
        second = pool.submit(register, 2)
        time.sleep(0.3)
        assert not second.done()  # waiting at BEGIN, within the busy timeout
        first.execute(insert(table).values(id=1))
        first.commit()
        second.result(timeout=10)

    with engine.connect() as connection:
        assert connection.execute(select(table.c.id).order_by(table.c.id)).scalars().all() == [
            1,
            2,
        ]


@pytest.mark.parametrize(
    ("method", "begins_as_writer"),
    [
        ("GET", False),
        ("HEAD", False),
        ("POST", True),
        ("PUT", True),
        ("PATCH", True),
        ("DELETE", True),
    ],
)
def test_requests_that_write_begin_as_writers_on_sqlite(database_url, method, begins_as_writer):
    app = create_app(base_config(database_url))
    is_sqlite = database_url.startswith("sqlite")
    with app.test_request_context("/", method=method):
        options = db.session.get_bind().get_execution_options()
        assert options.get(BEGIN_IMMEDIATE, False) is (begins_as_writer and is_sqlite)
    with app.app_context():
        db.engine.dispose()


def test_commands_begin_as_writers_on_sqlite(database_url):
    app = create_app(base_config(database_url))
    with app.app_context():
        assert BEGIN_IMMEDIATE not in db.session.get_bind().get_execution_options()
        with command_transaction():
            options = db.session.get_bind().get_execution_options()
            assert options.get(BEGIN_IMMEDIATE, False) is database_url.startswith("sqlite")
        db.engine.dispose()


def test_commands_that_only_read_begin_as_readers(database_url):
    app = create_app(base_config(database_url))
    with app.app_context():
        with command_transaction(writes=False):
            assert BEGIN_IMMEDIATE not in db.session.get_bind().get_execution_options()
        db.engine.dispose()


def test_a_write_apart_waits_for_the_end_of_the_app_context(sqlite_probe, database_url):
    engine, table = sqlite_probe
    app = create_app(base_config(database_url))

    def record(own: Session) -> None:
        own.execute(insert(table).values(id=9))

    with app.test_request_context("/", method="POST"):
        db.session.execute(select(func.count()).select_from(table)).scalar_one()  # the lock
        write_apart(db.session, record)
        db.session.commit()
        with engine.connect() as connection:
            assert connection.execute(select(table.c.id)).scalars().all() == []
    with app.app_context():
        db.engine.dispose()

    with engine.connect() as connection:
        assert connection.execute(select(table.c.id)).scalars().all() == [9]


def test_a_get_marked_as_writing_begins_as_a_writer_on_sqlite(database_url):
    """A serialised print run issues codes on GET /api/v1/batches/<id>/labels."""
    app = create_app(base_config(database_url))
    with app.test_request_context("/api/v1/batches/1/labels", method="GET"):
        options = db.session.get_bind().get_execution_options()
        assert options.get(BEGIN_IMMEDIATE, False) is database_url.startswith("sqlite")
    with app.test_request_context("/api/v1/batches/1", method="GET"):
        assert BEGIN_IMMEDIATE not in db.session.get_bind().get_execution_options()
    with app.app_context():
        db.engine.dispose()
