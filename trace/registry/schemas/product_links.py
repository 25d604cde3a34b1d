"""API input and output for the links a cooperative keeps per product (or per batch)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.common.schemas import MAX_IDS_PER_LIST, InputSchema, Text, optional_copy, record_id
from trace.registry.link_types import LINK_TYPE_NAMES

PRODUCT_LINK_ORDER_EXAMPLE = {"ids": [3, 1, 2]}
PRODUCT_LINK_EXAMPLE = {
    "link_type": "gs1:hasRetailers",
    "href": "https://postmart.vn/gao-st25-tui-5kg",
    "title_vi": "Gạo ST25 trên Postmart",
    "title_en": "ST25 rice on Postmart",
}
LINK_TYPES_IN_WORDS = ", ".join(LINK_TYPE_NAMES)


class ProductLinkCreate(InputSchema):
    """A new link, after the product's others; with ``batch_id``, for that batch only."""

    link_type = Text(
        required=True,
        metadata={"description": f"A GS1 web vocabulary link type, one of: {LINK_TYPES_IN_WORDS}."},
    )
    href = Text(
        required=True,
        metadata={
            "description": "An https address of a public site (no IP address, no user name or "
            "password), at most 1,000 characters."
        },
    )
    title_vi = Text(
        metadata={
            "description": "Up to 120 characters; may be left out for a page on a known "
            "marketplace (Postmart, Voso, Shopee, Lazada, Tiki, Sendo, 37nghean): its name."
        }
    )
    title_en = Text(
        metadata={"description": "Up to 120 characters; the page falls back to title_vi."}
    )
    batch_id = record_id(
        allow_none=True, metadata={"description": "A batch of this product: the link is its own."}
    )


class ProductLinkUpdate(
    optional_copy(ProductLinkCreate, "ProductLinkUpdateFields", exclude={"batch_id"}),  # type: ignore[misc]
):
    """Changed fields of a link, checked as a new link is; those not given stay as they are."""


class ProductLinkOrder(InputSchema):
    """A new order for the links of one level: the product's own, or one batch's."""

    ids = fields.List(
        record_id(),
        required=True,
        validate=validate.Length(max=MAX_IDS_PER_LIST),
        metadata={"description": "Every link id of that level, once each, first shown first."},
    )
    batch_id = record_id(
        allow_none=True,
        metadata={"description": "Order this batch's own links; left out or null, the product's."},
    )


class ProductLinkOut(Schema):
    id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    batch_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Null for a link of the product, shown with all its batches."},
    )
    link_type = fields.String(required=True, metadata={"description": "As a CURIE, gs1:..."})
    href = fields.String(required=True)
    title_vi = fields.String(required=True)
    title_en = fields.String(required=True)
    position = fields.Integer(required=True, metadata={"description": "Lowest shown first."})
    created_at = fields.DateTime(required=True)
