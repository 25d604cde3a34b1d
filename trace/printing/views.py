"""The print page: choose a layout and lines, preview the first sheet, download the file.

Both buttons post the form. "Preview" answers the page again with an image of the first
sheet (``preview.png``, a GET that issues nothing); "Download" answers the file, and for a
serialised run issues its unit codes first, so it must be a POST with a CSRF token.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from trace.auth.access import roles_required
from trace.auth.models import Role, User
from trace.batches.models import Batch
from trace.batches.services.batches import get_batch_for_writing
from trace.common.views import caller
from trace.db import commit_before_rendering, db, writes
from trace.errors import InvalidInput
from trace.jobs.models import JobKind
from trace.jobs.services import recent_jobs
from trace.jobs.status import JobStatus, job_status
from trace.printing.forms import PrintForm
from trace.printing.jobs import is_large_run, start_labels_job
from trace.printing.options import CUSTOM_FIELDS, read_options
from trace.printing.report import RunSummary
from trace.printing.responses import file_response
from trace.printing.services import page_summary, preview_run, print_run

blueprint = Blueprint("printing", __name__)

ID = "<id:batch_id>"
PREVIEW_DPI = 150


@blueprint.route(f"/batches/{ID}/labels", methods=["GET", "POST"])
@roles_required(Role.OPERATOR, Role.COOPERATIVE)
@writes
def labels(batch_id: int) -> ResponseReturnValue:
    """The form; with good choices, the first sheet's preview and what it tells (codes too
    small for phones, lines that do not fit), before anything is issued."""
    user = caller()
    batch = get_batch_for_writing(db.session, user, batch_id)
    form = PrintForm()
    preview_url = None
    summary: RunSummary | None = None
    if request.method == "GET" or form.validate():
        try:
            options = read_options(form.values())
        except InvalidInput as error:
            form.attach_errors(error.errors)
        else:
            if request.method == "POST" and request.form.get("action") == "download":
                return _download(user, batch, form.values())
            preview_url = url_for("printing.preview", batch_id=batch_id, **_query(form.values()))
            summary = page_summary(db.session, user, batch_id, options)
    status = 422 if form.errors else 200
    page = render_template(
        "printing/labels.html",
        batch=batch,
        form=form,
        preview_url=preview_url,
        summary=summary,
        custom_fields=CUSTOM_FIELDS,
        recent_jobs=_recent_runs(user, batch),
    )
    return page, status


@blueprint.get(f"/batches/{ID}/labels/preview.png")
@roles_required(Role.OPERATOR, Role.COOPERATIVE)
@writes
def preview(batch_id: int) -> ResponseReturnValue:
    """The first sheet as an image, at screen resolution; nothing is issued."""
    user = caller()
    get_batch_for_writing(db.session, user, batch_id)
    values: dict[str, Any] = dict(request.args.items())
    options = read_options({**values, "format": "png", "dpi": PREVIEW_DPI})
    return file_response(preview_run(db.session, user, batch_id, options), as_attachment=False)


def _download(user: User, batch: Batch, values: dict[str, Any]) -> Any:
    """The file at once, or for a large run (``TRACE_JOB_THRESHOLD_LABELS``) its job's page."""
    options = read_options(values)
    if is_large_run(options):
        job = start_labels_job(db.session, user, batch, values)
        return redirect(url_for("jobs.job", public_id=job.public_id), 303)
    run = print_run(db.session, user, batch.id, options)
    commit_before_rendering(db.session)
    return file_response(run, as_attachment=True)


def _recent_runs(user: User, batch: Batch) -> list[JobStatus]:
    """The last day's large runs of this batch, so a job page left behind is found again."""
    runs = recent_jobs(db.session, user, JobKind.LABELS, batch.cooperative_id)
    return [job_status(job) for job in runs if job.parameters.get("batch_id") == batch.id]


def _query(values: dict[str, Any]) -> dict[str, Any]:
    """The preview's query string: the options that change how the first sheet looks."""
    query = {
        "layout": values["layout"],
        "count": values["count"],
        "serialised": "true" if values["serialised"] else "false",
        "lines": ",".join(values["lines"]),
        "language": values["language"],
    }
    if values["layout"] == "custom":
        query.update({name: values[name] for name in CUSTOM_FIELDS})
    return query
