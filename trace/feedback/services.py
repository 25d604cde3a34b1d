"""Consumers' reports of labels they suspect are fake, filed from the public page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import record_audit
from trace.auth.models import User
from trace.batches.models import Batch
from trace.common.field_errors import FieldErrors
from trace.db import utcnow
from trace.errors import InvalidInput, NotFound
from trace.feedback.models import (
    REPORT_CONTACT_MAX_LENGTH,
    REPORT_MESSAGE_MAX_LENGTH,
    Report,
    ReportStatus,
)
from trace.scans.models import Scan
from trace.signing.codes import MAX_CODE_LENGTH

MAX_REPORTS_LISTED = 1000


def file_report(
    session: Session,
    *,
    code_text: Any,
    message: Any,
    contact: Any,
    batch_id: int | None = None,
    scan_id: int | None = None,
    now: datetime | None = None,
) -> Report:
    """Store a consumer's report; ``InvalidInput`` naming each field to fix, and no row, if not.

    The message is required (at most 2,000 characters, line breaks allowed), the contact
    optional (one line, at most 200). A report tied to a scan takes the scan's batch when
    none is given, and must name the same batch when one is.
    """
    errors = FieldErrors()
    code = errors.text("code_text", code_text, MAX_CODE_LENGTH)
    if not code:
        errors.add("code_text", _l("This field is required."))
    text = errors.text("message", message, REPORT_MESSAGE_MAX_LENGTH)
    if not text:
        errors.add("message", _l("This field is required."))
    reach = errors.text("contact", contact, REPORT_CONTACT_MAX_LENGTH)
    if "\n" in reach or "\r" in reach or "\t" in reach:
        errors.add("contact", _l("Remove the characters that are not text."))
    batch_id = _batch_of(session, errors, batch_id, scan_id)
    errors.raise_if_any()
    report = Report(
        created_at=now or utcnow(),
        code_text=code,
        batch_id=batch_id,
        scan_id=scan_id,
        message=text,
        contact=reach,
        status=ReportStatus.NEW,
    )
    session.add(report)
    session.flush()
    return report


def list_reports(
    session: Session, status: ReportStatus | None = None, limit: int = 100
) -> Sequence[Report]:
    """Reports newest first, of one status or all, at most ``limit`` (1 to 1,000)."""
    query = select(Report).order_by(Report.created_at.desc(), Report.id.desc())
    if status is not None:
        query = query.where(Report.status == status)
    return session.scalars(query.limit(max(1, min(limit, MAX_REPORTS_LISTED)))).all()


def set_report_status(session: Session, user: User, report_id: int, status: Any) -> Report:
    """Mark a report seen or closed (or new again), audited as ``user``'s change;
    ``InvalidInput`` for any other word, and nothing changes."""
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound()
    try:
        new_status = ReportStatus(status)
    except ValueError:
        raise InvalidInput(errors={"status": [str(_l("Choose new, seen or closed."))]}) from None
    if new_status is report.status:
        return report
    record_audit(
        session,
        user,
        cooperative_id=None,
        subject=AuditSubject.REPORT,
        subject_id=report.id,
        action=AuditAction.CHANGED,
        changes={"status": [report.status.value, new_status.value]},
    )
    report.status = new_status
    session.flush()
    return report


def _batch_of(
    session: Session, errors: FieldErrors, batch_id: int | None, scan_id: int | None
) -> int | None:
    """The batch the report is about: the one given or its scan's, each checked to exist."""
    if batch_id is not None and session.get(Batch, batch_id) is None:
        errors.add("batch_id", _l("We could not find what you were looking for."))
    if scan_id is None:
        return batch_id
    scan = session.get(Scan, scan_id)
    if scan is None:
        errors.add("scan_id", _l("We could not find what you were looking for."))
        return batch_id
    if batch_id is None:
        return scan.batch_id
    if scan.batch_id != batch_id:
        errors.add("scan_id", _l("This conflicts with existing data."))
    return batch_id
