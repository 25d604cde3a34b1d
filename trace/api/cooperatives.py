"""API: cooperatives, scoped to what the caller may read; operators register them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.pagination import list_query
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.common.schemas import ListArgs
from trace.db import db
from trace.registry.models import Cooperative
from trace.registry.schemas.cooperatives import (
    CooperativeCreate,
    CooperativeOut,
    CooperativePage,
    CooperativeUpdate,
)
from trace.registry.services import cooperatives as service

blueprint = Blueprint(
    "api_cooperatives", __name__, description="Cooperatives, scoped to what the caller may read"
)

ID = "<id:cooperative_id>"


@blueprint.get("/cooperatives")
@blueprint.response(200, CooperativePage)
@token_required()
@blueprint.arguments(ListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_cooperatives(**args: Any) -> Page[Cooperative]:
    """The cooperatives the caller may read: their own, their commune's, or all."""
    return service.list_cooperatives(db.session, api_caller(), list_query(args))


@blueprint.post("/cooperatives")
@blueprint.response(201, CooperativeOut)
@token_required(Role.OPERATOR)
@blueprint.arguments(CooperativeCreate)
def create_cooperative(values: dict[str, Any]) -> Cooperative:
    """Register a cooperative (operators only)."""
    return service.create_cooperative(db.session, api_caller(), values)


@blueprint.get(f"/cooperatives/{ID}")
@blueprint.response(200, CooperativeOut)
@token_required()
def get_cooperative(cooperative_id: int) -> Cooperative:
    """One cooperative; another tenant's answers 404."""
    return service.get_cooperative(db.session, api_caller(), cooperative_id)


@blueprint.patch(f"/cooperatives/{ID}")
@blueprint.response(200, CooperativeOut)
@token_required(Role.OPERATOR, Role.COOPERATIVE)
@blueprint.arguments(CooperativeUpdate)
def update_cooperative(changes: dict[str, Any], cooperative_id: int) -> Cooperative:
    """Change the given fields; staff keep their own up to date, but only an operator changes
    its tax code, prefix or commune."""
    return service.update_cooperative(db.session, api_caller(), cooperative_id, changes)


@blueprint.post(f"/cooperatives/{ID}/archive")
@blueprint.response(200, CooperativeOut)
@token_required(Role.OPERATOR)
def archive_cooperative(cooperative_id: int) -> Cooperative:
    """Hide a cooperative from lists (operators only); its records and labels stay."""
    return service.archive_cooperative(db.session, api_caller(), cooperative_id)
