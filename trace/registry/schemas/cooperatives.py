"""API input and output for cooperatives."""

from __future__ import annotations

from marshmallow import Schema, fields

from trace.common.schemas import (
    CommuneOut,
    InputSchema,
    Text,
    commune_field,
    optional_copy,
    page_schema,
)

__all__ = [
    "CommuneOut",
    "CooperativeCreate",
    "CooperativeOut",
    "CooperativePage",
    "CooperativeUpdate",
]


class CooperativeCreate(InputSchema):
    """A new cooperative: operators only."""

    name = Text(required=True)
    tax_code = Text(
        required=True,
        metadata={"description": "10 digits, or 13 for a branch (0123456789-001)."},
    )
    code_prefix = Text(
        required=True,
        metadata={"description": "2 to 8 capital letters or digits that start batch codes."},
    )
    commune_code = Text(
        required=True,
        metadata={
            "description": "Official 2025 commune code, such as 31507. Only an operator may "
            "change it, like the tax code and the prefix."
        },
    )
    street_address = Text()
    phone = Text()
    email = Text()


# Only an operator may change the tax code, the prefix or the commune: the service refuses
# staff with a 422 naming each such field (the same value sent back is no change).
CooperativeUpdate = optional_copy(CooperativeCreate, "CooperativeUpdate")


class CooperativeOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    tax_code = fields.String(required=True)
    code_prefix = fields.String(required=True)
    commune_code = fields.String(required=True)
    commune = commune_field()
    street_address = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)
    logo_upload_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    archived_at = fields.DateTime(required=True, allow_none=True)


CooperativePage = page_schema(CooperativeOut, "CooperativePage")
