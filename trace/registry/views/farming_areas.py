"""Farming area pages (vùng trồng, vùng nuôi): list, add, show with a map, change, archive."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import READERS, WRITERS, can_write, get_for_writing, roles_required
from trace.common.forms import chosen_id
from trace.common.views import caller, form_status, list_query, submit
from trace.db import db
from trace.registry.forms.farming_areas import KIND_LABELS, STATUS_LABELS, FarmingAreaForm
from trace.registry.models import Cooperative, FarmingArea
from trace.registry.services import farming_areas as service
from trace.registry.views import maps
from trace.registry.views.common import archive_page, blueprint, prepare_owner_field, prepare_place

ID = "<id:farming_area_id>"
FORM = "registry/farming_areas/form.html"


@blueprint.get("/farming-areas")
@roles_required(*READERS)
def farming_areas() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    page = service.list_farming_areas(db.session, user, query)
    return render_template(
        "registry/farming_areas/list.html",
        page=page,
        query=query,
        can_write=can_write(user),
        kind_labels=KIND_LABELS,
    )


@blueprint.route("/farming-areas/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_farming_area() -> ResponseReturnValue:
    user = caller()
    form = FarmingAreaForm()
    prepare_owner_field(form, user, is_new=True)
    prepare_place(form, user, default_commune=_commune_of(form))
    if form.is_submitted() and not form.wants_communes():
        area = submit(form, lambda values: service.create_farming_area(db.session, user, values))
        if area is not None:
            flash(_("Farming area “%(name)s” added.", name=area.name), "success")
            return redirect(url_for("registry.farming_area", farming_area_id=area.id))
    return render_template(FORM, form=form), form_status(form)


def _commune_of(form: FarmingAreaForm) -> str | None:
    """An operator adding an area for a cooperative starts at that cooperative's commune."""
    cooperative_id = chosen_id(form.cooperative_id) if "cooperative_id" in form else None
    cooperative = db.session.get(Cooperative, cooperative_id) if cooperative_id else None
    return cooperative.commune_code if cooperative else None


@blueprint.get(f"/farming-areas/{ID}")
@roles_required(*READERS)
def farming_area(farming_area_id: int) -> ResponseReturnValue:
    user = caller()
    area = service.get_farming_area(db.session, user, farming_area_id)
    return render_template(
        "registry/farming_areas/detail.html",
        area=area,
        can_write=can_write(user),
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        locator=maps.locator_map(area.latitude, area.longitude),
        sketch=maps.outline_sketch(area.polygon, area.latitude, area.longitude),
        osm_url=maps.openstreetmap_url(area.latitude, area.longitude),
    )


@blueprint.route(f"/farming-areas/{ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_farming_area(farming_area_id: int) -> ResponseReturnValue:
    user = caller()
    area = get_for_writing(db.session, FarmingArea, farming_area_id, user)
    form = FarmingAreaForm()
    if not form.is_submitted():
        form.load(area)
    prepare_owner_field(form, user, is_new=False)
    prepare_place(form, user, default_commune=area.commune_code)
    if form.is_submitted() and not form.wants_communes():
        saved = submit(
            form,
            lambda values: service.update_farming_area(db.session, user, farming_area_id, values),
        )
        if saved is not None:
            flash(_("Changes to “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("registry.farming_area", farming_area_id=farming_area_id))
    return render_template(FORM, form=form, area=area), form_status(form)


@blueprint.route(f"/farming-areas/{ID}/archive", methods=["GET", "POST"])
@roles_required(*WRITERS)
def archive_farming_area(farming_area_id: int) -> ResponseReturnValue:
    user = caller()
    area = get_for_writing(db.session, FarmingArea, farming_area_id, user)
    return archive_page(
        area.name,
        area.archived_at is not None,
        url_for("registry.farming_area", farming_area_id=farming_area_id),
        lambda: service.archive_farming_area(db.session, user, farming_area_id),
    )
