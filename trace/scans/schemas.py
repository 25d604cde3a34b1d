"""The API's shapes for a code's scans."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.common.schemas import InputSchema
from trace.signing.codes import MAX_CODE_LENGTH, Verdict


class ScanListArgs(InputSchema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_CODE_LENGTH),
        metadata={"description": "The label's URL, exactly as its QR code holds it."},
    )
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class ScanOut(Schema):
    scanned_at = fields.DateTime(required=True)
    verdict = fields.Enum(Verdict, by_value=True, required=True)
    place = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The province of the position the visitor shared, if any."},
    )
    network = fields.String(required=True, metadata={"description": "IPv4 /24 or IPv6 /48."})
    user_agent_family = fields.String(required=True)
    is_inspection = fields.Boolean(
        required=True,
        metadata={"description": "An inspector's check on the verify page, not a buyer's."},
    )


class ScanList(Schema):
    code = fields.String(required=True)
    is_unit_code = fields.Boolean(required=True)
    items = fields.List(fields.Nested(ScanOut), required=True)
