"""What consumers send back from the public page: a position they chose to share, a report.

Neither needs an account. The position is proven theirs by the token the page gave them;
the report form has a CSRF token like every form, and inspectors read what it files.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from trace.alerts.views import refresh_after_scans
from trace.db import db
from trace.errors import InvalidInput
from trace.extensions import csrf, limiter
from trace.feedback.services import file_report
from trace.lookup.paths import MalformedPath, read_path
from trace.lookup.services import find_label
from trace.scans.services import add_position

blueprint = Blueprint("feedback", __name__)
# Generous for a market full of phones behind one address, tight for a script.
FEEDBACK_RATE_LIMIT = "30 per minute"


class ReportForm(FlaskForm):
    code = HiddenField()
    scan = HiddenField()
    message = TextAreaField(
        _l("What is wrong?"),
        description=_l("Where you bought it, when, and what made you doubt it."),
    )
    contact = StringField(
        _l("Your phone or email (optional)"),
        description=_l("Only inspectors see it, to ask you more if they need to."),
    )


@blueprint.post("/scans/<id:scan_id>/position")
@csrf.exempt
@limiter.limit(FEEDBACK_RATE_LIMIT)
def share_position(scan_id: int) -> ResponseReturnValue:
    """The visitor's consented position for the scan the page just recorded."""
    body: Any = request.get_json(silent=True)
    if not isinstance(body, dict):
        body = {}
    try:
        add_position(
            db.session, scan_id, body.get("token"), body.get("latitude"), body.get("longitude")
        )
    except InvalidInput as error:
        return jsonify(code=422, message=str(error.message), errors=error.errors), 422
    refresh_after_scans()
    return jsonify(message=_("Thank you: your position was added to this scan."))


@blueprint.route("/report", methods=["GET", "POST"])
@limiter.limit(FEEDBACK_RATE_LIMIT, methods=["POST"])
def report() -> ResponseReturnValue:
    """A consumer tells the inspectors about a suspect product."""
    form = ReportForm(code=request.args.get("code", ""), scan=request.args.get("scan", ""))
    if form.validate_on_submit():
        scan = form.scan.data or ""
        try:
            file_report(
                db.session,
                code_text=form.code.data or "",
                message=form.message.data,
                contact=form.contact.data,
                batch_id=_batch_named_by(form.code.data or ""),
                scan_id=int(scan) if scan.isascii() and scan.isdigit() else None,
            )
        except InvalidInput as error:
            for name, messages in error.errors.items():
                field = form._fields.get(name)
                (field.errors if field is not None else form.form_errors).extend(messages)
        else:
            return render_template("lookup/reported.html")
    status = 422 if request.method == "POST" else 200
    return render_template("lookup/report.html", form=form), status


def _batch_named_by(code_text: str) -> int | None:
    """The batch a reported code's path names, if it names one we know."""
    try:
        path = read_path(urlsplit(code_text).path)
    except (MalformedPath, ValueError):
        return None
    found = find_label(db.session, path)
    return found.batch.id if found is not None else None
