"""Issuing keys: create, rotate, revoke and list them; load the one that signs.

The private key is encrypted with ``TRACE_KEY_PASSPHRASE`` (PKCS#8, the best encryption
``cryptography`` offers). In development, when the setting is empty, a fixed and public
development passphrase is used instead (``DEVELOPMENT_PASSPHRASE``): keys made that way
protect nothing and must never sign real labels. With ``TRACE_ENV=production`` no key is
created or loaded without the setting. Private key material is never logged, printed or
returned by anything here except ``private_key_of``, to the code that signs.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.audit.models import AuditAction, AuditSubject
from trace.audit.services import record_audit
from trace.auth.models import User
from trace.config import PRODUCTION
from trace.db import utcnow
from trace.errors import Conflict, InvalidInput, NotFound
from trace.signing.errors import KeyPassphraseMissing, KeyUnreadable, NoCurrentKey
from trace.signing.models import KID_LENGTH, REVOCATION_REASON_MAX, IssuingKey

log = logging.getLogger(__name__)

KID_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{KID_LENGTH}}}")
# Public on purpose: it only keeps development keys from sitting in the clear.
DEVELOPMENT_PASSPHRASE = b"trace-development-passphrase-not-secret"


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE writes binary values."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(public_key: bytes) -> str:
    """The key id: the first 8 bytes of the SHA-256 of the raw public key, base64url (11 chars)."""
    return b64url(hashlib.sha256(public_key).digest()[:8])


def key_passphrase(config: Mapping[str, Any]) -> bytes:
    """The passphrase that encrypts private keys, from the app's configuration.

    Raises ``KeyPassphraseMissing`` in production without ``TRACE_KEY_PASSPHRASE``; in
    development it falls back to ``DEVELOPMENT_PASSPHRASE`` and logs a warning.
    """
    passphrase = config.get("TRACE_KEY_PASSPHRASE") or ""
    if passphrase:
        return str(passphrase).encode("utf-8")
    if config.get("TRACE_ENV") == PRODUCTION:
        raise KeyPassphraseMissing()
    log.warning("TRACE_KEY_PASSPHRASE is not set: using the development passphrase")
    return DEVELOPMENT_PASSPHRASE


def is_development_passphrase(passphrase: bytes) -> bool:
    return passphrase == DEVELOPMENT_PASSPHRASE


_ALL_KEYS = select(IssuingKey).order_by(IssuingKey.created_at, IssuingKey.id)
# Built once: every online verification and public page reads the key set, as plain rows.
_PUBLIC_KEYS = select(IssuingKey.kid, IssuingKey.public_key, IssuingKey.revoked_at).order_by(
    IssuingKey.created_at, IssuingKey.id
)


def list_keys(session: Session) -> Sequence[IssuingKey]:
    """Every key that ever existed, oldest first."""
    return session.scalars(_ALL_KEYS).all()


def find_key(session: Session, kid: str, for_update: bool = False) -> IssuingKey:
    """The key with this id, or ``NotFound``.

    ``for_update`` locks its row until the transaction ends (PostgreSQL; SQLite's writers
    take turns already) and reads it as last committed: two operators revoking one key at
    once, the second finds it revoked instead of writing its reason over the first's.
    """
    if not KID_PATTERN.fullmatch(kid):
        # Not even the shape of a key id (PostgreSQL would refuse a NUL in it outright).
        raise NotFound(_l("No issuing key has this id."), errors={"kid": [kid[:KID_LENGTH]]})
    statement = select(IssuingKey).where(IssuingKey.kid == kid)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    key = session.scalars(statement).one_or_none()
    if key is None:
        raise NotFound(_l("No issuing key has this id."), errors={"kid": [kid]})
    return key


def current_key(session: Session) -> IssuingKey:
    """The key that signs new labels, or ``NoCurrentKey``."""
    key = session.scalars(select(IssuingKey).where(IssuingKey.is_current)).one_or_none()
    if key is None:
        raise NoCurrentKey()
    return key


def has_current_key(session: Session) -> bool:
    return _current_or_none(session) is not None


def create_key(
    session: Session, passphrase: bytes, user: User | None = None, now: datetime | None = None
) -> IssuingKey:
    """Create the first key, which becomes current; ``Conflict`` when a key is already current.

    Replacing a current key is ``rotate_key``'s work, so that no run of ``create`` silently
    changes which key signs.
    """
    if _current_or_none(session) is not None:
        raise Conflict(_l("A key is already current: use `keys rotate` to replace it."))
    return _add_current_key(session, passphrase, user, now or utcnow())


def rotate_key(
    session: Session, passphrase: bytes, user: User | None = None, now: datetime | None = None
) -> IssuingKey:
    """Make a new key current; the old one stops signing but keeps verifying its labels.

    With no current key (none yet, or it was revoked) this creates one: the outcome of
    rotating is always "a fresh key signs from now on".
    """
    if not passphrase:
        raise KeyPassphraseMissing()
    now = now or utcnow()
    previous = _current_or_none(session)
    if previous is not None:
        previous.is_current = False
        # The partial unique index allows one current key: retire the old one first.
        session.flush()
        _audit(session, user, previous, AuditAction.CHANGED, {"is_current": [True, False]})
    return _add_current_key(session, passphrase, user, now)


def revoke_key(
    session: Session, kid: str, reason: str, user: User | None = None, now: datetime | None = None
) -> IssuingKey:
    """Revoke a key for good: it never signs again and the JWKS marks it ``revoked_at``.

    Revoking the current key leaves no key current until the next ``rotate_key``.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(errors={"reason": [str(_l("Say why the key is revoked."))]})
    if len(reason) > REVOCATION_REASON_MAX:
        message = _l("At most %(count)d characters.", count=REVOCATION_REASON_MAX)
        raise InvalidInput(errors={"reason": [str(message)]})
    key = find_key(session, kid, for_update=True)
    if key.revoked_at is not None:
        raise Conflict(_l("This key is already revoked."), errors={"kid": [kid]})
    was_current = key.is_current
    key.is_current = False
    key.revoked_at = now or utcnow()
    key.revocation_reason = reason
    session.flush()
    changes: dict[str, list[Any]] = {
        "revoked_at": [None, key.revoked_at.isoformat()],
        "revocation_reason": [None, reason],
    }
    if was_current:
        changes["is_current"] = [True, False]
    _audit(session, user, key, AuditAction.CHANGED, changes)
    return key


def private_key_of(key: IssuingKey, passphrase: bytes) -> Ed25519PrivateKey:
    """Decrypt a key's private half; ``KeyUnreadable`` on a wrong passphrase or a foreign key."""
    try:
        loaded = serialization.load_pem_private_key(
            key.private_key_pem.encode("ascii"), password=passphrase
        )
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyUnreadable() from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise KeyUnreadable()
    if b64url(_raw_public(loaded.public_key())) != key.public_key:
        raise KeyUnreadable()
    return loaded


def load_public_key(x: str) -> Ed25519PublicKey:
    """An Ed25519 public key from its JWK ``x``; ``KeyUnreadable`` when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        return Ed25519PublicKey.from_public_bytes(raw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyUnreadable() from exc


def public_jwk(kid: str, public_key: str, revoked_at: datetime | None) -> dict[str, str]:
    """A key as a JWK (RFC 8037); a revoked key carries ``revoked_at`` (RFC 3339, UTC)."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": public_key, "kid": kid}
    jwk |= {"use": "sig", "alg": "EdDSA"}
    if revoked_at is not None:
        jwk["revoked_at"] = rfc3339(revoked_at)
    return jwk


def key_set(session: Session) -> dict[str, list[dict[str, str]]]:
    """The JSON Web Key Set of every key that ever existed."""
    rows = session.execute(_PUBLIC_KEYS).all()
    return {"keys": [public_jwk(*row) for row in rows]}


def rfc3339(moment: datetime) -> str:
    """A UTC instant as RFC 3339 with a ``Z``, to the second."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _current_or_none(session: Session) -> IssuingKey | None:
    return session.scalars(select(IssuingKey).where(IssuingKey.is_current)).one_or_none()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _add_current_key(
    session: Session, passphrase: bytes, user: User | None, now: datetime
) -> IssuingKey:
    if not passphrase:
        raise KeyPassphraseMissing()
    private_key = Ed25519PrivateKey.generate()
    public_raw = _raw_public(private_key.public_key())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    key = IssuingKey(
        kid=key_id(public_raw),
        public_key=b64url(public_raw),
        private_key_pem=pem.decode("ascii"),
        created_at=now,
        is_current=True,
        activated_at=now,
    )
    session.add(key)
    session.flush()
    changes: dict[str, list[Any]] = {
        "kid": [None, key.kid],
        "public_key": [None, key.public_key],
        "is_current": [None, True],
    }
    _audit(session, user, key, AuditAction.CREATED, changes)
    return key


def _audit(
    session: Session,
    user: User | None,
    key: IssuingKey,
    action: AuditAction,
    changes: Mapping[str, list[Any]],
) -> None:
    record_audit(
        session,
        user,
        cooperative_id=None,
        subject=AuditSubject.KEY,
        subject_id=key.id,
        action=action,
        changes=changes,
    )


class PassphraseState(enum.StrEnum):
    """Whether keys can be made and used with the passphrase the app was given."""

    READY = "ready"
    # No TRACE_KEY_PASSPHRASE in production: nothing can be created, rotated or signed.
    MISSING = "missing"
    # Development without the setting: new keys are protected by a public passphrase.
    DEVELOPMENT = "development"
    # The current key does not decrypt with it: labels cannot be signed until it is fixed.
    WRONG = "wrong"


def passphrase_state(session: Session, config: Mapping[str, Any]) -> PassphraseState:
    """What the operator must know of the key passphrase before creating or rotating keys."""
    try:
        passphrase = key_passphrase(config)
    except KeyPassphraseMissing:
        return PassphraseState.MISSING
    current = _current_or_none(session)
    if current is not None:
        try:
            private_key_of(current, passphrase)
        except KeyUnreadable:
            return PassphraseState.WRONG
    if is_development_passphrase(passphrase):
        return PassphraseState.DEVELOPMENT
    return PassphraseState.READY
