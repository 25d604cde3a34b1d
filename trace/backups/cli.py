"""``flask --app trace backup OUT`` / ``backup --keep N DIR`` and ``restore FILE [--force]``.

Progress goes to stderr; stdout holds the result (``--json`` for programs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from trace.backups.manifest import ArchiveRefused
from trace.backups.progress import Progress
from trace.backups.restoring import keys_open_with, restore_archive
from trace.backups.rotation import archive_name, prune
from trace.backups.snapshots import BackupFailed
from trace.backups.writing import take_backup
from trace.common.cli import echo_data
from trace.db import db, utcnow
from trace.signing.errors import SigningError
from trace.signing.services import key_passphrase
from trace.uploads.services import upload_directory

KEY_NOTE = (
    "Private signing keys stay encrypted as they were: this server needs the same "
    "TRACE_KEY_PASSPHRASE as the one that made the backup (no archive holds it)."
)


@click.command("backup")
@with_appcontext
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    metavar="N",
    help="OUT is a directory: write the archive there, named by the UTC time, and delete "
    "all but the newest N archives of ours in it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backup_command(out: Path, keep: int | None, as_json: bool) -> None:
    """Write one archive OUT (a .tar): a consistent snapshot of the database taken while the
    service runs, every upload, and a manifest with row counts and SHA-256 sums."""
    if keep is not None:
        if not out.is_dir():
            raise click.ClickException(f"{out} is not a directory (--keep writes into one)")
        directory, out = out, out / archive_name(utcnow())
    try:
        manifest = take_backup(
            db.engine,
            out,
            upload_directory(),
            Progress(),
            current_app.config.get("TRACE_PG_DUMP") or None,
        )
    except BackupFailed as error:
        raise click.ClickException(str(error)) from None
    except (SQLAlchemyError, OSError) as error:
        raise click.ClickException(f"backup failed: {first_line(error)}") from None
    deleted = [str(path) for path in prune(directory, keep)] if keep is not None else []
    summary = _backup_summary(out, manifest, deleted)
    echo_data(summary, as_json, _backup_text)


def _backup_summary(out: Path, manifest: dict[str, Any], deleted: list[str]) -> dict[str, Any]:
    return {
        "archive": str(out),
        "bytes": out.stat().st_size,
        "snapshot_at": manifest["snapshot_at"],
        "engine": manifest["engine"],
        "schema_revision": manifest["schema_revision"],
        "native": manifest["native"],
        "tables": manifest["tables"],
        "rows": sum(manifest["tables"].values()),
        "uploads": manifest["uploads"],
        "deleted": deleted,
    }


def _backup_text(summary: dict[str, Any]) -> str:
    lines = [
        f"Backed up to {summary['archive']} ({summary['bytes'] / 1e6:,.1f} MB): "
        f"{summary['rows']:,} rows in {len(summary['tables'])} tables, "
        f"{summary['uploads']['count']} uploads; snapshot at {summary['snapshot_at']} "
        f"({summary['engine']}, schema {summary['schema_revision']})"
    ]
    if summary["native"]["fallback"]:
        lines.append(f"Note: {summary['native']['fallback']}")
    if summary["uploads"]["missing"]:
        lines.append(f"Warning: {len(summary['uploads']['missing'])} upload files were missing")
    lines += [f"Deleted the older {path}" for path in summary["deleted"]]
    return "\n".join(lines)


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the database even if it holds data.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def restore_command(archive: Path, force: bool, as_json: bool) -> None:
    """Restore the database and the uploads from ARCHIVE (made by `backup`), into SQLite or
    PostgreSQL whichever made it, upgrading it to the latest schema. Stop the service first."""
    config = current_app.extensions["migrate"].migrate.get_config()
    try:
        summary = restore_archive(db.engine, archive, upload_directory(), config, force, Progress())
    except ArchiveRefused as error:
        raise click.ClickException(f"not restored: {error}") from None
    except (SQLAlchemyError, OSError) as error:
        raise click.ClickException(f"not restored: {first_line(error)}") from None
    summary["signing_keys"] = {"note": KEY_NOTE, "passphrase_opens_them": _keys_open()}
    echo_data(summary, as_json, _restore_text)


def first_line(error: Exception) -> str:
    """The driver's own message, first line: SQLAlchemy's adds the statement and a link."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def _keys_open() -> bool | None:
    try:
        passphrase = key_passphrase(current_app.config)
    except SigningError:
        return False
    return keys_open_with(db.engine, passphrase)


def _restore_text(summary: dict[str, Any]) -> str:
    upgraded = (
        f", upgraded from {summary['archive_revision']}"
        if summary["archive_revision"] != summary["revision"]
        else ""
    )
    lines = [
        f"Restored {summary['archive']} (a {summary['source_engine']} snapshot of "
        f"{summary['snapshot_at']}) into {summary['target_engine']}: {summary['rows']:,} rows "
        f"in {len(summary['tables'])} tables, {summary['uploads']['restored']} upload files "
        f"written; schema at {summary['revision']}{upgraded}.",
        summary["signing_keys"]["note"],
    ]
    if summary["integrity_check"] not in (None, "ok"):
        lines.append(f"Warning: integrity_check says {summary['integrity_check']}")
    if summary["signing_keys"]["passphrase_opens_them"] is False:
        lines.append(
            "Warning: the TRACE_KEY_PASSPHRASE set here does not open the restored keys: "
            "set the one the backed-up server used before signing labels."
        )
    return "\n".join(lines)
