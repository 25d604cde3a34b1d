"""API: a job's state and progress, and the file a label run made."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from trace.api.auth import api_caller, token_required
from trace.db import db
from trace.jobs.schemas import JobOut
from trace.jobs.services import job_for_caller
from trace.jobs.status import JobStatus, job_status
from trace.jobs.views import download_response

blueprint = Blueprint(
    "api_jobs", __name__, description="Long work done in the background: imports, label runs"
)

PUBLIC_ID = "<string(length=22):public_id>"


@blueprint.get(f"/jobs/{PUBLIC_ID}")
@blueprint.response(200, JobOut)
@token_required()
def job(public_id: str) -> JobStatus:
    """A job of the caller's cooperative (operators: any): its state, progress while it
    runs, then the rows to correct or the download's URL. Poll it every few seconds."""
    return job_status(job_for_caller(db.session, public_id, api_caller()))


@blueprint.get(f"/jobs/{PUBLIC_ID}/file")
@blueprint.response(
    200, content_type="application/pdf", description="The label run's file, kept 24 hours."
)
@token_required()
def job_file(public_id: str) -> Response:
    """The file a label run made; 404 once it has expired."""
    return download_response(job_status(job_for_caller(db.session, public_id, api_caller())))
