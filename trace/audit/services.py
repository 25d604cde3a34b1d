"""Writing audit records and reading a batch's history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.auth.models import User
from trace.db import Base

COMMAND_LINE_ACTOR = "command line"


def snapshot(record: Base, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON values of ``fields`` now, to compare with after a change."""
    return {name: json_value(getattr(record, name)) for name in fields}


def json_value(value: Any) -> Any:
    """A value as JSON keeps it: dates and times in ISO 8601, decimals as text, records by id."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, Base):
        return getattr(value, "code", None) or getattr(value, "id", None)
    return value


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def record_audit(
    session: Session,
    user: User | None,
    *,
    cooperative_id: int | None,
    subject: AuditSubject,
    subject_id: int,
    action: AuditAction,
    changes: Mapping[str, Any],
    batch_id: int | None = None,
) -> AuditRecord:
    """Add one audit record to the session; it commits or rolls back with the change itself."""
    record = AuditRecord(
        user_id=user.id if user is not None else None,
        actor=user.email if user is not None else COMMAND_LINE_ACTOR,
        cooperative_id=cooperative_id,
        subject=subject,
        subject_id=subject_id,
        batch_id=batch_id,
        action=action,
        changes=dict(changes),
    )
    session.add(record)
    return record


def batch_history(session: Session, batch_id: int) -> Sequence[AuditRecord]:
    """Every audit record of a batch and of its events, newest first."""
    return session.scalars(
        select(AuditRecord)
        .where(AuditRecord.batch_id == batch_id)
        .order_by(AuditRecord.recorded_at.desc(), AuditRecord.id.desc())
    ).all()
