"""Event pages: record what happened to a batch, and correct an event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from trace.auth.access import WRITERS, ensure_can_write, roles_required
from trace.auth.models import User
from trace.batches.forms import EVENT_TYPE_LABELS, EventForm, local_datetime_text
from trace.batches.models import Batch, Event, EventType
from trace.batches.services import batches as batch_service
from trace.batches.services import events as service
from trace.batches.views.batches import other_batches
from trace.batches.views.common import blueprint
from trace.common.clock import LOCAL_TIMEZONE
from trace.common.views import caller, form_status, submit
from trace.db import db
from trace.registry.models import FarmingArea
from trace.uploads.forms import store_form_photos
from trace.uploads.models import UploadPurpose

BATCH_ID = "<id:batch_id>"
EVENT_ID = "<id:event_id>"
FORM = "batches/event_form.html"


@blueprint.route(f"/batches/{BATCH_ID}/events/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_event(batch_id: int) -> ResponseReturnValue:
    user = caller()
    batch = batch_service.get_batch_for_writing(db.session, user, batch_id)
    form = EventForm()
    del form.keep_photo_ids
    if not form.is_submitted():
        asked = request.args.get("type", "")
        form.type.data = asked if asked in {kind.value for kind in service.RECORDABLE_TYPES} else ""
        form.occurred_at.data = local_datetime_text(datetime.now(LOCAL_TIMEZONE))
        form.unit.data = batch.unit
        if len(batch.farming_areas) == 1 and asked in {t.value for t in service.FIELD_TYPES}:
            form.farming_area_id.data = str(batch.farming_areas[0].id)
    _prepare_event_choices(form, user, batch)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Event:
            photo_ids = store_form_photos(form, UploadPurpose.EVENT_PHOTO, batch.cooperative_id)
            return service.record_event(
                db.session, user, batch_id, {**values, "photo_upload_ids": photo_ids}
            )

        saved = submit(form, save)
        if saved is not None:
            flash(_("%(kind)s recorded.", kind=EVENT_TYPE_LABELS[saved.type]), "success")
            return redirect(url_for("batches.batch", batch_id=batch_id, _anchor="timeline"))
    return render_template(FORM, form=form, batch=batch), form_status(form)


@blueprint.route(f"/events/{EVENT_ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_event(event_id: int) -> ResponseReturnValue:
    user = caller()
    event = service.get_event(db.session, user, event_id)
    ensure_can_write(user, event.cooperative_id)
    batch = service.home_batch(event)
    if event.type is EventType.RECALL:
        flash(_("A recall cannot be changed."), "error")
        return redirect(url_for("batches.batch", batch_id=batch.id))
    form = EventForm()
    if not form.is_submitted():
        form.load(event)
    kind = event.type
    del form.type
    del form.input_batch_ids
    _prepare_event_choices(form, user, batch)
    form.keep_photo_ids.choices = [
        (str(photo.id), photo.original_filename) for photo in event.photos
    ]
    if not event.photos:
        del form.keep_photo_ids
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Event:
            kept = _kept_photo_ids(form, event)
            stored = store_form_photos(form, UploadPurpose.EVENT_PHOTO, event.cooperative_id)
            photo_ids = kept + stored
            return service.update_event(
                db.session, user, event_id, {**values, "photo_upload_ids": photo_ids}
            )

        saved = submit(form, save)
        if saved is not None:
            flash(_("Changes to the event saved."), "success")
            return redirect(url_for("batches.batch", batch_id=batch.id, _anchor="timeline"))
    page = render_template(FORM, form=form, batch=batch, event=event, kind=kind)
    return page, form_status(form)


def _prepare_event_choices(form: EventForm, user: User, batch: Batch) -> None:
    """The batch's own farming areas first, then the cooperative's others; its other batches."""
    own_ids = [area.id for area in batch.farming_areas]
    others = db.session.scalars(
        select(FarmingArea)
        .where(
            FarmingArea.cooperative_id == batch.cooperative_id,
            FarmingArea.archived_at.is_(None),
            FarmingArea.id.not_in(own_ids),
        )
        .order_by(FarmingArea.name, FarmingArea.code)
    ).all()
    form.farming_area_id.choices = (
        [("", _("Not on a farming area (give the address)"))]
        + [(str(area.id), f"{area.name} ({area.code})") for area in batch.farming_areas]
        + [
            (
                str(area.id),
                _("%(area)s: not an area of this batch", area=f"{area.name} ({area.code})"),
            )
            for area in others
        ]
    )
    if "input_batch_ids" in form:
        form.input_batch_ids.choices = [
            (str(other.id), f"{other.code} · {other.product.name}")
            for other in other_batches(user, batch)
        ]


def _kept_photo_ids(form: EventForm, event: Event) -> list[int]:
    if "keep_photo_ids" not in form:
        return []
    ticked = set(form.keep_photo_ids.data or [])
    return [photo.id for photo in event.photos if str(photo.id) in ticked]
