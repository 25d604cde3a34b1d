"""Activating a range of a roll onto a batch at packing, and what a roll code names.

A range is refused whole, with nothing changed, when it crosses rolls, names another
product's (or cooperative's) codes, or holds a code already active. Two clerks activating
overlapping ranges at once: exactly one wins. The range's rows are locked in sequence
order (``FOR UPDATE`` on PostgreSQL; on SQLite writing requests are serialised from their
start, ``trace.db``), so the second clerk waits, then finds the first one's codes active;
and the ``UPDATE ... WHERE batch_id IS NULL`` that follows must still change every code.
Each code activated is also stored as a unit ``LabelCode`` of the batch (its text is unique
there too), so it verifies, counts scans and raises clone alerts exactly as a unit code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, CursorResult, func, insert, literal, select, update
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction
from trace.auth.models import User
from trace.batches.models import Batch, LabelCode
from trace.batches.services.batches import audit_batch, get_batch_for_writing
from trace.db import utcnow
from trace.errors import Conflict, InvalidInput
from trace.rolls.models import Roll, RollCode
from trace.rolls.serials import RangeEnd, read_range_end, scope_of

NOT_A_SERIAL = _l("Enter a serial such as R0001-00001, or scan the code on the label.")


@dataclass(frozen=True)
class Activation:
    """A range activated onto a batch."""

    batch: Batch
    roll: Roll
    first: str
    last: str
    count: int


def batch_scope(batch: Batch) -> str:
    """The rolls a batch takes: its product's GTIN rolls, or its cooperative's prefix rolls."""
    return scope_of(batch.product.gtin, batch.cooperative.code_prefix)


def activate_range(
    session: Session, user: User, batch_id: int, first_text: object, last_text: object
) -> Activation:
    """Tie the codes ``first``..``last`` of one roll to the batch; all or nothing."""
    batch = get_batch_for_writing(session, user, batch_id)
    first, last = _read_ends(first_text, last_text)
    if batch.is_recalled:
        raise Conflict(_l("A recalled batch gets no new labels."))
    roll = _roll_of_range(session, batch, first, last)
    # Locked in sequence order, so two overlapping activations queue rather than deadlock;
    # the second then reads what the first committed (PostgreSQL; SQLite's writing requests
    # are serialised from their start).
    session.execute(
        select(RollCode.id)
        .where(*_in_range(roll, first, last))
        .order_by(RollCode.sequence)
        .with_for_update()
    ).all()
    already = session.scalars(
        select(RollCode.serial)
        .where(*_in_range(roll, first, last), RollCode.batch_id.is_not(None))
        .order_by(RollCode.sequence)
        .limit(1)
    ).first()
    if already is not None:
        raise Conflict(_already_active(already))
    count = last.sequence - first.sequence + 1
    now = utcnow()
    with session.begin_nested():
        result = session.execute(
            update(RollCode)
            .where(*_in_range(roll, first, last), RollCode.batch_id.is_(None))
            .values(batch_id=batch.id, activated_at=now, activated_by_id=user.id)
            .execution_options(synchronize_session=False)
        )
        changed = cast(CursorResult[Any], result).rowcount
        if changed != count:
            # Another clerk activated part of it since the check above.
            raise Conflict(_already_active(None))
        _store_unit_codes(session, roll, first, last, batch, now)
    before = _activated_on(session, batch) - count
    audit_batch(
        session,
        user,
        batch,
        AuditAction.CHANGED,
        {"activated_codes": before, "activated_range": None},
        {"activated_codes": before + count, "activated_range": f"{first.serial} – {last.serial}"},
    )
    return Activation(batch, roll, first.serial, last.serial, count)


def _read_ends(first_text: object, last_text: object) -> tuple[RangeEnd, RangeEnd]:
    errors: dict[str, list[str]] = {}
    ends = {}
    for field, text in (("first", first_text), ("last", last_text)):
        end = read_range_end(text) if isinstance(text, str) else None
        if end is None:
            errors[field] = [str(NOT_A_SERIAL)]
        ends[field] = end
    first, last = ends["first"], ends["last"]
    if errors or first is None or last is None:
        raise InvalidInput(errors=errors)
    if first.number != last.number or (first.scope and last.scope and first.scope != last.scope):
        message = _l(
            "A range stays within one roll: %(first)s and %(last)s are on different rolls.",
            first=first.serial,
            last=last.serial,
        )
        raise InvalidInput(errors={"last": [str(message)]})
    if first.sequence > last.sequence:
        raise InvalidInput(errors={"last": [str(_l("The last serial comes before the first."))]})
    return first, last


def _roll_of_range(session: Session, batch: Batch, first: RangeEnd, last: RangeEnd) -> Roll:
    scope = batch_scope(batch)
    named = first.scope or last.scope
    if named is not None and named != scope:
        raise Conflict(_wrong_roll(batch))
    roll = session.scalar(select(Roll).where(Roll.scope == scope, Roll.number == first.number))
    if roll is None or roll.cooperative_id != batch.cooperative_id:
        raise Conflict(_wrong_roll(batch))
    if last.sequence > roll.count:
        message = _l(
            "Roll %(number)s holds %(count)d codes: the last serial is past its end.",
            number=f"R{roll.number:04d}",
            count=roll.count,
        )
        raise InvalidInput(errors={"last": [str(message)]})
    return roll


def _in_range(roll: Roll, first: RangeEnd, last: RangeEnd) -> tuple[ColumnElement[bool], ...]:
    return (
        RollCode.roll_id == roll.id,
        RollCode.sequence >= first.sequence,
        RollCode.sequence <= last.sequence,
    )


def _store_unit_codes(
    session: Session, roll: Roll, first: RangeEnd, last: RangeEnd, batch: Batch, now: object
) -> None:
    rows = select(
        literal(batch.id),
        RollCode.serial,
        RollCode.text,
        RollCode.key_id,
        literal(now, LabelCode.issued_at.type),
    ).where(*_in_range(roll, first, last))
    columns = ["batch_id", "serial", "text", "key_id", "issued_at"]
    session.execute(insert(LabelCode).from_select(columns, rows))


def _activated_on(session: Session, batch: Batch) -> int:
    query = select(func.count()).where(RollCode.batch_id == batch.id)
    return session.scalar(query) or 0


def _already_active(serial: str | None) -> str:
    if serial is None:
        return str(
            _l("Some of these codes were just activated by someone else: nothing was changed.")
        )
    return str(
        _l(
            "Code %(serial)s is already active: a code is activated once. Nothing was changed.",
            serial=serial,
        )
    )


def _wrong_roll(batch: Batch) -> str:
    if batch.product.gtin:
        return str(
            _l(
                "These codes were not printed for %(product)s (GTIN %(gtin)s): "
                "use a roll of this product.",
                product=batch.product.name,
                gtin=batch.product.gtin,
            )
        )
    return str(
        _l(
            "These codes were not printed under this cooperative's prefix %(prefix)s: "
            "use one of its rolls.",
            prefix=batch.cooperative.code_prefix,
        )
    )


def roll_code_by_text(session: Session, text: str) -> RollCode | None:
    """The roll code with exactly this text, activated or not."""
    return session.scalars(select(RollCode).where(RollCode.text == text)).one_or_none()


def roll_code_at(
    session: Session, gtin: str | None, prefix: str | None, serial: str
) -> RollCode | None:
    """The roll code a pre-printed path names (its GTIN or prefix and serial), or None."""
    end = read_range_end(serial)
    if end is None or end.serial != serial:
        return None
    return session.scalars(
        select(RollCode)
        .join(Roll, Roll.id == RollCode.roll_id)
        .where(
            Roll.scope == scope_of(gtin, prefix),
            Roll.number == end.number,
            RollCode.sequence == end.sequence,
        )
    ).one_or_none()
