"""Batch pages: list, register, show, change, recall, and the full trace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.audit.services import batch_history
from trace.auth.access import READERS, WRITERS, can_write, roles_required, scope_to_caller
from trace.auth.models import User
from trace.batches.forms import (
    EVENT_TYPE_LABELS,
    INPUT_KIND_LABELS,
    STATUS_LABELS,
    BatchEditForm,
    BatchForm,
    RecallForm,
)
from trace.batches.models import Batch, BatchStatus, EventBatchRole
from trace.batches.services import batches as service
from trace.batches.services import issuing
from trace.batches.services.completeness import completeness_of, missing_in_words
from trace.batches.services.events import events_of, pre_harvest_warnings
from trace.batches.services.recall import recall_batch
from trace.batches.services.tracing import trace_batch
from trace.batches.views.common import blueprint
from trace.common.formats import local_day, local_moment
from trace.common.forms import chosen_id, without_control_characters
from trace.common.views import MAX_PAGE, caller, form_status, page_url, submit
from trace.db import db
from trace.errors import InvalidInput
from trace.registry.link_types import link_type_name
from trace.registry.models import FarmingArea, Product
from trace.registry.services.product_links import links_for
from trace.registry.views.common import prepare_owner_field

ID = "<id:batch_id>"
IMPORT_ENDPOINT = "batches.import_batches"


@blueprint.context_processor
def _template_helpers() -> dict[str, Any]:
    return {
        "page_url": page_url,
        "status_labels": STATUS_LABELS,
        "batch_roles": EventBatchRole,
    }


def batch_query() -> service.BatchQuery:
    """Search, status and page from the query string; anything odd is ignored."""
    status_text = request.args.get("status", "")
    page_text = request.args.get("page", "")
    page = int(page_text) if page_text.isdigit() and len(page_text) < 7 else 1
    return service.BatchQuery(
        search=without_control_characters(request.args.get("q", "")[:100]),
        status=BatchStatus(status_text) if status_text in set(BatchStatus) else None,
        page=min(max(page, 1), MAX_PAGE),
    )


@blueprint.get("/batches")
@roles_required(*READERS)
def batches() -> ResponseReturnValue:
    user = caller()
    query = batch_query()
    page = service.list_batches(db.session, user, query)
    import_url = url_for(IMPORT_ENDPOINT) if IMPORT_ENDPOINT in current_app.view_functions else None
    return render_template(
        "batches/list.html",
        page=page,
        query=query,
        can_write=can_write(user),
        import_url=import_url,
    )


@blueprint.route("/batches/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_batch() -> ResponseReturnValue:
    user = caller()
    form = BatchForm()
    prepare_owner_field(form, user, is_new=True)
    owner_id = chosen_id(form.cooperative_id) if "cooperative_id" in form else user.cooperative_id
    if owner_id is None:
        # An operator first chooses the cooperative: its products and areas follow.
        page = render_template("batches/choose_cooperative.html", form=form)
        return page, 422 if form.is_submitted() else 200
    _prepare_batch_choices(form, owner_id)
    if form.is_submitted():
        saved = submit(form, lambda values: service.create_batch(db.session, user, values))
        if saved is not None:
            flash(_("Batch %(code)s registered.", code=saved.code), "success")
            warn_missing_items(saved.id)
            return redirect(url_for("batches.batch", batch_id=saved.id))
    return render_template("batches/form.html", form=form), form_status(form)


@blueprint.get(f"/batches/{ID}")
@roles_required(*READERS)
def batch(batch_id: int) -> ResponseReturnValue:
    user = caller()
    record = service.get_batch(db.session, user, batch_id)
    events = events_of(db.session, record)
    trace = trace_batch(db.session, record)
    return render_template(
        "batches/detail.html",
        batch=record,
        events=events,
        warnings=pre_harvest_warnings(events),
        certificates=service.applied_certificates(db.session, record),
        completeness=completeness_of(db.session, record.id),
        harvest_day=service.reference_day(record),
        trace=trace,
        step_back=[step for step in trace.sources if step.depth == 1],
        step_forward=[step for step in trace.products if step.depth == 1],
        own_shipments=[e for e in trace.shipments if record in e.batches(EventBatchRole.SUBJECT)],
        history=describe_history(db.session, batch_history(db.session, record.id)),
        label_code=issuing.current_batch_code(
            db.session, record, current_app.config["TRACE_PUBLIC_BASE_URL"]
        ),
        unit_count=issuing.unit_count(db.session, record.id),
        links=links_for(db.session, record.product_id, record.id),
        link_type_name=link_type_name,
        can_write=can_write(user),
        user=user,
    )


@blueprint.route(f"/batches/{ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_batch(batch_id: int) -> ResponseReturnValue:
    user = caller()
    record = service.get_batch_for_writing(db.session, user, batch_id)
    if record.is_recalled:
        flash(_("A recalled batch cannot be changed."), "error")
        return redirect(url_for("batches.batch", batch_id=batch_id))
    form = BatchEditForm()
    if not form.is_submitted():
        form.load(record)
    keep = [area.id for area in record.farming_areas]
    form.farming_area_ids.choices = _area_choices(record.cooperative_id, keep)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Batch:
            return service.update_batch(db.session, user, batch_id, values)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Changes to batch %(code)s saved.", code=saved.code), "success")
            warn_missing_items(saved.id)
            return redirect(url_for("batches.batch", batch_id=batch_id))
    return render_template("batches/form.html", form=form, batch=record), form_status(form)


def warn_missing_items(batch_id: int) -> None:
    """After a save, name each item of the circular the batch still lacks: the save stands,
    and the batch's page says how to add each."""
    missing = completeness_of(db.session, batch_id).missing
    if missing:
        items = "; ".join(missing_in_words(missing))
        flash(
            _(
                "Still missing for Circular 02/2024: %(items)s. The batch's page shows how to "
                "add each.",
                items=items,
            ),
            "warning",
        )


@blueprint.route(f"/batches/{ID}/recall", methods=["GET", "POST"])
@roles_required(*WRITERS)
def recall(batch_id: int) -> ResponseReturnValue:
    user = caller()
    record = service.get_batch_for_writing(db.session, user, batch_id)
    form = RecallForm()
    if form.is_submitted() and not record.is_recalled:
        form.validate()
        try:
            recall_batch(db.session, user, batch_id, form.reason.data or "")
        except InvalidInput as error:
            form.attach_errors(error.errors)
        if not form.errors:
            flash(_("Batch %(code)s is recalled.", code=record.code), "success")
            return redirect(url_for("batches.batch", batch_id=batch_id))
    return render_template("batches/recall.html", form=form, batch=record), form_status(form)


@blueprint.get(f"/batches/{ID}/trace")
@roles_required(*READERS)
def batch_trace(batch_id: int) -> ResponseReturnValue:
    record = service.get_batch(db.session, caller(), batch_id)
    return render_template(
        "batches/trace.html", batch=record, trace=trace_batch(db.session, record)
    )


def _prepare_batch_choices(form: BatchForm, cooperative_id: int) -> None:
    """The cooperative's active products, and its farming areas to tick."""
    products = db.session.scalars(
        select(Product)
        .where(Product.cooperative_id == cooperative_id, Product.archived_at.is_(None))
        .order_by(Product.name, Product.id)
    ).all()
    form.product_id.choices = [("", _("Choose the product"))] + [
        (str(product.id), product.name) for product in products
    ]
    form.farming_area_ids.choices = _area_choices(cooperative_id, [])


def _area_choices(cooperative_id: int, keep: list[int]) -> list[tuple[str, str]]:
    """Farming areas not archived, and any archived one the batch already names."""
    areas = db.session.scalars(
        select(FarmingArea)
        .where(FarmingArea.cooperative_id == cooperative_id)
        .order_by(FarmingArea.name, FarmingArea.code)
    ).all()
    return [
        (str(area.id), f"{area.name} ({area.code})")
        for area in areas
        if area.archived_at is None or area.id in keep
    ]


def other_batches(user: User, batch: Batch) -> list[Batch]:
    """The batches of the same cooperative a processing step may have used, newest first."""
    statement = scope_to_caller(
        select(Batch).where(Batch.cooperative_id == batch.cooperative_id, Batch.id != batch.id),
        Batch,
        user,
    )
    return list(db.session.scalars(statement.order_by(Batch.created_at.desc()).limit(200)).all())


FIELD_LABELS = {
    "product_id": _l("Product"),
    "lot": _l("Lot number"),
    "code": _l("Batch code"),
    "farming_areas": _l("Farming areas"),
    "harvested_on": _l("Harvest date"),
    "packed_on": _l("Packing date"),
    "expires_on": _l("Expiry date"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "status": _l("Status"),
    "recall_reason": _l("Reason for the recall"),
    "unit_codes": _l("Unit codes issued"),
    "activated_codes": _l("Pre-printed codes activated"),
    "activated_range": _l("Codes activated"),
    "units_sold": _l("Units reported sold"),
    "type": _l("What happened"),
    "occurred_at": _l("When"),
    "farming_area_id": _l("Farming area"),
    "address": _l("Address"),
    "input_kind": _l("Kind of input"),
    "input_name": _l("Name of the product applied"),
    "input_dose": _l("Dose"),
    "pre_harvest_interval_days": _l("Pre-harvest interval (days)"),
    "party_name": _l("Buyer, market or supplier"),
    "notes": _l("Notes"),
    "photo_ids": _l("Photos"),
    "batches": _l("Batches"),
    # A link the cooperative keeps for this batch (trace/registry/services/product_links.py).
    "batch_id": _l("Batch"),
    "link_type": _l("Kind of link"),
    "href": _l("Address of the page"),
    "title_vi": _l("Title in Vietnamese"),
    "title_en": _l("Title in English"),
    "position": _l("Place in the list"),
}
ACTION_LABELS = {
    (AuditSubject.BATCH, AuditAction.CREATED): _l("Batch registered"),
    (AuditSubject.BATCH, AuditAction.IMPORTED): _l("Batch imported from a spreadsheet"),
    (AuditSubject.BATCH, AuditAction.CHANGED): _l("Batch changed"),
    (AuditSubject.BATCH, AuditAction.RECALLED): _l("Batch recalled"),
    (AuditSubject.EVENT, AuditAction.CREATED): _l("Event recorded"),
    (AuditSubject.EVENT, AuditAction.IMPORTED): _l("Event imported"),
    (AuditSubject.EVENT, AuditAction.CHANGED): _l("Event corrected"),
    (AuditSubject.PRODUCT_LINK, AuditAction.CREATED): _l("Link added"),
    (AuditSubject.PRODUCT_LINK, AuditAction.CHANGED): _l("Link changed"),
    (AuditSubject.PRODUCT_LINK, AuditAction.REMOVED): _l("Link deleted"),
}
ROLE_LABELS = {
    EventBatchRole.SUBJECT.value: _l("this batch"),
    EventBatchRole.INPUT.value: _l("went in"),
    EventBatchRole.OUTPUT.value: _l("came out"),
}


@dataclass(frozen=True)
class HistoryRow:
    """One audit record in words: when, who, what, and each field from what to what."""

    record: AuditRecord
    action: str
    changes: list[tuple[str, str | None, str]]


def describe_history(session: Any, records: Sequence[AuditRecord]) -> list[HistoryRow]:
    rows = []
    for record in records:
        action = ACTION_LABELS.get((record.subject, record.action), record.action.value)
        # A deleted record (a batch's link) is described by what it was.
        shown = 0 if record.action is AuditAction.REMOVED else 1
        changes = [
            (
                str(FIELD_LABELS.get(name, name)),
                None
                if record.action is not AuditAction.CHANGED
                else _value_words(session, name, pair[0]),
                _value_words(session, name, pair[shown]),
            )
            for name, pair in record.changes.items()
            if record.action is AuditAction.CHANGED or pair[shown] not in (None, "", [], {})
        ]
        rows.append(HistoryRow(record, str(action), changes))
    return rows


def _value_words(session: Any, name: str, value: Any) -> str:
    """A stored JSON value as people read it: local dates, names instead of ids."""
    if value in (None, "", [], {}):
        return _("(empty)")
    if name in ("harvested_on", "packed_on", "expires_on"):
        return local_day(date.fromisoformat(value))
    if name == "occurred_at":
        return local_moment(datetime.fromisoformat(value))
    if name == "product_id":
        product = session.get(Product, value)
        return product.name if product else str(value)
    if name == "link_type":
        return link_type_name(value)
    if name == "farming_area_id":
        area = session.get(FarmingArea, value)
        return f"{area.name} ({area.code})" if area else str(value)
    labels: Mapping[str, Any] = {
        "status": {status.value: label for status, label in STATUS_LABELS.items()},
        "type": {kind.value: label for kind, label in EVENT_TYPE_LABELS.items()},
        "input_kind": {kind.value: label for kind, label in INPUT_KIND_LABELS.items()},
    }.get(name, {})
    if labels:
        return str(labels.get(value, value))
    if name == "photo_ids":
        return ngettext("%(num)d photo", "%(num)d photos", len(value))
    if name == "batches":
        return ", ".join(f"{code} ({ROLE_LABELS.get(role, role)})" for code, role in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
