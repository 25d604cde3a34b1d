"""API input and output for batches, their events, trace and history."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from trace.audit.models import AuditAction, AuditSubject
from trace.batches.models import Batch, BatchStatus, Event, EventBatchRole, EventType, InputKind
from trace.batches.services.batches import AppliedCertificate, preloaded_certificates
from trace.batches.services.events import RECORDABLE_TYPES
from trace.batches.services.issuing import MAX_UNITS_PER_RUN
from trace.common.schemas import (
    MAX_ID,
    Computed,
    InputSchema,
    Text,
    optional_copy,
    page_schema,
    record_id,
)
from trace.db import db
from trace.registry.models import CertificateScheme
from trace.registry.product_links import ProductLink
from trace.registry.schemas.product_links import ProductLinkOut
from trace.registry.validation import CertificateStatus

BATCH_EXAMPLE = {
    "product_id": 1,
    "lot": "ST25-251118-01",
    "farming_area_ids": [1],
    "harvested_on": "2025-11-18",
    "packed_on": "2025-11-20",
    "quantity": 1200,
    "unit": "kg",
}
EVENT_EXAMPLE = {
    "type": "input_applied",
    "occurred_at": "2025-10-02T07:30:00+07:00",
    "farming_area_id": 1,
    "input_kind": "pesticide",
    "input_name": "Anvil 5SC (Hexaconazole)",
    "input_dose": "1 lít/ha",
    "pre_harvest_interval_days": 7,
    "notes": "Phun phòng bệnh khô vằn, trời nắng nhẹ.",
}
RECALL_EXAMPLE = {"reason": "Phát hiện dư lượng thuốc bảo vệ thực vật vượt mức cho phép."}

# RFC 3339 (section 5.6): full date, "T", full time with seconds, and an offset or Z.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


class Rfc3339DateTime(fields.AwareDateTime):
    """An RFC 3339 date-time with its offset (a time without one is ambiguous), kept in UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        message = str(
            _l("Enter a date and time with its offset, such as 2025-11-18T08:30:00+07:00.")
        )
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            raise ValidationError(message)
        # RFC 3339 allows any number of fraction digits; Python keeps microseconds.
        text = re.sub(r"(\.\d{6})\d+", r"\1", value)
        try:
            parsed = super()._deserialize(text, attr, data, **kwargs)
            return parsed.astimezone(UTC)
        except (ValidationError, OverflowError) as error:
            raise ValidationError(message) from error


def quantity_field() -> fields.Decimal:
    return fields.Decimal(
        allow_none=True,
        metadata={"description": "Greater than 0, at most three decimals."},
    )


class BatchCreate(InputSchema):
    """A new batch of one product from the cooperative's farming areas."""

    cooperative_id = record_id(
        metadata={"description": "Operators only; staff always add to their own cooperative."}
    )
    product_id = record_id(required=True)
    lot = Text(
        allow_none=True,
        metadata={
            "description": "At most 20 letters, digits, '-', '.', '_'; generated when not given."
        },
    )
    farming_area_ids = fields.List(
        record_id(), required=True, validate=validate.Length(min=1, max=500)
    )
    harvested_on = fields.Date(allow_none=True)
    packed_on = fields.Date(allow_none=True)
    expires_on = fields.Date(
        allow_none=True,
        metadata={"description": "From the product's shelf life when not given."},
    )
    quantity = quantity_field()
    unit = Text(metadata={"description": "The product's unit when not given."})


BatchUpdate = optional_copy(BatchCreate, "BatchUpdate", exclude={"cooperative_id"})


class BatchRecall(InputSchema):
    reason = Text(
        load_default="",
        metadata={"description": "Why the batch is recalled (required, 500 characters at most)."},
    )


class BatchListArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    q = Text(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Search text, case-insensitive, in batch codes, lots, products."},
    )
    status = fields.Enum(BatchStatus, by_value=True)
    product_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    cooperative_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only this cooperative's batches (within what you may read)."},
    )


class EventCreate(InputSchema):
    """Something that happened to the batch; a processing event names its input batches."""

    type = fields.String(
        required=True, validate=validate.OneOf([kind.value for kind in RECORDABLE_TYPES])
    )
    occurred_at = Rfc3339DateTime(
        required=True,
        metadata={"description": "RFC 3339 with its offset, such as 2025-11-18T08:30:00+07:00."},
    )
    farming_area_id = record_id(
        allow_none=True,
        metadata={"description": "Required for planting, inputs and harvest: a batch's area."},
    )
    address = Text(metadata={"description": "Where it happened, when not on a farming area."})
    input_kind = fields.Enum(InputKind, by_value=True, allow_none=True)
    input_name = Text()
    input_dose = Text()
    pre_harvest_interval_days = fields.Integer(
        strict=True,
        allow_none=True,
        metadata={"description": "Pesticides: days from spraying to a safe harvest, 0 to 365."},
    )
    party_name = Text(metadata={"description": "Shipping: the buyer; receiving: the supplier."})
    quantity = quantity_field()
    unit = Text()
    notes = Text()
    input_batch_ids = fields.List(
        record_id(),
        validate=validate.Length(max=500),
        metadata={"description": "Processing only: the batches that went into this one."},
    )
    output_batch_ids = fields.List(
        record_id(),
        validate=validate.Length(max=500),
        metadata={"description": "Processing only: other batches made by the same step."},
    )


EventUpdate = optional_copy(EventCreate, "EventUpdate")


class FarmingAreaRef(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "Planting-area code."})
    name = fields.String(required=True)


class ProductRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    gtin = fields.String(required=True, allow_none=True)


class AppliedCertificateOut(Schema):
    """A certificate covering the batch's product or one of its farming areas."""

    id = fields.Integer(required=True, attribute="certificate.id")
    scheme = fields.Enum(
        CertificateScheme, by_value=True, required=True, attribute="certificate.scheme"
    )
    number = fields.String(required=True, attribute="certificate.number")
    issuer = fields.String(required=True, attribute="certificate.issuer")
    valid_from = fields.Date(required=True, attribute="certificate.valid_from")
    valid_to = fields.Date(required=True, attribute="certificate.valid_to")
    status_at_harvest = fields.Enum(
        CertificateStatus,
        by_value=True,
        required=True,
        metadata={"description": "On the harvest day (or packing, or registration day)."},
    )
    status_today = fields.Enum(CertificateStatus, by_value=True, required=True)


def _links_of(batch: Batch) -> list[ProductLink]:
    return [link for link in batch.product.links if link.batch_id in (None, batch.id)]


def _certificates_of(batch: Batch) -> list[AppliedCertificate]:
    return preloaded_certificates(db.session, batch)


class BatchOut(Schema):
    id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    product = fields.Nested(ProductRef, required=True)
    lot = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "Unique on the platform."})
    farming_areas = fields.List(fields.Nested(FarmingAreaRef), required=True)
    harvested_on = fields.Date(required=True, allow_none=True)
    packed_on = fields.Date(required=True, allow_none=True)
    expires_on = fields.Date(required=True, allow_none=True)
    quantity = fields.Float(required=True, allow_none=True)
    unit = fields.String(required=True)
    status = fields.Enum(BatchStatus, by_value=True, required=True)
    recall_reason = fields.String(required=True)
    recalled_at = fields.DateTime(required=True, allow_none=True)
    certificates = Computed(AppliedCertificateOut, _certificates_of, many=True, required=True)
    links = Computed(
        ProductLinkOut,
        _links_of,
        many=True,
        required=True,
        metadata={"description": "The links its label's page shows: the product's and its own."},
    )
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


BatchPage = page_schema(BatchOut, "BatchPage")


class BatchRef(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    lot = fields.String(required=True)
    product_id = fields.Integer(required=True)
    status = fields.Enum(BatchStatus, by_value=True, required=True)


class EventBatchOut(Schema):
    """A batch taking part in the event, and how."""

    id = fields.Integer(required=True, attribute="batch.id")
    code = fields.String(required=True, attribute="batch.code")
    role = fields.Enum(EventBatchRole, by_value=True, required=True)


class EventOut(Schema):
    id = fields.Integer(required=True)
    cooperative_id = fields.Integer(required=True)
    type = fields.Enum(EventType, by_value=True, required=True)
    occurred_at = fields.DateTime(required=True, metadata={"description": "In UTC."})
    farming_area = fields.Nested(FarmingAreaRef, required=True, allow_none=True)
    address = fields.String(required=True)
    input_kind = fields.Enum(InputKind, by_value=True, required=True, allow_none=True)
    input_name = fields.String(required=True)
    input_dose = fields.String(required=True)
    pre_harvest_interval_days = fields.Integer(required=True, allow_none=True)
    party_name = fields.String(required=True)
    quantity = fields.Float(required=True, allow_none=True)
    unit = fields.String(required=True)
    notes = fields.String(required=True)
    batches = fields.List(fields.Nested(EventBatchOut), required=True, attribute="links")
    photo_urls = fields.Method(
        "_photo_urls", required=True, metadata={"type": "array", "items": {"type": "string"}}
    )
    recorded_by = fields.Method(
        "_recorded_by",
        required=True,
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "Who recorded it."},
    )
    recorded_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)

    def _photo_urls(self, event: Event) -> list[str]:
        return [f"/files/{photo.storage_key}" for photo in event.photos]

    def _recorded_by(self, event: Event) -> str | None:
        user = event.recorded_by
        return (user.display_name or user.email) if user is not None else None


class TraceStepOut(Schema):
    """A batch reached by walking processing links, and the processing that linked it."""

    batch = fields.Nested(BatchRef, required=True)
    depth = fields.Integer(required=True, metadata={"description": "1 for a direct link."})
    processing_event_id = fields.Integer(required=True, attribute="via.id")
    processed_at = fields.DateTime(required=True, attribute="via.occurred_at")
    linked_to_batch_id = fields.Integer(
        required=True,
        attribute="linked_to.id",
        metadata={"description": "The batch one step nearer the one traced."},
    )


class TraceOut(Schema):
    """One step back and one step forward, recursively."""

    batch = fields.Nested(BatchRef, required=True)
    sources = fields.List(fields.Nested(TraceStepOut), required=True)
    farming_areas = fields.List(fields.Nested(FarmingAreaRef), required=True)
    products = fields.List(
        fields.Nested(TraceStepOut),
        required=True,
        metadata={"description": "Batches made, directly or not, from this one."},
    )
    shipments = fields.List(fields.Nested(EventOut), required=True)
    recalled_sources = fields.List(fields.Nested(BatchRef), required=True)


class ItemCheckOut(Schema):
    """One item of Circular 02/2024 on a batch: met or not, and how to supply it."""

    item = fields.String(required=True, metadata={"example": "product_image"})
    label = fields.String(required=True, metadata={"description": "The item, in words."})
    met = fields.Boolean(required=True)
    action = fields.Function(
        lambda check: str(check.fix.action) if check.fix else None,
        allow_none=True,
        metadata={"description": "What to do when the item is missing."},
    )
    fix_url = fields.Function(
        lambda check: url_for(check.fix.endpoint, **check.fix.arguments) if check.fix else None,
        allow_none=True,
        metadata={"description": "The web page where the item is added."},
    )


class CompletenessOut(Schema):
    """A batch's checklist of the items Circular 02/2024 asks a traced product to show."""

    batch_id = fields.Function(lambda found: found.facts.batch_id, required=True)
    is_complete = fields.Boolean(required=True)
    missing = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(ItemCheckOut), required=True, attribute="checks")


class AuditRecordOut(Schema):
    id = fields.Integer(required=True)
    recorded_at = fields.DateTime(required=True)
    actor = fields.String(required=True)
    action = fields.Enum(AuditAction, by_value=True, required=True)
    subject = fields.Enum(AuditSubject, by_value=True, required=True)
    subject_id = fields.Integer(required=True)
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw(allow_none=True)),
        required=True,
        metadata={"description": "{field: [before, after]}; before is null for a new record."},
    )


class EpcisDocumentOut(Schema):
    """An EPCIS 2.0 JSON-LD document; see the GS1 EPCIS 2.0 JSON schema for all of it."""

    context = fields.Raw(required=True, data_key="@context")
    type = fields.String(required=True)
    schema_version = fields.String(required=True, data_key="schemaVersion")
    creation_date = fields.String(required=True, data_key="creationDate")
    epcis_body = fields.Dict(required=True, data_key="epcisBody")


class LabelCodeOut(Schema):
    """A code issued by the platform: what its QR code holds."""

    code = fields.String(required=True, attribute="text")
    serial = fields.String(required=True, allow_none=True)
    key_id = fields.String(required=True, attribute="key.kid")
    issued_at = fields.AwareDateTime(required=True)


LabelCodePage = page_schema(LabelCodeOut, "LabelCodePage")


class UnitRunIn(InputSchema):
    count = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_UNITS_PER_RUN),
        metadata={"description": "How many unit codes to issue, one per item."},
    )


class UnitsArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class IssuedUnitOut(Schema):
    serial = fields.String(required=True)
    code = fields.String(required=True, attribute="text")


class UnitRunOut(Schema):
    batch_id = fields.Integer(required=True, attribute="batch.id")
    issued_at = fields.AwareDateTime(required=True)
    count = fields.Function(lambda run: len(run.units), required=True)
    units = fields.List(fields.Nested(IssuedUnitOut), required=True)
