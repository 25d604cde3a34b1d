"""The site's own pages: the front page, the signed-in dashboard, liveness and readiness."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import text

from trace.auth.access import login_required
from trace.common.communes import find_commune
from trace.db import db
from trace.web.dashboard import cooperative_overviews
from trace.web.readiness import check_readiness

blueprint = Blueprint("site", __name__)


@blueprint.get("/")
def home() -> str:
    return render_template("home.html")


@blueprint.get("/dashboard")
@login_required
def dashboard() -> str:
    user = current_user._get_current_object()
    return render_template(
        "dashboard.html",
        overviews=cooperative_overviews(db.session, user),
        commune=find_commune(user.commune_code) if user.commune_code else None,
    )


@blueprint.get("/healthz")
def health() -> ResponseReturnValue:
    """For load balancers: answers 200 once the database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readiness() -> ResponseReturnValue:
    """For load balancers and orchestrators: 200 when this worker should get traffic, 503
    naming the reasons when not (``web/readiness.py``). Never cached."""
    checked = check_readiness(db.session)
    if checked.is_ready:
        response = jsonify(status="ready")
    else:
        response = jsonify(status="unready", reasons=list(checked.reasons))
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response
