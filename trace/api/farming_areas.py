"""API: farming areas of the cooperatives the caller may read; staff and operators change them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.pagination import list_query
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.db import db
from trace.registry.models import FarmingArea
from trace.registry.schemas.farming_areas import (
    FARMING_AREA_EXAMPLE,
    FarmingAreaCreate,
    FarmingAreaListArgs,
    FarmingAreaOut,
    FarmingAreaPage,
    FarmingAreaUpdate,
)
from trace.registry.services import farming_areas as service

blueprint = Blueprint(
    "api_farming_areas", __name__, description="Farming areas, scoped to the caller"
)

ID = "<id:farming_area_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)


@blueprint.get("/farming-areas")
@blueprint.response(200, FarmingAreaPage)
@token_required()
@blueprint.arguments(FarmingAreaListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_farming_areas(**args: Any) -> Page[FarmingArea]:
    """The farming areas the caller may read, by code; filter by kind and status."""
    return service.list_farming_areas(
        db.session,
        api_caller(),
        list_query(args),
        kind=args.get("kind"),
        status=args.get("status"),
    )


@blueprint.post("/farming-areas")
@blueprint.response(201, FarmingAreaOut)
@token_required(*WRITERS)
@blueprint.arguments(FarmingAreaCreate, example=FARMING_AREA_EXAMPLE)
def create_farming_area(values: dict[str, Any]) -> FarmingArea:
    """Register a farming area for the caller's cooperative (operators name the cooperative)."""
    return service.create_farming_area(db.session, api_caller(), values)


@blueprint.get(f"/farming-areas/{ID}")
@blueprint.response(200, FarmingAreaOut)
@token_required()
def get_farming_area(farming_area_id: int) -> FarmingArea:
    """One farming area; another tenant's answers 404."""
    return service.get_farming_area(db.session, api_caller(), farming_area_id)


@blueprint.patch(f"/farming-areas/{ID}")
@blueprint.response(200, FarmingAreaOut)
@token_required(*WRITERS)
@blueprint.arguments(FarmingAreaUpdate)
def update_farming_area(changes: dict[str, Any], farming_area_id: int) -> FarmingArea:
    """Change the given fields; fields not given stay as they are."""
    return service.update_farming_area(db.session, api_caller(), farming_area_id, changes)


@blueprint.post(f"/farming-areas/{ID}/archive")
@blueprint.response(200, FarmingAreaOut)
@token_required(*WRITERS)
def archive_farming_area(farming_area_id: int) -> FarmingArea:
    """Hide a farming area from lists and new batches; its history stays."""
    return service.archive_farming_area(db.session, api_caller(), farming_area_id)
