"""The API's shapes for clone alerts and for a code's scans."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from trace.inspection.alerts import alert_message
from trace.inspection.signals import AlertRule
from trace.registry.schemas.common import MAX_ID, InputSchema, page_schema
from trace.signing.codes import MAX_CODE_LENGTH, Verdict


class AlertListArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    province_code = fields.String(
        validate=validate.Regexp(r"^\d{2}$"),
        metadata={"description": "Only alerts in this province (two-digit official code)."},
    )
    cooperative_id = fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "Only alerts on this cooperative's codes."},
    )


class AlertOut(Schema):
    id = fields.Integer(required=True)
    rule = fields.Enum(AlertRule, by_value=True, required=True)
    message = fields.Method("_message", required=True, metadata={"type": "string"})
    reason = fields.Dict(
        attribute="reason_params",
        required=True,
        metadata={"description": "The facts the rule fired on, for programs."},
    )
    fired_at = fields.DateTime(required=True, metadata={"description": "When the scan was."})
    code = fields.String(attribute="code_text", required=True)
    scan_id = fields.Integer(allow_none=True, required=True)
    label_code_id = fields.Integer(allow_none=True, required=True)
    batch_id = fields.Integer(allow_none=True, required=True)
    cooperative_id = fields.Integer(allow_none=True, required=True)
    province_code = fields.String(allow_none=True, required=True)

    def _message(self, alert: Any) -> str:
        return alert_message(alert)


AlertPage = page_schema(AlertOut, "AlertPage")


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
