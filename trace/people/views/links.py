"""The page an invitation or reset link opens: the person chooses their password."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from trace.auth import sessions
from trace.db import db
from trace.errors import InvalidInput
from trace.people import links, services
from trace.people.forms import SetPasswordForm
from trace.people.links import LinkGone
from trace.people.views.common import blueprint


@blueprint.route("/account/link/<token>", methods=["GET", "POST"])
def account_link(token: str) -> ResponseReturnValue:
    """Anyone holding the link may use it, once; then they are signed in as its owner."""
    try:
        link = links.live_link(db.session, token)
    except LinkGone as gone:
        return render_template("people/link_gone.html", message=str(gone.message)), gone.status
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            person = services.set_password_with_link(db.session, token, form.password.data or "")
        except InvalidInput as error:
            form.password.errors.extend(error.errors.get("password", []))
        except LinkGone as gone:
            return render_template("people/link_gone.html", message=str(gone.message)), gone.status
        else:
            # Whoever was signed in on this browser before is not the link's owner.
            logout_user()
            login_user(person)
            sessions.start_session(person)
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(url_for("site.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template("people/set_password.html", form=form, link=link), status
