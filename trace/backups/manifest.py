"""The archive's manifest and member names, and the checks a restore makes before any change.

The manifest is the archive's last member, written once every other member's SHA-256 is
known. A restore refuses an archive whose format version it does not know, whose schema
revision the migrations do not know, with a member the manifest does not list (or the other
way round), or with a member whose size or SHA-256 differs.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from dataclasses import dataclass
from typing import IO, Any

from alembic.script import ScriptDirectory

FORMAT = "trace-backup"
FORMAT_VERSION = 1
KNOWN_FORMAT_VERSIONS = frozenset({1})
MANIFEST = "manifest.json"
SQLITE_PART = "database/trace.sqlite3.gz"
PG_DUMP_PART = "database/trace.pgdump"
TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# What secrets.token_urlsafe makes (as trace/uploads checks before joining a key to a path).
UPLOAD_NAME = re.compile(r"^uploads/[A-Za-z0-9_-]{20,64}$")
CHUNK = 1024 * 1024


class ArchiveRefused(Exception):
    """Raised when an archive fails a check; the message is the one-line reason."""


def data_part(table: str) -> str:
    return f"data/{table}.jsonl.gz"


def is_member_name(name: str) -> bool:
    """Whether ``name`` is one an archive of ours may hold (never a path out of a folder)."""
    if name in (MANIFEST, SQLITE_PART, PG_DUMP_PART) or UPLOAD_NAME.fullmatch(name):
        return True
    table = name.removeprefix("data/").removesuffix(".jsonl.gz")
    return name == data_part(table) and bool(TABLE_NAME.fullmatch(table))


class HashingReader:
    """A file read through, counting its bytes and their SHA-256 (for ``tarfile.addfile``)."""

    def __init__(self, source: IO[bytes]) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def file_digest(source: IO[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what ``source`` holds, read in chunks."""
    reader = HashingReader(source)
    while reader.read(CHUNK):
        pass
    return reader.sha256.hexdigest(), reader.size


@dataclass(frozen=True)
class CheckedArchive:
    """An archive whose every member matched its manifest."""

    manifest: dict[str, Any]

    @property
    def tables(self) -> dict[str, int]:
        tables: dict[str, int] = self.manifest["tables"]
        return tables

    @property
    def revision(self) -> str:
        revision: str = self.manifest["schema_revision"]
        return revision

    def upload_names(self) -> list[str]:
        return [name for name in self.manifest["parts"] if name.startswith("uploads/")]


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        source = archive.extractfile(member)
        if source is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(source.read())
    except KeyError:
        raise ArchiveRefused("the archive has no manifest.json: not a backup of this app") from None
    except ValueError:
        raise ArchiveRefused("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveRefused("manifest.json is not a trace backup manifest")
    if manifest.get("format_version") not in KNOWN_FORMAT_VERSIONS:
        raise ArchiveRefused(
            f"archive format version {manifest.get('format_version')!r} is unknown to this "
            f"version of the app (it reads {sorted(KNOWN_FORMAT_VERSIONS)})"
        )
    return manifest


def check_revision(manifest: dict[str, Any], scripts: ScriptDirectory) -> None:
    revision = manifest.get("schema_revision")
    known = {script.revision for script in scripts.walk_revisions()}
    if revision not in known:
        raise ArchiveRefused(
            f"the archive's schema revision {revision!r} is unknown to these migrations "
            "(made by a newer version of the app?)"
        )


def check_members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member regular, named as ours, listed, of the listed size and SHA-256."""
    parts: dict[str, dict[str, Any]] = manifest.get("parts", {})
    tables: dict[str, int] = manifest.get("tables", {})
    if not _is_mapping_of(parts, dict) or not _is_mapping_of(tables, int):
        raise ArchiveRefused("the manifest lacks its list of parts or of tables")
    seen = set()
    for member in archive.getmembers():
        name = member.name
        if name == MANIFEST:
            continue
        if not member.isfile() or not is_member_name(name):
            raise ArchiveRefused(f"the archive holds {name!r}, which no backup of ours holds")
        if name not in parts or name in seen:
            raise ArchiveRefused(f"{name} is not listed in the manifest (or listed twice)")
        seen.add(name)
        source = archive.extractfile(member)
        assert source is not None  # a regular file
        digest, size = file_digest(source)
        if digest != parts[name].get("sha256") or size != parts[name].get("bytes"):
            raise ArchiveRefused(f"{name} does not match its SHA-256 in the manifest: damaged")
    missing = sorted(set(parts) - seen)
    if missing:
        raise ArchiveRefused(f"the archive lacks {missing[0]}, listed in the manifest")
    if any(data_part(table) not in parts for table in tables):
        raise ArchiveRefused("the manifest's tables and the archive's data parts differ")


def _is_mapping_of(value: Any, kind: type) -> bool:
    return isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, kind) for key, item in value.items()
    )


def check_archive(archive: tarfile.TarFile, scripts: ScriptDirectory) -> CheckedArchive:
    """The manifest first (format, revision), then every member against it."""
    manifest = read_manifest(archive)
    check_revision(manifest, scripts)
    check_members(archive, manifest)
    return CheckedArchive(manifest)
