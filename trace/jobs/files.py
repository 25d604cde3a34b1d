"""A job's files on disk: the upload it works on and the download it makes.

Each job has a folder in ``TRACE_UPLOAD_DIR/jobs`` named by its random public id (checked
before it is joined to a path); no name a user chose ever reaches a path.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePath

from flask import current_app

PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
INPUT_SUFFIXES = frozenset({".csv", ".txt", ".xlsx"})
RESULT_NAME = "result"


def jobs_folder() -> Path:
    return Path(current_app.config["TRACE_UPLOAD_DIR"]) / "jobs"


def job_folder(public_id: str) -> Path:
    if not PUBLIC_ID.match(public_id):
        raise ValueError("not a job's public id")
    return jobs_folder() / public_id


def input_path(public_id: str, filename: str) -> Path:
    """Where the upload waits: its suffix kept (the reader tells CSV from XLSX by it)."""
    suffix = PurePath(filename).suffix.lower()
    return job_folder(public_id) / f"input{suffix if suffix in INPUT_SUFFIXES else ''}"


def save_input(public_id: str, filename: str, data: bytes) -> Path:
    path = input_path(public_id, filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def result_path(public_id: str) -> Path:
    return job_folder(public_id) / RESULT_NAME


def remove_input(public_id: str, filename: str) -> None:
    input_path(public_id, filename).unlink(missing_ok=True)


def remove_folder(public_id: str) -> None:
    shutil.rmtree(job_folder(public_id), ignore_errors=True)
