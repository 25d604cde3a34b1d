"""Files chosen in forms, stored as uploads of a cooperative (a record's photo or scan, an
event's photos), and the upload a page may show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import FileStorage

from trace.auth.models import User
from trace.common.forms import RegistryForm
from trace.db import db
from trace.errors import InvalidInput
from trace.uploads.models import Upload, UploadPurpose
from trace.uploads.services import can_fetch, store_upload


def store_form_photos(form: RegistryForm, purpose: UploadPurpose, cooperative_id: int) -> list[int]:
    """Store each photo chosen in ``form.photos``; the ids of those stored. A refused one
    puts its message, with its file name, at the photos field."""
    ids: list[int] = []
    messages: list[str] = []
    for chosen in form["photos"].data or []:
        if not isinstance(chosen, FileStorage) or not chosen.filename:
            continue
        try:
            upload = store_upload(
                db.session,
                data=chosen,
                filename=chosen.filename,
                purpose=purpose,
                cooperative_id=cooperative_id,
            )
        except InvalidInput as error:
            problems = [problem for listed in error.errors.values() for problem in listed]
            messages.extend(f"{chosen.filename}: {message}" for message in problems)
            continue
        ids.append(upload.id)
    if messages:
        form.attach_errors({"photos": messages})
    return ids


def stored_upload(
    form: RegistryForm, field_name: str, purpose: UploadPurpose, cooperative_id: int | None
) -> int | None:
    """Store the file chosen in a form's file field and return its id.

    Returns None when no file was chosen, or when the file is refused: its message then
    shows at the field. Without a cooperative there is nowhere to file it: the service
    asks for the cooperative, and the person chooses the file again.
    """
    chosen = form[field_name].data
    if not isinstance(chosen, FileStorage) or not chosen.filename or cooperative_id is None:
        return None
    try:
        upload = store_upload(
            db.session,
            data=chosen,
            filename=chosen.filename,
            purpose=purpose,
            cooperative_id=cooperative_id,
        )
    except InvalidInput as error:
        form.attach_errors({field_name: [m for ms in error.errors.values() for m in ms]})
        return None
    return upload.id


def with_upload(values: Mapping[str, Any], key: str, upload_id: int | None) -> Mapping[str, Any]:
    """The form's values plus a newly stored file's id; no file chosen leaves the old one."""
    return values if upload_id is None else {**values, key: upload_id}


def upload_to_show(upload_id: int | None, user: User) -> Upload | None:
    """The upload a page may show or link to, if the caller may fetch it."""
    upload = db.session.get(Upload, upload_id) if upload_id else None
    return upload if upload is not None and can_fetch(upload, user) else None
