"""A large roll's PDF as a job: the worker draws it into the job's download, as label runs
do (``trace.printing.jobs``); a roll within ``TRACE_JOB_THRESHOLD_LABELS`` is drawn in the
request."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.db import commit_before_rendering
from trace.errors import NotFound
from trace.jobs import files
from trace.jobs.models import Job, JobKind
from trace.jobs.progress import ProgressWriter
from trace.jobs.running import Outcome, failure_of, job_runner
from trace.jobs.services import create_job
from trace.rolls.models import Roll
from trace.rolls.printing import roll_file_name, roll_layout, write_roll_pdf

DRAWING = "drawing"


def is_large_roll(roll: Roll) -> bool:
    threshold: int = current_app.config["TRACE_JOB_THRESHOLD_LABELS"]
    return roll.count > threshold


def start_roll_job(session: Session, user: User, roll: Roll, layout_name: str) -> Job:
    """Queue the drawing of ``roll``'s PDF on the layout named (checked by ``roll_layout``)."""
    return create_job(
        session,
        kind=JobKind.ROLL_LABELS,
        user=user,
        cooperative_id=roll.cooperative_id,
        parameters={
            "language": str(get_locale() or "vi"),
            "roll_id": roll.id,
            "layout": roll_layout(layout_name).name,
        },
    )


@job_runner(JobKind.ROLL_LABELS)
def run_roll_labels(session: Session, job: Job, user: User, report: ProgressWriter) -> Outcome:
    """Draw the roll's stored codes; nothing is issued, so the transaction ends first."""
    roll = session.get(Roll, job.parameters["roll_id"])
    if roll is None:
        raise failure_of(NotFound())
    layout = roll_layout(job.parameters["layout"])
    name, count = roll_file_name(roll), roll.count
    path = files.result_path(job.public_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    report(DRAWING, 0, count)
    with path.open("wb") as out:
        write_roll_pdf(
            session,
            roll,
            layout,
            out,
            language=job.parameters.get("language", "vi"),
            before_drawing=lambda: commit_before_rendering(session),
            on_page=lambda pages: report(DRAWING, min(pages * layout.per_page, count), count),
        )
    return Outcome(count, count, name, "application/pdf")
