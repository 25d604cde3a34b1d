"""Storing uploads: size limit, check by content, generated names, and who may fetch them.

A file is named on disk by its random ``storage_key`` alone, in ``TRACE_UPLOAD_DIR``
(outside the static folder), so no name a user chose ever reaches a path. A file written
for a transaction that does not commit is removed again.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from trace.auth.models import Role, User
from trace.common.field_errors import FieldErrors
from trace.errors import AccessDenied, NotFound
from trace.uploads.checked import CheckedFile, refuse
from trace.uploads.images import reencode_image
from trace.uploads.models import Upload, UploadPurpose
from trace.uploads.pdf import check_pdf

# Logos and product images are shown on public pages; scans are private to their owner.
PUBLIC_PURPOSES = frozenset({UploadPurpose.COOPERATIVE_LOGO, UploadPurpose.PRODUCT_IMAGE})
PDF_PURPOSES = frozenset({UploadPurpose.CERTIFICATE_SCAN})
# Besides the owner's staff, these roles read certificate scans of every cooperative.
SCAN_READERS = frozenset({Role.OPERATOR, Role.INSPECTOR})

# What secrets.token_urlsafe makes: checked before a key is ever joined to a path.
STORAGE_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STORAGE_KEY_BYTES = 24
MAX_FILENAME_LENGTH = 100
UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^\w.()\- ]+")

IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
PDF_SIGNATURE = b"%PDF-"

_PENDING = "trace.uploads.pending"


def store_upload(
    session: Session,
    *,
    data: FileStorage | IO[bytes] | bytes,
    filename: str | None = None,
    purpose: UploadPurpose,
    cooperative_id: int,
) -> Upload:
    """Check a file by its content, store it under a generated name and record it.

    Refuses with ``InvalidInput`` on the ``file`` field, writing nothing, when the file is
    too large, of a type ``purpose`` does not accept, damaged, or unsafe.
    """
    if filename is None and isinstance(data, FileStorage):
        filename = data.filename
    checked = check_content(_read_limited(data), purpose)
    storage_key = secrets.token_urlsafe(STORAGE_KEY_BYTES)
    path = _write_new_file(storage_key, checked.data)
    try:
        upload = Upload(
            cooperative_id=cooperative_id,
            purpose=purpose,
            storage_key=storage_key,
            content_type=checked.content_type,
            byte_size=len(checked.data),
            width=checked.width,
            height=checked.height,
            original_filename=display_filename(filename or "", checked.extension),
        )
        session.add(upload)
        session.flush()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    session.info.setdefault(_PENDING, []).append(path)
    return upload


def check_content(data: bytes, purpose: UploadPurpose) -> CheckedFile:
    """Decide what the bytes are (never by name or declared type) and check them as such."""
    if not data:
        refuse(_l("The file is empty."))
    if data.startswith(IMAGE_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return reencode_image(data)
    if data.startswith(PDF_SIGNATURE) and purpose in PDF_PURPOSES:
        return check_pdf(data)
    if purpose in PDF_PURPOSES:
        refuse(_l("Choose a JPEG, PNG or WebP image, or a PDF."))
    refuse(_l("Choose a JPEG, PNG or WebP image."))


def _read_limited(data: FileStorage | IO[bytes] | bytes) -> bytes:
    """Read one byte past the limit at most, so an oversized file is never read whole."""
    limit: int = current_app.config["TRACE_UPLOAD_MAX_BYTES"]
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data[: limit + 1])
    else:
        stream = data.stream if isinstance(data, FileStorage) else data
        content = stream.read(limit + 1)
    if len(content) > limit:
        refuse(_l("The file is larger than %(limit)s.", limit=_megabytes(limit)))
    return content


def _megabytes(byte_count: int) -> str:
    megabytes = byte_count / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{max(1, byte_count // 1024)} KB"


def display_filename(filename: str, extension: str) -> str:
    """A harmless name for Content-Disposition: the base name, safe characters, our extension.

    The extension follows the stored content (a WebP is stored as JPEG), not the client.
    """
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    stem = os.path.splitext(name)[0]
    stem = UNSAFE_FILENAME_CHARACTERS.sub("_", stem).strip(" ._") or "file"
    return stem[: MAX_FILENAME_LENGTH - len(extension)] + extension


def upload_directory() -> Path:
    """Where files are stored; refuses a setting that would serve them as static files."""
    directory = Path(current_app.config["TRACE_UPLOAD_DIR"]).resolve()
    static = current_app.static_folder
    if static and directory.is_relative_to(Path(static).resolve()):
        raise RuntimeError("TRACE_UPLOAD_DIR must not be inside the static folder")
    return directory


def upload_path(upload: Upload) -> Path:
    """The file of ``upload`` on disk (which may be missing if it was removed by hand)."""
    if not STORAGE_KEY.fullmatch(upload.storage_key):
        raise ValueError("malformed storage key")
    return upload_directory() / upload.storage_key


def _write_new_file(storage_key: str, content: bytes) -> Path:
    directory = upload_directory()
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    path = directory / storage_key
    # O_EXCL: a file is never overwritten, whatever the key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def find_upload(session: Session, storage_key: str) -> Upload:
    """The upload with this key; ``NotFound`` for unknown or malformed keys."""
    if not STORAGE_KEY.fullmatch(storage_key):
        raise NotFound()
    upload = session.scalar(select(Upload).where(Upload.storage_key == storage_key))
    if upload is None:
        raise NotFound()
    return upload


def is_public(upload: Upload) -> bool:
    return upload.purpose in PUBLIC_PURPOSES


def ensure_can_fetch(upload: Upload, user: User | None) -> None:
    """Refuse unless ``user`` may fetch the file.

    Anyone may fetch logos and product images. Scans: operators, inspectors and the owner's
    staff; other roles get ``AccessDenied``, other cooperatives' staff ``NotFound``.
    """
    if is_public(upload):
        return
    if user is None:
        raise AccessDenied()
    if user.role in SCAN_READERS:
        return
    if user.role is not Role.COOPERATIVE:
        raise AccessDenied()
    if user.cooperative_id != upload.cooperative_id:
        raise NotFound()


def can_fetch(upload: Upload, user: User | None) -> bool:
    """Whether ``user`` (``None`` when anonymous) may fetch the file of ``upload``."""
    try:
        ensure_can_fetch(upload, user)
    except (AccessDenied, NotFound):
        return False
    return True


@event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    """Files of committed uploads stay."""
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted_files(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without committing takes its new files with it."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING, []):
        path.unlink(missing_ok=True)


def chosen_upload_id(
    session: Session,
    errors: FieldErrors,
    field: str,
    upload_id: Any,
    cooperative_id: int,
    purpose: UploadPurpose,
) -> int | None:
    """An upload of this cooperative made for this purpose, or None to remove it."""
    if upload_id in (None, ""):
        return None
    upload = session.get(Upload, upload_id) if isinstance(upload_id, int) else None
    if upload is None or upload.cooperative_id != cooperative_id or upload.purpose != purpose:
        errors.add(field, _l("Upload the file again."))
        return None
    return upload.id
