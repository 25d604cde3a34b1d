"""Races on SQLite and PostgreSQL: works run at once in threads, each in its own
transaction as two web requests would be, committing for real.

So they work in a database of their own, built for the test module and dropped after it:
the suite's shared database stays as the other tests expect. A module imports the
fixtures by name (``from tests.races import committing_app, race_database_url``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import make_url, text

from tests.conftest import base_config, make_test_app, migrate_to_head
from trace.db import db, make_engine
from trace.errors import TraceError


@pytest.fixture(scope="module")
def race_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database of the same kind as ``database_url``, for this module alone."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.db'}"
        migrate_to_head(url)
        yield url
        return
    server = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{make_url(database_url).database}_race"
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate_to_head(url)
        yield url
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def committing_app(race_database_url: str) -> Iterator[Flask]:
    """An app whose requests commit for real: what the racing threads change stays."""
    app = make_test_app(base_config(race_database_url))
    yield app
    with app.app_context():
        db.engine.dispose()


def in_transaction(app: Flask, work: Callable[[], Any]) -> Any:
    with app.app_context():
        db.begin_writing()
        try:
            result = work()
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise


def race(app: Flask, works: list[Callable[[], Any]]) -> list[Any]:
    """Run each work in its own thread and transaction at once; each outcome or error."""
    start = threading.Barrier(len(works))
    outcomes: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = in_transaction(app, works[index])
        except TraceError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
