"""A SQLite snapshot through the online backup API (``sqlite3.Connection.backup``).

A copy of the file could catch a page half written, or miss what the WAL holds. Instead
one connection opens a read transaction, notes the time and reads the schema revision
(the read fixes the WAL snapshot), then copies every page in one backup step inside that
transaction: commits before the noted time are in the copy, later ones are not, and the
server's writers never wait (WAL lets them commit meanwhile). The portable rows are then
read from the copy, not from the live file, so they are the same instant.
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine

from trace.backups.export import export_tables, storage_keys
from trace.backups.manifest import SQLITE_PART
from trace.backups.progress import Progress
from trace.backups.snapshots import BackupFailed, Snapshot
from trace.db import utcnow

GZIP_LEVEL = 1  # pages of a database: level 1 is 3 % larger than level 6 and twice as fast


def take_snapshot(engine: Engine, staging: Path, progress: Progress) -> Snapshot:
    database = engine.url.database
    if not database or database == ":memory:" or not Path(database).exists():
        raise BackupFailed(f"no SQLite database file at {database!r} to back up")
    copy = staging / "trace.sqlite3"
    started = time.monotonic()
    with closing(sqlite3.connect(database, isolation_level=None, timeout=60)) as source:
        source.execute("BEGIN")
        taken_at = utcnow()
        revision = _revision(source)
        with closing(sqlite3.connect(copy)) as target:
            source.backup(target)  # one step (pages=-1), inside the read transaction
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        source.execute("COMMIT")
    size = copy.stat().st_size
    progress.say(
        f"SQLite online backup: {size / 1e6:,.1f} MB in {time.monotonic() - started:.1f} s"
    )
    packed = staging / SQLITE_PART
    # zlib lets go of the GIL: the file is compressed on another core while the rows are read.
    with ThreadPoolExecutor(max_workers=1) as pool:
        compressed = pool.submit(_compress, copy, packed)
        copy_engine = create_engine(f"sqlite:///{copy}")
        try:
            with copy_engine.connect() as connection:
                tables = export_tables(connection, staging, progress)
                keys = storage_keys(connection)
        finally:
            copy_engine.dispose()
        compressed.result()
    copy.unlink()
    progress.say(f"database file compressed to {packed.stat().st_size / 1e6:,.1f} MB")
    return Snapshot(
        engine="sqlite",
        server_version=sqlite3.sqlite_version,
        taken_at=taken_at,
        revision=revision,
        tables=tables,
        storage_keys=keys,
        native_part=SQLITE_PART,
        native_path=packed,
        native_format="SQLite database file from the online backup API, gzip",
        fallback=None,
    )


def _compress(copy: Path, packed: Path) -> None:
    packed.parent.mkdir(parents=True, exist_ok=True)
    with copy.open("rb") as raw, gzip.open(packed, "wb", compresslevel=GZIP_LEVEL) as target:
        shutil.copyfileobj(raw, target, 1024 * 1024)


def _revision(source: sqlite3.Connection) -> str:
    try:
        row = source.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise BackupFailed("the database has no schema revision: run `flask db upgrade` first")
    return str(row[0])
