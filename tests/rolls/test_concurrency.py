"""Two clerks activating overlapping ranges of one roll at the same moment, each in its own
transaction as two requests would be, on SQLite and PostgreSQL: exactly one wins, and the
loser changes nothing.

The threads commit for real, so they work in a database of their own (``tests.races``),
built for this module and dropped after it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from tests.conftest import TEST_KEY_PASSPHRASE
from tests.factories import make_batch, make_cooperative, make_product, make_user
from tests.races import committing_app as committing_app
from tests.races import in_transaction, race
from tests.races import race_database_url as race_database_url
from trace.auth.models import Role, User
from trace.batches.models import LabelCode
from trace.db import db
from trace.errors import Conflict
from trace.rolls.activation import activate_range
from trace.rolls.models import RollCode
from trace.rolls.services import create_roll
from trace.signing import services as keys


def test_overlapping_activations_at_once_leave_exactly_one_winner(committing_app):
    def setting() -> tuple[int, int, int, int, int]:
        if not keys.has_current_key(db.session):
            keys.create_key(db.session, TEST_KEY_PASSPHRASE.encode())
        cooperative = make_cooperative(db.session)
        clerk = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        other_clerk = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        product = make_product(db.session, cooperative)
        first, second = make_batch(db.session, product), make_batch(db.session, product)
        roll = create_roll(
            db.session, clerk, {"target": f"prefix:{cooperative.id}", "count": "100"}
        )
        return clerk.id, other_clerk.id, first.id, second.id, roll.id

    clerk_id, other_id, first_id, second_id, roll_id = in_transaction(committing_app, setting)

    def activation(user_id: int, batch_id: int, first: str, last: str) -> Callable[[], object]:
        def work() -> object:
            user = db.session.get(User, user_id)
            assert user is not None
            done = activate_range(db.session, user, batch_id, first, last)
            return done.count

        return work

    outcomes = race(
        committing_app,
        [
            activation(clerk_id, first_id, "R0001-00001", "R0001-00060"),
            activation(other_id, second_id, "R0001-00050", "R0001-00100"),
        ],
    )
    winners = [outcome for outcome in outcomes if isinstance(outcome, int)]
    assert len(winners) == 1, outcomes
    assert [type(outcome) for outcome in outcomes if not isinstance(outcome, int)] == [Conflict]

    def stored() -> tuple[dict[int | None, int], int]:
        counts = db.session.execute(
            select(RollCode.batch_id, func.count())
            .where(RollCode.roll_id == roll_id)
            .group_by(RollCode.batch_id)
        ).all()
        units = db.session.scalar(
            select(func.count()).where(LabelCode.batch_id.in_([first_id, second_id]))
        )
        return dict(counts), units or 0

    by_batch, units = in_transaction(committing_app, stored)
    winner_batch = first_id if winners == [60] else second_id
    assert by_batch == {winner_batch: winners[0], None: 100 - winners[0]}
    assert units == winners[0]
