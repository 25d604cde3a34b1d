"""Certificate pages: list with status, add, show, change, revoke, archive."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import or_, select

from trace.auth.access import (
    READERS,
    WRITERS,
    can_write,
    get_for_writing,
    roles_required,
    scope_to_caller,
)
from trace.auth.models import Role, User
from trace.common.clock import local_today
from trace.common.forms import chosen_id
from trace.common.views import caller, form_status, list_query, submit
from trace.db import db
from trace.errors import InvalidInput
from trace.registry.forms.certificates import SCHEME_LABELS, CertificateForm, RevokeForm
from trace.registry.models import Certificate, FarmingArea, Product
from trace.registry.services import certificates as service
from trace.registry.views.common import archive_page, blueprint, prepare_owner_field
from trace.uploads.forms import stored_upload, upload_to_show, with_upload
from trace.uploads.models import UploadPurpose

ID = "<id:certificate_id>"
FORM = "registry/certificates/form.html"


@blueprint.get("/certificates")
@roles_required(*READERS)
def certificates() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    page = service.list_certificates(db.session, user, query)
    on = local_today()
    return render_template(
        "registry/certificates/list.html",
        page=page,
        facts=[service.describe(certificate, on) for certificate in page.items],
        query=query,
        can_write=can_write(user),
        scheme_labels=SCHEME_LABELS,
    )


@blueprint.route("/certificates/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_certificate() -> ResponseReturnValue:
    user = caller()
    form = CertificateForm()
    prepare_owner_field(form, user, is_new=True)
    owner_id = chosen_id(form.cooperative_id) if "cooperative_id" in form else user.cooperative_id
    _prepare_scope_choices(form, user, owner_id)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Certificate:
            scan_id = stored_upload(form, "scan", UploadPurpose.CERTIFICATE_SCAN, owner_id)
            changes = with_upload(values, "scan_upload_id", scan_id)
            return service.create_certificate(db.session, user, changes)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Certificate %(number)s added.", number=saved.number), "success")
            return redirect(url_for("registry.certificate", certificate_id=saved.id))
    return render_template(FORM, form=form), form_status(form)


@blueprint.get(f"/certificates/{ID}")
@roles_required(*READERS)
def certificate(certificate_id: int) -> ResponseReturnValue:
    record = service.get_certificate(db.session, caller(), certificate_id)
    return _detail(record, RevokeForm(formdata=None)), 200


@blueprint.route(f"/certificates/{ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_certificate(certificate_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Certificate, certificate_id, user)
    form = CertificateForm()
    if not form.is_submitted():
        form.load(record)
    prepare_owner_field(form, user, is_new=False)
    _prepare_scope_choices(form, user, record.cooperative_id, keep=record)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Certificate:
            scan_id = stored_upload(
                form, "scan", UploadPurpose.CERTIFICATE_SCAN, record.cooperative_id
            )
            changes = with_upload(values, "scan_upload_id", scan_id)
            return service.update_certificate(db.session, user, certificate_id, changes)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Changes to certificate %(number)s saved.", number=saved.number), "success")
            return redirect(url_for("registry.certificate", certificate_id=certificate_id))
    return render_template(FORM, form=form, certificate=record), form_status(form)


@blueprint.post(f"/certificates/{ID}/revoke")
@roles_required(*WRITERS)
def revoke_certificate(certificate_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Certificate, certificate_id, user)
    form = RevokeForm()
    form.validate()
    try:
        service.revoke_certificate(
            db.session, user, certificate_id, form.revocation_reason.data or ""
        )
    except InvalidInput as error:
        form.attach_errors(error.errors)
        return _detail(record, form), 422
    flash(_("Certificate %(number)s is now shown as revoked.", number=record.number), "success")
    return redirect(url_for("registry.certificate", certificate_id=certificate_id))


@blueprint.route(f"/certificates/{ID}/archive", methods=["GET", "POST"])
@roles_required(*WRITERS)
def archive_certificate(certificate_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Certificate, certificate_id, user)
    return archive_page(
        record.number,
        record.archived_at is not None,
        url_for("registry.certificate", certificate_id=certificate_id),
        lambda: service.archive_certificate(db.session, user, certificate_id),
    )


def _detail(record: Certificate, revoke_form: RevokeForm) -> str:
    user = caller()
    return render_template(
        "registry/certificates/detail.html",
        certificate=record,
        facts=service.describe(record, local_today()),
        can_write=can_write(user),
        scheme_labels=SCHEME_LABELS,
        revoke_form=revoke_form,
        scan=upload_to_show(record.scan_upload_id, user),
    )


def _prepare_scope_choices(
    form: CertificateForm, user: User, cooperative_id: int | None, keep: Certificate | None = None
) -> None:
    """Products and farming areas to tick: the cooperative's own, not archived."""
    if cooperative_id is None and request.args.get("cooperative", "").isdigit():
        cooperative_id = int(request.args["cooperative"])
    show_owner = user.role is Role.OPERATOR and cooperative_id is None
    form.product_ids.choices = _choices(Product, user, cooperative_id, keep, show_owner)
    form.farming_area_ids.choices = _choices(FarmingArea, user, cooperative_id, keep, show_owner)


def _choices(
    model: type[Product] | type[FarmingArea],
    user: User,
    cooperative_id: int | None,
    keep: Certificate | None,
    show_owner: bool,
) -> list[tuple[str, str]]:
    kept: list[Any] = []
    if keep is not None:
        kept = list(keep.products if model is Product else keep.farming_areas)
    statement: Any = scope_to_caller(select(model), model, user).where(
        or_(model.archived_at.is_(None), model.id.in_([row.id for row in kept]))
    )
    if cooperative_id is not None:
        statement = statement.where(model.cooperative_id == cooperative_id)
    rows = db.session.scalars(statement.order_by(model.name, model.id)).all()
    return [(str(row.id), _choice_label(row, show_owner)) for row in rows]


def _choice_label(row: Product | FarmingArea, show_owner: bool) -> str:
    label = f"{row.name} ({row.code})" if isinstance(row, FarmingArea) else row.name
    return f"{label} · {row.cooperative.name}" if show_owner else label
