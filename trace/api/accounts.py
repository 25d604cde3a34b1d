"""API: who the token belongs to."""

from __future__ import annotations

from flask_smorest import Blueprint

from trace.api.auth import api_caller, token_required
from trace.auth.models import User
from trace.auth.schemas import UserOut

blueprint = Blueprint("api_accounts", __name__, description="The caller's own account")


@blueprint.get("/me")
@blueprint.response(200, UserOut)
@token_required()
def me() -> User:
    """The account that the bearer token belongs to."""
    return api_caller()
