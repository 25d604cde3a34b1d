"""The links a cooperative keeps for a product: the list with its add form, change, move
up or down, delete after a confirmation. A batch's own links use the same pages, from the
batch's page (``trace.batches.views.links``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import READERS, WRITERS, can_write, roles_required
from trace.common.forms import ConfirmForm
from trace.common.views import caller, form_status, submit
from trace.db import db
from trace.registry.forms.product_links import ProductLinkForm
from trace.registry.link_types import link_type_name
from trace.registry.product_links import ProductLink
from trace.registry.services import product_links as service
from trace.registry.services.products import get_product
from trace.registry.views.common import blueprint

PRODUCT_ID = "<id:product_id>"
LINK_ID = "<id:link_id>"


def links_page_url(link: ProductLink) -> str:
    """Where a link is kept: its batch's links page, or its product's."""
    if link.batch_id is not None:
        return url_for("batches.batch_links", batch_id=link.batch_id)
    return url_for("registry.product_links", product_id=link.product_id)


@blueprint.get(f"/products/{PRODUCT_ID}/links")
@roles_required(*READERS)
def product_links(product_id: int) -> ResponseReturnValue:
    return _links_page(product_id, ProductLinkForm())


@blueprint.post(f"/products/{PRODUCT_ID}/links")
@roles_required(*WRITERS)
def add_product_link(product_id: int) -> ResponseReturnValue:
    user = caller()
    form = ProductLinkForm()
    form.fill_choices()

    def save(values: Mapping[str, Any]) -> ProductLink:
        return service.add_link(db.session, user, product_id, values)

    if submit(form, save) is not None:
        flash(_("The link was added."), "success")
        return redirect(url_for("registry.product_links", product_id=product_id))
    return _links_page(product_id, form), form_status(form)


def _links_page(product_id: int, form: ProductLinkForm) -> str:
    user = caller()
    product = get_product(db.session, user, product_id)
    form.fill_choices()
    return render_template(
        "registry/product_links/list.html",
        product=product,
        batch=None,
        links=service.kept_links(db.session, user, product_id),
        form=form if can_write(user) else None,
        add_url=url_for("registry.add_product_link", product_id=product_id),
        move_form=ConfirmForm(),
        link_type_name=link_type_name,
        back_url=url_for("registry.product", product_id=product_id),
    )


@blueprint.route(f"/product-links/{LINK_ID}/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit_product_link(link_id: int) -> ResponseReturnValue:
    user = caller()
    link = service.get_link_for_writing(db.session, user, link_id)
    form = ProductLinkForm()
    form.fill_choices()
    if not form.is_submitted():
        form.load(link)
    else:

        def save(values: Mapping[str, Any]) -> ProductLink:
            return service.update_link(db.session, user, link_id, values)

        if submit(form, save) is not None:
            flash(_("Changes to the link saved."), "success")
            return redirect(links_page_url(link))
    page = render_template(
        "registry/product_links/form.html", form=form, link=link, back_url=links_page_url(link)
    )
    return page, form_status(form)


@blueprint.post(f"/product-links/{LINK_ID}/move")
@roles_required(*WRITERS)
def move_product_link(link_id: int) -> ResponseReturnValue:
    user = caller()
    link = service.get_link_for_writing(db.session, user, link_id)
    form = ConfirmForm()
    direction = request.form.get("direction", "")
    if form.validate_on_submit() and direction in ("up", "down"):
        service.move_link(db.session, user, link_id, up=direction == "up")
    else:
        flash(_("The link was not moved: please try again."), "error")
    return redirect(links_page_url(link))


@blueprint.route(f"/product-links/{LINK_ID}/delete", methods=["GET", "POST"])
@roles_required(*WRITERS)
def delete_product_link(link_id: int) -> ResponseReturnValue:
    user = caller()
    link = service.get_link_for_writing(db.session, user, link_id)
    back_url = links_page_url(link)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.delete_link(db.session, user, link_id)
        flash(_("The link was deleted."), "success")
        return redirect(back_url)
    return render_template(
        "registry/product_links/delete.html",
        form=form,
        link=link,
        link_type_name=link_type_name,
        back_url=back_url,
    )
