"""The links a cooperative keeps for a product (or one batch of it): where it is sold,
recipes, instructions... each typed by a term of GS1's web vocabulary."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow

HREF_MAX_LENGTH = 1000
TITLE_MAX_LENGTH = 120
LINK_TYPE_MAX_LENGTH = 60


class ProductLink(Base):
    """One https link of a product, shown on its public pages and in its linkset.

    With a batch it belongs to that batch's pages only; without, to every batch of the
    product. ``link_type`` is a GS1 web vocabulary term as a CURIE ("gs1:hasRetailers").
    """

    __tablename__ = "product_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    # A string target: the registry sits below batches and does not import them.
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), index=True
    )
    link_type: Mapped[str] = mapped_column(String(LINK_TYPE_MAX_LENGTH))
    href: Mapped[str] = mapped_column(String(HREF_MAX_LENGTH))
    title_vi: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    title_en: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH), default="")
    # Order among the product's links (product-wide and per batch alike), lowest first.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
