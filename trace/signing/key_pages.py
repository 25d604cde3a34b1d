"""The signing keys on the web, for operators: list, create, rotate and revoke.

The rules are the ``keys`` commands' own (trace/signing/services.py); the pages add the
questions a person needs answered first: is the passphrase there, and what does revoking
break. Nothing here shows a private key, even encrypted: only ids, dates and public keys.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from trace.auth.access import roles_required
from trace.auth.models import Role
from trace.common.views import caller
from trace.db import db
from trace.errors import Conflict, InvalidInput
from trace.signing import services as keys
from trace.signing.errors import KeyPassphraseMissing
from trace.signing.forms import KeyActionForm, KeyRevokeForm
from trace.signing.models import KeyState

blueprint = Blueprint("keys", __name__)


@blueprint.get("/keys")
@roles_required(Role.OPERATOR)
def key_list() -> ResponseReturnValue:
    return render_template(
        "keys/list.html",
        keys=list(reversed(keys.list_keys(db.session))),
        has_current=keys.has_current_key(db.session),
        passphrase=keys.passphrase_state(db.session, current_app.config),
        form=KeyActionForm(),
    )


@blueprint.post("/keys/create")
@roles_required(Role.OPERATOR)
def create_key() -> ResponseReturnValue:
    """The first key; refused (as by ``keys create``) while a key is current."""
    if KeyActionForm().validate_on_submit():
        try:
            key = keys.create_key(db.session, _passphrase(), caller())
        except (Conflict, KeyPassphraseMissing) as error:
            flash(str(error.message), "error")
        except IntegrityError:
            _changed_meanwhile()
        else:
            message = _("Key %(kid)s is created: it signs new labels from now on.", kid=key.kid)
            flash(message, "success")
    return redirect(url_for("keys.key_list"))


@blueprint.post("/keys/rotate")
@roles_required(Role.OPERATOR)
def rotate_key() -> ResponseReturnValue:
    """A fresh key signs from now on; the old one keeps verifying the labels it signed."""
    if KeyActionForm().validate_on_submit():
        try:
            key = keys.rotate_key(db.session, _passphrase(), caller())
        except KeyPassphraseMissing as error:
            flash(str(error.message), "error")
        except IntegrityError:
            _changed_meanwhile()
        else:
            flash(_("Key %(kid)s now signs new labels.", kid=key.kid), "success")
    return redirect(url_for("keys.key_list"))


@blueprint.route("/keys/<kid>/revoke", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def revoke_key(kid: str) -> ResponseReturnValue:
    """A page that says what revoking breaks and asks why; the POST revokes for good."""
    key = keys.find_key(db.session, kid)
    if key.state is KeyState.REVOKED:
        flash(_("Key %(kid)s is revoked already.", kid=key.kid), "info")
        return redirect(url_for("keys.key_list"))
    form = KeyRevokeForm()
    if form.validate_on_submit():
        try:
            keys.revoke_key(db.session, key.kid, form.reason.data or "", caller())
        except InvalidInput as error:
            form.attach_errors(error.errors)
        except Conflict as error:
            flash(str(error.message), "error")
            return redirect(url_for("keys.key_list"))
        else:
            message = _(
                "Key %(kid)s is revoked: the labels it signed no longer verify.", kid=key.kid
            )
            flash(message, "success")
            if not keys.has_current_key(db.session):
                flash(_("No key signs new labels now: rotate to make a new one."), "error")
            return redirect(url_for("keys.key_list"))
    status = 422 if form.is_submitted() else 200
    return render_template("keys/revoke.html", key=key, form=form), status


def _changed_meanwhile() -> None:
    """On PostgreSQL two operators rotating at once both make a current key: the index that
    allows one refuses the second, which is undone and told, rather than shown an error."""
    db.session.rollback()
    flash(_("Another operator changed the keys at the same moment: check the list."), "error")


def _passphrase() -> bytes:
    return keys.key_passphrase(current_app.config)
