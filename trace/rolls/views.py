"""Roll pages: the rolls, a new roll, a roll's file, and activating a range on a batch.

Creating a roll signs and stores its codes (a POST with a CSRF token), then leads to the
roll's page. The page tells, for the stickers chosen, whether phones will read the codes and
which lines do not fit; its form posts either "Check" (the page again, for the new choice)
or "Download": the file (PDF, TSPL or ZPL) drawn from the stored codes, so downloading it
again issues nothing. Activation is a small form that works on a phone: each field takes a
serial, or a code scanned or pasted whole.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _

from labels import LAYOUTS
from trace.auth.access import WRITERS, roles_required
from trace.auth.models import User
from trace.batches.models import Batch
from trace.batches.services.batches import get_batch_for_writing
from trace.common.views import caller, form_status, submit
from trace.db import db
from trace.errors import Conflict, InvalidInput
from trace.printing.options import LAYOUT_LABELS, PrintOptions
from trace.printing.report import RunSummary
from trace.rolls import services
from trace.rolls.activation import activate_range
from trace.rolls.forms import ActivationForm, RollForm, RollPrintForm
from trace.rolls.jobs import is_large_roll, start_roll_job
from trace.rolls.models import Roll
from trace.rolls.printing import DEFAULT_LAYOUT, read_roll_options, roll_file, roll_summary

blueprint = Blueprint("rolls", __name__)


@blueprint.get("/rolls")
@roles_required(*WRITERS)
def rolls() -> ResponseReturnValue:
    page_text = request.args.get("page", "")
    page = int(page_text) if page_text.isdigit() and len(page_text) < 7 else 1
    listed = services.list_rolls(db.session, caller(), max(page, 1))
    return render_template("rolls/list.html", page=listed)


@blueprint.route("/rolls/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_roll() -> ResponseReturnValue:
    user = caller()
    form = RollForm()
    targets = services.roll_targets(db.session, user)
    form.target.choices = [("", _("Choose…"))] + [
        (services.target_value(target), _target_words(target)) for target in targets
    ]
    if form.is_submitted():
        roll = submit(form, lambda values: services.create_roll(db.session, user, values))
        if roll is not None:
            flash(
                _(
                    "Roll R%(number)04d printed: %(count)d codes.",
                    number=roll.number,
                    count=roll.count,
                ),
                "success",
            )
            layout = form.layout.data if form.layout.data in LAYOUT_LABELS else DEFAULT_LAYOUT
            return redirect(url_for("rolls.roll", roll_id=roll.id, layout=layout), 303)
    return render_template("rolls/new.html", form=form), form_status(form)


@blueprint.get("/rolls/<id:roll_id>")
@roles_required(*WRITERS)
def roll(roll_id: int) -> ResponseReturnValue:
    """The roll, and what the stickers in ``?layout=`` (the roll's own by default) tell."""
    found = services.get_roll(db.session, caller(), roll_id)
    chosen = request.args.get("layout", "")
    form = RollPrintForm(layout=chosen if chosen in LAYOUTS else DEFAULT_LAYOUT)
    summary = roll_summary(db.session, found, read_roll_options(form.values()))
    return _roll_page(found, form, summary)


@blueprint.post("/rolls/<id:roll_id>/labels")
@roles_required(*WRITERS)
def roll_labels(roll_id: int) -> ResponseReturnValue:
    """ "Check" answers the page again for the choices; "Download" (the default) the file at
    once, or for a large roll (``TRACE_JOB_THRESHOLD_LABELS``) its job's page. A POST, as a
    job is a record; the codes drawn are always the stored ones. Bad choices (a sheet for a
    thermal printer) are sent back with their reason, nothing drawn or queued."""
    user = caller()
    found = services.get_roll(db.session, user, roll_id)
    form = RollPrintForm()
    summary = None
    if form.validate():
        try:
            options = read_roll_options({**form.values(), "language": _language()})
        except InvalidInput as error:
            form.attach_errors(error.errors)
        else:
            if request.form.get("action", "download") == "download":
                return _download(user, found, options)
            summary = roll_summary(db.session, found, options)
    return _roll_page(found, form, summary), 422 if form.errors else 200


def _download(user: User, roll: Roll, options: PrintOptions) -> ResponseReturnValue:
    if is_large_roll(roll):
        job = start_roll_job(db.session, user, roll, options)
        return redirect(url_for("jobs.job", public_id=job.public_id), 303)
    return roll_file(db.session, roll, options)


def _roll_page(roll: Roll, form: RollPrintForm, summary: RunSummary | None) -> str:
    return render_template(
        "rolls/detail.html",
        roll=roll,
        activated=services.activated_count(db.session, roll),
        form=form,
        summary=summary,
    )


def _language() -> str:
    """The clerk's language, for a sheet's calibration page."""
    return str(get_locale() or "vi")


@blueprint.route("/batches/<id:batch_id>/activate", methods=["GET", "POST"])
@roles_required(*WRITERS)
def activate(batch_id: int) -> ResponseReturnValue:
    """Activate a range of a roll on the batch; refused whole, with the reason, or done."""
    user = caller()
    batch = get_batch_for_writing(db.session, user, batch_id)
    form = ActivationForm()
    refusal = None
    if form.is_submitted():
        try:
            done = submit(
                form,
                lambda values: activate_range(
                    db.session, user, batch_id, values["first"], values["last"]
                ),
            )
        except Conflict as error:
            refusal = str(error)
        else:
            if done is not None:
                message = _(
                    "%(count)d codes activated on this batch: %(first)s to %(last)s.",
                    count=done.count,
                    first=done.first,
                    last=done.last,
                )
                flash(message, "success")
                return redirect(
                    url_for("batches.batch", batch_id=batch.id, _anchor="code-title"), 303
                )
    status = 409 if refusal else form_status(form)
    page = render_template(
        "rolls/activate.html",
        batch=batch,
        form=form,
        refusal=refusal,
        scope=_scope_words(batch),
    )
    return page, status


def _scope_words(batch: Batch) -> str:
    """The rolls a batch takes, as the clerk reads them on the label."""
    if batch.product.gtin:
        return f"GTIN {batch.product.gtin}"
    return _("Prefix %(prefix)s", prefix=batch.cooperative.code_prefix)


def _target_words(target: services.RollTarget) -> str:
    if target.product is not None:
        return _("%(product)s, GTIN %(gtin)s", product=target.product.name, gtin=target.gtin)
    return _(
        "%(cooperative)s: prefix %(prefix)s (products without a GTIN)",
        cooperative=target.cooperative.name,
        prefix=target.prefix,
    )
