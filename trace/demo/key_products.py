"""The demo communes' key products, decided by each commune, and a cooperative's proposal.

Trần Đề's officer chose two products of the rice cooperative by decisions of the commune:
Gạo ST25 (batches with their steps, VietGAP and OCOP certificates: traced) and Gạo ST24
(its batch has no recorded step and no certificate: not traced). The cooperative proposed
its brown rice, which waits for the officer's answer. Tân Cương and Đầm Dơi have decided on
theirs too (no officer of theirs in the demo: recorded with no one signed in).

Entries go through the services, so the audit records tell the same story. Loading again
finds each entry (even a removed one) or proposal by its product and creates nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.demo.data import (
    DAM_DOI,
    DRIED_SHRIMP,
    RICE_BROWN,
    RICE_COOPERATIVE,
    RICE_ST24,
    RICE_ST25,
    SHRIMP,
    SHRIMP_COOPERATIVE,
    TAN_CUONG,
    TEA_BUD,
    TEA_COOPERATIVE,
    TEA_DINH,
    TRAN_DE,
    CooperativeSeed,
)
from trace.registry.models import Cooperative, KeyProduct, KeyProductProposal, Product
from trace.registry.services import key_product_proposals as proposals
from trace.registry.services import key_products as service
from trace.registry.services.key_products import Decision

OFFICER_EMAIL = "canbo.xa@demo.truyxuat.vn"
RICE_STAFF_EMAIL = "htx.st25@demo.truyxuat.vn"


@dataclass(frozen=True)
class KeyProductSeed:
    """A product on a commune's list, by the commune's decision; ``by_officer`` when the
    demo's commune officer recorded it."""

    commune_code: str
    cooperative: CooperativeSeed
    product: str
    decision: Decision
    by_officer: bool = False


KEY_PRODUCTS = (
    KeyProductSeed(
        TRAN_DE,
        RICE_COOPERATIVE,
        RICE_ST25,
        Decision("45/QĐ-UBND", date(2026, 2, 20), "Đề án sản phẩm chủ lực xã 2026-2030"),
        by_officer=True,
    ),
    KeyProductSeed(
        TRAN_DE,
        RICE_COOPERATIVE,
        RICE_ST24,
        Decision("112/QĐ-UBND", date(2026, 6, 15), "Bổ sung vào danh sách sản phẩm chủ lực"),
        by_officer=True,
    ),
    KeyProductSeed(TAN_CUONG, TEA_COOPERATIVE, TEA_DINH, Decision("27/QĐ-UBND", date(2026, 1, 15))),
    KeyProductSeed(TAN_CUONG, TEA_COOPERATIVE, TEA_BUD, Decision("27/QĐ-UBND", date(2026, 1, 15))),
    KeyProductSeed(DAM_DOI, SHRIMP_COOPERATIVE, SHRIMP, Decision("63/QĐ-UBND", date(2026, 3, 12))),
    KeyProductSeed(
        DAM_DOI, SHRIMP_COOPERATIVE, DRIED_SHRIMP, Decision("63/QĐ-UBND", date(2026, 3, 12))
    ),
)
PROPOSAL_PRODUCT = RICE_BROWN
PROPOSAL_NOTE = "Gạo lứt ST25 đạt VietGAP, bán ổn định ở các siêu thị Cần Thơ."


def load_key_products(session: Session, created: Counter[str]) -> None:
    """Each commune's decisions, then the rice cooperative's pending proposal."""
    officer = _user(session, OFFICER_EMAIL)
    for seed in KEY_PRODUCTS:
        product = _product(session, seed.cooperative, seed.product)
        if product is None or _has_entry(session, seed.commune_code, product.id):
            continue
        actor = officer if seed.by_officer else None
        service.add_key_product(session, actor, seed.commune_code, product.id, seed.decision)
        created["key_products"] += 1
    staff = _user(session, RICE_STAFF_EMAIL)
    brown_rice = _product(session, RICE_COOPERATIVE, PROPOSAL_PRODUCT)
    if staff is None or brown_rice is None:
        return
    if session.scalar(
        select(KeyProductProposal.id).where(KeyProductProposal.product_id == brown_rice.id)
    ):
        return
    proposals.propose(session, staff, brown_rice.id, PROPOSAL_NOTE)
    created["key_product_proposals"] += 1


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def _product(session: Session, cooperative: CooperativeSeed, name: str) -> Product | None:
    return session.scalar(
        select(Product)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(Cooperative.tax_code == cooperative.tax_code, Product.name == name)
    )


def _has_entry(session: Session, commune_code: str, product_id: int) -> bool:
    """Any entry, removed ones too: an officer's later removal is not undone by a reload."""
    found = session.scalar(
        select(KeyProduct.id).where(
            KeyProduct.commune_code == commune_code, KeyProduct.product_id == product_id
        )
    )
    return found is not None
