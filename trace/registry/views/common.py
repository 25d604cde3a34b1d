"""What the registry pages share: the caller, list queries, saving a form, the choices."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from trace.auth.access import ROLES_WRITING, scope_to_caller
from trace.auth.models import Role, User
from trace.db import db
from trace.errors import InvalidInput
from trace.i18n import LOCAL_TIMEZONE
from trace.registry.forms.common import (
    CommuneFields,
    ConfirmForm,
    RegistryForm,
    without_control_characters,
)
from trace.registry.forms.places import province_of
from trace.registry.models import Cooperative
from trace.registry.services.common import ListQuery
from trace.uploads.models import Upload, UploadPurpose
from trace.uploads.services import can_fetch, store_upload

blueprint = Blueprint("registry", __name__)

RecordT = TypeVar("RecordT")
# Bound like the path parameters: a huge number must not reach the database.
MAX_ID = 2147483647
MAX_PAGE = 100000
WRITERS = tuple(ROLES_WRITING)
# Everyone signed in may read the registry, each within their own scope.
READERS = tuple(Role)


def caller() -> User:
    user: User = current_user._get_current_object()
    return user


def can_write(user: User) -> bool:
    return user.role in ROLES_WRITING


def today() -> date:
    """Today in Vietnam, the day certificate statuses are judged on."""
    return datetime.now(LOCAL_TIMEZONE).date()


def list_query() -> ListQuery:
    """Search, archived toggle, page and cooperative from the query string, all forgiving."""
    page_text = request.args.get("page", "")
    cooperative_text = request.args.get("cooperative", "")
    return ListQuery(
        search=without_control_characters(request.args.get("q", "")[:100]),
        include_archived=request.args.get("archived") == "1",
        cooperative_id=_bounded_int(cooperative_text, MAX_ID),
        page=_bounded_int(page_text, MAX_PAGE) or 1,
    )


def _bounded_int(text: str, maximum: int) -> int | None:
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def page_url(page: int) -> str:
    """This list's address with the same search, on another page."""
    args: dict[str, Any] = dict(request.args.items())
    args["page"] = page
    return url_for(str(request.endpoint), **args)


def submit(form: RegistryForm, save: Callable[[Mapping[str, Any]], RecordT]) -> RecordT | None:
    """Save a submitted form; on any problem return None with every message at its field.

    The service is called even when the form found a problem of its own, so the person
    sees every field to fix at once (one message a field, the service's first). The 422
    answer then rolls back whatever the service flushed.
    """
    form.validate()
    problems = form.problems()
    record: RecordT | None
    try:
        record = save(form.values())
    except InvalidInput as error:
        form.attach_errors(error.errors)
        record = None
    form.attach_errors(problems, only_new=True)
    return None if form.errors else record


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


def cooperative_choices(user: User) -> list[tuple[str, str]]:
    """The cooperatives an operator may file a new record under (not the archived ones)."""
    statement = scope_to_caller(
        select(Cooperative).where(Cooperative.archived_at.is_(None)).order_by(Cooperative.name),
        Cooperative,
        user,
    )
    choices = [(str(c.id), c.name) for c in db.session.scalars(statement)]
    return [("", str(_l("Choose the cooperative"))), *choices]


def prepare_owner_field(form: Any, user: User, is_new: bool) -> None:
    """Operators choose the cooperative of a new record; everyone else files under their own."""
    if is_new and user.role is Role.OPERATOR:
        form.cooperative_id.choices = cooperative_choices(user)
        if not form.is_submitted() and request.args.get("cooperative", "").isdigit():
            form.cooperative_id.data = request.args["cooperative"]
    else:
        del form.cooperative_id


def prepare_place(form: CommuneFields, user: User, default_commune: str | None) -> None:
    """Start a new form at the caller's own commune; refresh the list for the chosen province."""
    any_form: Any = form
    if not any_form.is_submitted() and not any_form.commune_code.data:
        commune = default_commune or (user.cooperative.commune_code if user.cooperative else None)
        any_form.province.data = province_of(commune)
        any_form.commune_code.data = commune or ""
    form.fill_place_choices()
    if form.wants_communes() and form.place_problems():
        any_form.commune_code.data = ""


def form_status(form: RegistryForm) -> int:
    """422 when a submitted form is sent back to be corrected."""
    return 422 if form.is_submitted() and form.errors else 200


@blueprint.context_processor
def _template_helpers() -> dict[str, Any]:
    return {"page_url": page_url}


def archive_page(
    record_name: str, is_archived: bool, detail_url: str, archive: Callable[[], object]
) -> ResponseReturnValue:
    """Ask before archiving, then archive: the same page and message for every record."""
    form = ConfirmForm()
    if form.validate_on_submit():
        archive()
        flash(_("“%(name)s” was archived.", name=record_name), "success")
        return redirect(detail_url)
    return render_template(
        "registry/confirm_archive.html",
        form=form,
        record_name=record_name,
        back_url=detail_url,
        is_archived=is_archived,
    )
