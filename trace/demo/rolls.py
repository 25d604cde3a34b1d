"""The demo's pre-printed roll: 50 codes of Gạo ST25 printed ahead of packing, the first 20
activated on the November batch, so the demo shows both sides of a roll: a code that
answers as its batch's item, and one whose page says it is not activated yet.

The roll is created and activated by the cooperative's staff through the services (so the
audit and the batch's history tell who); loading again finds the product's roll and adds
nothing.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.batches.models import Batch
from trace.demo.data import RICE_COOPERATIVE, RICE_ST25
from trace.demo.product_links import RICE_STAFF
from trace.registry.models import Cooperative, Product
from trace.rolls.activation import activate_range
from trace.rolls.models import Roll
from trace.rolls.serials import serial_of
from trace.rolls.services import PRODUCT_TARGET, create_roll

ROLL_CODES = 50
ACTIVATED = 20
ACTIVATED_ON = "TRANDE-ST25-261118-01"


def load_demo_roll(session: Session, created: Counter[str]) -> None:
    staff = session.scalar(select(User).where(User.email == RICE_STAFF))
    product = session.scalar(
        select(Product)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(Cooperative.tax_code == RICE_COOPERATIVE.tax_code, Product.name == RICE_ST25)
    )
    batch = session.scalar(select(Batch).where(Batch.code == ACTIVATED_ON))
    if staff is None or product is None or batch is None or _has_roll(session, product):
        return
    values = {"target": f"{PRODUCT_TARGET}:{product.id}", "count": ROLL_CODES}
    roll = create_roll(session, staff, values)
    activate_range(
        session, staff, batch.id, serial_of(roll.number, 1), serial_of(roll.number, ACTIVATED)
    )
    created["rolls"] += 1


def _has_roll(session: Session, product: Product) -> bool:
    return session.scalar(select(Roll.id).where(Roll.product_id == product.id).limit(1)) is not None
