"""API: clone alerts, newest first, for inspectors and operators (cooperatives: their own)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.alerts.models import Alert
from trace.alerts.schemas import AlertListArgs, AlertPage
from trace.alerts.services import alerts_page
from trace.api.auth import api_caller, token_required
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.db import db

blueprint = Blueprint("api_alerts", __name__, description="Clone alerts on label codes")

READERS = (Role.OPERATOR, Role.INSPECTOR, Role.COOPERATIVE)


@blueprint.get("/alerts")
@blueprint.response(200, AlertPage)
@token_required(*READERS)
@blueprint.arguments(AlertListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_alerts(**args: Any) -> Page[Alert]:
    """Codes whose scans suggest a copied label, with the rule that fired and its facts.

    Cooperative staff get the alerts on their own codes only, whatever they ask for."""
    caller = api_caller()
    cooperative_id = args.get("cooperative_id")
    if caller.role is Role.COOPERATIVE:
        cooperative_id = caller.cooperative_id
    return alerts_page(
        db.session,
        province_code=args.get("province_code"),
        cooperative_id=cooperative_id,
        page=args["page"],
        per_page=args["per_page"],
    )
