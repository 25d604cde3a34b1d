"""The roll API's bodies, arguments and answers, and the activation API's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from labels import LAYOUTS
from trace.common.schemas import MAX_ID, InputSchema, page_schema, record_id
from trace.db import db
from trace.printing.options import LANGUAGES, THERMAL_DPIS
from trace.rolls.models import Roll
from trace.rolls.printing import DEFAULT_LAYOUT, ROLL_FORMATS
from trace.rolls.serials import serial_of
from trace.rolls.services import MAX_CODES_PER_ROLL, activated_count

END = {
    "description": "A serial (R0001-00001) or the whole code scanned from the label.",
}
ROLL_EXAMPLE = {"product_id": 1, "count": 500}
TARGET_FIELDS = ("product_id", "cooperative_id")


class ActivationIn(InputSchema):
    first = fields.String(required=True, validate=validate.Length(1, 600), metadata=END)
    last = fields.String(required=True, validate=validate.Length(1, 600), metadata=END)


class ActivationOut(Schema):
    batch_code = fields.Function(lambda activation: activation.batch.code, required=True)
    roll = fields.Function(lambda activation: f"R{activation.roll.number:04d}", required=True)
    first = fields.String(required=True)
    last = fields.String(required=True)
    count = fields.Integer(required=True)


class RollCreate(InputSchema):
    """A new roll under a product's GTIN or under a cooperative's prefix: exactly one of
    the two. The count's bounds are checked by ``create_roll``, as on the page."""

    product_id = record_id(metadata={"description": "A product with a GTIN, not archived."})
    cooperative_id = record_id(
        metadata={"description": "The cooperative whose prefix the codes carry."}
    )
    count = fields.Integer(
        strict=True,
        required=True,
        metadata={"minimum": 1, "maximum": MAX_CODES_PER_ROLL, "description": "How many codes."},
    )

    @validates_schema
    def _one_target(self, data: Mapping[str, Any], **_: Any) -> None:
        named = [field for field in TARGET_FIELDS if field in data]
        if len(named) != 1:
            message = str(_l("Give exactly one of product_id and cooperative_id."))
            raise ValidationError({field: [message] for field in named or TARGET_FIELDS})


class RollListArgs(InputSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class RollLabelArgs(InputSchema):
    """The roll page's choices; ``read_roll_options`` checks them and names what to fix."""

    format = fields.String(
        load_default="pdf",
        metadata={
            "enum": list(ROLL_FORMATS),
            "description": "pdf (every label, with the calibration page or bar), or a thermal "
            "printer's job to send raw: tspl (TSC, Xprinter, Gprinter) or zpl (Zebra).",
        },
    )
    layout = fields.String(
        load_default=DEFAULT_LAYOUT,
        metadata={
            "enum": list(LAYOUTS),
            "description": "A built-in layout; tspl and zpl need a roll (roll-50x30, roll-40x25).",
        },
    )
    dpi = fields.Integer(
        metadata={
            "enum": list(THERMAL_DPIS),
            "description": "For tspl and zpl, the thermal printer's resolution (203 unless given).",
        },
    )
    language = fields.String(
        load_default="vi",
        metadata={"enum": list(LANGUAGES), "description": "Of the calibration page."},
    )


def _first_serial(roll: Roll) -> str:
    return serial_of(roll.number, 1)


def _last_serial(roll: Roll) -> str:
    return serial_of(roll.number, roll.count)


class RollOut(Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "From 1 per GTIN or prefix."})
    first_serial = fields.Function(_first_serial, required=True, metadata={"type": "string"})
    last_serial = fields.Function(_last_serial, required=True, metadata={"type": "string"})
    gtin = fields.String(
        required=True, allow_none=True, metadata={"description": "As printed; null under a prefix."}
    )
    prefix = fields.String(
        required=True, allow_none=True, metadata={"description": "As printed; null under a GTIN."}
    )
    product_id = fields.Integer(required=True, allow_none=True)
    cooperative_id = fields.Integer(required=True)
    count = fields.Integer(required=True)
    activated_count = fields.Function(
        lambda roll: activated_count(db.session, roll),
        required=True,
        metadata={"type": "integer", "description": "Codes activated on a batch so far."},
    )
    created_at = fields.DateTime(required=True)


RollPage = page_schema(RollOut, "RollPage")
