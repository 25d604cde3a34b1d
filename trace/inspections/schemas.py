"""API input and output of inspections."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.batches.schemas import BatchRef, Rfc3339DateTime
from trace.common.schemas import MAX_ID, InputSchema, Text, commune_field, page_schema, record_id
from trace.inspections.models import Inspection, InspectionOutcome

INSPECTION_EXAMPLE = {
    "code": "HTXTD-ST25-261118-01",
    "place": "Chợ Sóc Trăng, sạp 12",
    "commune_code": "31507",
    "inspected_at": "2026-11-24T09:30:00+07:00",
    "outcome": "conforming",
    "notes": "Nhãn còn nguyên, hàng đúng lô, còn hạn sử dụng.",
}


class InspectionCreate(InputSchema):
    """An inspection of the batch (or unit) a code names, or of the batch given by id."""

    code = Text(
        metadata={
            "description": "The label's code as scanned (its URL), or a batch code as printed; "
            "a copied label still names its batch. Required unless `batch_id` is given."
        }
    )
    batch_id = record_id(
        allow_none=True,
        metadata={"description": "The batch inspected, when no code is given (or the same)."},
    )
    inspected_at = Rfc3339DateTime(
        allow_none=True,
        metadata={"description": "RFC 3339 with its offset; now when not given, never later."},
    )
    place = Text(
        required=True,
        metadata={"description": "The market, shop or address (200 characters at most)."},
    )
    commune_code = Text(
        allow_none=True, metadata={"description": "Official 2025 code of the place's commune."}
    )
    outcome = fields.String(
        required=True, validate=validate.OneOf([outcome.value for outcome in InspectionOutcome])
    )
    notes = Text(metadata={"description": "What was seen (2,000 characters at most)."})
    withdraws_unit = fields.Boolean(
        load_default=False,
        metadata={
            "description": "The unit was withdrawn from sale: any later scan of its code "
            "raises a clone alert. Only for a unit's own code."
        },
    )


class InspectionListArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cooperative_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only this cooperative's batches (within what you may read)."},
    )
    outcome = fields.Enum(InspectionOutcome, by_value=True)
    date_from = fields.Date(metadata={"description": "From this day (Vietnam time) on."})
    date_to = fields.Date(metadata={"description": "Up to this day (Vietnam time) included."})


class InspectionOut(Schema):
    id = fields.Integer(required=True)
    batch = fields.Nested(BatchRef, required=True)
    cooperative_id = fields.Integer(required=True)
    label_code_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The unit's code, if any."}
    )
    serial = fields.String(required=True, allow_none=True)
    code_text = fields.String(
        required=True, metadata={"description": "The code as read; empty when chosen by batch."}
    )
    inspected_at = fields.DateTime(required=True, metadata={"description": "In UTC."})
    place = fields.String(required=True)
    commune_code = fields.String(required=True, allow_none=True)
    commune = commune_field()
    outcome = fields.Enum(InspectionOutcome, by_value=True, required=True)
    notes = fields.String(required=True)
    inspector = fields.String(
        required=True, attribute="inspector.email", metadata={"description": "Who inspected."}
    )
    photo_urls = fields.Method(
        "_photo_urls", required=True, metadata={"type": "array", "items": {"type": "string"}}
    )
    created_at = fields.DateTime(required=True)

    def _photo_urls(self, inspection: Inspection) -> list[str]:
        return [f"/files/{photo.storage_key}" for photo in inspection.photos]


InspectionPage = page_schema(InspectionOut, "InspectionPage")
