"""Recalling a batch: its status, reason and time, an event on its timeline, an audit record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction
from trace.audit.services import snapshot
from trace.auth.models import User
from trace.batches.models import Batch, BatchStatus
from trace.batches.services.batches import AUDITED_FIELDS, audit_batch, get_batch_for_writing
from trace.batches.services.events import record_recall_event
from trace.common.field_errors import FieldErrors

REASON_LIMIT = 500


def recall_batch(session: Session, user: User, batch_id: int, reason: str) -> Batch:
    """Recall a batch with a reason. Batches made from it are not recalled with it: their
    pages warn about it (see ``Trace.recalled_sources``) and the cooperative decides."""
    batch = get_batch_for_writing(session, user, batch_id)
    errors = FieldErrors()
    text = errors.text("reason", reason, REASON_LIMIT)
    if not text and not errors.errors:
        errors.add("reason", _l("Say why the batch is recalled."))
    if batch.is_recalled:
        errors.add("reason", _l("This batch is already recalled."))
    errors.raise_if_any()
    before = snapshot(batch, AUDITED_FIELDS)
    event = record_recall_event(session, user, batch, text)
    batch.status = BatchStatus.RECALLED
    batch.recall_reason = text
    batch.recalled_at = event.occurred_at
    session.flush()
    audit_batch(session, user, batch, AuditAction.RECALLED, before, snapshot(batch, AUDITED_FIELDS))
    return batch
