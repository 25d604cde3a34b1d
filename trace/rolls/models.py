"""Rolls of pre-printed codes and each code, which belongs to no batch until activated."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trace.auth.models import User
from trace.batches.models import Batch
from trace.db import Base, utcnow
from trace.registry.models import Cooperative, Product
from trace.signing.codes import MAX_CODE_LENGTH, VALUE_MAX_LENGTH
from trace.signing.models import IssuingKey

# "01/{gtin14}" or "b/{prefix}": what a roll's serials are unique under.
SCOPE_MAX_LENGTH = 17


class Roll(Base):
    """A run of pre-printed codes under one GTIN (a product's) or the cooperative's prefix.

    ``number`` counts the rolls of one scope from 1; with the sequence it makes each serial
    (``trace.rolls.serials``), so serials are unique per GTIN or prefix. The GTIN or prefix
    is kept as printed: the codes carry it even if the product or cooperative changes later.
    """

    __tablename__ = "rolls"
    __table_args__ = (UniqueConstraint("scope", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    # The product of a GTIN roll; None for a roll under the cooperative's prefix.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    gtin: Mapped[str | None] = mapped_column(String(14))
    prefix: Mapped[str | None] = mapped_column(String(8))
    scope: Mapped[str] = mapped_column(String(SCOPE_MAX_LENGTH))
    number: Mapped[int]
    count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    cooperative: Mapped[Cooperative] = relationship()
    product: Mapped[Product | None] = relationship()
    created_by: Mapped[User | None] = relationship()


class RollCode(Base):
    """One code of a roll: signed when printed, tied to a batch when activated.

    Activation also stores the code as a unit ``LabelCode`` of the batch, so from then on
    it verifies, counts scans and raises clone alerts exactly as a unit code does.
    """

    __tablename__ = "roll_codes"
    __table_args__ = (UniqueConstraint("roll_id", "sequence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(ForeignKey("rolls.id", ondelete="RESTRICT"))
    sequence: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(VALUE_MAX_LENGTH))
    text: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("issuing_keys.id", ondelete="RESTRICT"))
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="RESTRICT"), index=True
    )
    activated_at: Mapped[datetime | None]
    activated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    roll: Mapped[Roll] = relationship()
    key: Mapped[IssuingKey] = relationship()
    batch: Mapped[Batch | None] = relationship()
