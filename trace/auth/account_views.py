"""My account: name, language, a link to the password change, and the person's API tokens."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from trace.auth import account
from trace.auth.access import login_required
from trace.auth.account_forms import ProfileForm, TokenForm, TokenRevokeForm
from trace.auth.models import User
from trace.auth.token_handoff import hand_over, take_over
from trace.common.forms import is_typed_id
from trace.common.views import caller
from trace.db import db
from trace.errors import InvalidInput

blueprint = Blueprint("account", __name__)


@blueprint.route("/account", methods=["GET", "POST"])
@login_required
def account_page() -> ResponseReturnValue:
    """The profile form posts here; after a save the language switch puts the choice in force."""
    user = caller()
    if request.method == "GET":
        return _render(user)
    profile = ProfileForm()
    if profile.validate_on_submit():
        try:
            account.update_profile(
                db.session,
                user,
                profile.display_name.data or "",
                profile.preferred_language.data or "",
            )
        except InvalidInput as error:
            profile.attach_errors(error.errors)
        else:
            # Said in the language the next page will be in.
            with force_locale(user.preferred_language):
                flash(_("Your details are saved."), "success")
            back = url_for("account.account_page")
            return redirect(url_for("i18n.set_language", code=user.preferred_language, next=back))
    return _render(user, profile=profile, status=422)


@blueprint.post("/account/tokens")
@login_required
def create_token() -> ResponseReturnValue:
    """Made here, shown on the next page once (trace/auth/token_handoff.py)."""
    user = caller()
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token = account.create_token(db.session, user, form.name.data or "")
        except InvalidInput as error:
            form.attach_errors(error.errors)
        else:
            hand_over(token)
            return redirect(url_for("account.account_page", _anchor="new-token"))
    return _render(user, token_form=form, status=422)


@blueprint.route("/account/tokens/revoke", methods=["GET", "POST"])
@login_required
def revoke_token() -> ResponseReturnValue:
    """A page that asks to confirm, then the POST that revokes; the token stops at once."""
    user = caller()
    form = TokenRevokeForm()
    chosen = request.values.get("token", "") or (form.token_id.data or "")
    if not is_typed_id(chosen):
        flash(_("Choose a token to revoke from the list."), "error")
        return redirect(url_for("account.account_page"))
    token = account.own_active_token(db.session, user, int(chosen))
    if form.validate_on_submit():
        account.revoke_own_token(db.session, user, token.id)
        flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
        return redirect(url_for("account.account_page"))
    form.token_id.data = str(token.id)
    status = 422 if form.is_submitted() else 200
    return render_template("account/revoke_token.html", token=token, form=form), status


def _render(
    user: User,
    profile: ProfileForm | None = None,
    token_form: TokenForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if profile is None:
        profile = ProfileForm(formdata=None)
        profile.display_name.data = user.display_name
        profile.preferred_language.data = user.preferred_language or _language_in_force()
    page = render_template(
        "account/account.html",
        profile=profile,
        token_form=token_form or TokenForm(formdata=None),
        tokens=account.active_tokens(db.session, user),
        new_token=take_over() if status == 200 else None,
    )
    # It may hold a new token in the clear: like every signed-in page, no cache keeps it
    # (trace/web/security.py).
    return page, status


def _language_in_force() -> str:
    return str(get_locale())
