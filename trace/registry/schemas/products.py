"""API input and output for products."""

from __future__ import annotations

from marshmallow import Schema, fields

from trace.common.schemas import (
    InputSchema,
    StrictBoolean,
    Text,
    optional_copy,
    page_schema,
    record_id,
)
from trace.registry.models import Product

PRODUCT_EXAMPLE = {
    "name": "Gạo ST25 túi 5 kg",
    "code": "ST25",
    "category": "Gạo",
    "unit": "túi",
    "description": "Gạo ST25 vụ Đông Xuân, sấy lạnh.",
    "brand": "Trần Đề",
    "shelf_life_days": 365,
    "is_key_product": True,
}


class ProductCreate(InputSchema):
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
    is_key_product = StrictBoolean()


ProductUpdate = optional_copy(ProductCreate, "ProductUpdate", exclude={"cooperative_id"})


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
    is_key_product = fields.Boolean(required=True)
    image_upload_id = fields.Integer(required=True, allow_none=True)
    image_url = fields.Method(
        "_image_url",
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "Where the image is served."},
    )
    created_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)

    def _image_url(self, product: Product) -> str | None:
        upload = product.image_upload
        return f"/files/{upload.storage_key}" if upload else None


ProductPage = page_schema(ProductOut, "ProductPage")
