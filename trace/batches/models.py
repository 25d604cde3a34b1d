"""Batches (lots): the unit that is traced."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace.db import Base, utcnow, value_enum
from trace.registry.models import Cooperative, FarmingArea, Product


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

    cooperative: Mapped[Cooperative] = relationship()
    product: Mapped[Product] = relationship()
    farming_areas: Mapped[list[FarmingArea]] = relationship(secondary=batch_farming_areas)
