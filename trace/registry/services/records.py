"""What every registry service shares: listing for a caller, archiving, collecting errors."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trace.auth.access import ensure_can_write
from trace.auth.models import Role, User
from trace.db import utcnow
from trace.errors import InvalidInput
from trace.registry.models import Cooperative


def owning_cooperative_id(session: Session, user: User, requested: int | None) -> int:
    """The cooperative a new record belongs to: staff's own, or the one an operator names."""
    if user.role is Role.COOPERATIVE and user.cooperative_id is not None:
        ensure_can_write(user, requested or user.cooperative_id)
        return user.cooperative_id
    # Read-only roles are refused before being asked to name a cooperative.
    ensure_can_write(user, requested or 0)
    if requested is None or session.get(Cooperative, requested) is None:
        raise InvalidInput(errors={"cooperative_id": [str(_l("Choose the cooperative."))]})
    return requested


def archive(session: Session, row: Any) -> None:
    """Hide a record from lists and new use; it stays for the batches and labels that cite it."""
    if row.archived_at is None:
        row.archived_at = utcnow()
    session.flush()
