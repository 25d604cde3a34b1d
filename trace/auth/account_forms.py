"""My account's forms: they carry what was typed; trace/auth/account.py judges it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField

from trace.common.forms import RegistryForm, as_options
from trace.common.languages import LANGUAGE_NAMES, LANGUAGES


class ProfileForm(RegistryForm):
    display_name = StringField(_l("Your name"), render_kw={"maxlength": 120})
    preferred_language = RadioField(
        _l("Language of the pages"),
        **as_options({"choices": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]}),
        validate_choice=False,
    )


class TokenForm(RegistryForm):
    name = StringField(
        _l("What the token is for"),
        description=_l("For example: the warehouse spreadsheet, or the partner's system."),
        render_kw={"maxlength": 100},
    )


class TokenRevokeForm(FlaskForm):
    """Revoking is a POST with a CSRF token, sent from the page that asks to confirm."""

    token_id = HiddenField()
