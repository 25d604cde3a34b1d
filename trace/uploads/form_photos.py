"""Photos chosen in a form's ``photos`` field, stored as uploads of a cooperative."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from trace.db import db
from trace.errors import InvalidInput
from trace.registry.forms.common import RegistryForm
from trace.uploads.models import UploadPurpose
from trace.uploads.services import store_upload


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
