"""A new API token's one trip from the form that made it to the page that shows it.

The token is made by a POST, which then redirects (so that reloading the page cannot make a
second one); the page it redirects to shows it once. In between, the token rides in the
session cookie, which Flask signs but does not hide: it is encrypted there (Fernet, with a
key derived from the secret key), kept at most ``HANDOFF_SECONDS``, and removed as soon as it
is shown. The server never keeps it: only its hash is stored.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app, session

HANDOFF_KEY = "_trace_new_token"
HANDOFF_SECONDS = 300


def _cipher() -> Fernet:
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    derived = hashlib.sha256(b"trace: new API token handoff\x00" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def hand_over(token: str) -> None:
    """Keep the token, encrypted, for the next page this browser opens."""
    session[HANDOFF_KEY] = _cipher().encrypt(token.encode("utf-8")).decode("ascii")


def take_over() -> str | None:
    """The token handed over, once; None when there is none, or it is too old or altered."""
    sealed = session.pop(HANDOFF_KEY, None)
    if not isinstance(sealed, str):
        return None
    try:
        return _cipher().decrypt(sealed.encode("ascii"), ttl=HANDOFF_SECONDS).decode("utf-8")
    except (InvalidToken, ValueError):
        return None
