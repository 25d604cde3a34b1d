"""API input and output for farming areas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.common.schemas import (
    InputSchema,
    OwnedListArgs,
    Text,
    commune_field,
    optional_copy,
    page_schema,
    record_id,
)
from trace.registry.models import FarmingAreaKind, FarmingAreaStatus

FARMING_AREA_EXAMPLE = {
    "code": "VN-STRG-0101",
    "name": "Cánh đồng lớn ấp Giồng Chùa",
    "kind": "crop",
    "commune_code": "31507",
    "latitude": 9.603,
    "longitude": 105.974,
    "polygon": {
        "type": "Polygon",
        "coordinates": [
            [[105.97, 9.60], [105.98, 9.60], [105.98, 9.61], [105.97, 9.61], [105.97, 9.60]]
        ],
    },
    "area_hectares": 12.5,
    "crops": "Lúa ST25",
}


class Polygon(InputSchema):
    """A GeoJSON Polygon: closed rings of [longitude, latitude] positions."""

    type = fields.String(required=True, validate=validate.OneOf(["Polygon"]))
    coordinates = fields.List(
        fields.List(
            fields.List(fields.Float(), validate=validate.Length(min=2, max=3)),
            validate=validate.Length(max=5000),
        ),
        required=True,
        validate=validate.Length(min=1, max=50),
    )


class FarmingAreaCreate(InputSchema):
    """A new farming area with its official planting-area code."""

    cooperative_id = record_id(
        metadata={"description": "Operators only; staff always add to their own cooperative."}
    )
    code = Text(
        required=True, metadata={"description": "Planting-area code, such as VN-STRG-0012."}
    )
    name = Text(required=True)
    kind = fields.Enum(FarmingAreaKind, by_value=True, required=True)
    commune_code = Text(required=True)
    latitude = fields.Float(required=True, metadata={"description": "Degrees north."})
    longitude = fields.Float(required=True, metadata={"description": "Degrees east."})
    polygon = fields.Nested(Polygon, allow_none=True)
    area_hectares = fields.Decimal(allow_none=True, metadata={"description": "Hectares, > 0."})
    crops = Text()
    status = fields.Enum(FarmingAreaStatus, by_value=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)


FarmingAreaUpdate = optional_copy(
    FarmingAreaCreate, "FarmingAreaUpdate", exclude={"cooperative_id"}
)


class FarmingAreaListArgs(OwnedListArgs):
    kind = fields.Enum(FarmingAreaKind, by_value=True)
    status = fields.Enum(FarmingAreaStatus, by_value=True)


class PolygonOut(Schema):
    type = fields.String(required=True)
    coordinates = fields.List(fields.List(fields.List(fields.Float())), required=True)


class FarmingAreaOut(Schema):
    id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(FarmingAreaKind, by_value=True, required=True)
    commune_code = fields.String(required=True)
    commune = commune_field()
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    polygon = fields.Nested(PolygonOut, required=True, allow_none=True)
    area_hectares = fields.Float(required=True, allow_none=True)
    crops = fields.String(required=True)
    status = fields.Enum(FarmingAreaStatus, by_value=True, required=True)
    valid_from = fields.Date(required=True, allow_none=True)
    valid_to = fields.Date(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)


FarmingAreaPage = page_schema(FarmingAreaOut, "FarmingAreaPage")
