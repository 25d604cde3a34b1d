"""Account changes racing each other on SQLite and PostgreSQL, each in its own transaction
as two web requests would be: a link is used once, and an operator always remains.

The threads commit for real, so they work in a database of their own (``tests.races``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from tests.factories import make_user
from tests.races import committing_app as committing_app
from tests.races import in_transaction, race
from tests.races import race_database_url as race_database_url
from trace.auth.models import Role, User
from trace.db import db
from trace.people import services

NEW_PASSWORD = "rice paddies under monsoon clouds"


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

    token = in_transaction(committing_app, invite)
    outcomes = race(
        committing_app,
        [lambda: services.set_password_with_link(db.session, token, NEW_PASSWORD).id] * 2,
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["LinkGone", "int"]


def test_two_operators_demoting_each_other_leave_one(committing_app):
    def two_operators() -> tuple[int, int]:
        first, second = make_user(db.session, Role.OPERATOR), make_user(db.session, Role.OPERATOR)
        return first.id, second.id

    first_id, second_id = in_transaction(committing_app, two_operators)
    active = in_transaction(
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

    outcomes = race(committing_app, [demote(first_id, second_id), demote(second_id, first_id)])
    # The second finds itself the last operator, or (when it waited for the first to
    # commit before reading anything) no longer an operator at all.
    assert True in outcomes
    refused = [outcome for outcome in outcomes if outcome is not True]
    assert [type(outcome).__name__ for outcome in refused] in (
        ["InvalidInput"],
        ["AccessDenied"],
    )
    remaining = in_transaction(
        committing_app,
        lambda: db.session.scalar(
            select(func.count()).where(
                User.id.in_([first_id, second_id]), User.role == Role.OPERATOR
            )
        ),
    )
    assert remaining == 1
