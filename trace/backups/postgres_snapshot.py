"""A PostgreSQL snapshot: one exported REPEATABLE READ snapshot, shared with ``pg_dump``.

The backup's transaction (REPEATABLE READ, READ ONLY) notes the time, then exports its
snapshot with ``pg_export_snapshot()``: that first statement fixes what it sees, so every
commit acknowledged before the noted time is in it. ``pg_dump --snapshot=<id>`` then dumps
that very snapshot while the same transaction reads the portable rows; the transaction
stays open until ``pg_dump`` is done, as an exported snapshot lives only that long.

``pg_dump`` must be of the server's major version: the one named by ``TRACE_PG_DUMP``, else
the first of ``pg_dump`` on PATH, ``/usr/lib/postgresql/<major>/bin/pg_dump`` (Debian,
Ubuntu) and ``/usr/pgsql-<major>/bin/pg_dump`` (RHEL) that says so. Without one the archive
holds the portable rows alone, which ``restore`` uses anyway, and the manifest and stderr
say so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Connection, Engine

from trace.backups.export import export_tables, storage_keys
from trace.backups.manifest import PG_DUMP_PART
from trace.backups.progress import Progress
from trace.backups.snapshots import BackupFailed, Snapshot
from trace.db import utcnow

VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def take_snapshot(
    engine: Engine, staging: Path, progress: Progress, pg_dump_setting: str | None
) -> Snapshot:
    with engine.connect() as plain:
        connection = plain.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        with connection.begin():
            taken_at = utcnow()
            snapshot_id = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            revision = _revision(connection)
            version_info = connection.dialect.server_version_info or (0,)
            major = int(version_info[0])
            server_version = ".".join(str(part) for part in version_info)
            tool, fallback = find_pg_dump(major, pg_dump_setting)
            dump_path = staging / PG_DUMP_PART
            dump = None
            if tool is not None:
                progress.say(f"pg_dump {major} dumps the snapshot ({tool})")
                dump_path.parent.mkdir(parents=True, exist_ok=True)
                dump = _start_pg_dump(tool, engine, snapshot_id, dump_path)
            else:
                progress.say(f"NOTE: {fallback}")
            try:
                tables = export_tables(connection, staging, progress)
                keys = storage_keys(connection)
            finally:
                if dump is not None:
                    _finish_pg_dump(dump, dump_path.with_suffix(".log"))
    return Snapshot(
        engine="postgresql",
        server_version=server_version,
        taken_at=taken_at,
        revision=revision,
        tables=tables,
        storage_keys=keys,
        native_part=PG_DUMP_PART if tool else None,
        native_path=dump_path if tool else None,
        native_format=f"pg_dump {major} custom format (pg_restore)" if tool else None,
        fallback=fallback,
    )


def find_pg_dump(major: int, setting: str | None) -> tuple[str | None, str | None]:
    """The pg_dump of the server's major version, or None and what the backup does instead."""
    if setting:
        candidates = [setting]
    else:
        candidates = [
            found
            for found in (
                shutil.which("pg_dump"),
                f"/usr/lib/postgresql/{major}/bin/pg_dump",
                f"/usr/pgsql-{major}/bin/pg_dump",
            )
            if found
        ]
    for candidate in candidates:
        if _major_of(candidate) == major:
            return candidate, None
    tried = ", ".join(candidates) or "none on PATH"
    return None, (
        f"no pg_dump of PostgreSQL {major} found (tried: {tried}); the archive holds the "
        "portable rows only, read from the same REPEATABLE READ snapshot, and restore uses them"
    )


def _major_of(program: str) -> int | None:
    try:
        answer = subprocess.run(  # noqa: S603
            [program, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = VERSION.search(answer.stdout)
    return int(found.group(1)) if found else None


def _start_pg_dump(
    tool: str, engine: Engine, snapshot_id: str, target: Path
) -> subprocess.Popen[bytes]:
    url = engine.url
    # libpq's own URL, without the password: that goes in the environment, not the argv.
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(False)
    environment = {**os.environ, "PGAPPNAME": "trace backup"}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [
        tool,
        "--format=custom",
        f"--snapshot={snapshot_id}",
        f"--file={target}",
        f"--dbname={conninfo}",
    ]
    # Its messages go to a file: a pipe left unread while the rows are read could fill up.
    with target.with_suffix(".log").open("wb") as log:
        return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=log)  # noqa: S603


def _finish_pg_dump(dump: subprocess.Popen[bytes], log: Path) -> None:
    if dump.wait() != 0:
        errors = log.read_text(errors="replace")
        last = errors.strip().splitlines()[-1:] or ["no message"]
        raise BackupFailed(f"pg_dump failed: {last[0]}")


def _revision(connection: Connection) -> str:
    found = connection.exec_driver_sql(
        "SELECT to_regclass('alembic_version') IS NOT NULL"
    ).scalar_one()
    revision = (
        connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if found
        else None
    )
    if revision is None:
        raise BackupFailed("the database has no schema revision: run `flask db upgrade` first")
    return str(revision)
