"""Audit records laid out in time, for the browser's tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.audit.services import COMMAND_LINE_ACTOR


@dataclass
class Timeline:
    key_created: AuditRecord  # 01/11/2026 10:00 Vietnam time, by the operator
    batch_created: AuditRecord  # 02/11/2026 23:30, by staff of A
    cooperative_changed: AuditRecord  # 03/11/2026 00:30, from the command line
    batch_recalled: AuditRecord  # 05/11/2026 08:00, by staff of A


def _record(session, when, user, subject, subject_id, action, changes, cooperative_id=None):
    record = AuditRecord(
        recorded_at=when,
        user_id=user.id if user else None,
        actor=user.email if user else COMMAND_LINE_ACTOR,
        cooperative_id=cooperative_id,
        subject=subject,
        subject_id=subject_id,
        batch_id=subject_id if subject is AuditSubject.BATCH else None,
        action=action,
        changes=changes,
    )
    session.add(record)
    session.flush()
    return record


@pytest.fixture
def timeline(session, tenants) -> Timeline:
    a = tenants.cooperative_a.id
    return Timeline(
        key_created=_record(
            session,
            datetime(2026, 11, 1, 3, 0, tzinfo=UTC),
            tenants.operator,
            AuditSubject.KEY,
            7,
            AuditAction.CREATED,
            {"kid": [None, "abcdefghijk"]},
        ),
        batch_created=_record(
            session,
            datetime(2026, 11, 2, 16, 30, tzinfo=UTC),
            tenants.staff_a,
            AuditSubject.BATCH,
            42,
            AuditAction.CREATED,
            {"code": [None, "LO-42"], "quantity": [None, 120]},
            cooperative_id=a,
        ),
        cooperative_changed=_record(
            session,
            datetime(2026, 11, 2, 17, 30, tzinfo=UTC),
            None,
            AuditSubject.COOPERATIVE,
            a,
            AuditAction.CHANGED,
            {"name": ["HTX cũ", '=HYPERLINK("http://evil")']},
            cooperative_id=a,
        ),
        batch_recalled=_record(
            session,
            datetime(2026, 11, 5, 1, 0, tzinfo=UTC),
            tenants.staff_a,
            AuditSubject.BATCH,
            42,
            AuditAction.RECALLED,
            {"recalled_at": [None, "2026-11-05T01:00:00+00:00"]},
            cooperative_id=a,
        ),
    )
