"""Key-product changes racing each other on SQLite and PostgreSQL, each in its own
transaction as two web requests would be: a product is listed once, a proposal is made
once and answered once.

The threads commit for real, in a database of their own (``tests.races``)."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import func, select

from tests.factories import SOC_TRANG, make_cooperative, make_product, make_user
from tests.races import committing_app as committing_app
from tests.races import in_transaction, race
from tests.races import race_database_url as race_database_url
from trace.auth.models import Role, User
from trace.db import db
from trace.errors import InvalidInput, NotFound
from trace.registry.models import KeyProduct, KeyProductProposal, KeyProductProposalState
from trace.registry.services import key_product_proposals as proposals
from trace.registry.services import key_products as service
from trace.registry.services.key_products import Decision

DECISION = Decision("125/QĐ-UBND", date(2026, 3, 2))


def _commune_with_a_product(app: Flask) -> dict[str, int]:
    def make() -> dict[str, int]:
        farm = make_cooperative(db.session, commune_code=SOC_TRANG)
        product = make_product(db.session, farm)
        return {
            "product": product.id,
            "officer": make_user(db.session, Role.COMMUNE_OFFICER, commune_code=SOC_TRANG).id,
            "staff": make_user(db.session, Role.COOPERATIVE, cooperative=farm).id,
        }

    ids: dict[str, int] = in_transaction(app, make)
    return ids


def _count(app: Flask, model: type, product_id: int) -> int:
    return in_transaction(
        app,
        lambda: db.session.scalar(
            select(func.count()).select_from(model).where(model.product_id == product_id)
        ),
    )


def test_two_officers_listing_one_product_at_once_list_it_once(committing_app):
    ids = _commune_with_a_product(committing_app)

    def add() -> int:
        officer = db.session.get(User, ids["officer"])
        return service.add_key_product(db.session, officer, SOC_TRANG, ids["product"], DECISION).id

    outcomes = race(committing_app, [add, add])
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvalidInput", "int"]
    refused = next(o for o in outcomes if isinstance(o, InvalidInput))
    assert set(refused.errors) == {"product_id"}
    assert _count(committing_app, KeyProduct, ids["product"]) == 1


def test_two_proposals_of_one_product_at_once_make_one(committing_app):
    ids = _commune_with_a_product(committing_app)

    def propose() -> int:
        staff = db.session.get(User, ids["staff"])
        return proposals.propose(db.session, staff, ids["product"], "").id

    outcomes = race(committing_app, [propose, propose])
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvalidInput", "int"]
    assert _count(committing_app, KeyProductProposal, ids["product"]) == 1


def test_a_proposal_confirmed_and_declined_at_once_is_answered_once(committing_app):
    ids = _commune_with_a_product(committing_app)

    def propose() -> int:
        staff = db.session.get(User, ids["staff"])
        return proposals.propose(db.session, staff, ids["product"], "").id

    proposal_id = in_transaction(committing_app, propose)

    def confirm() -> str:
        officer = db.session.get(User, ids["officer"])
        proposals.confirm(db.session, officer, SOC_TRANG, proposal_id, DECISION)
        return "confirmed"

    def decline() -> str:
        officer = db.session.get(User, ids["officer"])
        proposals.decline(db.session, officer, SOC_TRANG, proposal_id, "Sản lượng còn nhỏ")
        return "declined"

    outcomes = race(committing_app, [confirm, decline])
    answers = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert len(answers) == 1
    assert any(isinstance(outcome, NotFound) for outcome in outcomes)
    state = in_transaction(
        committing_app, lambda: db.session.get(KeyProductProposal, proposal_id).state
    )
    assert state == KeyProductProposalState(answers[0])
    listed = _count(committing_app, KeyProduct, ids["product"])
    assert listed == (1 if answers[0] == "confirmed" else 0)
