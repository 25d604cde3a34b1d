"""API: a batch's label codes, the batch code and serialised unit runs, scoped to the caller."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.alerts.marks import SoldReport, report_sold
from trace.alerts.schemas import UnitsSoldIn, UnitsSoldOut
from trace.api.auth import api_caller, token_required
from trace.api.batches import writable_batch
from trace.auth.models import Role
from trace.batches.models import LabelCode
from trace.batches.schemas import LabelCodeOut, LabelCodePage, UnitRunIn, UnitRunOut, UnitsArgs
from trace.batches.services import codes as service
from trace.batches.services.codes import UnitRun
from trace.common.pagination import Page
from trace.db import db, writes

blueprint = Blueprint("api_codes", __name__, description="The signed codes a batch's labels carry")

ID = "<id:batch_id>"


@blueprint.get(f"/batches/{ID}/code")
@blueprint.response(200, LabelCodeOut)
@token_required()
@writes
def batch_code(batch_id: int) -> LabelCode:
    """The code for the batch's labels; issued now if the batch has none that still holds
    (its expiry changed, or the key that signed it was revoked)."""
    return service.batch_code(db.session, api_caller(), batch_id)


@blueprint.post(f"/batches/{ID}/units")
@blueprint.response(201, UnitRunOut)
@token_required(Role.OPERATOR, Role.COOPERATIVE)
@writable_batch
@blueprint.arguments(UnitRunIn, example={"count": 500})
def issue_units(body: dict[str, Any], batch_id: int) -> UnitRun:
    """Issue `count` unit codes, one per item to label, each with its own random serial."""
    return service.issue_units(db.session, api_caller(), batch_id, body["count"])


@blueprint.post(f"/batches/{ID}/units/sold")
@blueprint.response(200, UnitsSoldOut)
@token_required(Role.OPERATOR, Role.COOPERATIVE)
@writable_batch
@blueprint.arguments(UnitsSoldIn, example={"serials": ["K7Q2M9X4TB"]})
def units_sold(body: dict[str, Any], batch_id: int) -> SoldReport:
    """Report units sold: a later scan of one (after two days for the buyer's own scans)
    raises a clone alert."""
    return report_sold(db.session, api_caller(), batch_id, body["serials"])


@blueprint.get(f"/batches/{ID}/units")
@blueprint.response(200, LabelCodePage)
@token_required()
@blueprint.arguments(UnitsArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_units(batch_id: int, **args: Any) -> Page[LabelCode]:
    """The batch's unit codes, oldest run first."""
    return service.list_units(db.session, api_caller(), batch_id, args["page"], args["per_page"])
