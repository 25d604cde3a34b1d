"""API output for accounts."""

from __future__ import annotations

from marshmallow import Schema, fields

from trace.auth.models import Role


class UserOut(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    cooperative_id = fields.Integer(allow_none=True, required=True)
    commune_code = fields.String(allow_none=True, required=True)
