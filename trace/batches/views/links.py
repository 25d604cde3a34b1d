"""A batch's own links (on top of its product's): listed and added here; changed, moved
and deleted through the registry's product-link pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import READERS, WRITERS, can_write, roles_required
from trace.batches.services import batches as service
from trace.batches.views.common import blueprint
from trace.common.forms import ConfirmForm
from trace.common.views import caller, form_status, submit
from trace.db import db
from trace.registry.forms.product_links import ProductLinkForm
from trace.registry.link_types import link_type_name
from trace.registry.product_links import ProductLink
from trace.registry.services import product_links

ID = "<id:batch_id>"


@blueprint.get(f"/batches/{ID}/links")
@roles_required(*READERS)
def batch_links(batch_id: int) -> ResponseReturnValue:
    return _links_page(batch_id, ProductLinkForm())


@blueprint.post(f"/batches/{ID}/links")
@roles_required(*WRITERS)
def add_batch_link(batch_id: int) -> ResponseReturnValue:
    user = caller()
    batch = service.get_batch_for_writing(db.session, user, batch_id)
    form = ProductLinkForm()
    form.fill_choices()

    def save(values: Mapping[str, Any]) -> ProductLink:
        return product_links.add_link(db.session, user, batch.product_id, values, batch.id)

    if submit(form, save) is not None:
        flash(_("The link was added."), "success")
        return redirect(url_for("batches.batch_links", batch_id=batch_id))
    return _links_page(batch_id, form), form_status(form)


def _links_page(batch_id: int, form: ProductLinkForm) -> str:
    user = caller()
    batch = service.get_batch(db.session, user, batch_id)
    form.fill_choices()
    return render_template(
        "registry/product_links/list.html",
        product=batch.product,
        batch=batch,
        links=product_links.kept_links(db.session, user, batch.product_id, batch.id),
        product_wide=product_links.kept_links(db.session, user, batch.product_id),
        form=form if can_write(user) else None,
        add_url=url_for("batches.add_batch_link", batch_id=batch_id),
        move_form=ConfirmForm(),
        link_type_name=link_type_name,
        back_url=url_for("batches.batch", batch_id=batch_id),
    )
