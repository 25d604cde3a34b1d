"""A commune's key products: the officer's list (add by decision, remove), the cooperatives'
proposals to confirm or decline, and a cooperative's proposal from its product's page.

An officer keeps their own commune's list only: another commune answers 404, as other
tenants' records do. Operators keep any commune's; staff only propose their own products.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.clock import local_today
from trace.common.communes import Commune
from trace.common.views import caller, form_status, submit
from trace.db import db
from trace.registry.forms.key_products import (
    AddKeyProductForm,
    DecisionForm,
    DeclineProposalForm,
    ProposeKeyProductForm,
    RemoveKeyProductForm,
)
from trace.registry.models import KeyProduct, KeyProductProposal, Product
from trace.registry.services import key_product_proposals as proposals
from trace.registry.services import key_products as service
from trace.registry.services.products import get_product
from trace.registry.views.common import blueprint

KEEPERS = (Role.OPERATOR, Role.COMMUNE_OFFICER)
COMMUNE = "/communes/<commune_code>/key-products"


@blueprint.route(COMMUNE, methods=["GET", "POST"])
@roles_required(*KEEPERS)
def key_products(commune_code: str) -> ResponseReturnValue:
    """The list, the form that adds to it, and the proposals waiting for an answer."""
    commune = service.commune_for_caller(caller(), commune_code)
    form = AddKeyProductForm()
    form.product_id.choices = _product_choices(commune)
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> KeyProduct:
            return service.add_key_product(
                db.session, caller(), commune.code, values["product_id"], values["decision"]
            )

        entry = submit(form, save)
        if entry is not None:
            flash(
                _(
                    "“%(name)s” is a key product of the commune, by decision %(number)s.",
                    name=entry.product.name,
                    number=entry.decision_number,
                ),
                "success",
            )
            return redirect(url_for("registry.key_products", commune_code=commune.code))
    page = render_template(
        "registry/key_products/list.html",
        commune=commune,
        form=form,
        entries=service.listed(db.session, commune.code),
        removed=service.removed(db.session, commune.code),
        pending=proposals.pending(db.session, commune.code),
        answered=proposals.answered(db.session, commune.code),
    )
    return page, form_status(form)


@blueprint.route(f"{COMMUNE}/<id:entry_id>/remove", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def remove_key_product(commune_code: str, entry_id: int) -> ResponseReturnValue:
    commune = service.commune_for_caller(caller(), commune_code)
    entry = service.listed_entry(db.session, commune.code, entry_id)
    form = RemoveKeyProductForm()
    if not form.is_submitted():
        form.removed_on.data = local_today().isoformat()
    else:

        def save(values: Mapping[str, Any]) -> KeyProduct:
            return service.remove_key_product(
                db.session, caller(), commune.code, entry_id, values["removed_on"], values["reason"]
            )

        if submit(form, save) is not None:
            flash(_("“%(name)s” left the commune's list.", name=entry.product.name), "success")
            return redirect(url_for("registry.key_products", commune_code=commune.code))
    page = render_template(
        "registry/key_products/remove.html", commune=commune, entry=entry, form=form
    )
    return page, form_status(form)


@blueprint.route(f"{COMMUNE}/proposals/<id:proposal_id>/confirm", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def confirm_key_product_proposal(commune_code: str, proposal_id: int) -> ResponseReturnValue:
    commune = service.commune_for_caller(caller(), commune_code)
    proposal = proposals.pending_proposal(db.session, commune.code, proposal_id)
    form = DecisionForm()
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> KeyProduct:
            return proposals.confirm(
                db.session, caller(), commune.code, proposal_id, values["decision"]
            )

        entry = submit(form, save)
        if entry is not None:
            flash(
                _(
                    "Proposal confirmed: “%(name)s” is a key product of the commune.",
                    name=entry.product.name,
                ),
                "success",
            )
            return redirect(url_for("registry.key_products", commune_code=commune.code))
    page = render_template(
        "registry/key_products/confirm.html", commune=commune, proposal=proposal, form=form
    )
    return page, form_status(form)


@blueprint.route(f"{COMMUNE}/proposals/<id:proposal_id>/decline", methods=["GET", "POST"])
@roles_required(*KEEPERS)
def decline_key_product_proposal(commune_code: str, proposal_id: int) -> ResponseReturnValue:
    commune = service.commune_for_caller(caller(), commune_code)
    proposal = proposals.pending_proposal(db.session, commune.code, proposal_id)
    form = DeclineProposalForm()
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> KeyProductProposal:
            return proposals.decline(
                db.session, caller(), commune.code, proposal_id, values["reason"]
            )

        if submit(form, save) is not None:
            flash(_("Proposal of “%(name)s” declined.", name=proposal.product.name), "success")
            return redirect(url_for("registry.key_products", commune_code=commune.code))
    page = render_template(
        "registry/key_products/decline.html", commune=commune, proposal=proposal, form=form
    )
    return page, form_status(form)


@blueprint.route("/products/<id:product_id>/propose-key-product", methods=["GET", "POST"])
@roles_required(Role.COOPERATIVE)
def propose_key_product(product_id: int) -> ResponseReturnValue:
    """Staff ask their commune to list one of their products (the product's page has the
    button; this page shows the form again with what to correct)."""
    user = caller()
    product = get_product(db.session, user, product_id)
    form = ProposeKeyProductForm()
    if form.is_submitted():

        def save(values: Mapping[str, Any]) -> KeyProductProposal:
            return proposals.propose(db.session, user, product_id, values["note"])

        if submit(form, save) is not None:
            flash(
                _("“%(name)s” is proposed to the commune as a key product.", name=product.name),
                "success",
            )
            return redirect(url_for("registry.product", product_id=product_id))
    page = render_template("registry/key_products/propose.html", product=product, form=form)
    return page, form_status(form)


def _product_choices(commune: Commune) -> list[tuple[str, str]]:
    """The commune's products not on its list yet, and those carried over that wait for
    their decision; each with its cooperative."""
    decided = {
        entry.product_id
        for entry in service.listed(db.session, commune.code)
        if not entry.awaits_decision
    }
    products: list[Product] = [
        product
        for product in service.commune_products(db.session, commune.code)
        if product.id not in decided
    ]
    return [("", _("Choose the product"))] + [
        (str(product.id), f"{product.name} ({product.cooperative.name})") for product in products
    ]
