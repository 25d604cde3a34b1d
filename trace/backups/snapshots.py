"""What a snapshot hands the archive: its time, revision, rows, upload keys and native part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class BackupFailed(Exception):
    """Raised when a backup cannot be taken; the message is the one-line reason."""


@dataclass(frozen=True)
class Snapshot:
    """One consistent view of the database, staged on disk, ready to be archived."""

    engine: str  # "sqlite" or "postgresql"
    server_version: str
    taken_at: datetime  # every commit acknowledged before this time is in the snapshot
    revision: str
    tables: dict[str, int]
    storage_keys: list[str]
    native_part: str | None  # the archive member holding the native snapshot, if any
    native_path: Path | None
    native_format: str | None
    fallback: str | None  # why there is no native snapshot, when there is none
