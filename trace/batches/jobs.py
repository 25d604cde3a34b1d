"""Large imports as jobs: the upload is saved and queued, a worker checks it as a reader
and saves it in one transaction; a small file is still imported within the request
(``views/importing.py``)."""

from __future__ import annotations

from pathlib import PurePath

from flask import current_app
from flask_babel import get_locale
from sqlalchemy.orm import Session

from trace.auth.models import User
from trace.batches.services.importing import importing_cooperative, prepare_import, save_import
from trace.batches.services.importing.checks import ImportRefused, Phase, match_columns
from trace.common.spreadsheet_size import estimated_rows
from trace.common.spreadsheets import read_headers
from trace.db import db
from trace.errors import TraceError
from trace.jobs import files
from trace.jobs.models import Job, JobKind
from trace.jobs.progress import ProgressWriter
from trace.jobs.running import JobFailure, Outcome, failure_of, job_runner
from trace.jobs.services import create_job

MAX_NAME_CHARACTERS = 200


def is_large_import(data: bytes, filename: str) -> bool:
    """More rows than ``TRACE_JOB_THRESHOLD_ROWS``, or a workbook that does not say."""
    rows = estimated_rows(data, filename)
    return rows is None or rows > current_app.config["TRACE_JOB_THRESHOLD_ROWS"]


def start_import_job(
    session: Session, user: User, data: bytes, filename: str, cooperative_id: int | None
) -> Job:
    """Queue the import of ``data`` for the cooperative the user may import into, once its
    type, size and columns are right: those are answered at once, the rows by the job."""
    cooperative = importing_cooperative(session, user, cooperative_id)
    match_columns(read_headers(data, filename))
    job = create_job(
        session,
        kind=JobKind.IMPORT,
        user=user,
        cooperative_id=cooperative.id,
        parameters={"language": str(get_locale() or "vi")},
        input_name=PurePath(filename).name[-MAX_NAME_CHARACTERS:],
    )
    files.save_input(job.public_id, filename, data)
    return job


@job_runner(JobKind.IMPORT, reads_first=True)
def run_import(session: Session, job: Job, user: User, report: ProgressWriter) -> Outcome:
    """The import as the page does it; refused rows become the job's list of problems.

    The file is read, checked and its codes signed as a reader; on SQLite the write lock is
    taken only to insert (6 s of a 100,000-row file's 12 here), so the clerks' own writes
    meanwhile wait less than their busy timeout."""
    name = job.input_name or ""
    data = files.input_path(job.public_id, name).read_bytes()

    def on_progress(phase: Phase, done: int, total: int) -> None:
        report(phase.value, done, total)

    try:
        prepared = prepare_import(session, user, data, name, job.cooperative_id, on_progress)
        session.commit()
        db.begin_writing()
        result = save_import(session, user, prepared, on_progress)
    except ImportRefused as refused:
        problems = [
            {"row": problem.row, "column": str(problem.column), "reason": str(problem.reason)}
            for problem in refused.problems
        ]
        raise JobFailure(str(refused.message), problems) from refused
    except TraceError as error:  # a bad file, or a lot taken since it was checked
        raise failure_of(error) from error
    return Outcome(done=result.count, total=result.count)
