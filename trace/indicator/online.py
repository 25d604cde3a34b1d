"""Indicator 13.7: which of a commune's key products are sold online, beside 13.4.

The key products are 13.4's (the commune's list, ``queries.key_product_communes``); the
rule is stated once, in ``RULE``, for the pages and the exports to show. A product's
marketplace links are read for all the products in one statement, so a commune of 30
key products costs one query more than 13.4 alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trace.batches.models import Batch, BatchStatus
from trace.indicator.queries import KeyProductRow
from trace.registry.product_links import ProductLink
from trace.registry.services.product_links import MARKETPLACE_LINK_TYPES

RULE = _l(
    "A key product is sold online when, on the day the report is drawn up, its cooperative "
    "keeps at least one marketplace link for it: a listing of the product on an e-commerce "
    "platform (Postmart, Voso, a provincial marketplace, Shopee, Lazada, Tiki...), kept for "
    "the product as a whole or for one of its batches that is not recalled. Indicator 13.7 "
    "counts the key products sold online among the commune's key products, the same list "
    "as indicator 13.4."
)


@dataclass(frozen=True)
class MarketplaceListing:
    """One marketplace link of a product: where it leads, and the batch it is kept for."""

    href: str
    host: str
    batch_code: str | None


@dataclass(frozen=True)
class ProductOnline:
    """A key product and its marketplace listings (none when it is not sold online)."""

    product_id: int
    product_name: str
    ocop_stars: int | None
    cooperative_name: str
    listings: tuple[MarketplaceListing, ...]

    @property
    def is_sold_online(self) -> bool:
        return bool(self.listings)

    @property
    def hosts(self) -> tuple[str, ...]:
        """The marketplaces' host names, each once, in the cooperative's order."""
        return tuple(dict.fromkeys(listing.host for listing in self.listings))


@dataclass(frozen=True)
class OnlineSales:
    """A commune's key products, each with its marketplace listings."""

    products: tuple[ProductOnline, ...]

    @property
    def sold_online_count(self) -> int:
        return sum(1 for product in self.products if product.is_sold_online)

    @property
    def share(self) -> float | None:
        """The share of key products sold online, 0 to 1; None when the commune has none."""
        return self.sold_online_count / len(self.products) if self.products else None

    @property
    def not_sold_online(self) -> tuple[ProductOnline, ...]:
        return tuple(product for product in self.products if not product.is_sold_online)


def online_sales(session: Session, rows: Sequence[KeyProductRow]) -> OnlineSales:
    """The key products (in the rows' order), each with the marketplace links that count."""
    listings = marketplace_listings(session, [row.product_id for row in rows])
    return OnlineSales(
        tuple(
            ProductOnline(
                product_id=row.product_id,
                product_name=row.product_name,
                ocop_stars=row.ocop_stars,
                cooperative_name=row.cooperative_name,
                listings=tuple(listings.get(row.product_id, ())),
            )
            for row in rows
        )
    )


def marketplace_listings(
    session: Session, product_ids: Collection[int]
) -> dict[int, list[MarketplaceListing]]:
    """The products' marketplace links that count by the rule, in the cooperative's order:
    product-wide ones first (they apply to every batch), then those of live batches."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(ProductLink.product_id, ProductLink.href, Batch.code)
        .outerjoin(Batch, Batch.id == ProductLink.batch_id)
        .where(
            ProductLink.product_id.in_(product_ids),
            ProductLink.link_type.in_(MARKETPLACE_LINK_TYPES),
            or_(ProductLink.batch_id.is_(None), Batch.status != BatchStatus.RECALLED),
        )
        .order_by(
            ProductLink.product_id,
            ProductLink.batch_id.is_not(None),
            Batch.code,
            ProductLink.position,
            ProductLink.id,
        )
    ).all()
    found: dict[int, list[MarketplaceListing]] = defaultdict(list)
    for product_id, href, batch_code in rows:
        found[product_id].append(MarketplaceListing(href, host_name(href), batch_code))
    return found


def host_name(href: str) -> str:
    """The marketplace a link leads to, as a reader names it: ``shopee.vn``, not
    ``https://www.shopee.vn/...``."""
    host = urlsplit(href).hostname or href
    return host.removeprefix("www.")
