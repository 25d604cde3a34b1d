"""API: cooperatives (read-only until the registry resources land)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_smorest import Blueprint
from sqlalchemy import select

from trace.api.auth import api_caller, token_required
from trace.auth.access import get_for_caller, scope_to_caller
from trace.db import db
from trace.registry.models import Cooperative
from trace.registry.schemas.cooperatives import CooperativeOut

blueprint = Blueprint(
    "api_cooperatives", __name__, description="Cooperatives, scoped to what the caller may read"
)


@blueprint.get("/cooperatives")
@blueprint.response(200, CooperativeOut(many=True))
@token_required()
def list_cooperatives() -> Sequence[Cooperative]:
    """The cooperatives the caller may read: their own, their commune's, or all."""
    statement = scope_to_caller(select(Cooperative).order_by(Cooperative.name), Cooperative,
                                api_caller())
    return db.session.scalars(statement).all()


@blueprint.get("/cooperatives/<int(max=2147483647):cooperative_id>")
@blueprint.response(200, CooperativeOut)
@token_required()
def get_cooperative(cooperative_id: int) -> Cooperative:
    """One cooperative; another tenant's answers 404."""
    return get_for_caller(db.session, Cooperative, cooperative_id, api_caller())
