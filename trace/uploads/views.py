"""Serving stored files: by generated key only, with headers that keep browsers from guessing."""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import quote

from flask import Blueprint, Response, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from trace.db import db
from trace.errors import NotFound
from trace.extensions import login_manager
from trace.uploads.pdf import CONTENT_TYPE as PDF_CONTENT_TYPE
from trace.uploads.services import ensure_can_fetch, find_upload, is_public, upload_path

log = logging.getLogger(__name__)
blueprint = Blueprint("uploads", __name__)

PUBLIC_MAX_AGE = 24 * 60 * 60
# Even if a browser rendered a file as a page, it could run nothing and reach nothing.
FILE_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"


@blueprint.get("/files/<storage_key>")
def fetch(storage_key: str) -> ResponseReturnValue:
    """One stored file; anonymous visitors asking for a private one are sent to sign in."""
    upload = find_upload(db.session, storage_key)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is None and not is_public(upload):
        return login_manager.unauthorized()
    ensure_can_fetch(upload, user)
    path = upload_path(upload)
    if not path.is_file():
        log.warning("upload %s has no file at %s", upload.id, path)
        raise NotFound()
    public = is_public(upload)
    response = send_file(path, mimetype=upload.content_type, conditional=True, etag=public)
    _set_file_headers(response, upload.content_type, upload.original_filename, public)
    return response


def _set_file_headers(response: Response, content_type: str, filename: str, public: bool) -> None:
    disposition = "attachment" if content_type == PDF_CONTENT_TYPE else "inline"
    response.headers["Content-Disposition"] = content_disposition(disposition, filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    response.headers.pop("Expires", None)
    if public:
        response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response.headers["Cache-Control"] = "private, no-store"


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the UTF-8 ``filename*``."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    fallback = fallback.replace('"', "").replace("\\", "").strip()
    if not fallback or fallback.startswith("."):
        fallback = f"file{fallback}"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
