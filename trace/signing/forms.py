"""The signing keys pages' forms: what was typed; trace/signing/services.py judges it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from trace.common.forms import RegistryForm
from trace.signing.models import REVOCATION_REASON_MAX


class KeyActionForm(RegistryForm):
    """Creating and rotating take no input: the form carries the CSRF token."""


class KeyRevokeForm(RegistryForm):
    reason = TextAreaField(
        _l("Why is the key revoked?"),
        description=_l("Kept in the audit records, for example: the server holding it was stolen."),
        render_kw={"maxlength": REVOCATION_REASON_MAX, "rows": 3},
    )
