"""The job page: progress while it runs (refreshed by itself), then the problems or the
download; its JSON for the page's script; the download itself."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, send_file
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _

from trace.auth.access import login_required
from trace.common.views import caller
from trace.db import db
from trace.errors import NotFound
from trace.jobs import files
from trace.jobs.models import JobKind
from trace.jobs.services import job_for_caller
from trace.jobs.status import JobStatus, job_status

blueprint = Blueprint("jobs", __name__)

# The page reloads itself this often while the job runs (a meta refresh without script).
REFRESH_SECONDS = 3
# The import page lists this many problems; a file with more is mostly wrong in one way.
MAX_PROBLEMS_SHOWN = 1000


@blueprint.get("/jobs/<string(length=22):public_id>")
@login_required
def job(public_id: str) -> ResponseReturnValue:
    status = job_status(job_for_caller(db.session, public_id, caller()))
    problems = status.job.problems or []
    page = render_template(
        "jobs/job.html",
        status=status,
        progress_text=progress_text(status),
        refresh_seconds=REFRESH_SECONDS,
        problems=problems[:MAX_PROBLEMS_SHOWN],
        problem_count=len(problems),
        bad_row_count=len({problem["row"] for problem in problems}),
    )
    return _private(Response(page))


@blueprint.get("/jobs/<string(length=22):public_id>.json")
@login_required
def job_json(public_id: str) -> ResponseReturnValue:
    """What the page's script needs to update the progress without reloading."""
    status = job_status(job_for_caller(db.session, public_id, caller()))
    return _private(
        jsonify(
            state=status.job.state.value,
            is_finished=status.job.is_finished,
            share=status.share,
            done=status.done,
            total=status.total,
            progress_text=progress_text(status),
        )
    )


@blueprint.get("/jobs/<string(length=22):public_id>/download")
@login_required
def download(public_id: str) -> ResponseReturnValue:
    return download_response(job_status(job_for_caller(db.session, public_id, caller())))


def download_response(status: JobStatus) -> Response:
    """The label run's file while it is kept; afterwards (or before it is made) a 404."""
    path = files.result_path(status.job.public_id)
    if not status.has_download or not path.is_file():
        raise NotFound()
    response = send_file(
        path,
        mimetype=status.job.result_media_type,
        as_attachment=True,
        download_name=status.job.result_name,
    )
    return _private(response)


def progress_text(status: JobStatus) -> str:
    """ "1.200 of 5.000 rows (24%)", or labels; empty before the total is known."""
    if status.total is None:
        return ""
    numbers = {
        "done": format_decimal(status.done),
        "total": format_decimal(status.total),
        "share": status.share,
    }
    if status.job.kind is JobKind.IMPORT:
        return _("%(done)s of %(total)s rows (%(share)s%%)", **numbers)
    return _("%(done)s of %(total)s labels (%(share)s%%)", **numbers)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response
