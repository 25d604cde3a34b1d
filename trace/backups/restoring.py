"""``restore``: check the archive, then rebuild the database and the uploads from it.

Nothing changes before the archive passes every check (``manifest.py``) and the database is
found empty (or ``--force`` is given). Then one transaction drops what is there, builds the
schema at the archive's revision with the migrations, loads the rows (``loading.py``) and
upgrades to the latest revision, so an archive of an older release comes back upgraded. On
SQLite foreign keys are off for that transaction (SQLite's advice for table rebuilds, which
migrations do) and checked in full before it commits. Upload files are written before the
commit and removed again if it fails.
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, inspect, select
from sqlalchemy.orm import Session

from trace.backups.loading import load_tables, reset_sequences
from trace.backups.manifest import ArchiveRefused, CheckedArchive, check_archive, file_digest
from trace.backups.progress import Progress
from trace.db import BEGIN_IMMEDIATE
from trace.signing.errors import KeyUnreadable
from trace.signing.models import IssuingKey
from trace.signing.services import private_key_of

RESTORE_CACHE_KIB = -256 * 1024  # negative: KiB, not pages


def restore_archive(
    engine: Engine,
    path: Path,
    upload_dir: Path,
    config: Config,
    force: bool,
    progress: Progress,
) -> dict[str, Any]:
    """Restore the archive at ``path`` into ``engine``'s database and ``upload_dir``."""
    scripts = ScriptDirectory.from_config(config)
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError):
        raise ArchiveRefused(f"{path} is not a backup archive (an uncompressed tar)") from None
    with archive:
        checked = check_archive(archive, scripts)
        progress.say(
            f"archive checked: its {len(checked.manifest['parts'])} parts match their SHA-256"
        )
        created: list[Path] = []
        try:
            uploads, loaded = _restore_database(
                engine, archive, checked, upload_dir, config, force, progress, created
            )
        except BaseException:
            for written in created:
                written.unlink(missing_ok=True)
            raise
    return {
        "archive": str(path),
        "snapshot_at": checked.manifest["snapshot_at"],
        "source_engine": checked.manifest["engine"],
        "target_engine": engine.dialect.name,
        "archive_revision": checked.revision,
        "revision": scripts.get_current_head(),
        "tables": loaded,
        "rows": sum(loaded.values()),
        "tables_left_out": sorted(set(checked.tables) - set(loaded)),
        "uploads": uploads,
        "integrity_check": _integrity(engine, progress),
    }


def _restore_database(
    engine: Engine,
    archive: tarfile.TarFile,
    checked: CheckedArchive,
    upload_dir: Path,
    config: Config,
    force: bool,
    progress: Progress,
    created: list[Path],
) -> tuple[dict[str, int], dict[str, int]]:
    """The upload files written or kept, and the rows loaded per table."""
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        driver: Any = connection.connection.driver_connection
        if is_sqlite:  # outside any transaction, where the pragma takes effect
            connection.execution_options(**{BEGIN_IMMEDIATE: True})
            driver.execute("PRAGMA foreign_keys = OFF")
            # Indexes are filled row by row in one transaction: a cache of 256 MB instead
            # of the default 2 MB keeps more of their pages in memory meanwhile.
            driver.execute(f"PRAGMA cache_size = {RESTORE_CACHE_KIB}")
        try:
            with connection.begin():
                _refuse_unless_empty(connection, force)
                _drop_tables(connection)
                _migrate(config, connection, checked.revision)
                progress.say(f"schema built at the archive's revision {checked.revision}")
                metadata = MetaData()
                metadata.reflect(bind=connection)
                loaded = load_tables(connection, metadata, archive, checked.tables, progress)
                reset_sequences(connection, metadata)
                progress.say("upgrading the schema to the latest revision")
                _migrate(config, connection, "head")
                if is_sqlite:
                    _check_references(connection)
                uploads = _restore_uploads(archive, checked, upload_dir, force, created)
                progress.say("committing")
        finally:
            if is_sqlite:
                driver.execute("PRAGMA foreign_keys = ON")
                driver.execute("PRAGMA cache_size = -2000")  # SQLite's default
    return uploads, loaded


def _refuse_unless_empty(connection: Connection, force: bool) -> None:
    holding = {}
    for name in inspect(connection).get_table_names():
        if name != "alembic_version":
            rows = connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()  # noqa: S608 (schema names)
            if rows:
                holding[name] = rows
    if holding and not force:
        example = max(holding, key=lambda name: holding[name])
        raise ArchiveRefused(
            f"the database is not empty ({sum(holding.values()):,} rows in {len(holding)} "
            f"tables, {holding[example]:,} in {example}): give --force to replace it"
        )


def _drop_tables(connection: Connection) -> None:
    """Drop every table; on PostgreSQL also the functions of our schema (the migrations'
    triggers), which the migrations create again and would otherwise find taken."""
    if connection.dialect.name == "sqlite":
        for name in inspect(connection).get_table_names():
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        return
    for name in inspect(connection).get_table_names():
        connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE')
    functions = connection.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = current_schema() AND NOT EXISTS "
        "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
    ).scalars()
    for function in list(functions):
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")


def _migrate(config: Config, connection: Connection, revision: str) -> None:
    config.attributes["connection"] = connection  # migrations/env.py runs on it, in its transaction
    config.config_file_name = None  # no logging set up by env.py: progress says what happens
    try:
        command.upgrade(config, revision)
    finally:
        config.attributes.pop("connection", None)


def _check_references(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, _, parent, _ = broken[0]
        raise ArchiveRefused(
            f"{len(broken)} restored rows refer to missing rows (e.g. {table} to {parent})"
        )


def _restore_uploads(
    archive: tarfile.TarFile,
    checked: CheckedArchive,
    upload_dir: Path,
    force: bool,
    created: list[Path],
) -> dict[str, int]:
    """Write each upload file; one already there with the same bytes is kept as it is."""
    upload_dir.mkdir(mode=0o750, parents=True, exist_ok=True)
    kept = 0
    for name in checked.upload_names():
        target = upload_dir / name.removeprefix("uploads/")
        if target.exists():
            with target.open("rb") as present:
                if file_digest(present)[0] == checked.manifest["parts"][name]["sha256"]:
                    kept += 1
                    continue
            if not force:
                raise ArchiveRefused(
                    f"{target} exists with other content: give --force to replace it"
                )
        source = archive.extractfile(name)
        assert source is not None  # checked: a regular file
        partial = target.with_name(f".{target.name}.restoring")
        with partial.open("wb") as written:
            while data := source.read(1024 * 1024):
                written.write(data)
        os.chmod(partial, 0o640)
        if not target.exists():
            created.append(target)
        os.replace(partial, target)
    return {"restored": len(checked.upload_names()) - kept, "already_there": kept}


def _integrity(engine: Engine, progress: Progress) -> str | None:
    """SQLite's ``PRAGMA integrity_check`` on the restored file ("ok" when sound)."""
    if engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    started = time.monotonic()
    connection = sqlite3.connect(engine.url.database)
    try:
        answers = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()
    verdict = "ok" if answers == ["ok"] else "; ".join(answers[:5])
    progress.say(f"integrity_check: {verdict} ({time.monotonic() - started:.1f} s)")
    return verdict


def keys_open_with(engine: Engine, passphrase: bytes) -> bool | None:
    """Whether ``passphrase`` decrypts the restored signing keys (None: there are none)."""
    with Session(engine) as session:
        keys = session.scalars(select(IssuingKey).where(IssuingKey.revoked_at.is_(None))).all()
        if not keys:
            return None
        try:
            for key in keys:
                private_key_of(key, passphrase)
        except KeyUnreadable:
            return False
    return True
