"""The public key set: ``GET /.well-known/jwks.json``, for anyone who verifies labels.

Served as ``application/json`` rather than ``application/jwk-set+json``: every JWKS
consumer accepts plain JSON (the big identity providers serve it that way), while some
HTTP clients and browsers' ``fetch().json()`` helpers treat the registered type as opaque.
Cached for five minutes, so a revocation reaches every cache within minutes; the ETag is
the hash of the body, so it changes whenever any key does.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, request

from trace.db import db
from trace.signing.services import key_set

blueprint = Blueprint("signing", __name__)

MAX_AGE_SECONDS = 300


@blueprint.get("/.well-known/jwks.json")
def jwks() -> Response:
    """Every issuing key that ever existed, revoked ones marked ``revoked_at``."""
    body = json.dumps(key_set(db.session), separators=(",", ":"), sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.make_conditional(request)
    return response
