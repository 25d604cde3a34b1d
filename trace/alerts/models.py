"""Clone alerts, the marks on units they read, and how far the alerts have been refreshed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trace.alerts.signals import AlertRule, MarkKind
from trace.db import Base, utcnow, value_enum
from trace.signing.codes import MAX_CODE_LENGTH

MARK_NOTE_MAX_LENGTH = 500
WATERMARK_ROW_ID = 1


class UnitMark(Base):
    """A unit code reported sold, or marked by an inspector: later scans of it are suspect."""

    __tablename__ = "unit_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_code_id: Mapped[int] = mapped_column(
        ForeignKey("label_codes.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[MarkKind] = mapped_column(value_enum(MarkKind, "unit_mark_kind"))
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Null when a command or an import made the mark.
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(String(MARK_NOTE_MAX_LENGTH), default="")


class Alert(Base):
    """A clone rule that fired on one scan; the reason is kept as facts, not as text, so it
    reads in the language of whoever looks.

    Unique per rule and scan: refreshing twice never fires twice. Like a report, an alert
    outlives its scan if scans are ever purged.
    """

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule", "scan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # When the firing scan happened (not when the rule was evaluated).
    fired_at: Mapped[datetime] = mapped_column(index=True)
    rule: Mapped[AlertRule] = mapped_column(value_enum(AlertRule, "alert_rule"))
    reason_params: Mapped[dict[str, Any]]
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id", ondelete="SET NULL"))
    label_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("label_codes.id", ondelete="RESTRICT"), index=True
    )
    code_text: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="RESTRICT"), index=True
    )
    cooperative_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    # The firing scan's province when it shared a position, else the cooperative's.
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)


class AlertWatermark(Base):
    """How far ``refresh_alerts`` has read the scans: a single row.

    ``last_scan_id`` is the highest scan id evaluated. A visitor may share their position
    up to an hour after their scan, which changes what the travel rule sees without a new
    scan: ``last_positioned_at`` is the latest position evaluated, and
    ``positions_checked_from`` the earliest scan time that could still gain one.
    """

    __tablename__ = "alert_watermarks"
    __table_args__ = (CheckConstraint(f"id = {WATERMARK_ROW_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_scan_id: Mapped[int] = mapped_column(default=0)
    last_positioned_at: Mapped[datetime | None]
    positions_checked_from: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]
