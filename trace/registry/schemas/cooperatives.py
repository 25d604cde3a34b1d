"""API output for the registry."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from trace.registry.communes import find_commune
from trace.registry.models import Cooperative


class CommuneOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    province_code = fields.String(required=True)
    province_name = fields.String(required=True)


class CooperativeOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    tax_code = fields.String(required=True)
    code_prefix = fields.String(required=True)
    commune = fields.Method("_commune", required=True)
    street_address = fields.String(required=True)
    phone = fields.String(required=True)
    email = fields.String(required=True)

    def _commune(self, cooperative: Cooperative) -> dict[str, Any] | None:
        commune = find_commune(cooperative.commune_code)
        return CommuneOut().dump(commune) if commune else None
