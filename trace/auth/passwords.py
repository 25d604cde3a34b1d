"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

# Stored for an account whose owner has not set a password yet (an invitation): no argon2
# hash looks like it, so no password ever verifies against it.
UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105 (a marker, no password)


def init_app(app: Flask) -> None:
    """Tests pass cheaper parameters in ``PASSWORD_HASH_PARAMETERS``; production keeps defaults."""
    app.extensions["trace.password_hasher"] = PasswordHasher(
        **app.config["PASSWORD_HASH_PARAMETERS"]
    )


def _hasher() -> PasswordHasher:
    hasher: PasswordHasher = current_app.extensions["trace.password_hasher"]
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_verification_time(password: str) -> None:
    """Spend what a real check costs, so a wrong email answers as slowly as a wrong password."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    cached: str | None = current_app.extensions.get("trace.dummy_password_hash")
    if cached is None:
        cached = hash_password("not a real password")
        current_app.extensions["trace.dummy_password_hash"] = cached
    return cached
