"""Product pages: list, add, show, change, archive."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import flash, redirect, render_template, url_for
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
from trace.common.forms import chosen_id
from trace.common.views import caller, form_status, list_query, submit
from trace.db import db
from trace.registry.forms.key_products import ProposeKeyProductForm
from trace.registry.forms.products import ProductForm
from trace.registry.link_types import link_type_name
from trace.registry.models import (
    Certificate,
    CertificateScheme,
    KeyProduct,
    KeyProductProposal,
    KeyProductProposalState,
    Product,
)
from trace.registry.services import key_product_proposals, key_products, product_links
from trace.registry.services import products as service
from trace.registry.views.common import archive_page, blueprint, prepare_owner_field
from trace.uploads.forms import stored_upload, upload_to_show, with_upload
from trace.uploads.models import UploadPurpose

ID = "<id:product_id>"


@blueprint.get("/products")
@roles_required(*READERS)
def products() -> ResponseReturnValue:
    user = caller()
    query = list_query()
    page = service.list_products(db.session, user, query)
    return render_template(
        "registry/products/list.html", page=page, query=query, can_write=can_write(user)
    )


@blueprint.route("/products/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_product() -> ResponseReturnValue:
    user = caller()
    form = ProductForm()
    prepare_owner_field(form, user, is_new=True)
    _prepare_ocop_choices(form, user)
    if form.is_submitted():
        owner_id = chosen_id(form.cooperative_id) if "cooperative_id" in form else None
        owner_id = owner_id or user.cooperative_id

        def save(values: Mapping[str, Any]) -> Product:
            image_id = stored_upload(form, "image", UploadPurpose.PRODUCT_IMAGE, owner_id)
            changes = with_upload(values, "image_upload_id", image_id)
            return service.create_product(db.session, user, changes)

        product = submit(form, save)
        if product is not None:
            flash(_("Product “%(name)s” added.", name=product.name), "success")
            return redirect(url_for("registry.product", product_id=product.id))
    return render_template("registry/products/form.html", form=form), form_status(form)


@blueprint.get(f"/products/{ID}")
@roles_required(*READERS)
def product(product_id: int) -> ResponseReturnValue:
    user = caller()
    record = service.get_product(db.session, user, product_id)
    key_entries = key_products.product_entries(db.session, record.id)
    proposal = key_product_proposals.latest_for_product(db.session, record.id)
    return render_template(
        "registry/products/detail.html",
        product=record,
        can_write=can_write(user),
        image=upload_to_show(record.image_upload_id, user),
        key_entries=key_entries,
        links=product_links.kept_links(db.session, user, record.id),
        link_type_name=link_type_name,
        proposal=proposal,
        propose_form=ProposeKeyProductForm()
        if _may_propose(user, record, key_entries, proposal)
        else None,
    )


def _may_propose(
    user: User,
    product: Product,
    key_entries: Sequence[KeyProduct],
    proposal: KeyProductProposal | None,
) -> bool:
    """Staff propose a live product their commune does not list and that waits for nothing."""
    own_commune = product.cooperative.commune_code
    return (
        user.role is Role.COOPERATIVE
        and product.archived_at is None
        and all(entry.commune_code != own_commune for entry in key_entries)
        and (proposal is None or proposal.state is not KeyProductProposalState.PENDING)
    )


@blueprint.route(f"/products/{ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_product(product_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Product, product_id, user)
    form = ProductForm()
    if not form.is_submitted():
        form.load(record)
    prepare_owner_field(form, user, is_new=False)
    _prepare_ocop_choices(form, user, record.cooperative_id, keep_id=record.ocop_certificate_id)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> Product:
            image_id = stored_upload(
                form, "image", UploadPurpose.PRODUCT_IMAGE, record.cooperative_id
            )
            changes = with_upload(values, "image_upload_id", image_id)
            return service.update_product(db.session, user, product_id, changes)

        saved = submit(form, save)
        if saved is not None:
            flash(_("Changes to “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("registry.product", product_id=product_id))
    return (
        render_template("registry/products/form.html", form=form, product=record),
        form_status(form),
    )


@blueprint.route(f"/products/{ID}/archive", methods=["GET", "POST"])
@roles_required(*WRITERS)
def archive_product(product_id: int) -> ResponseReturnValue:
    user = caller()
    record = get_for_writing(db.session, Product, product_id, user)
    return archive_page(
        record.name,
        record.archived_at is not None,
        url_for("registry.product", product_id=product_id),
        lambda: service.archive_product(db.session, user, product_id),
    )


def _prepare_ocop_choices(
    form: ProductForm, user: User, cooperative_id: int | None = None, keep_id: int | None = None
) -> None:
    """The OCOP certificates that may award stars: the cooperative's own (any, for operators)."""
    statement = scope_to_caller(
        select(Certificate)
        .where(
            Certificate.scheme == CertificateScheme.OCOP,
            or_(Certificate.archived_at.is_(None), Certificate.id == keep_id),
        )
        .order_by(Certificate.valid_to.desc()),
        Certificate,
        user,
    )
    if cooperative_id is not None:
        statement = statement.where(Certificate.cooperative_id == cooperative_id)
    elif user.role is Role.COOPERATIVE:
        statement = statement.where(Certificate.cooperative_id == user.cooperative_id)
    certificates = db.session.scalars(statement).all()
    show_owner = user.role is Role.OPERATOR and cooperative_id is None
    form.ocop_certificate_id.choices = [("", _("No OCOP certificate"))] + [
        (str(c.id), f"{c.number} ({c.cooperative.name})" if show_owner else c.number)
        for c in certificates
    ]
