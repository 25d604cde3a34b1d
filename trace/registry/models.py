"""Cooperatives and what a label points to: products, farming areas, certificates."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from trace.db import Base, utcnow, value_enum
from trace.registry.product_links import ProductLink
from trace.uploads.models import Upload


class FarmingAreaKind(enum.StrEnum):
    CROP = "crop"
    AQUACULTURE = "aquaculture"
    LIVESTOCK = "livestock"


class FarmingAreaStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class CertificateScheme(enum.StrEnum):
    VIETGAP = "vietgap"
    GLOBALGAP = "globalgap"
    ORGANIC = "organic"
    OCOP = "ocop"
    FOOD_SAFETY = "food_safety"
    OTHER = "other"


class KeyProductProposalState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Cooperative(Base):
    """A producer organisation (HTX): the tenant that owns everything below it."""

    __tablename__ = "cooperatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tax_code: Mapped[str] = mapped_column(String(14), unique=True)
    # A short prefix that makes batch codes unique across the platform (``ST25-...``).
    code_prefix: Mapped[str] = mapped_column(String(8), unique=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    street_address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # use_alter: uploads also point back at their cooperative.
    logo_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    archived_at: Mapped[datetime | None]

    products: Mapped[list[Product]] = relationship(back_populates="cooperative")
    farming_areas: Mapped[list[FarmingArea]] = relationship(back_populates="cooperative")
    certificates: Mapped[list[Certificate]] = relationship(back_populates="cooperative")


# A commune lists a product once at a time: removed entries stay, as its history.
LISTED_ONCE = "removed_at IS NULL"
# A product waits on one proposal at a time.
ONE_PENDING = "state = 'pending'"


class KeyProduct(Base):
    """A product on a commune's list of key products (sản phẩm chủ lực), by the commune's
    decision: what indicator 13.4 counts. Removal keeps the row, with its date and reason.

    An entry with no decision date was carried over from the cooperatives' former
    self-declared tick (migration 5d2e8b41c7a9) and waits for the officer's decision.
    """

    __tablename__ = "key_products"
    __table_args__ = (
        Index(
            "uq_key_products_listed",
            "commune_code",
            "product_id",
            unique=True,
            sqlite_where=text(LISTED_ONCE),
            postgresql_where=text(LISTED_ONCE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decided_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(300), default="")
    # Null when no one signed in added it (carried over, a command, the demo).
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    removed_on: Mapped[date | None]
    removal_reason: Mapped[str] = mapped_column(String(300), default="")
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    product: Mapped[Product] = relationship()

    @property
    def is_listed(self) -> bool:
        return self.removed_at is None

    @property
    def awaits_decision(self) -> bool:
        return self.decided_on is None


class KeyProductProposal(Base):
    """A cooperative asks its commune to count one of its products as a key product; the
    commune's officer confirms it (with the decision) or declines it (with a reason)."""

    __tablename__ = "key_product_proposals"
    __table_args__ = (
        Index(
            "uq_key_product_proposals_pending",
            "product_id",
            unique=True,
            sqlite_where=text(ONE_PENDING),
            postgresql_where=text(ONE_PENDING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[KeyProductProposalState] = mapped_column(
        value_enum(KeyProductProposalState, "key_product_proposal_state"),
        default=KeyProductProposalState.PENDING,
    )
    note: Mapped[str] = mapped_column(String(300), default="")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    answered_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(String(300), default="")
    # The list entry a confirmation made (or found already there).
    key_product_id: Mapped[int | None] = mapped_column(
        ForeignKey("key_products.id", ondelete="RESTRICT")
    )

    product: Mapped[Product] = relationship()


class Product(Base):
    """Something a cooperative sells; batches are made of one product."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("cooperative_id", "name"),
        UniqueConstraint("cooperative_id", "code"),
        CheckConstraint("ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="ocop_stars"),
        CheckConstraint("shelf_life_days IS NULL OR shelf_life_days > 0", name="shelf_life"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # A short code the cooperative uses for the product (ST25): it starts generated lots
    # and names the product in spreadsheet imports.
    code: Mapped[str | None] = mapped_column(String(12))
    category: Mapped[str] = mapped_column(String(100), default="")
    unit: Mapped[str] = mapped_column(String(30), default="kg")
    description: Mapped[str] = mapped_column(Text, default="")
    gtin: Mapped[str | None] = mapped_column(String(14), unique=True)
    brand: Mapped[str] = mapped_column(String(120), default="")
    ocop_stars: Mapped[int | None]
    # The OCOP certificate that awarded the stars; required whenever there are stars.
    ocop_certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="RESTRICT")
    )
    shelf_life_days: Mapped[int | None]
    image_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    cooperative: Mapped[Cooperative] = relationship(back_populates="products")
    certificates: Mapped[list[Certificate]] = relationship(
        secondary="certificate_products", back_populates="products"
    )
    ocop_certificate: Mapped[Certificate | None] = relationship(foreign_keys=[ocop_certificate_id])
    # Read-only: the image is chosen by its id, and a list loads the page's images at once.
    image_upload: Mapped[Upload | None] = relationship(viewonly=True)
    # Read-only: the links kept for the product and its batches, in the order shown.
    links: Mapped[list[ProductLink]] = relationship(
        viewonly=True, order_by=(ProductLink.position, ProductLink.id)
    )
    # Derived, never set: a commune's officers put the product on their list of key products
    # (KeyProduct below); loaded with the product, so a list costs no extra query.
    is_key_product: Mapped[bool] = column_property(
        select(KeyProduct.id)
        .where(KeyProduct.product_id == id, KeyProduct.removed_at.is_(None))
        .correlate_except(KeyProduct)
        .exists()
    )


class FarmingArea(Base):
    """A registered growing or aquaculture area with its official planting-area code."""

    __tablename__ = "farming_areas"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN 8.0 AND 23.5", name="latitude_in_vietnam"),
        CheckConstraint("longitude BETWEEN 102.0 AND 117.9", name="longitude_in_vietnam"),
        CheckConstraint("area_hectares IS NULL OR area_hectares > 0", name="area_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[FarmingAreaKind] = mapped_column(value_enum(FarmingAreaKind, "farming_area_kind"))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    latitude: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    polygon: Mapped[dict[str, Any] | None]
    area_hectares: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    crops: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[FarmingAreaStatus] = mapped_column(
        value_enum(FarmingAreaStatus, "farming_area_status"), default=FarmingAreaStatus.ACTIVE
    )
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    cooperative: Mapped[Cooperative] = relationship(back_populates="farming_areas")


certificate_products = Table(
    "certificate_products",
    Base.metadata,
    Column("certificate_id", ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: a batch's page finds the certificates of its product by it.
    Column(
        "product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

certificate_farming_areas = Table(
    "certificate_farming_areas",
    Base.metadata,
    Column("certificate_id", ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True),
    # Indexed on its own: a batch's page finds the certificates of its areas by it.
    Column(
        "farming_area_id",
        ForeignKey("farming_areas.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Certificate(Base):
    """A certification (VietGAP, OCOP...) covering some products and farming areas."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("scheme", "number"),
        CheckConstraint("valid_to >= valid_from", name="validity_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    scheme: Mapped[CertificateScheme] = mapped_column(
        value_enum(CertificateScheme, "certificate_scheme")
    )
    number: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    scan_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    cooperative: Mapped[Cooperative] = relationship(back_populates="certificates")
    products: Mapped[list[Product]] = relationship(
        secondary=certificate_products, back_populates="certificates"
    )
    farming_areas: Mapped[list[FarmingArea]] = relationship(secondary=certificate_farming_areas)
