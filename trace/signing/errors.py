"""The errors of signing: every ``cryptography`` failure is turned into one of these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trace.errors import TraceError


class SigningError(TraceError):
    """Base of the errors raised when an issuing key cannot be made, loaded or used."""

    status = 503
    message = _l("Labels cannot be signed right now.")


class KeyPassphraseMissing(SigningError):
    """Raised outside development when TRACE_KEY_PASSPHRASE is not set."""

    message = _l("TRACE_KEY_PASSPHRASE is not set: private keys cannot be created or used.")


class KeyUnreadable(SigningError):
    """Raised when a stored private key cannot be decrypted (wrong passphrase) or is not Ed25519."""

    message = _l("The private key could not be decrypted: check TRACE_KEY_PASSPHRASE.")


class NoCurrentKey(SigningError):
    """Raised when a label must be signed but no key is current (none yet, or it was revoked)."""

    message = _l(
        "No issuing key is current, so labels cannot be signed: the platform operator must run "
        "`flask --app trace keys rotate`."
    )
