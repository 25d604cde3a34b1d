"""Inspections: what a market inspector found when checking a batch, or one unit of it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace.auth.models import User
from trace.batches.models import Batch, LabelCode
from trace.db import Base, utcnow, value_enum
from trace.registry.models import Cooperative
from trace.signing.codes import MAX_CODE_LENGTH
from trace.uploads.models import Upload

PLACE_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 2000


class InspectionOutcome(enum.StrEnum):
    CONFORMING = "conforming"
    NON_CONFORMING = "non_conforming"
    SUSPECTED_COUNTERFEIT = "suspected_counterfeit"


inspection_photos = Table(
    "inspection_photos",
    Base.metadata,
    Column("inspection_id", ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    Column("upload_id", ForeignKey("uploads.id", ondelete="RESTRICT"), primary_key=True),
)


class Inspection(Base):
    """One check of a batch (or of a unit, by its code) at a market or shop, and its outcome.

    Inspectors read every cooperative's batches but change none of them: an inspection is
    their own record, about a batch, and the batch's cooperative reads it.
    """

    __tablename__ = "inspections"
    __table_args__ = (CheckConstraint("place <> ''", name="has_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspector_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="RESTRICT"), index=True)
    # The unit inspected, when the inspector scanned a unit's own code.
    label_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("label_codes.id", ondelete="RESTRICT"), index=True
    )
    # The batch's cooperative, kept on the row so lists are scoped without a join.
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    inspected_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    place: Mapped[str] = mapped_column(String(PLACE_MAX_LENGTH))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    outcome: Mapped[InspectionOutcome] = mapped_column(
        value_enum(InspectionOutcome, "inspection_outcome")
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # The code as scanned or pasted (evidence when it is a copy); empty when chosen by batch.
    code_text: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    inspector: Mapped[User] = relationship()
    batch: Mapped[Batch] = relationship()
    label_code: Mapped[LabelCode | None] = relationship()
    cooperative: Mapped[Cooperative] = relationship()
    photos: Mapped[list[Upload]] = relationship(secondary=inspection_photos, order_by="Upload.id")

    @property
    def serial(self) -> str | None:
        """The inspected unit's serial, or None for a whole batch."""
        return self.label_code.serial if self.label_code is not None else None
