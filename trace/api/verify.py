"""API: verify a label code. Public (consumers' apps, other systems) and rate-limited."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint

from trace.db import db
from trace.extensions import limiter
from trace.verification.answers import verification_answer
from trace.verification.schemas import VERIFY_EXAMPLE, VerificationOut, VerifyIn
from trace.verification.services import verify_code

blueprint = Blueprint("api_verify", __name__, description="Verify a label code; no token needed")


def _verify_rate_limit() -> str:
    return str(current_app.config["TRACE_VERIFY_RATE_LIMIT"])


@blueprint.post("/verify")
@limiter.limit(_verify_rate_limit)
@blueprint.doc(security=[])
@blueprint.arguments(VerifyIn, example=VERIFY_EXAMPLE)
@blueprint.response(200, VerificationOut)
@blueprint.alt_response(429, description="Too many checks from this address: wait a minute.")
def verify(body: dict[str, Any]) -> dict[str, Any]:
    """Check a scanned code: the signature, the key, and whether the platform issued it.

    Any text gets an answer: `valid` is true only for a genuine code of a batch that is not
    recalled, and `reason` names one of: valid, malformed code, unknown key, bad signature,
    revoked key, unknown batch, recalled batch. The batch's public facts come with a valid
    or recalled answer.
    """
    return verification_answer(verify_code(db.session, body["code"]))
