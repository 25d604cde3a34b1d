"""Consumers' reports of labels they suspect are fake, and where each stands."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow, value_enum
from trace.signing.codes import MAX_CODE_LENGTH

REPORT_MESSAGE_MAX_LENGTH = 2000
REPORT_CONTACT_MAX_LENGTH = 200


class ReportStatus(enum.StrEnum):
    NEW = "new"
    SEEN = "seen"
    CLOSED = "closed"


class Report(Base):
    """A consumer's report that a label looks fake, with an optional way to reach them."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(
            f"length(message) BETWEEN 1 AND {REPORT_MESSAGE_MAX_LENGTH}", name="message_length"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    code_text: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="RESTRICT"), index=True
    )
    # Scans may one day be purged after a retention period; the report stays.
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(REPORT_CONTACT_MAX_LENGTH), default="")
    status: Mapped[ReportStatus] = mapped_column(
        value_enum(ReportStatus, "report_status"), default=ReportStatus.NEW
    )
