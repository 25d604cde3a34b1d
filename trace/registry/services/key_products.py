"""A commune's key products (sản phẩm chủ lực): the list its officers keep, by decision.

Only the commune decides: its officers (and operators) add a product of a cooperative found
in the commune with the decision's number and date, and remove one with a date and a reason;
removed entries stay as the list's history. Indicator 13.4 counts what is listed here.
Every change writes an audit record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import differences, record_audit, snapshot
from trace.auth.models import Role, User
from trace.common.clock import local_today
from trace.common.communes import Commune, find_commune, normalise_commune_code
from trace.common.field_errors import FieldErrors, present
from trace.db import Base, utcnow
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.registry.models import (
    Cooperative,
    FarmingArea,
    KeyProduct,
    KeyProductProposal,
    KeyProductProposalState,
    Product,
)

DECISION_FIELDS = ("decision_number", "decided_on", "note")
NUMBER_LIMIT = 60
NOTE_LIMIT = 300
ALREADY_LISTED = _l("This product is on the commune's list already.")


@dataclass(frozen=True)
class Decision:
    """What the officer types: the decision's number and date, and an optional note."""

    number: str
    decided_on: date | str | None
    note: str = ""


def commune_for_caller(user: User, commune_code: str) -> Commune:
    """The commune whose list ``user`` may keep: an officer their own (another answers 404,
    as other tenants' records do), an operator any; other roles are refused."""
    if user.role not in (Role.OPERATOR, Role.COMMUNE_OFFICER):
        raise AccessDenied()
    code = normalise_commune_code(commune_code)
    commune = find_commune(code) if code is not None else None
    if commune is None:
        raise NotFound()
    if user.role is Role.COMMUNE_OFFICER and normalise_commune_code(user.commune_code or "") != (
        commune.code
    ):
        raise NotFound()
    return commune


def commune_products(session: Session, commune_code: str) -> Sequence[Product]:
    """The live products of the live cooperatives found in the commune: by their address or
    by one of their live farming areas. A commune chooses its key products among these."""
    areas = select(FarmingArea.cooperative_id).where(
        FarmingArea.commune_code == commune_code, FarmingArea.archived_at.is_(None)
    )
    return session.scalars(
        select(Product)
        .join(Cooperative, Cooperative.id == Product.cooperative_id)
        .where(
            Product.archived_at.is_(None),
            Cooperative.archived_at.is_(None),
            or_(Cooperative.commune_code == commune_code, Cooperative.id.in_(areas)),
        )
        .options(joinedload(Product.cooperative))
        .order_by(Cooperative.name, Product.name, Product.id)
    ).all()


def listed(session: Session, commune_code: str) -> Sequence[KeyProduct]:
    """The commune's key products now, newest decision first (those awaiting one first)."""
    return session.scalars(
        _entries(commune_code)
        .where(KeyProduct.removed_at.is_(None))
        .order_by(KeyProduct.decided_on.desc().nulls_first(), KeyProduct.id.desc())
    ).all()


def removed(session: Session, commune_code: str, limit: int = 50) -> Sequence[KeyProduct]:
    """The entries taken off the list, latest first: the list's history."""
    return session.scalars(
        _entries(commune_code)
        .where(KeyProduct.removed_at.is_not(None))
        .order_by(KeyProduct.removed_at.desc(), KeyProduct.id.desc())
        .limit(limit)
    ).all()


def product_entries(session: Session, product_id: int) -> Sequence[KeyProduct]:
    """The lists a product is on now (a commune of its address or of a farming area)."""
    return session.scalars(
        select(KeyProduct)
        .where(KeyProduct.product_id == product_id, KeyProduct.removed_at.is_(None))
        .order_by(KeyProduct.commune_code)
    ).all()


def add_key_product(
    session: Session,
    user: User | None,
    commune_code: str,
    product_id: int | str | None,
    decision: Decision,
) -> KeyProduct:
    """Put a product of the commune on its list, by the decision given; an entry carried
    over from the old tick gets its decision instead. A product's pending proposal to this
    commune is confirmed with it."""
    errors = FieldErrors()
    product = _commune_product(session, errors, commune_code, product_id)
    values = _decision_values(errors, decision)
    entry = None
    if product is not None:
        entry = session.scalar(
            select(KeyProduct)
            .where(
                KeyProduct.commune_code == commune_code,
                KeyProduct.product_id == product.id,
                KeyProduct.removed_at.is_(None),
            )
            .with_for_update()
        )
        if entry is not None and not entry.awaits_decision:
            errors.add("product_id", ALREADY_LISTED)
    errors.raise_if_any()
    product = present(product)
    if entry is None:
        entry = KeyProduct(
            commune_code=commune_code,
            product_id=product.id,
            added_by_id=user.id if user is not None else None,
            removal_reason="",
        )
        before: dict[str, object] = {"commune_code": None, "product_id": None}
        action = AuditAction.CREATED
    else:
        before = snapshot(entry, ("commune_code", "product_id", *DECISION_FIELDS))
        action = AuditAction.CHANGED
    for name, value in values.items():
        setattr(entry, name, value)
    save_once(session, entry, "product_id", ALREADY_LISTED)
    after = snapshot(entry, ("commune_code", "product_id", *DECISION_FIELDS))
    _audit(session, user, entry, action, differences(before, after))
    _confirm_pending(session, user, entry)
    return entry


def remove_key_product(
    session: Session,
    user: User | None,
    commune_code: str,
    entry_id: int,
    removed_on: date | str | None,
    reason: str,
) -> KeyProduct:
    """Take a product off the list from a date, for a reason; the entry stays as history."""
    entry = listed_entry(session, commune_code, entry_id, locked=True)
    errors = FieldErrors()
    day = _past_date(errors, "removed_on", removed_on)
    if day is not None and entry.decided_on is not None and day < entry.decided_on:
        errors.add("removed_on", _l("The removal cannot come before the decision."))
    text = errors.text("removal_reason", reason, NOTE_LIMIT)
    if not text and "removal_reason" not in errors.errors:
        errors.add("removal_reason", _l("Say why the product leaves the list."))
    errors.raise_if_any()
    entry.removed_at = utcnow()
    entry.removed_on = day
    entry.removal_reason = text
    entry.removed_by_id = user.id if user is not None else None
    session.flush()
    changes = {"removed_on": [None, present(day).isoformat()], "removal_reason": [None, text]}
    _audit(session, user, entry, AuditAction.REMOVED, changes)
    return entry


def listed_entry(
    session: Session, commune_code: str, entry_id: int, locked: bool = False
) -> KeyProduct:
    """An entry on the commune's list now; any other id is ``NotFound``. ``locked``, the row
    is held until the transaction ends (PostgreSQL): a second remover then finds it gone."""
    statement = _entries(commune_code).where(
        KeyProduct.id == entry_id, KeyProduct.removed_at.is_(None)
    )
    if locked:
        statement = statement.with_for_update(of=KeyProduct)
    entry = session.scalar(statement)
    if entry is None:
        raise NotFound(_l("This product is not on the commune's list."))
    return entry


def save_once(session: Session, record: Base, field: str, message: LazyString) -> None:
    """Insert ``record``; a unique index it breaks (another writer got there between the
    check and the insert, on PostgreSQL) is a message at ``field``, and the transaction
    goes on (the insert is undone alone, in a savepoint)."""
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        raise InvalidInput(errors={field: [str(message)]}) from None


def _entries(commune_code: str) -> Select[tuple[KeyProduct]]:
    return (
        select(KeyProduct)
        .where(KeyProduct.commune_code == commune_code)
        .options(joinedload(KeyProduct.product).joinedload(Product.cooperative))
    )


def _commune_product(
    session: Session, errors: FieldErrors, commune_code: str, raw: int | str | None
) -> Product | None:
    text = str(raw if raw is not None else "").strip()
    if not text:
        errors.add("product_id", _l("Choose the product."))
        return None
    found = {str(product.id): product for product in commune_products(session, commune_code)}
    product = found.get(text)
    if product is None:
        errors.add("product_id", _l("Choose a product of a cooperative found in the commune."))
    return product


def _decision_values(errors: FieldErrors, decision: Decision) -> dict[str, object]:
    number = errors.text("decision_number", decision.number, NUMBER_LIMIT)
    if not number and "decision_number" not in errors.errors:
        errors.add("decision_number", _l("Enter the number of the commune's decision."))
    decided_on = _past_date(errors, "decided_on", decision.decided_on)
    note = errors.text("note", decision.note, NOTE_LIMIT)
    return {"decision_number": number, "decided_on": decided_on, "note": note}


def _past_date(errors: FieldErrors, field: str, raw: date | str | None) -> date | None:
    """A date given as a date or as YYYY-MM-DD text, not after today in Vietnam."""
    if raw is None or raw == "":
        errors.add(field, _l("Enter the date."))
        return None
    if isinstance(raw, date):
        day = raw
    else:
        try:
            day = date.fromisoformat(str(raw).strip())
        except ValueError:
            errors.add(field, _l("Enter the date as day, month and year."))
            return None
    if day > local_today():
        errors.add(field, _l("The date cannot be in the future."))
        return None
    return day


def _confirm_pending(session: Session, user: User | None, entry: KeyProduct) -> None:
    """A listed product's pending proposal to this commune is answered by the listing."""
    proposal = session.scalar(
        select(KeyProductProposal)
        .where(
            KeyProductProposal.product_id == entry.product_id,
            KeyProductProposal.commune_code == entry.commune_code,
            KeyProductProposal.state == KeyProductProposalState.PENDING,
        )
        .with_for_update()
    )
    if proposal is None:
        return
    proposal.state = KeyProductProposalState.CONFIRMED
    proposal.answered_by_id = user.id if user is not None else None
    proposal.answered_at = utcnow()
    proposal.key_product_id = entry.id
    session.flush()
    record_audit(
        session,
        user,
        cooperative_id=entry.product.cooperative_id,
        subject=AuditSubject.KEY_PRODUCT_PROPOSAL,
        subject_id=proposal.id,
        action=AuditAction.CONFIRMED,
        changes={"state": ["pending", "confirmed"], "key_product_id": [None, entry.id]},
    )


def _audit(
    session: Session,
    user: User | None,
    entry: KeyProduct,
    action: AuditAction,
    changes: Mapping[str, Any],
) -> None:
    record_audit(
        session,
        user,
        cooperative_id=entry.product.cooperative_id,
        subject=AuditSubject.KEY_PRODUCT,
        subject_id=entry.id,
        action=action,
        changes=changes,
    )
