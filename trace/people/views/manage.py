"""One person's page for operators: role and binding, disabling, enabling, new links."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from trace.auth.access import roles_required
from trace.auth.models import Role, User
from trace.common.forms import ConfirmForm
from trace.common.views import caller, form_status, submit
from trace.db import db, utcnow
from trace.errors import InvalidInput
from trace.people import links, services
from trace.people.forms import BindingForm, cooperative_choices
from trace.people.services import IssuedLink
from trace.people.views.common import blueprint, link_url, mail_links

ID = "<id:user_id>"


@blueprint.get(f"/users/{ID}")
@roles_required(Role.OPERATOR)
def person(user_id: int) -> ResponseReturnValue:
    record = services.person_for(db.session, caller(), user_id)
    return _person_page(record)


def _person_page(record: User, problem: str | None = None) -> ResponseReturnValue:
    link = links.current_link(db.session, record)
    page = render_template(
        "people/detail.html",
        person=record,
        status=services.account_status(record),
        link=link,
        link_is_live=link is not None and link.is_live(utcnow()),
        form=ConfirmForm(),
        problem=problem,
        is_self=record.id == caller().id,
    )
    return page, 422 if problem else 200


@blueprint.route(f"/users/{ID}/role", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def change_role(user_id: int) -> ResponseReturnValue:
    user = caller()
    record = services.person_for(db.session, user, user_id)
    form = BindingForm()
    form.cooperative.choices = cooperative_choices(db.session)
    if not form.is_submitted():
        form.role.data = record.role.value
        form.cooperative.data = record.cooperative.tax_code if record.cooperative else ""
        form.commune_code.data = record.commune_code or ""
    else:

        def save(values: Mapping[str, Any]) -> bool:
            return services.change_binding(db.session, user, record, **values)

        changed = submit(form, save)
        if changed is not None:
            if changed:
                flash(
                    _(
                        "The new role applies now: %(email)s is signed out everywhere.",
                        email=record.email,
                    ),
                    "success",
                )
            return redirect(url_for("people.person", user_id=user_id))
    return render_template("people/role.html", form=form, person=record), form_status(form)


@blueprint.route(f"/users/{ID}/disable", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def disable(user_id: int) -> ResponseReturnValue:
    """A confirmation step first: disabling signs the person out everywhere at once."""
    user = caller()
    record = services.person_for(db.session, user, user_id)
    if not record.is_active:
        return redirect(url_for("people.person", user_id=user_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        return _changed(
            record,
            lambda: services.disable_person(db.session, user, record),
            _(
                "%(email)s is disabled: signed out everywhere, API tokens revoked.",
                email=record.email,
            ),
        )
    return render_template("people/disable.html", form=form, person=record)


@blueprint.post(f"/users/{ID}/enable")
@roles_required(Role.OPERATOR)
def enable(user_id: int) -> ResponseReturnValue:
    user = caller()
    record = services.person_for(db.session, user, user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("people.person", user_id=user_id))
    return _changed(
        record,
        lambda: services.enable_person(db.session, user, record),
        _("%(email)s may sign in again.", email=record.email),
    )


def _changed(record: User, change: Callable[[], bool], message: str) -> ResponseReturnValue:
    try:
        change()
    except InvalidInput as error:
        return _person_page(record, str(error.message))
    flash(message, "success")
    return redirect(url_for("people.person", user_id=record.id))


@blueprint.post(f"/users/{ID}/invitation")
@roles_required(Role.OPERATOR)
def reinvite(user_id: int) -> ResponseReturnValue:
    user = caller()
    record = services.person_for(db.session, user, user_id)
    return _new_link(record, lambda: services.reissue_invitation(db.session, user, record))


@blueprint.post(f"/users/{ID}/reset-link")
@roles_required(Role.OPERATOR)
def reset_link(user_id: int) -> ResponseReturnValue:
    user = caller()
    record = services.person_for(db.session, user, user_id)
    return _new_link(record, lambda: services.issue_reset_link(db.session, user, record))


def _new_link(record: User, issue: Callable[[], IssuedLink]) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("people.person", user_id=record.id))
    try:
        issued = issue()
    except InvalidInput as error:
        return _person_page(record, str(error.message))
    return render_template(
        "people/link.html", issued=issued, url=link_url(issued.token), mailed=mail_links([issued])
    )
