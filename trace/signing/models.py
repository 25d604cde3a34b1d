"""Issuing keys (Ed25519 pairs that sign label codes) and the codes they signed; never deleted."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from trace.db import Base, utcnow

KID_LENGTH = 11  # 8 bytes of SHA-256, unpadded base64url
PUBLIC_KEY_LENGTH = 43  # 32 raw bytes, unpadded base64url
REVOCATION_REASON_MAX = 500


class KeyState(enum.StrEnum):
    """Where a key stands: it signs, it only verifies what it signed, or it verifies nothing."""

    CURRENT = "current"
    RETIRED = "retired"
    REVOKED = "revoked"


class IssuingKey(Base):
    """One Ed25519 key: its public half in the clear, its private half encrypted (PKCS#8 PEM).

    Exactly one key is current (signs new labels) at a time: the service switches it and a
    partial unique index refuses a second current key. Old keys keep verifying the labels
    they signed until they are revoked; a revoked key never signs again.
    """

    __tablename__ = "issuing_keys"
    __table_args__ = (
        Index(
            "ix_issuing_keys_one_current",
            "is_current",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        CheckConstraint("NOT (is_current AND revoked_at IS NOT NULL)", name="revoked_never_signs"),
        CheckConstraint("NOT is_current OR activated_at IS NOT NULL", name="current_was_activated"),
        CheckConstraint(
            "(revoked_at IS NULL) = (revocation_reason IS NULL)", name="revocation_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(KID_LENGTH), unique=True)
    # The JWK ``x``: the raw public key, unpadded base64url.
    public_key: Mapped[str] = mapped_column(String(PUBLIC_KEY_LENGTH), unique=True)
    private_key_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_current: Mapped[bool] = mapped_column(default=False)
    # When the key last became current; null for a key that never signed.
    activated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revocation_reason: Mapped[str | None] = mapped_column(String(REVOCATION_REASON_MAX))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def state(self) -> KeyState:
        if self.revoked_at is not None:
            return KeyState.REVOKED
        return KeyState.CURRENT if self.is_current else KeyState.RETIRED

    def __repr__(self) -> str:
        # Never the private key, even encrypted.
        return f"<IssuingKey {self.kid} current={self.is_current} revoked={self.is_revoked}>"
