"""Two writers of one product's links at the same moment, each in its own transaction as
two requests would be, on SQLite and PostgreSQL: the cap of 20 links holds, and positions
stay distinct.

The threads commit for real, so they work in a database of their own (``tests.races``),
built for this module and dropped after it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import gettext
from sqlalchemy import select

from tests.factories import make_cooperative, make_product, make_product_link, make_user
from tests.races import committing_app as committing_app
from tests.races import in_transaction, race
from tests.races import race_database_url as race_database_url
from trace.auth.models import Role, User
from trace.db import db
from trace.errors import InvalidInput
from trace.registry.product_links import ProductLink
from trace.registry.services import product_links
from trace.registry.services.product_links import MAX_LINKS_PER_PRODUCT


def _product_with_links(app: Flask, count: int) -> tuple[int, int, int, list[int]]:
    """Two clerks of one cooperative, and its product with ``count`` links."""

    def setting() -> tuple[int, int, int, list[int]]:
        cooperative = make_cooperative(db.session)
        clerk = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        other_clerk = make_user(db.session, Role.COOPERATIVE, cooperative=cooperative)
        product = make_product(db.session, cooperative)
        links = [make_product_link(db.session, product) for _ in range(count)]
        return clerk.id, other_clerk.id, product.id, [link.id for link in links]

    result: tuple[int, int, int, list[int]] = in_transaction(app, setting)
    return result


def _positions(app: Flask, product_id: int) -> dict[int, int]:
    def stored() -> dict[int, int]:
        rows = db.session.execute(
            select(ProductLink.id, ProductLink.position).where(ProductLink.product_id == product_id)
        ).tuples()
        return dict(rows.all())

    positions: dict[int, int] = in_transaction(app, stored)
    return positions


def test_two_adds_of_the_twentieth_link_leave_twenty(committing_app):
    clerk_id, other_id, product_id, _ = _product_with_links(
        committing_app, MAX_LINKS_PER_PRODUCT - 1
    )

    def adding(user_id: int, shop: str) -> Callable[[], object]:
        def work() -> object:
            user = db.session.get(User, user_id)
            assert user is not None
            values = {"link_type": "gs1:hasRetailers", "href": f"https://{shop}.vn/gao-st25"}
            return product_links.add_link(db.session, user, product_id, values).id

        return work

    outcomes = race(committing_app, [adding(clerk_id, "tiki"), adding(other_id, "lazada")])
    assert len([outcome for outcome in outcomes if isinstance(outcome, int)]) == 1, outcomes
    refused = [outcome for outcome in outcomes if not isinstance(outcome, int)]
    assert [type(outcome) for outcome in refused] == [InvalidInput]
    with committing_app.app_context():
        cap = gettext(
            "A product keeps at most %(count)d links: delete one before adding another.",
            count=MAX_LINKS_PER_PRODUCT,
        )
    assert refused[0].errors["href"] == [cap]
    positions = _positions(committing_app, product_id)
    assert len(positions) == MAX_LINKS_PER_PRODUCT
    assert len(set(positions.values())) == MAX_LINKS_PER_PRODUCT


def test_two_moves_at_once_keep_positions_distinct(committing_app):
    clerk_id, other_id, product_id, (_, second, third) = _product_with_links(committing_app, 3)

    def moving(user_id: int, link_id: int) -> Callable[[], object]:
        def work() -> object:
            user = db.session.get(User, user_id)
            assert user is not None
            return product_links.move_link(db.session, user, link_id, up=True).id

        return work

    outcomes = race(committing_app, [moving(clerk_id, second), moving(other_id, third)])
    assert sorted(outcomes) == sorted([second, third])
    positions = _positions(committing_app, product_id)
    assert len(set(positions.values())) == 3, positions
