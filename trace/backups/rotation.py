"""``backup --keep N DIR``: archives named by their UTC time, the newest N kept.

Only files named as this command names them are counted or deleted; anything else in the
directory (another program's files, a ``.partial`` left by a crash) is left alone.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

ARCHIVE_NAME = re.compile(r"^trace-backup-\d{8}T\d{6}Z\.tar$")


def archive_name(moment: datetime) -> str:
    return f"trace-backup-{moment.strftime('%Y%m%dT%H%M%SZ')}.tar"


def our_archives(directory: Path) -> list[Path]:
    """The archives of ours in ``directory``, oldest first (their names sort by time)."""
    return sorted(
        path for path in directory.iterdir() if ARCHIVE_NAME.fullmatch(path.name) and path.is_file()
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives of ours; the ones deleted."""
    archives = our_archives(directory)
    stale = archives[: max(0, len(archives) - keep)]
    for path in stale:
        path.unlink()
    return stale
