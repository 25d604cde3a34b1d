"""API: inspections of batches. Inspectors and operators record them and read all of them;
a cooperative's staff read those of their own batches; commune officers none."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.common.pagination import Page
from trace.db import db
from trace.inspections import services as service
from trace.inspections.models import Inspection
from trace.inspections.schemas import (
    INSPECTION_EXAMPLE,
    InspectionCreate,
    InspectionListArgs,
    InspectionOut,
    InspectionPage,
)

blueprint = Blueprint(
    "api_inspections", __name__, description="Inspections of batches, scoped to the caller"
)

ID = "<id:inspection_id>"


@blueprint.get("/inspections")
@blueprint.response(200, InspectionPage)
@token_required(*service.READERS)
@blueprint.arguments(InspectionListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_inspections(**args: Any) -> Page[Inspection]:
    """The inspections the caller may read, newest first; by cooperative, outcome and days."""
    filters = service.InspectionFilters(
        cooperative_id=args.get("cooperative_id"),
        outcome=args.get("outcome"),
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return service.list_inspections(db.session, api_caller(), filters)


@blueprint.post("/inspections")
@blueprint.response(201, InspectionOut)
@token_required(*service.RECORDERS)
@blueprint.arguments(InspectionCreate, example=INSPECTION_EXAMPLE)
def record_inspection(values: dict[str, Any]) -> Inspection:
    """Record an inspection of the batch (or unit) a code names; photos from the web page only."""
    return service.record_inspection(db.session, api_caller(), values)


@blueprint.get(f"/inspections/{ID}")
@blueprint.response(200, InspectionOut)
@token_required(*service.READERS)
def get_inspection(inspection_id: int) -> Inspection:
    """One inspection; one of another cooperative's batches answers 404."""
    return service.get_inspection(db.session, api_caller(), inspection_id)
