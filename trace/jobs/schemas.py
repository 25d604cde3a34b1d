"""The API's shape of a job: its state, progress, problems and download."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields

from trace.jobs.models import JobKind, JobState
from trace.jobs.status import JobStatus


class ProblemOut(Schema):
    row = fields.Integer(required=True, metadata={"description": "As the spreadsheet shows it."})
    column = fields.String(required=True)
    reason = fields.String(required=True)


class JobOut(Schema):
    id = fields.String(attribute="job.public_id", required=True)
    kind = fields.Enum(JobKind, by_value=True, attribute="job.kind", required=True)
    state = fields.Enum(JobState, by_value=True, attribute="job.state", required=True)
    phase = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "While running: checking, saving (imports) or drawing."},
    )
    done = fields.Integer(
        required=True, metadata={"description": "Rows or labels done (of the phase)."}
    )
    total = fields.Integer(allow_none=True, required=True)
    share = fields.Integer(required=True, metadata={"description": "Per cent done, 0-100."})
    message = fields.String(attribute="job.message", allow_none=True, required=True)
    problems = fields.List(
        fields.Nested(ProblemOut),
        attribute="job.problems",
        allow_none=True,
        required=True,
        metadata={"description": "A refused import's rows to correct; nothing was saved."},
    )
    created_at = fields.DateTime(attribute="job.created_at", required=True)
    started_at = fields.DateTime(attribute="job.started_at", allow_none=True, required=True)
    finished_at = fields.DateTime(attribute="job.finished_at", allow_none=True, required=True)
    expires_at = fields.DateTime(
        attribute="job.expires_at",
        allow_none=True,
        required=True,
        metadata={"description": "When the download is deleted (24 hours after it is made)."},
    )
    download_url = fields.Method("_download_url", required=True, allow_none=True)
    download_expired = fields.Boolean(required=True)

    def _download_url(self, status: JobStatus) -> Any:
        if not status.has_download:
            return None
        return url_for("api_jobs.job_file", public_id=status.job.public_id, _external=True)
