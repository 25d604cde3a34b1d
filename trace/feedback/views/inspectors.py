"""Consumers' reports in the inspectors' queue: the code, what the buyer wrote, the code's
scans, and a button to mark each seen or closed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.batches.models import Batch
from trace.common.views import caller
from trace.db import db
from trace.feedback.models import ReportStatus
from trace.feedback.services import list_reports, set_report_status
from trace.scans.history import scans_of_codes
from trace.verification.answers import VERDICT_TITLES

blueprint = Blueprint("reports", __name__)

READERS = (Role.OPERATOR, Role.INSPECTOR)
SCANS_SHOWN = 10
STATUS_NAMES = {
    ReportStatus.NEW: _l("new"),
    ReportStatus.SEEN: _l("seen"),
    ReportStatus.CLOSED: _l("closed"),
}


@blueprint.get("/reports")
@roles_required(*READERS)
def reports() -> ResponseReturnValue:
    status_text = request.args.get("status", ReportStatus.NEW.value)
    status = ReportStatus(status_text) if status_text in set(ReportStatus) else None
    listed = list_reports(db.session, status=status)
    batch_ids = {report.batch_id for report in listed if report.batch_id is not None}
    batches = {
        batch.id: batch
        for batch in db.session.scalars(
            select(Batch)
            .where(Batch.id.in_(batch_ids))
            .options(joinedload(Batch.product), joinedload(Batch.cooperative))
        )
    }
    scans = scans_of_codes(db.session, [report.code_text for report in listed], SCANS_SHOWN)
    return render_template(
        "feedback/queue.html",
        reports=listed,
        status=status,
        batches=batches,
        scans={report.id: scans[report.code_text] for report in listed},
        status_names=STATUS_NAMES,
        verdict_titles=VERDICT_TITLES,
    )


@blueprint.post("/reports/<id:report_id>/status")
@roles_required(*READERS)
def report_status(report_id: int) -> ResponseReturnValue:
    report = set_report_status(db.session, caller(), report_id, request.form.get("status"))
    flash(_("Report marked as %(status)s.", status=STATUS_NAMES[report.status]), "success")
    return redirect(url_for("reports.reports", status=request.args.get("back") or None))
