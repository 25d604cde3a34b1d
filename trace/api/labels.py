"""API: a batch's labels as a print-ready PDF, a PNG of one sheet, or a thermal printer's job."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from flask_smorest import Blueprint
from marshmallow import RAISE, fields, validate

from trace.api.auth import api_caller, token_required
from trace.auth.models import User
from trace.batches.services.batches import get_batch, get_batch_for_writing
from trace.common.schemas import InputSchema
from trace.db import commit_before_rendering, db, writes
from trace.jobs.models import Job
from trace.jobs.schemas import JobOut
from trace.jobs.status import job_status
from trace.printing.jobs import is_large_run, start_labels_job
from trace.printing.options import (
    DPI_RANGE,
    FORMATS,
    LANGUAGES,
    MAX_LABELS,
    LabelLine,
    read_options,
)
from trace.printing.responses import file_response
from trace.printing.services import print_run

blueprint = Blueprint("api_labels", __name__, description="Print-ready labels of a batch")

ID = "<id:batch_id>"
_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILES = {
    "description": "Every sheet as a PDF; with format=png one sheet; with format=tspl or zpl "
    "one job for the thermal printer, every label in it.",
    "content": {
        "application/pdf": _BINARY,
        "image/png": _BINARY,
        "application/octet-stream": _BINARY,
    },
}


class LabelArgs(InputSchema):
    format = fields.String(
        load_default="pdf",
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "pdf (every sheet), png (one sheet), or a thermal printer's job for a "
            "roll layout: tspl (TSC, Xprinter, Gprinter) or zpl (Zebra), to send raw."
        },
    )
    layout = fields.String(
        load_default="a4-3x8",
        metadata={"description": "roll-50x30, roll-40x25, a4-3x8, a4-4x10 or custom."},
    )
    count = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_LABELS))
    serialised = fields.Boolean(
        load_default=False,
        metadata={"description": "Issue one unit code per label (needs write access)."},
    )
    lines = fields.String(
        metadata={
            "description": "Comma-separated lines to show (all when absent): "
            + ", ".join(line.value for line in LabelLine)
        }
    )
    language = fields.String(load_default="vi", validate=validate.OneOf(LANGUAGES))
    dpi = fields.Integer(
        validate=validate.Range(*DPI_RANGE),
        metadata={
            "description": "A PNG's resolution (300 unless given); for tspl and zpl the "
            "thermal printer's, 203 or 300 (203 unless given)."
        },
    )
    width_mm = fields.Float(metadata={"description": "Custom layout: label width."})
    height_mm = fields.Float(metadata={"description": "Custom layout: label height."})
    columns = fields.Integer(validate=validate.Range(min=1, max=50))
    rows = fields.Integer(validate=validate.Range(min=1, max=50))
    margin_left_mm = fields.Float()
    margin_top_mm = fields.Float()
    gap_x_mm = fields.Float()
    gap_y_mm = fields.Float()
    printable_margin_mm = fields.Float(
        metadata={
            "description": "Custom layout: the edge the printer cannot print, 0-20 mm "
            "(5 on a sheet, 0 on a roll, unless given)."
        }
    )


@blueprint.get(f"/batches/{ID}/labels")
@blueprint.response(200, content_type="application/pdf", description="Every sheet, as PDF.")
@blueprint.alt_response(
    202,
    schema=JobOut,
    description="A PDF or printer job of more labels than the job threshold (1,000 unless "
    "set): the run is queued; the Location header names the job, whose download_url gives "
    "the file once done.",
)
# One 200 with its three kinds of file: alt_response would replace the 200 it shares a code with.
@blueprint.doc(responses={"200": FILES})
@token_required()
@blueprint.arguments(LabelArgs, location="query", unknown=RAISE, as_kwargs=True)
@writes
def batch_labels(batch_id: int, **args: Any) -> Response:
    """The batch's labels: `count` copies of its code, or with `serialised=true` `count`
    newly issued unit codes, one per label, each with its serial printed under the code."""
    options = read_options(args)
    caller = api_caller()
    if is_large_run(options):
        return _queued(caller, batch_id, options.is_serialised, args)
    run = print_run(db.session, caller, batch_id, options)
    commit_before_rendering(db.session)
    return file_response(run, as_attachment=False)


def _queued(caller: User, batch_id: int, is_serialised: bool, args: dict[str, Any]) -> Response:
    """Queue the run as a job; a serialised run needs write access now."""
    find = get_batch_for_writing if is_serialised else get_batch
    job = start_labels_job(db.session, caller, find(db.session, caller, batch_id), args)
    return job_accepted(job)


def job_accepted(job: Job) -> Response:
    """202 with the queued job, its URL in Location, for a run too large for one request."""
    response = jsonify(JobOut().dump(job_status(job)))
    response.status_code = 202
    response.headers["Location"] = url_for("api_jobs.job", public_id=job.public_id)
    return response
