"""The activation API's body and answer."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trace.common.schemas import InputSchema

END = {
    "description": "A serial (R0001-00001) or the whole code scanned from the label.",
}


class ActivationIn(InputSchema):
    first = fields.String(required=True, validate=validate.Length(1, 600), metadata=END)
    last = fields.String(required=True, validate=validate.Length(1, 600), metadata=END)


class ActivationOut(Schema):
    batch_code = fields.Function(lambda activation: activation.batch.code, required=True)
    roll = fields.Function(lambda activation: f"R{activation.roll.number:04d}", required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    count = fields.Integer(required=True)
