"""Loading the demo cooperatives, their records and the demo logins.

Loading is idempotent: each record is looked up by its natural key (tax code, product name
within its cooperative, planting-area code, certificate scheme and number, lot within its
product, email) and created only when missing. An existing record is never changed, so a
second run changes nothing and never re-hashes a password someone may have changed.

In development every demo account gets the README's shared password. Where the README is
public and the site is not a demo (production), each account created gets a random
password instead, which the command prints once.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.models import Role, User
from trace.auth.services import create_user, normalise_email
from trace.batches.models import Batch, BatchStatus, Event, EventBatch
from trace.batches.services import issuing
from trace.batches.services.events import record_event, record_recall_event
from trace.common.communes import find_commune
from trace.db import Base
from trace.demo.data import (
    COOPERATIVES,
    DEMO_PASSWORD,
    USERS,
    BatchSeed,
    CertificateSeed,
    CooperativeSeed,
    FarmingAreaSeed,
    ProductSeed,
    UserSeed,
)
from trace.demo.events import EVENTS, EventSeed
from trace.demo.key_products import load_key_products
from trace.demo.photos import ensure_product_photo
from trace.demo.product_links import load_product_links
from trace.demo.rolls import load_demo_roll
from trace.errors import InvalidInput
from trace.registry.models import Certificate, Cooperative, FarmingArea, Product
from trace.signing import services as keys

KINDS = (
    "keys",
    "cooperatives",
    "products",
    "farming_areas",
    "certificates",
    "batches",
    "users",
    "events",
    "key_products",
    "key_product_proposals",
    "product_links",
    "rolls",
)

RecordT = TypeVar("RecordT", bound=Base)

# 24 characters from 64: 144 random bits, far beyond any password policy's minimum.
RANDOM_PASSWORD_BYTES = 18


@dataclass(frozen=True)
class DemoLoad:
    """How many records of each kind were created, and the emails of the accounts created."""

    created: dict[str, int]
    new_accounts: frozenset[str]


def shared_passwords() -> dict[str, str]:
    """The README's password for every demo account: development only."""
    return {seed.email: DEMO_PASSWORD for seed in USERS}


def random_passwords() -> dict[str, str]:
    """A password of its own for every demo account, for a site whose README is public."""
    return {seed.email: secrets.token_urlsafe(RANDOM_PASSWORD_BYTES) for seed in USERS}


def load_demo_data(session: Session, passwords: Mapping[str, str]) -> DemoLoad:
    """Create whichever demo records are missing; an account created gets its password from
    ``passwords`` (by email)."""
    created: Counter[str] = Counter()
    if not keys.has_current_key(session):
        keys.create_key(session, keys.key_passphrase(current_app.config))
        created["keys"] += 1
    for seed in COOPERATIVES:
        _load_cooperative(session, seed, created)
    new_accounts = set()
    for user_seed in USERS:
        if _ensure_user(session, user_seed, passwords[user_seed.email], created):
            new_accounts.add(user_seed.email)
    for code, steps in EVENTS.items():
        _ensure_events(session, code, steps, created)
    load_key_products(session, created)
    load_product_links(session, created)
    load_demo_roll(session, created)
    return DemoLoad({kind: created[kind] for kind in KINDS}, frozenset(new_accounts))


def _added(session: Session, created: Counter[str], kind: str, record: RecordT) -> RecordT:
    session.add(record)
    session.flush()
    created[kind] += 1
    return record


def _official_commune(code: str) -> str:
    commune = find_commune(code)
    if commune is None:
        raise InvalidInput(_l("Enter an official 2025 commune code."), {"commune": [code]})
    return commune.code


def _load_cooperative(session: Session, seed: CooperativeSeed, created: Counter[str]) -> None:
    cooperative = _ensure_cooperative(session, seed, created)
    products = {
        product_seed.name: _ensure_product(session, cooperative, product_seed, created)
        for product_seed in seed.products
    }
    areas = {
        area_seed.code: _ensure_farming_area(session, cooperative, area_seed, created)
        for area_seed in seed.farming_areas
    }
    for certificate_seed in seed.certificates:
        _ensure_certificate(session, cooperative, certificate_seed, products, areas, created)
    for product in products.values():
        ensure_product_photo(session, product)
    for batch_seed in seed.batches:
        batch = _ensure_batch(session, products[batch_seed.product], batch_seed, areas, created)
        issuing.ensure_batch_code(session, batch)


def _ensure_cooperative(
    session: Session, seed: CooperativeSeed, created: Counter[str]
) -> Cooperative:
    cooperative = session.scalar(select(Cooperative).where(Cooperative.tax_code == seed.tax_code))
    if cooperative is not None:
        return cooperative
    return _added(
        session,
        created,
        "cooperatives",
        Cooperative(
            name=seed.name,
            tax_code=seed.tax_code,
            code_prefix=seed.code_prefix,
            commune_code=_official_commune(seed.commune_code),
            street_address=seed.street_address,
            phone=seed.phone,
            email=seed.email,
        ),
    )


def _ensure_product(
    session: Session, cooperative: Cooperative, seed: ProductSeed, created: Counter[str]
) -> Product:
    product = session.scalar(
        select(Product).where(Product.cooperative_id == cooperative.id, Product.name == seed.name)
    )
    if product is not None:
        return product
    return _added(
        session,
        created,
        "products",
        Product(
            cooperative=cooperative,
            name=seed.name,
            code=seed.code,
            category=seed.category,
            unit=seed.unit,
            description=seed.description,
            gtin=seed.gtin,
            brand=seed.brand,
            ocop_stars=seed.ocop_stars,
            shelf_life_days=seed.shelf_life_days,
        ),
    )


def _ensure_farming_area(
    session: Session, cooperative: Cooperative, seed: FarmingAreaSeed, created: Counter[str]
) -> FarmingArea:
    area = session.scalar(select(FarmingArea).where(FarmingArea.code == seed.code))
    if area is not None:
        return area
    return _added(
        session,
        created,
        "farming_areas",
        FarmingArea(
            cooperative=cooperative,
            code=seed.code,
            name=seed.name,
            kind=seed.kind,
            commune_code=_official_commune(seed.commune_code),
            latitude=seed.latitude,
            longitude=seed.longitude,
            area_hectares=seed.area_hectares,
            crops=seed.crops,
            valid_from=seed.valid_from,
            valid_to=seed.valid_to,
        ),
    )


def _ensure_certificate(
    session: Session,
    cooperative: Cooperative,
    seed: CertificateSeed,
    products: dict[str, Product],
    areas: dict[str, FarmingArea],
    created: Counter[str],
) -> Certificate:
    certificate = session.scalar(
        select(Certificate).where(
            Certificate.scheme == seed.scheme, Certificate.number == seed.number
        )
    )
    if certificate is not None:
        return certificate
    return _added(
        session,
        created,
        "certificates",
        Certificate(
            cooperative=cooperative,
            scheme=seed.scheme,
            number=seed.number,
            issuer=seed.issuer,
            valid_from=seed.valid_from,
            valid_to=seed.valid_to,
            products=[products[name] for name in seed.products],
            farming_areas=[areas[code] for code in seed.farming_areas],
        ),
    )


def _ensure_batch(
    session: Session,
    product: Product,
    seed: BatchSeed,
    areas: dict[str, FarmingArea],
    created: Counter[str],
) -> Batch:
    batch = session.scalar(
        select(Batch).where(Batch.product_id == product.id, Batch.lot == seed.lot)
    )
    if batch is not None:
        return batch
    recall = seed.recall
    return _added(
        session,
        created,
        "batches",
        Batch(
            cooperative_id=product.cooperative_id,
            product=product,
            lot=seed.lot,
            # A prefix (at most 8 characters) and a lot (at most 20) always fit the 30 allowed.
            code=f"{product.cooperative.code_prefix}-{seed.lot}",
            harvested_on=seed.harvested_on,
            packed_on=seed.packed_on,
            expires_on=_expiry(seed.packed_on, product.shelf_life_days),
            quantity=seed.quantity,
            unit=product.unit,
            status=BatchStatus.RECALLED if recall else BatchStatus.ACTIVE,
            recall_reason=recall.reason if recall else "",
            recalled_at=recall.recalled_at if recall else None,
            farming_areas=[areas[code] for code in seed.farming_areas],
        ),
    )


def _ensure_events(
    session: Session, code: str, steps: tuple[EventSeed, ...], created: Counter[str]
) -> None:
    """A batch's steps, recorded by its cooperative's staff, unless it has any events yet."""
    batch = session.scalar(select(Batch).where(Batch.code == code))
    if batch is None or batch.cooperative.code_prefix != code.split("-")[0]:
        return
    has_events = session.scalar(
        select(Event.id).join(EventBatch).where(EventBatch.batch_id == batch.id).limit(1)
    )
    if has_events is not None:
        return
    staff = session.scalar(
        select(User).where(User.cooperative_id == batch.cooperative_id).order_by(User.id).limit(1)
    )
    if staff is None:
        return
    areas = {area.code: area.id for area in batch.cooperative.farming_areas}
    for step in steps:
        place = (
            {"farming_area_id": areas[step.place]}
            if step.place in areas
            else {"address": step.place}
        )
        values = {"type": step.type, "occurred_at": step.occurred_at, **place, **step.facts}
        record_event(session, staff, batch.id, values)
        created["events"] += 1
    if batch.is_recalled and batch.recalled_at is not None:
        record_recall_event(session, staff, batch, batch.recall_reason, at=batch.recalled_at)
        created["events"] += 1


def _expiry(packed_on: date, shelf_life_days: int | None) -> date | None:
    return packed_on + timedelta(days=shelf_life_days) if shelf_life_days else None


def _ensure_user(session: Session, seed: UserSeed, password: str, created: Counter[str]) -> bool:
    """Create the account unless its email is taken; True when it was created."""
    user = session.scalar(select(User).where(User.email == normalise_email(seed.email)))
    if user is not None:
        return False
    create_user(
        session,
        email=seed.email,
        password=password,
        role=seed.role,
        display_name=seed.display_name,
        cooperative_tax_code=seed.cooperative_tax_code,
        commune_code=seed.commune_code,
    )
    created["users"] += 1
    return True


def demo_logins(passwords: Mapping[str, str | None]) -> list[dict[str, str | None]]:
    """The demo accounts as people need them: email, role, password and what they belong to.

    The password is ``passwords``' for the email, or None where it is not known (an account
    that was there before keeps the password it has).
    """
    return [
        {
            "email": seed.email,
            "role": seed.role.value,
            "password": passwords.get(seed.email),
            "belongs_to": _belongs_to(seed),
        }
        for seed in USERS
    ]


def _belongs_to(seed: UserSeed) -> str:
    if seed.role is Role.COOPERATIVE:
        return next(
            cooperative.name
            for cooperative in COOPERATIVES
            if cooperative.tax_code == seed.cooperative_tax_code
        )
    if seed.role is Role.COMMUNE_OFFICER and seed.commune_code:
        commune = find_commune(seed.commune_code)
        return commune.full_name if commune else seed.commune_code
    return ""
