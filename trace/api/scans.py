"""API: the scans of one label code, newest first, for inspectors and operators."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import token_required
from trace.auth.models import Role
from trace.db import db
from trace.scans.history import scans_of_code
from trace.scans.schemas import ScanList, ScanListArgs

blueprint = Blueprint("api_scans", __name__, description="Scans of label codes")


@blueprint.get("/scans")
@blueprint.response(200, ScanList)
@token_required(Role.OPERATOR, Role.INSPECTOR)
@blueprint.arguments(ScanListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_scans(code: str, limit: int) -> dict[str, Any]:
    """Every recorded opening of the code's URL: when, the verdict, roughly where, from
    which network (never a full address) and which kind of browser."""
    lines = scans_of_code(db.session, code, limit)
    is_unit_code = lines[0].is_unit_code if lines else False
    return {"code": code, "is_unit_code": is_unit_code, "items": lines}
