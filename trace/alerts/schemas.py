"""The API's shapes for clone alerts and for a code's scans."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from trace.alerts.services import alert_message
from trace.alerts.signals import AlertRule
from trace.common.schemas import MAX_ID, InputSchema, page_schema


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


class UnitsSoldIn(InputSchema):
    serials = fields.List(
        fields.String(validate=validate.Length(min=1, max=20)),
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "The serials of the batch's units that were sold."},
    )


class UnitsSoldOut(Schema):
    marked = fields.Integer(required=True, metadata={"description": "Marked sold now."})
    already_sold = fields.Integer(required=True, metadata={"description": "Were already."})
