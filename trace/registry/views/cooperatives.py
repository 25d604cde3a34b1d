"""Cooperative pages: operators register and archive them; staff keep their own up to date."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import READERS, WRITERS, can_write, get_for_writing, roles_required
from trace.auth.models import Role
from trace.common.views import caller, form_status, list_query, submit
from trace.db import db
from trace.registry.forms.cooperatives import CooperativeForm
from trace.registry.models import Cooperative
from trace.registry.services import cooperatives as service
from trace.registry.views.common import archive_page, blueprint, prepare_place
from trace.uploads.forms import stored_upload, upload_to_show, with_upload
from trace.uploads.models import UploadPurpose

ID = "<id:cooperative_id>"
FORM = "registry/cooperatives/form.html"


@blueprint.get("/cooperatives")
@roles_required(*READERS)
def cooperatives() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    query.cooperative_id = None
    page = service.list_cooperatives(db.session, user, query)
    return render_template(
        "registry/cooperatives/list.html",
        page=page,
        query=query,
        can_add=user.role is Role.OPERATOR,
    )


@blueprint.route("/cooperatives/new", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def new_cooperative() -> ResponseReturnValue:
    user = caller()
    form = CooperativeForm()
    prepare_place(form, user, default_commune=None)
    if form.is_submitted() and not form.wants_communes():

        def save(values: Mapping[str, Any]) -> Cooperative:
            cooperative = service.create_cooperative(db.session, user, values)
            # The logo is filed under the cooperative, so it is stored once that exists.
            logo_id = stored_upload(form, "logo", UploadPurpose.COOPERATIVE_LOGO, cooperative.id)
            if logo_id is None:
                return cooperative
            changes = {"logo_upload_id": logo_id}
            return service.update_cooperative(db.session, user, cooperative.id, changes)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Cooperative “%(name)s” added.", name=saved.name), "success")
            return redirect(url_for("registry.cooperative", cooperative_id=saved.id))
    return render_template(FORM, form=form), form_status(form)


@blueprint.get(f"/cooperatives/{ID}")
@roles_required(*READERS)
def cooperative(cooperative_id: int) -> ResponseReturnValue:
    user = caller()
    record = service.get_cooperative(db.session, user, cooperative_id)
    return render_template(
        "registry/cooperatives/detail.html",
        cooperative=record,
        can_write=can_write(user),
        is_operator=user.role is Role.OPERATOR,
        logo=upload_to_show(record.logo_upload_id, user),
    )


@blueprint.route(f"/cooperatives/{ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_cooperative(cooperative_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Cooperative, cooperative_id, user)
    form = CooperativeForm()
    if not form.is_submitted():
        form.load(record)
    if user.role is Role.OPERATOR:
        prepare_place(form, user, default_commune=record.commune_code)
    else:
        form.for_staff()
    if form.is_submitted() and not form.wants_communes():

        def save(values: Mapping[str, Any]) -> Cooperative:
            logo_id = stored_upload(form, "logo", UploadPurpose.COOPERATIVE_LOGO, cooperative_id)
            changes = with_upload(values, "logo_upload_id", logo_id)
            return service.update_cooperative(db.session, user, cooperative_id, changes)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Changes to “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("registry.cooperative", cooperative_id=cooperative_id))
    return render_template(FORM, form=form, cooperative=record), form_status(form)


@blueprint.route(f"/cooperatives/{ID}/archive", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def archive_cooperative(cooperative_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Cooperative, cooperative_id, user)
    return archive_page(
        record.name,
        record.archived_at is not None,
        url_for("registry.cooperative", cooperative_id=cooperative_id),
        lambda: service.archive_cooperative(db.session, user, cooperative_id),
    )
