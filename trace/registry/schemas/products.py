"""API input and output for products."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, pre_load

from trace.common.schemas import (
    Computed,
    InputSchema,
    Text,
    optional_copy,
    page_schema,
    record_id,
)
from trace.registry.models import Product
from trace.registry.product_links import ProductLink
from trace.registry.schemas.product_links import ProductLinkOut

PRODUCT_EXAMPLE = {
    "name": "Gạo ST25 túi 5 kg",
    "code": "ST25",
    "category": "Gạo",
    "unit": "túi",
    "description": "Gạo ST25 vụ Đông Xuân, sấy lạnh.",
    "brand": "Trần Đề",
    "shelf_life_days": 365,
}
KEY_PRODUCT_IS_DECIDED = _l(
    "Read-only: the commune decides its key products. Its officers list them, with the "
    "decision's number and date; a cooperative may propose one from the product's page."
)


def product_wide_links(product: Product) -> list[ProductLink]:
    return [link for link in product.links if link.batch_id is None]


class RefusesKeyProduct(InputSchema):
    """``is_key_product`` is derived from the commune's list: input naming it is refused
    with the reason, rather than as an unknown field."""

    @pre_load
    def _refuse_key_product(self, data: Any, **_: Any) -> Any:
        if isinstance(data, Mapping) and "is_key_product" in data:
            raise ValidationError({"is_key_product": [str(KEY_PRODUCT_IS_DECIDED)]})
        return data


class ProductCreate(RefusesKeyProduct):
    """A new product; staff add to their own cooperative, operators name the cooperative."""

    cooperative_id = record_id(
        metadata={"description": "Operators only; staff always add to their own cooperative."}
    )
    name = Text(required=True)
    code = Text(
        allow_none=True,
        metadata={
            "description": "A short code (ST25): up to 12 capital letters and digits, unique "
            "within the cooperative; it starts generated lots and names the product in imports."
        },
    )
    category = Text()
    unit = Text(metadata={"description": "Sales unit, such as kg or túi; kg when not given."})
    description = Text()
    gtin = Text(
        allow_none=True,
        metadata={"description": "GTIN-8, -12, -13 or -14 with its check digit; stored as 14."},
    )
    brand = Text()
    ocop_stars = fields.Integer(
        strict=True,
        allow_none=True,
        metadata={"description": "3, 4 or 5, with the OCOP certificate that awarded them."},
    )
    ocop_certificate_id = record_id(allow_none=True)
    shelf_life_days = fields.Integer(strict=True, allow_none=True)


class ProductUpdate(
    RefusesKeyProduct,
    optional_copy(ProductCreate, "ProductUpdateFields", exclude={"cooperative_id"}),  # type: ignore[misc]
):
    """Changed fields of a product; those not given stay as they are."""


class ProductOut(Schema):
    id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True, allow_none=True)
    category = fields.String(required=True)
    unit = fields.String(required=True)
    description = fields.String(required=True)
    gtin = fields.String(required=True, allow_none=True)
    brand = fields.String(required=True)
    ocop_stars = fields.Integer(required=True, allow_none=True)
    ocop_certificate_id = fields.Integer(required=True, allow_none=True)
    shelf_life_days = fields.Integer(required=True, allow_none=True)
    is_key_product = fields.Boolean(
        required=True,
        dump_only=True,
        metadata={
            "description": "Derived, read-only: true while a commune lists the product as one "
            "of its key products (sản phẩm chủ lực), by the commune's decision. Input naming "
            "it is refused (422)."
        },
    )
    image_upload_id = fields.Integer(required=True, allow_none=True)
    image_url = fields.Method(
        "_image_url",
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "Where the image is served."},
    )
    links = Computed(
        ProductLinkOut,
        product_wide_links,
        many=True,
        required=True,
        metadata={"description": "The product's own links; its batches' are with them."},
    )
    created_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)

    def _image_url(self, product: Product) -> str | None:
        upload = product.image_upload
        return f"/files/{upload.storage_key}" if upload else None


ProductPage = page_schema(ProductOut, "ProductPage")
