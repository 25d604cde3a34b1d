"""Large label runs as jobs: a worker issues the codes and draws the file into the job's
download, kept ``KEEP_DOWNLOADS``; a smaller run is still drawn within the request."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.batches.models import Batch
from trace.db import commit_before_rendering
from trace.errors import TraceError
from trace.jobs import files
from trace.jobs.models import Job, JobKind
from trace.jobs.progress import ProgressWriter
from trace.jobs.running import Outcome, failure_of, job_runner
from trace.jobs.services import create_job
from trace.printing.options import PrintOptions, read_options
from trace.printing.services import LabelRun, label_texts, print_run

DRAWING = "drawing"


def is_large_run(options: PrintOptions) -> bool:
    """A PDF or printer job of more labels than ``TRACE_JOB_THRESHOLD_LABELS`` (a PNG is one
    sheet)."""
    threshold: int = current_app.config["TRACE_JOB_THRESHOLD_LABELS"]
    return options.format != "png" and options.count > threshold


def start_labels_job(session: Session, user: User, batch: Batch, values: dict[str, Any]) -> Job:
    """Queue a run of ``batch``'s labels with the options ``values`` (checked already)."""
    return create_job(
        session,
        kind=JobKind.LABELS,
        user=user,
        cooperative_id=batch.cooperative_id,
        parameters={
            "language": str(get_locale() or "vi"),
            "batch_id": batch.id,
            "batch_code": batch.code,
            "options": values,
        },
    )


@job_runner(JobKind.LABELS)
def run_labels(session: Session, job: Job, user: User, report: ProgressWriter) -> Outcome:
    """Issue the run's codes and commit them, then draw the file outside any transaction."""
    try:
        options = read_options(job.parameters["options"])
        run = print_run(session, user, job.parameters["batch_id"], options)
    except TraceError as error:
        raise failure_of(error) from error
    label_texts(run.batch, options)  # loads what the labels show before the commit
    commit_before_rendering(session)
    return draw_result(job, run, run.file_name, report)


def draw_result(job: Job, run: LabelRun, name: str, report: ProgressWriter) -> Outcome:
    """Draw the run into the job's file named ``name``, telling the labels drawn as each
    page is written; the transaction has ended before (drawing takes long)."""
    per_page, count = run.options.layout.per_page, run.count
    path = files.result_path(job.public_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    report(DRAWING, 0, count)
    with path.open("wb") as out:
        run.render(out, on_page=lambda pages: report(DRAWING, min(pages * per_page, count), count))
    return Outcome(count, count, name, run.media_type)
