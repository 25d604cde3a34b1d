"""Inspection pages: record one, the list with its filters, one inspection, CSV and report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from trace.auth.access import roles_required, scope_to_caller
from trace.auth.models import Role, User
from trace.batches.forms import local_datetime_text
from trace.batches.models import Batch
from trace.common.clock import LOCAL_TIMEZONE
from trace.common.forms import is_typed_id, without_control_characters
from trace.common.views import MAX_PAGE, caller, form_status, page_url, submit
from trace.db import db
from trace.inspections import services as service
from trace.inspections.forms import InspectionForm
from trace.inspections.models import Inspection, InspectionOutcome
from trace.registry.models import Cooperative
from trace.signing.codes import MAX_CODE_LENGTH
from trace.uploads.forms import store_form_photos
from trace.uploads.views import content_disposition

blueprint = Blueprint("inspection", __name__)

ID = "<id:inspection_id>"
RECORDERS = tuple(service.RECORDERS)
READERS = tuple(service.READERS)


@blueprint.context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "page_url": page_url,
        "outcome_labels": service.OUTCOME_LABELS,
    }


@blueprint.route("/inspections/new", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def new_inspection() -> ResponseReturnValue:
    user = caller()
    form = InspectionForm()
    if not form.is_submitted():
        form.inspected_at.data = local_datetime_text(datetime.now(LOCAL_TIMEZONE))
        asked = request.args.get("batch", "")
        form.batch_id.data = asked if is_typed_id(asked) else ""
        form.code.data = without_control_characters(request.args.get("code", "")[:MAX_CODE_LENGTH])
    chosen = _chosen_batch(user, form.batch_id.data)
    form.fill_place_choices()
    if form.wants_communes() and form.place_problems():
        form.commune_code.data = ""
    if form.is_submitted() and not form.wants_communes():

        def save(values: Mapping[str, Any]) -> Inspection:
            subject = service.find_subject(db.session, user, values)
            photo_ids = []
            if subject is not None:
                owner_id = subject.batch.cooperative_id
                photo_ids = store_form_photos(form, service.PHOTO_PURPOSE, owner_id)
            return service.record_inspection(
                db.session, user, {**values, "photo_upload_ids": photo_ids}
            )

        saved = submit(form, save)
        if saved is not None:
            flash(_("Inspection of batch %(code)s recorded.", code=saved.batch.code), "success")
            return redirect(url_for("inspection.inspection", inspection_id=saved.id))
    page = render_template("inspections/form.html", form=form, chosen=chosen)
    return page, form_status(form)


@blueprint.get("/inspections")
@roles_required(*READERS)
def inspections() -> ResponseReturnValue:
    user = caller()
    filters = inspection_filters()
    return render_template(
        "inspections/list.html",
        page=service.list_inspections(db.session, user, filters),
        filters=filters,
        filter_args=filter_args(filters),
        cooperatives=_cooperatives_to_filter(user),
        can_record=user.role in service.RECORDERS,
    )


@blueprint.get(f"/inspections/{ID}")
@roles_required(*READERS)
def inspection(inspection_id: int) -> ResponseReturnValue:
    record = service.get_inspection(db.session, caller(), inspection_id)
    return render_template("inspections/detail.html", inspection=record, user=caller())


@blueprint.get("/inspections.csv")
@roles_required(*READERS)
def inspections_csv() -> ResponseReturnValue:
    rows = service.inspections_for_export(db.session, caller(), inspection_filters())
    response = Response(service.inspections_csv(rows), mimetype="text/csv")
    filename = f"inspections-{datetime.now(LOCAL_TIMEZONE):%Y%m%d-%H%M}.csv"
    response.headers["Content-Disposition"] = content_disposition("attachment", filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/inspections/report")
@roles_required(*READERS)
def report() -> ResponseReturnValue:
    user = caller()
    filters = inspection_filters()
    rows = service.inspections_for_export(db.session, user, filters)
    cooperative = (
        db.session.get(Cooperative, filters.cooperative_id) if filters.cooperative_id else None
    )
    return render_template(
        "inspections/report.html",
        rows=rows,
        totals=service.outcome_totals(rows),
        filters=filters,
        filter_args=filter_args(filters),
        cooperative=cooperative if user.role is not Role.COOPERATIVE else user.cooperative,
        made_at=datetime.now(LOCAL_TIMEZONE),
    )


def inspection_filters() -> service.InspectionFilters:
    """Cooperative, outcome, days and page from the query string; anything odd is ignored."""
    outcome_text = request.args.get("outcome", "")
    page_text = request.args.get("page", "")
    cooperative_text = request.args.get("cooperative", "")
    return service.InspectionFilters(
        cooperative_id=int(cooperative_text) if is_typed_id(cooperative_text) else None,
        outcome=InspectionOutcome(outcome_text) if outcome_text in set(InspectionOutcome) else None,
        date_from=_day(request.args.get("date_from", "")),
        date_to=_day(request.args.get("date_to", "")),
        page=min(max(int(page_text), 1), MAX_PAGE) if is_typed_id(page_text) else 1,
    )


def filter_args(filters: service.InspectionFilters) -> dict[str, str]:
    """The filters in force as query arguments, for the CSV and report links."""
    values = {
        "cooperative": str(filters.cooperative_id or ""),
        "outcome": filters.outcome.value if filters.outcome else "",
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
    }
    return {name: value for name, value in values.items() if value}


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text) <= 10 else None
    except ValueError:
        return None


def _chosen_batch(user: User, batch_id: str | None) -> Batch | None:
    """The batch a form was opened for (from a batch's page), if the caller may read it."""
    if not is_typed_id(batch_id):
        return None
    statement = select(Batch).where(Batch.id == int(str(batch_id)))
    return db.session.scalar(scope_to_caller(statement, Batch, user))


def _cooperatives_to_filter(user: User) -> list[Cooperative]:
    """Every cooperative, for those who read all of them; staff read only their own."""
    if user.role is Role.COOPERATIVE:
        return []
    return list(db.session.scalars(select(Cooperative).order_by(Cooperative.name)).all())
