"""API input and output of verification: the verify answer (README, "Label codes")."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.batches.models import BatchStatus
from trace.common.schemas import InputSchema
from trace.signing.codes import Verdict

VERIFY_EXAMPLE = {
    "code": "https://truyxuat.example.vn/01/08934567000017/10/ST25-260115-01"
    "?17=270115&k=2cKxJbb3yaY&s=nQdprPI-2zTa7WZR_eceYmtVb5VhWzOrlrSq4ds0a5XaQUzN0exbUpnmyst6pLZ0O7s53LS1JGQlvq_Yw20EBg"
}


class VerifyIn(InputSchema):
    code = fields.String(
        required=True,
        metadata={"description": "The text of the QR code, exactly as scanned."},
    )


class LabelFactsOut(Schema):
    """What the code says of itself: to be trusted only when ``valid`` is true."""

    base_url = fields.String(required=True)
    gtin = fields.String(required=True, allow_none=True)
    lot = fields.String(required=True, allow_none=True)
    batch_code = fields.String(required=True, allow_none=True)
    serial = fields.String(required=True, allow_none=True)
    prefix = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "A pre-printed code's cooperative prefix (/b/{prefix}/{serial})."},
    )
    expires_on = fields.Date(required=True, allow_none=True)
    key_id = fields.String(required=True)


class PlaceOut(Schema):
    commune_code = fields.String(required=True)
    commune = fields.String(required=True, allow_none=True)
    province = fields.String(required=True, allow_none=True)


class ProductFactsOut(Schema):
    name = fields.String(required=True)
    gtin = fields.String(required=True, allow_none=True)
    brand = fields.String(required=True)
    ocop_stars = fields.Integer(required=True, allow_none=True)


class CooperativeFactsOut(PlaceOut):
    name = fields.String(required=True)
    address = fields.String(required=True)


class FarmingAreaFactsOut(PlaceOut):
    code = fields.String(required=True, metadata={"description": "The planting-area code."})
    name = fields.String(required=True)
    kind = fields.String(required=True)


class BatchFactsOut(Schema):
    code = fields.String(required=True)
    lot = fields.String(required=True)
    product = fields.Nested(ProductFactsOut, required=True)
    cooperative = fields.Nested(CooperativeFactsOut, required=True)
    farming_areas = fields.List(fields.Nested(FarmingAreaFactsOut), required=True)
    harvested_on = fields.Date(required=True, allow_none=True)
    packed_on = fields.Date(required=True, allow_none=True)
    expires_on = fields.Date(required=True, allow_none=True)
    status = fields.Enum(BatchStatus, by_value=True, required=True)
    recall_reason = fields.String(required=True, allow_none=True)
    recalled_at = fields.String(required=True, allow_none=True)


class UnitOut(Schema):
    serial = fields.String(required=True)
    issued_at = fields.String(required=True)


class VerificationOut(Schema):
    valid = fields.Boolean(required=True)
    reason = fields.String(
        required=True, validate=validate.OneOf([verdict.value for verdict in Verdict])
    )
    message = fields.String(required=True, metadata={"description": "The reason, in words."})
    checked = fields.String(required=True, validate=validate.OneOf(["online", "offline"]))
    code = fields.String(required=True)
    label = fields.Nested(LabelFactsOut, required=True, allow_none=True)
    batch = fields.Nested(BatchFactsOut, required=True, allow_none=True)
    unit = fields.Nested(UnitOut, required=True, allow_none=True)
