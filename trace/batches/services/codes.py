"""A batch's label codes for its cooperative: the batch code, and serialised unit runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction
from trace.auth.models import User
from trace.batches.models import Batch, LabelCode
from trace.batches.services import issuing
from trace.batches.services.batches import audit_batch, get_batch, get_batch_for_writing
from trace.batches.services.issuing import MAX_UNITS_PER_RUN, IssuedUnit
from trace.common.pagination import MAX_PER_PAGE, Page
from trace.db import utcnow
from trace.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True)
class UnitRun:
    """The unit codes issued together for a batch."""

    batch: Batch
    issued_at: datetime
    units: list[IssuedUnit]


def batch_code(session: Session, user: User | None, batch_id: int) -> LabelCode:
    """The code printed on the batch's labels, issuing one if the batch has none that holds.

    Readers see it too; issuing one for them is the platform catching up, not a change
    they make (a batch registered before codes existed, or after its key was revoked).
    """
    return issuing.ensure_batch_code(session, _batch(session, user, batch_id, get_batch))


def issue_units(session: Session, user: User | None, batch_id: int, count: object) -> UnitRun:
    """Issue ``count`` unit codes for the batch, one per item to label; recorded in its history.

    ``user`` is None only for the command line, which acts for the platform.
    """
    batch = _batch(session, user, batch_id, get_batch_for_writing)
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not (1 <= count <= MAX_UNITS_PER_RUN)
    ):
        message = _l("Enter a whole number from 1 to %(most)d.", most=MAX_UNITS_PER_RUN)
        raise InvalidInput(errors={"count": [str(message)]})
    if batch.is_recalled:
        raise Conflict(_l("A recalled batch gets no new labels."))
    before = issuing.unit_count(session, batch.id)
    now = utcnow()
    units = issuing.issue_unit_codes(session, batch, count, now)
    changes = {"unit_codes": before}, {"unit_codes": before + count}
    audit_batch(session, user, batch, AuditAction.CHANGED, *changes)
    return UnitRun(batch, now, units)


def _batch(
    session: Session,
    user: User | None,
    batch_id: int,
    get_for_user: Callable[[Session, User, int], Batch],
) -> Batch:
    if user is not None:
        return get_for_user(session, user, batch_id)
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound()
    return batch


def list_units(
    session: Session, user: User, batch_id: int, page: int = 1, per_page: int = MAX_PER_PAGE
) -> Page[LabelCode]:
    """The batch's unit codes, oldest run first, serials in order within a run."""
    batch = get_batch(session, user, batch_id)
    total = issuing.unit_count(session, batch.id)
    query = (
        select(LabelCode)
        .where(LabelCode.batch_id == batch.id, LabelCode.serial.is_not(None))
        .order_by(LabelCode.issued_at, LabelCode.serial)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(items=list(session.scalars(query)), total=total, page=page, per_page=per_page)
