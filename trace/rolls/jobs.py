"""A large roll's file (PDF, TSPL or ZPL) as a job: the worker draws it into the job's
download, as label runs do (``trace.printing.jobs``); a roll within
``TRACE_JOB_THRESHOLD_LABELS`` is drawn in the request."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.db import commit_before_rendering
from trace.errors import NotFound, TraceError
from trace.jobs.models import Job, JobKind
from trace.jobs.progress import ProgressWriter
from trace.jobs.running import Outcome, failure_of, job_runner
from trace.jobs.services import create_job
from trace.printing.jobs import draw_result
from trace.printing.options import PrintOptions
from trace.rolls.models import Roll
from trace.rolls.printing import read_roll_options, roll_run


def is_large_roll(roll: Roll) -> bool:
    threshold: int = current_app.config["TRACE_JOB_THRESHOLD_LABELS"]
    return roll.count > threshold


def start_roll_job(session: Session, user: User, roll: Roll, options: PrintOptions) -> Job:
    """Queue the drawing of ``roll``'s file as ``options`` (from ``read_roll_options``) ask."""
    return create_job(
        session,
        kind=JobKind.ROLL_LABELS,
        user=user,
        cooperative_id=roll.cooperative_id,
        parameters={
            "language": options.language,
            "roll_id": roll.id,
            "layout": options.layout.name,
            "format": options.format,
            "dpi": options.dpi,
        },
    )


@job_runner(JobKind.ROLL_LABELS)
def run_roll_labels(session: Session, job: Job, user: User, report: ProgressWriter) -> Outcome:
    """Draw the roll's stored codes; nothing is issued, so the transaction ends first. A job
    queued before thermal printers were offered has no format: it is a PDF."""
    roll = session.get(Roll, job.parameters["roll_id"])
    if roll is None:
        raise failure_of(NotFound())
    try:
        options = read_roll_options(job.parameters)
    except TraceError as error:
        raise failure_of(error) from error
    run = roll_run(session, roll, options)
    name = run.file_name  # read before the commit, which expires the roll
    commit_before_rendering(session)
    return draw_result(job, run, name, report)
