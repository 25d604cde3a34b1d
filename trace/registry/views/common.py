"""What the registry pages share: the caller, list queries, saving a form, the choices."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trace.auth.access import scope_to_caller
from trace.auth.models import Role, User
from trace.common.forms import CommuneFields, ConfirmForm
from trace.common.place_choices import province_of
from trace.common.views import page_url
from trace.db import db
from trace.registry.models import Cooperative

blueprint = Blueprint("registry", __name__)

RecordT = TypeVar("RecordT")


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
