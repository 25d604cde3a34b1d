"""A product's links kept by its cooperative: which ones a page shows, and the rules for
adding, changing, reordering and deleting them."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trace.registry.product_links import ProductLink

# The GS1 web vocabulary link types that say "the product is sold here" (indicator 13.7
# counts a key product with at least one). gs1:hasRetailers is the only one: the other
# buying terms (gs1:purchaseSuppliesOrAccessories, gs1:paymentLink) are not the product.
MARKETPLACE_LINK_TYPES: frozenset[str] = frozenset({"gs1:hasRetailers"})


def links_for(session: Session, product_id: int, batch_id: int | None) -> list[ProductLink]:
    """The product-wide links and, given a batch, that batch's own, in position order."""
    scope = ProductLink.batch_id.is_(None)
    if batch_id is not None:
        scope = or_(scope, ProductLink.batch_id == batch_id)
    statement = (
        select(ProductLink)
        .where(ProductLink.product_id == product_id, scope)
        .order_by(ProductLink.position, ProductLink.id)
    )
    return list(session.scalars(statement))
