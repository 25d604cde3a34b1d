"""Printing rolls: a roll of signed codes under a product's GTIN or the cooperative's prefix.

A roll's codes are signed and stored when it is created, as serialised unit runs are, so
its file can be drawn again at any time and the same codes come back (Ed25519 signatures
are deterministic, and the texts are kept). They belong to no batch until activated
(``trace.rolls.activation``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trace.auth.access import ensure_can_write, get_for_caller, scope_to_caller
from trace.auth.models import User
from trace.batches.services.issuing import MAX_UNITS_PER_RUN, signer_for
from trace.common.pagination import Page
from trace.db import utcnow
from trace.errors import Conflict, InvalidInput
from trace.registry.models import Cooperative, Product
from trace.rolls.models import Roll, RollCode
from trace.rolls.serials import scope_of, serial_of
from trace.signing.codes import LabelData

MAX_CODES_PER_ROLL = MAX_UNITS_PER_RUN
PREFIX_TARGET = "prefix"
PRODUCT_TARGET = "product"
ROLLS_PER_PAGE = 50
# Two clerks creating a roll of one GTIN at once draw the same number; one tries again.
_NUMBER_ATTEMPTS = 3
ROLL_CODES = cast(Table, RollCode.__table__)


@dataclass(frozen=True)
class RollTarget:
    """What a new roll is printed under: one product's GTIN, or a cooperative's prefix."""

    cooperative: Cooperative
    product: Product | None

    @property
    def gtin(self) -> str | None:
        return self.product.gtin if self.product is not None else None

    @property
    def prefix(self) -> str | None:
        return None if self.product is not None else self.cooperative.code_prefix

    @property
    def title(self) -> str:
        """The label's title: the product's name, or the cooperative's for a prefix roll."""
        return self.product.name if self.product is not None else self.cooperative.name


def roll_targets(session: Session, user: User) -> list[RollTarget]:
    """What the caller may print rolls for: each live product with a GTIN, each prefix."""
    cooperatives = session.scalars(
        scope_to_caller(select(Cooperative), Cooperative, user).order_by(Cooperative.name)
    ).all()
    products = session.scalars(
        scope_to_caller(select(Product), Product, user)
        .where(Product.gtin.is_not(None), Product.archived_at.is_(None))
        .order_by(Product.name)
    ).all()
    by_owner: dict[int, list[Product]] = {}
    for product in products:
        by_owner.setdefault(product.cooperative_id, []).append(product)
    targets = []
    for cooperative in cooperatives:
        targets += [
            RollTarget(cooperative, product) for product in by_owner.get(cooperative.id, [])
        ]
        targets.append(RollTarget(cooperative, None))
    return targets


def target_value(target: RollTarget) -> str:
    """How a form names a target: ``product:{id}`` or ``prefix:{cooperative id}``."""
    if target.product is not None:
        return f"{PRODUCT_TARGET}:{target.product.id}"
    return f"{PREFIX_TARGET}:{target.cooperative.id}"


def read_target(session: Session, user: User, value: object) -> RollTarget:
    """The target a form or request names, if the caller may print for it."""
    kind, _, number = str(value or "").partition(":")
    if not number.isascii() or not number.isdigit() or len(number) > 9:
        raise _field_error("target", _l("Choose a product or the cooperative's prefix."))
    if kind == PRODUCT_TARGET:
        product = get_for_caller(session, Product, int(number), user)
        ensure_can_write(user, product.cooperative_id)
        if product.gtin is None or product.archived_at is not None:
            raise _field_error(
                "target",
                _l("Only a product with a GTIN has its own rolls: print under the prefix."),
            )
        return RollTarget(product.cooperative, product)
    if kind == PREFIX_TARGET:
        cooperative = get_for_caller(session, Cooperative, int(number), user)
        ensure_can_write(user, cooperative.id)
        return RollTarget(cooperative, None)
    raise _field_error("target", _l("Choose a product or the cooperative's prefix."))


def read_count(value: object) -> int:
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_CODES_PER_ROLL:
        message = _l("Enter a whole number from 1 to %(most)d.", most=MAX_CODES_PER_ROLL)
        raise _field_error("count", message)
    return int(text)


def create_roll(session: Session, user: User, values: Mapping[str, Any]) -> Roll:
    """Sign and store a new roll's codes, numbered after the last roll of its GTIN or prefix."""
    errors: dict[str, list[str]] = {}
    target = count = None
    try:
        target = read_target(session, user, values.get("target"))
    except InvalidInput as error:
        errors |= error.errors
    try:
        count = read_count(values.get("count"))
    except InvalidInput as error:
        errors |= error.errors
    if errors or target is None or count is None:
        raise InvalidInput(errors=errors)
    for _attempt in range(_NUMBER_ATTEMPTS):
        try:
            with session.begin_nested():
                return _new_roll(session, user, target, count)
        except IntegrityError:
            continue
    raise Conflict(_l("Another roll was being printed at the same moment: try again."))


def _new_roll(session: Session, user: User, target: RollTarget, count: int) -> Roll:
    scope = scope_of(target.gtin, target.prefix)
    last = session.scalar(select(func.max(Roll.number)).where(Roll.scope == scope)) or 0
    roll = Roll(
        cooperative_id=target.cooperative.id,
        product_id=target.product.id if target.product is not None else None,
        gtin=target.gtin,
        prefix=target.prefix,
        scope=scope,
        number=last + 1,
        count=count,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(roll)
    session.flush()
    signer = signer_for(session)
    rows = []
    for sequence in range(1, count + 1):
        serial = serial_of(roll.number, sequence)
        data = LabelData(signer.base_url, gtin=target.gtin, prefix=target.prefix, serial=serial)
        rows.append(
            {
                "roll_id": roll.id,
                "sequence": sequence,
                "serial": serial,
                "text": signer.sign(data),
                "key_id": signer.key.id,
            }
        )
    session.execute(insert(ROLL_CODES), rows)
    return roll


def get_roll(session: Session, user: User, roll_id: int) -> Roll:
    """A roll the caller may print: 404 for another cooperative's."""
    roll = get_for_caller(session, Roll, roll_id, user)
    ensure_can_write(user, roll.cooperative_id)
    return roll


def list_rolls(
    session: Session, user: User, page: int = 1, per_page: int = ROLLS_PER_PAGE
) -> Page[Roll]:
    """The caller's rolls, newest first."""
    query = scope_to_caller(select(Roll), Roll, user)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rolls = session.scalars(
        query.order_by(Roll.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    return Page(items=list(rolls), total=total, page=page, per_page=per_page)


def roll_codes(session: Session, roll: Roll, limit: int | None = None) -> list[RollCode]:
    """A roll's codes in printing order (its first ``limit`` ones)."""
    query = select(RollCode).where(RollCode.roll_id == roll.id).order_by(RollCode.sequence)
    query = query.limit(limit)
    return list(session.scalars(query))


def activated_count(session: Session, roll: Roll) -> int:
    query = select(func.count()).where(RollCode.roll_id == roll.id, RollCode.batch_id.is_not(None))
    return session.scalar(query) or 0


def _field_error(field: str, message: object) -> InvalidInput:
    return InvalidInput(errors={field: [str(message)]})
