"""The audit record: one row per change, never updated or deleted."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow, value_enum


class AuditAction(enum.StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    RECALLED = "recalled"
    IMPORTED = "imported"
    VERIFIED = "verified"  # an inspector checked a label
    # What happens to a person's account (subject USER); CHANGED is a new role or binding.
    INVITED = "invited"
    DISABLED = "disabled"
    ENABLED = "enabled"
    LINK_ISSUED = "link_issued"  # a password-reset link
    PASSWORD_SET = "password_set"  # noqa: S105 (an action's name)
    TOKEN_CREATED = "token_created"  # noqa: S105 (an action's name)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 (an action's name)
    # A commune's key products: an entry removed from the list; a cooperative's proposal
    # made, confirmed or declined (a new entry is CREATED, its decision recorded CHANGED).
    REMOVED = "removed"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class AuditSubject(enum.StrEnum):
    BATCH = "batch"
    EVENT = "event"
    KEY = "key"
    INSPECTION = "inspection"
    SCAN = "scan"
    REPORT = "report"
    COOPERATIVE = "cooperative"  # created, or its details changed (commune, tax code...)
    USER = "user"  # a person's account: invited, role changed, disabled, a new password
    KEY_PRODUCT = "key_product"  # an entry of a commune's list of key products
    KEY_PRODUCT_PROPOSAL = "key_product_proposal"
    PRODUCT_LINK = "product_link"  # a link a cooperative keeps for a product (or a batch)


class AuditRecord(Base):
    """Who did what to which record, when, and the fields' values before and after.

    Rows are only ever inserted: the ORM refuses updates and deletes, and the migration
    adds database triggers that refuse them too, so not even a raw SQL statement can
    rewrite history.
    """

    __tablename__ = "audit_records"
    __table_args__ = (Index(None, "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed: the browser lists records newest first.
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Null when a command-line run made the change; ``actor`` still says who.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    actor: Mapped[str] = mapped_column(String(254))
    # Null for platform records that belong to no cooperative (issuing keys).
    cooperative_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    subject: Mapped[AuditSubject] = mapped_column(value_enum(AuditSubject, "audit_subject"))
    subject_id: Mapped[int]
    # The batch whose history shows this record (a batch's own, or one of its events').
    batch_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[AuditAction] = mapped_column(value_enum(AuditAction, "audit_action"))
    # {field: [before, after]} with JSON values; "before" is null for a new record.
    changes: Mapped[dict[str, Any]]


class AuditRecordIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit record."""


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _refuse_rewrites(*_: Any) -> None:
    raise AuditRecordIsAppendOnly("audit records are never changed or deleted")
