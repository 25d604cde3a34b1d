"""Sign in and sign out."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from trace.auth import services
from trace.auth.forms import LoginForm, LogoutForm
from trace.common.urls import safe_next_path
from trace.db import db
from trace.extensions import limiter

blueprint = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return str(current_app.config["TRACE_LOGIN_RATE_LIMIT"])


def _submitted_email() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))[:254]


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], key_func=_submitted_email)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            return redirect(safe_next_path(form.next.data, url_for("site.dashboard")))
        form.password.errors.append(_("The email or password is wrong."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
def logout():
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("site.home"))
    logout_user()
    flash(_("You have signed out."), "info")
    response = redirect(url_for("site.home"))
    # The verify page keeps itself, its lists and unsent checks on the phone for offline
    # use: on a shared phone, signing out must take them away.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
