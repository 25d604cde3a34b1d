"""API: activating a range of pre-printed codes on a batch, at packing."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from trace.api.auth import api_caller, token_required
from trace.api.batches import writable_batch
from trace.auth.models import Role
from trace.db import db
from trace.rolls.activation import Activation, activate_range
from trace.rolls.schemas import ActivationIn, ActivationOut

blueprint = Blueprint("api_rolls", __name__, description="Pre-printed codes activated on a batch")


@blueprint.post("/batches/<id:batch_id>/activations")
@blueprint.response(201, ActivationOut)
@token_required(Role.OPERATOR, Role.COOPERATIVE)
@writable_batch
@blueprint.arguments(ActivationIn, example={"first": "R0001-00001", "last": "R0001-00500"})
def activate(body: dict[str, Any], batch_id: int) -> Activation:
    """Activate the codes `first`..`last` of one roll on the batch: all or none. 409 when a
    code of the range is already active, the roll is another product's or cooperative's,
    or the batch is recalled; 422 when the range crosses rolls or cannot be read."""
    return activate_range(db.session, api_caller(), batch_id, body["first"], body["last"])
