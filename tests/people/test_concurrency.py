"""Account changes racing each other on SQLite and PostgreSQL, each in its own transaction
as two web requests would be: a link is used once, and an operator always remains.

The threads commit for real, so they work in a database of their own, built for this
module and dropped after it: the suite's shared database stays as the other tests expect.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, make_url, select, text

from tests.conftest import base_config, make_test_app, migrate_to_head
from tests.factories import make_user
from trace.auth.models import Role, User
from trace.db import db, make_engine
from trace.errors import TraceError
from trace.people import services

NEW_PASSWORD = "rice paddies under monsoon clouds"


@pytest.fixture(scope="module")
def race_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database of the same kind as ``database_url``, for this module alone."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('race') / 'race.db'}"
        migrate_to_head(url)
        yield url
        return
    server = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{make_url(database_url).database}_people_race"
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


def _in_transaction(app: Flask, work: Callable[[], Any]) -> Any:
    with app.app_context():
        db.begin_writing()
        try:
            result = work()
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise


def _race(app: Flask, works: list[Callable[[], Any]]) -> list[Any]:
    """Run each work in its own thread and transaction at once; each outcome or error."""
    start = threading.Barrier(len(works))
    outcomes: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = _in_transaction(app, works[index])
        except TraceError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_uses_of_one_link_set_one_password(committing_app):
    def invite() -> str:
        operator = make_user(db.session, Role.OPERATOR)
        issued = services.invite_person(
            db.session,
            operator,
            email=f"race{operator.id}@example.vn",
            display_name="Race",
            role="inspector",
        )
        operator.is_active = False  # the next test counts its own two operators alone
        return issued.token

    token = _in_transaction(committing_app, invite)
    outcomes = _race(
        committing_app,
        [lambda: services.set_password_with_link(db.session, token, NEW_PASSWORD).id] * 2,
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LinkGone", "int"]


def test_two_operators_demoting_each_other_leave_one(committing_app):
    def two_operators() -> tuple[int, int]:
        first, second = make_user(db.session, Role.OPERATOR), make_user(db.session, Role.OPERATOR)
        return first.id, second.id

    first_id, second_id = _in_transaction(committing_app, two_operators)
    active = _in_transaction(
        committing_app,
        lambda: db.session.scalar(
            select(func.count()).where(User.role == Role.OPERATOR, User.is_active.is_(True))
        ),
    )
    assert active == 2, "another active operator is committed in this database"

    def demote(actor_id: int, person_id: int) -> Callable[[], bool]:
        def work() -> bool:
            actor, person = db.session.get(User, actor_id), db.session.get(User, person_id)
            return services.change_binding(
                db.session,
                actor,
                person,
                role="inspector",
                cooperative_tax_code=None,
                commune_code=None,
            )

        return work

    outcomes = _race(committing_app, [demote(first_id, second_id), demote(second_id, first_id)])
    # The second finds itself the last operator, or (when it waited for the first to
    # commit before reading anything) no longer an operator at all.
    assert True in outcomes
    refused = [outcome for outcome in outcomes if outcome is not True]
    assert [type(outcome).__name__ for outcome in refused] in (
        ["InvalidInput"],
        ["AccessDenied"],
    )
    remaining = _in_transaction(
        committing_app,
        lambda: db.session.scalar(
            select(func.count()).where(
                User.id.in_([first_id, second_id]), User.role == Role.OPERATOR
            )
        ),
    )
    assert remaining == 1
