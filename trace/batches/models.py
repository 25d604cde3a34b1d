"""Batches (lots), the unit that is traced, their events, and the label codes issued for them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace.auth.models import User
from trace.db import Base, utcnow, value_enum
from trace.registry.models import Cooperative, FarmingArea, Product
from trace.signing.codes import MAX_CODE_LENGTH as CODE_MAX_LENGTH
from trace.signing.codes import VALUE_MAX_LENGTH as SERIAL_MAX_LENGTH
from trace.signing.models import IssuingKey
from trace.uploads.models import Upload


class BatchStatus(enum.StrEnum):
    ACTIVE = "active"
    RECALLED = "recalled"


batch_farming_areas = Table(
    "batch_farming_areas",
    Base.metadata,
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "farming_area_id", ForeignKey("farming_areas.id", ondelete="RESTRICT"), primary_key=True
    ),
)


class Batch(Base):
    """A quantity of one product from known farming areas, harvested and packed on known dates."""

    __tablename__ = "batches"
    __table_args__ = (
        UniqueConstraint("product_id", "lot"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "(status = 'recalled') = (recalled_at IS NOT NULL)", name="recall_consistent"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The tenant key, kept on the row so every query can be scoped without a join.
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="RESTRICT"))
    lot: Mapped[str] = mapped_column(String(20))
    # Unique across the platform: the cooperative's prefix and the lot.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    harvested_on: Mapped[date | None]
    packed_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(30), default="kg")
    status: Mapped[BatchStatus] = mapped_column(
        value_enum(BatchStatus, "batch_status"), default=BatchStatus.ACTIVE
    )
    recall_reason: Mapped[str] = mapped_column(String(500), default="")
    recalled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cooperative: Mapped[Cooperative] = relationship()
    product: Mapped[Product] = relationship()
    farming_areas: Mapped[list[FarmingArea]] = relationship(
        secondary=batch_farming_areas, order_by="FarmingArea.code"
    )

    @property
    def is_recalled(self) -> bool:
        return self.status is BatchStatus.RECALLED


# A code or lot typed or scanned in another case is looked up upper-cased
# (trace/lookup/finding.py): without these, each such miss would read the whole table.
Index("ix_batches_upper_code", func.upper(Batch.code))
Index("ix_batches_upper_lot", func.upper(Batch.lot))


class EventType(enum.StrEnum):
    """What happened, in words that map onto EPCIS 2.0 event types and CBV 2.0 steps."""

    PLANTING = "planting"
    INPUT_APPLIED = "input_applied"
    HARVEST = "harvest"
    PROCESSING = "processing"
    PACKING = "packing"
    SHIPPING = "shipping"
    RECEIVING = "receiving"
    INSPECTING = "inspecting"
    RECALL = "recall"


class InputKind(enum.StrEnum):
    FERTILISER = "fertiliser"
    PESTICIDE = "pesticide"
    OTHER = "other"


class EventBatchRole(enum.StrEnum):
    """How a batch takes part in an event: the one it is about, or a processing input/output."""

    SUBJECT = "subject"
    INPUT = "input"
    OUTPUT = "output"


event_photos = Table(
    "event_photos",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("upload_id", ForeignKey("uploads.id", ondelete="RESTRICT"), primary_key=True),
)


class Event(Base):
    """Something that happened to one or more batches, at a time and a place."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("farming_area_id IS NOT NULL OR address <> ''", name="has_place"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "pre_harvest_interval_days IS NULL OR pre_harvest_interval_days >= 0",
            name="pre_harvest_interval",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    type: Mapped[EventType] = mapped_column(value_enum(EventType, "event_type"))
    occurred_at: Mapped[datetime]
    farming_area_id: Mapped[int | None] = mapped_column(
        ForeignKey("farming_areas.id", ondelete="RESTRICT")
    )
    address: Mapped[str] = mapped_column(String(300), default="")
    # Input applied: what went on the field, and for a pesticide the days to wait before harvest.
    input_kind: Mapped[InputKind | None] = mapped_column(value_enum(InputKind, "input_kind"))
    input_name: Mapped[str] = mapped_column(String(200), default="")
    input_dose: Mapped[str] = mapped_column(String(100), default="")
    pre_harvest_interval_days: Mapped[int | None]
    # Shipping: the buyer or market; receiving: who it came from.
    party_name: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(30), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    farming_area: Mapped[FarmingArea | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    photos: Mapped[list[Upload]] = relationship(secondary=event_photos, order_by="Upload.id")
    links: Mapped[list[EventBatch]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    def batches(self, role: EventBatchRole) -> list[Batch]:
        return [link.batch for link in self.links if link.role is role]


class EventBatch(Base):
    """A batch taking part in an event."""

    __tablename__ = "event_batches"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("batches.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    role: Mapped[EventBatchRole] = mapped_column(value_enum(EventBatchRole, "event_batch_role"))

    event: Mapped[Event] = relationship(back_populates="links")
    batch: Mapped[Batch] = relationship()


class LabelCode(Base):
    """A signed code issued for a batch (no serial) or for one unit of it (a serial).

    Rows are never deleted: the online check finds a scanned code by its exact text, so a
    code that verifies but has no row was signed outside the platform (a copied key). A
    batch can hold several batch codes: a new one is issued when a fact it carries changes,
    and labels printed with the older ones keep verifying.
    """

    __tablename__ = "label_codes"
    __table_args__ = (UniqueConstraint("batch_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="RESTRICT"))
    serial: Mapped[str | None] = mapped_column(String(SERIAL_MAX_LENGTH))
    text: Mapped[str] = mapped_column(String(CODE_MAX_LENGTH), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("issuing_keys.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    batch: Mapped[Batch] = relationship()
    key: Mapped[IssuingKey] = relationship()

    @property
    def is_unit(self) -> bool:
        return self.serial is not None
