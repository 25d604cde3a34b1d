"""Sign in, sign out, and change one's own password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from trace.auth import services, sessions
from trace.auth.access import login_required
from trace.auth.forms import LoginForm, LogoutForm, PasswordChangeForm
from trace.common.urls import safe_next_path
from trace.db import db
from trace.errors import InvalidInput
from trace.extensions import limiter

blueprint = Blueprint("auth", __name__)


def _login_rate_limit() -> str:
    return str(current_app.config["TRACE_LOGIN_RATE_LIMIT"])


def _address_rate_limit() -> str:
    return str(current_app.config["TRACE_LOGIN_ADDRESS_RATE_LIMIT"])


def _submitted_email_from_address() -> str:
    """The email tried, from this address: counted alone, the email would let anyone lock
    its owner out by failing on purpose."""
    email = services.normalise_email(request.form.get("email", ""))[:254]
    return f"login:{get_remote_address()}:{email}"


def _sign_in_failed(response: Response) -> bool:
    """Only failed attempts count: a person who signs in uses up nothing."""
    return response.status_code != 302


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_rate_limit, methods=["POST"], deduct_when=_sign_in_failed)
@limiter.limit(
    _login_rate_limit,
    methods=["POST"],
    key_func=_submitted_email_from_address,
    deduct_when=_sign_in_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user)
            sessions.start_session(user)
            return redirect(safe_next_path(form.next.data, url_for("site.dashboard")))
        form.password.errors.append(_("The email or password is wrong."))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
def logout():
    if not LogoutForm().validate_on_submit():
        return redirect(url_for("site.home"))
    if current_user.is_authenticated:
        # A copy of this cookie, or the same person's session on another device, ends too.
        services.end_sessions(db.session, current_user)
    logout_user()
    flash(_("You have signed out."), "info")
    response = redirect(url_for("site.home"))
    # The verify page keeps itself, its lists and unsent checks on the phone for offline
    # use: on a shared phone, signing out must take them away.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Works without JavaScript; other sessions end, this one stays signed in."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(
                db.session, user, form.current_password.data or "", form.new_password.data or ""
            )
        except InvalidInput as error:
            for name, messages in error.errors.items():
                form[name].errors.extend(messages)
        else:
            sessions.keep_this_session(user)
            flash(_("Your password is changed; you are signed out on every other device."), "info")
            return redirect(url_for("site.dashboard"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/change_password.html", form=form), status
