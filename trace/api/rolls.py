"""API: rolls of pre-printed codes (list, print, show, their file) and activating a range
of them on a batch, at packing.

The rules are the roll pages' (``trace.rolls.views``): the same services create a roll and
check the file's choices, so a request refused here is refused there with the same reason.
Like the pages, rolls are for the cooperative's staff and operators only.
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE

from trace.api.auth import api_caller, token_required
from trace.api.batches import writable_batch
from trace.api.labels import job_accepted
from trace.auth.models import Role
from trace.common.pagination import Page
from trace.db import db, writes
from trace.errors import InvalidInput
from trace.jobs.schemas import JobOut
from trace.rolls import services
from trace.rolls.activation import Activation, activate_range
from trace.rolls.jobs import is_large_roll, start_roll_job
from trace.rolls.models import Roll
from trace.rolls.printing import read_roll_options, roll_file
from trace.rolls.schemas import (
    ROLL_EXAMPLE,
    ActivationIn,
    ActivationOut,
    RollCreate,
    RollLabelArgs,
    RollListArgs,
    RollOut,
    RollPage,
)

blueprint = Blueprint(
    "api_rolls", __name__, description="Rolls of pre-printed codes, activated on a batch"
)

ID = "<id:roll_id>"
WRITERS = (Role.OPERATOR, Role.COOPERATIVE)
_BINARY = {"schema": {"type": "string", "format": "binary"}}
ROLL_FILE = {
    "description": "Every code of the roll once: a PDF, or with format=tspl or zpl one job "
    "for the thermal printer. The X-Label-Report header tells whether phones read the codes "
    "on the stickers chosen, and which lines did not fit.",
    "content": {"application/pdf": _BINARY, "application/octet-stream": _BINARY},
}


@blueprint.get("/rolls")
@blueprint.response(200, RollPage)
@token_required(*WRITERS)
@blueprint.arguments(RollListArgs, location="query", unknown=RAISE, as_kwargs=True)
def list_rolls(page: int, per_page: int) -> Page[Roll]:
    """The rolls of the caller's cooperative (operators: every one), newest first."""
    return services.list_rolls(db.session, api_caller(), page, per_page)


@blueprint.post("/rolls")
@blueprint.response(
    201,
    RollOut,
    headers={"Location": {"description": "The roll's URL.", "schema": {"type": "string"}}},
)
@token_required(*WRITERS)
@blueprint.arguments(RollCreate, example=ROLL_EXAMPLE)
def create_roll(body: dict[str, Any]) -> tuple[Roll, dict[str, str]]:
    """Sign and store a roll of `count` codes (1 to 10,000), numbered after the last roll
    under the same GTIN or prefix: under a product's GTIN (`product_id`, a product with a
    GTIN, not archived) or the cooperative's prefix (`cooperative_id`), exactly one."""
    field = "product_id" if "product_id" in body else "cooperative_id"
    kind = services.PRODUCT_TARGET if field == "product_id" else services.PREFIX_TARGET
    values = {"target": f"{kind}:{body[field]}", "count": body["count"]}
    try:
        roll = services.create_roll(db.session, api_caller(), values)
    except InvalidInput as error:
        # The service names the page's field; the caller sent this one.
        errors = {
            field if name == "target" else name: words for name, words in error.errors.items()
        }
        raise InvalidInput(errors=errors) from error
    return roll, {"Location": url_for("api_rolls.get_roll", roll_id=roll.id)}


@blueprint.get(f"/rolls/{ID}")
@blueprint.response(200, RollOut)
@token_required(*WRITERS)
def get_roll(roll_id: int) -> Roll:
    """One roll; another cooperative's answers 404."""
    return services.get_roll(db.session, api_caller(), roll_id)


@blueprint.get(f"/rolls/{ID}/labels")
@blueprint.response(200, content_type="application/pdf", description="The roll, as PDF.")
@blueprint.alt_response(
    202,
    schema=JobOut,
    description="A roll of more codes than the job threshold (1,000 unless set): the file "
    "is drawn by a job; the Location header names it, whose download_url gives the file.",
)
@blueprint.doc(responses={"200": ROLL_FILE})
@token_required(*WRITERS)
@blueprint.arguments(RollLabelArgs, location="query", unknown=RAISE, as_kwargs=True)
@writes
def roll_labels(roll_id: int, **args: Any) -> Response:
    """The roll's file, drawn from its stored codes, so asking again issues nothing and
    gives the same codes; the roll page's choices, refused (422) as there."""
    caller = api_caller()
    roll = services.get_roll(db.session, caller, roll_id)
    options = read_roll_options(args)
    if is_large_roll(roll):
        return job_accepted(start_roll_job(db.session, caller, roll, options))
    return roll_file(db.session, roll, options)


@blueprint.post("/batches/<id:batch_id>/activations")
@blueprint.response(201, ActivationOut)
@token_required(*WRITERS)
@writable_batch
@blueprint.arguments(ActivationIn, example={"first": "R0001-00001", "last": "R0001-00500"})
def activate(body: dict[str, Any], batch_id: int) -> Activation:
    """Activate the codes `first`..`last` of one roll on the batch: all or none. 409 when a
    code of the range is already active, the roll is another product's or cooperative's,
    or the batch is recalled; 422 when the range crosses rolls or cannot be read."""
    return activate_range(db.session, api_caller(), batch_id, body["first"], body["last"])
