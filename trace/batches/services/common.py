"""What batch and event services share: today's date in Vietnam and checked values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.common.clock import local_today
from trace.common.field_errors import FieldErrors
from trace.registry.models import FarmingArea

MAX_QUANTITY = Decimal("999999999.999")


def check_date(
    errors: FieldErrors, field: str, raw: Any, allow_future: bool = False
) -> date | None:
    """A date or None; a date in the future is refused unless it may be (an expiry)."""
    if raw in (None, ""):
        return None
    if not isinstance(raw, date) or isinstance(raw, datetime):
        errors.add(field, _l("Enter a date."))
        return None
    if not allow_future and raw > local_today():
        errors.add(field, _l("This date is in the future."))
        return None
    return raw


def check_quantity(errors: FieldErrors, field: str, raw: Any) -> Decimal | None:
    """A positive amount with at most three decimals, or None."""
    if raw in (None, ""):
        return None
    try:
        amount = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    except InvalidOperation:
        amount = Decimal("NaN")
    if isinstance(raw, bool) or not amount.is_finite() or not 0 < amount <= MAX_QUANTITY:
        errors.add(field, _l("Enter an amount greater than 0."))
        return None
    if amount != amount.quantize(Decimal("0.001")):
        errors.add(field, _l("Use at most three decimals."))
        return None
    return amount


def check_ids(errors: FieldErrors, field: str, raw: Any) -> list[int]:
    """A list of record ids without repeats, in the order given."""
    if raw in (None, ""):
        return []
    if (
        not isinstance(raw, Sequence)
        or isinstance(raw, str)
        or not all(isinstance(item, int) and not isinstance(item, bool) for item in raw)
    ):
        errors.add(field, _l("Choose from the list."))
        return []
    return list(dict.fromkeys(raw))


def own_farming_areas(
    session: Session,
    errors: FieldErrors,
    field: str,
    ids: Sequence[int],
    cooperative_id: int,
    keep: Sequence[int] = (),
) -> list[FarmingArea]:
    """The cooperative's farming areas by id; archived ones only if already in use (``keep``)."""
    if not ids:
        return []
    areas = session.scalars(
        select(FarmingArea).where(
            FarmingArea.id.in_(ids), FarmingArea.cooperative_id == cooperative_id
        )
    ).all()
    usable = [a for a in areas if a.archived_at is None or a.id in keep]
    if len(usable) != len(ids):
        errors.add(field, _l("Choose farming areas of the batch's cooperative."))
    return sorted(usable, key=lambda area: ids.index(area.id))
