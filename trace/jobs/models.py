"""A job: long work (an import, a large label run) a worker does while the user waits."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow, value_enum


class JobKind(enum.StrEnum):
    IMPORT = "import"
    LABELS = "labels"
    ROLL_LABELS = "roll_labels"  # a pre-printed roll's PDF (trace.rolls)


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED_STATES = frozenset({JobState.DONE, JobState.FAILED})


class Job(Base):
    """What the user sees of a job; the work itself waits in the queue under ``public_id``.

    ``public_id`` is random: the only name a job has in URLs, so ids cannot be guessed.
    Live progress while it runs is kept beside the queue (``trace/jobs/progress.py``):
    this row is written when the job is queued, starts and ends.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[JobKind] = mapped_column(value_enum(JobKind, "job_kind"))
    state: Mapped[JobState] = mapped_column(
        value_enum(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("cooperatives.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # What the worker needs besides the input file: the label options, the language...
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The uploaded file as given (shown only, never a path), kept until the job ends.
    input_name: Mapped[str | None] = mapped_column(String(200))
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    # An import's rows to correct: [{"row", "column", "reason"}], in the job's language.
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    message: Mapped[str | None] = mapped_column(String(2000))
    # The download a label run made: its name for the user and its media type.
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_media_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The download is deleted then; the row stays so the page can say it expired.
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    result_deleted_at: Mapped[datetime | None]

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES
