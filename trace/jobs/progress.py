"""Live progress of running jobs, kept beside the queue (huey's key-value store).

Not in the job row: an import holds its database transaction from the first row checked
to the last row saved, and on SQLite that transaction holds the write lock, which a
progress write to the same database would wait for in vain. The queue's own store (a
SQLite file of its own, or Redis) takes a short write at any time. Each write is also the
worker's heartbeat: a running job with none for ``STALE_AFTER`` lost its worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from huey import Huey

# At most one write a second: a 100,000-row import reports every row.
WRITE_EVERY_SECONDS = 1.0
# The slowest step between two reports (reading a 20 MB workbook) takes seconds.
STALE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Progress:
    """How far a job has gone: in which phase, how many of how many, when it last said so."""

    phase: str
    done: int
    total: int
    at: datetime

    @property
    def share(self) -> int:
        """Per cent done, 0 to 100."""
        return min(100, self.done * 100 // self.total) if self.total else 0


def _key(public_id: str) -> str:
    return f"trace.progress.{public_id}"


class ProgressWriter:
    """Called by a job as it goes; writes to the store at most once a second."""

    def __init__(self, huey: Huey, public_id: str) -> None:
        self.huey = huey
        self.public_id = public_id
        self.written_at = 0.0
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        is_phase_end = done >= total or phase != self.phase
        if not is_phase_end and now - self.written_at < WRITE_EVERY_SECONDS:
            return
        self.written_at, self.phase = now, phase
        record = {"phase": phase, "done": done, "total": total, "at": datetime.now(UTC)}
        self.huey.put(_key(self.public_id), record)


def read_progress(huey: Huey, public_id: str) -> Progress | None:
    record: dict[str, Any] | None = huey.get(_key(public_id), peek=True)
    if not record:
        return None
    return Progress(record["phase"], record["done"], record["total"], record["at"])


def forget_progress(huey: Huey, public_id: str) -> None:
    huey.get(_key(public_id))  # reading without peeking removes it
