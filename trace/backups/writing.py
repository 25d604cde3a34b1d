"""``backup``: take a snapshot, stage its parts, write the archive, then its manifest.

Parts are staged in a hidden folder beside the archive (the same file system, so nothing
large crosses disks twice) and the archive is written under a ``.partial`` name, then
renamed: an archive with its final name is always whole.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from trace.backups import postgres_snapshot, sqlite_snapshot
from trace.backups.manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    HashingReader,
    data_part,
)
from trace.backups.progress import Progress
from trace.backups.snapshots import BackupFailed, Snapshot
from trace.db import utcnow

APP_DISTRIBUTION = "trace-agri"


def take_backup(
    engine: Engine,
    out: Path,
    upload_dir: Path,
    progress: Progress,
    pg_dump_setting: str | None = None,
) -> dict[str, Any]:
    """Write the archive ``out`` (refused if it exists); its manifest."""
    if out.exists():
        raise BackupFailed(f"{out} exists already: choose another name")
    if not out.parent.is_dir():
        raise BackupFailed(f"{out.parent} is not a directory")
    staging = Path(tempfile.mkdtemp(prefix=".trace-backup-", dir=out.parent))
    try:
        if engine.dialect.name == "sqlite":
            snapshot = sqlite_snapshot.take_snapshot(engine, staging, progress)
        else:
            snapshot = postgres_snapshot.take_snapshot(engine, staging, progress, pg_dump_setting)
        manifest = _write_archive(out, snapshot, staging, upload_dir, progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _write_archive(
    out: Path, snapshot: Snapshot, staging: Path, upload_dir: Path, progress: Progress
) -> dict[str, Any]:
    partial = out.with_name(out.name + ".partial")
    parts: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    mtime = snapshot.taken_at.timestamp()
    try:
        with tarfile.open(partial, "x", format=tarfile.PAX_FORMAT) as archive:
            os.chmod(partial, 0o600)  # password hashes and (encrypted) keys: the owner's only
            staged = [(data_part(table), staging / data_part(table)) for table in snapshot.tables]
            if snapshot.native_part and snapshot.native_path:
                staged.insert(0, (snapshot.native_part, snapshot.native_path))
            for name, path in staged:
                parts[name] = _add_file(archive, name, path, mtime)
            for key in snapshot.storage_keys:
                path = upload_dir / key
                if path.is_file():
                    parts[f"uploads/{key}"] = _add_file(archive, f"uploads/{key}", path, mtime)
                else:
                    missing.append(key)
            if missing:
                progress.say(
                    f"WARNING: {len(missing)} uploads named in the database are not in {upload_dir}"
                )
            manifest = _manifest(snapshot, parts, missing)
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode(), mtime)
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    uploads = len(snapshot.storage_keys) - len(missing)
    progress.say(f"archive written: {out} ({out.stat().st_size / 1e6:,.1f} MB, {uploads} uploads)")
    return manifest


def _tar_entry(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    entry = tarfile.TarInfo(name)
    entry.size, entry.mtime, entry.mode = size, mtime, 0o640
    return entry


def _add_file(archive: tarfile.TarFile, name: str, path: Path, mtime: float) -> dict[str, Any]:
    with path.open("rb") as source:
        size = os.fstat(source.fileno()).st_size
        reader = HashingReader(source)
        archive.addfile(_tar_entry(name, size, mtime), reader)
    if reader.size != size:
        raise BackupFailed(f"{path} changed while it was archived")
    return {"sha256": reader.sha256.hexdigest(), "bytes": size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    archive.addfile(_tar_entry(name, len(data), mtime), io.BytesIO(data))


def _manifest(
    snapshot: Snapshot, parts: dict[str, dict[str, Any]], missing_uploads: list[str]
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "snapshot_at": _utc_text(snapshot.taken_at),
        "written_at": _utc_text(utcnow()),
        "engine": snapshot.engine,
        "server_version": snapshot.server_version,
        "schema_revision": snapshot.revision,
        "native": {
            "part": snapshot.native_part,
            "format": snapshot.native_format,
            "fallback": snapshot.fallback,
        },
        "tables": snapshot.tables,
        "uploads": {
            "count": len(snapshot.storage_keys) - len(missing_uploads),
            "missing": missing_uploads,
        },
        "parts": parts,
    }


def _utc_text(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _app_version() -> str:
    try:
        return metadata.version(APP_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
