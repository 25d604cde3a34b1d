"""Marks on unit codes that make later scans suspect: a cooperative reports units sold, an
inspector withdraws one from sale. The clone rules read them (``scanned_after_mark``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trace.alerts.models import MARK_NOTE_MAX_LENGTH, UnitMark
from trace.alerts.signals import MarkKind
from trace.audit.models import AuditAction
from trace.auth.models import User
from trace.batches.models import LabelCode
from trace.batches.services.batches import audit_batch, get_batch_for_writing
from trace.common.field_errors import FieldErrors, present
from trace.db import utcnow
from trace.errors import InvalidInput

MAX_SERIALS_PER_REPORT = 1000


@dataclass(frozen=True)
class SoldReport:
    """How many of the reported units were marked sold now, and how many already were."""

    marked: int
    already_sold: int


def mark_unit(
    session: Session,
    label_code_id: int,
    kind: MarkKind | str,
    user: User | None = None,
    now: datetime | None = None,
    note: str = "",
) -> UnitMark:
    """Mark a unit code as sold or inspected; ``InvalidInput``, and nothing stored, for a
    code that is not a unit code, an unknown kind, or a note that is too long."""
    errors = FieldErrors()
    code = session.get(LabelCode, label_code_id) if isinstance(label_code_id, int) else None
    if code is None or not code.is_unit:
        errors.add("label_code_id", _l("Choose the label of one unit, not of a batch."))
    mark_kind = errors.check("kind", _mark_kind, kind)
    text = errors.text("note", note, MARK_NOTE_MAX_LENGTH)
    errors.raise_if_any()
    mark_kind = present(mark_kind)
    mark = UnitMark(
        label_code_id=label_code_id,
        kind=mark_kind,
        marked_at=now or utcnow(),
        marked_by_id=user.id if user is not None else None,
        note=text,
    )
    session.add(mark)
    session.flush()
    return mark


def report_sold(
    session: Session, user: User, batch_id: int, serials: Sequence[Any], now: datetime | None = None
) -> SoldReport:
    """Mark the batch's units with these serials sold: a later scan of one, past the
    buyer's grace period, is a sign of a copied code. Recorded in the batch's history.

    Refused with ``InvalidInput`` (nothing marked) for an empty or too long list, or a
    serial the batch has no unit code for; staff may report only their own batches.
    """
    batch = get_batch_for_writing(session, user, batch_id)
    wanted = {serial for serial in serials if isinstance(serial, str)}
    if not wanted or len(serials) > MAX_SERIALS_PER_REPORT or len(wanted) != len(serials):
        message = _l("Send from 1 to %(most)d different serials.", most=MAX_SERIALS_PER_REPORT)
        raise InvalidInput(errors={"serials": [str(message)]})
    units = {
        code.serial: code
        for code in session.scalars(
            select(LabelCode).where(LabelCode.batch_id == batch.id, LabelCode.serial.in_(wanted))
        )
    }
    unknown = sorted(wanted - set(units))
    if unknown:
        message = _l(
            "This batch has no unit with these serials: %(serials)s.",
            serials=", ".join(unknown[:20]),
        )
        raise InvalidInput(errors={"serials": [str(message)]})
    sold_before = _sold_count(session, batch.id)
    already = set(
        session.scalars(
            select(UnitMark.label_code_id).where(
                UnitMark.label_code_id.in_([unit.id for unit in units.values()]),
                UnitMark.kind == MarkKind.SOLD,
            )
        )
    )
    now = now or utcnow()
    fresh = [unit for unit in units.values() if unit.id not in already]
    for unit in fresh:
        mark_unit(session, unit.id, MarkKind.SOLD, user, now)
    if fresh:
        before, after = {"units_sold": sold_before}, {"units_sold": sold_before + len(fresh)}
        audit_batch(session, user, batch, AuditAction.CHANGED, before, after)
    return SoldReport(marked=len(fresh), already_sold=len(already))


def _sold_count(session: Session, batch_id: int) -> int:
    count = session.scalar(
        select(func.count(func.distinct(UnitMark.label_code_id)))
        .join(LabelCode, LabelCode.id == UnitMark.label_code_id)
        .where(LabelCode.batch_id == batch_id, UnitMark.kind == MarkKind.SOLD)
    )
    return count or 0


def _mark_kind(raw: Any) -> MarkKind:
    try:
        return MarkKind(raw)
    except ValueError:
        raise ValueError(_l("Choose sold or inspected.")) from None
