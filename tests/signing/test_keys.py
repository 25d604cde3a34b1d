"""Issuing keys: derivation of the key id, encryption at rest, rotation, revocation, audit."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from trace.audit.models import AuditRecord, AuditSubject
from trace.errors import Conflict, InvalidInput, NotFound
from trace.signing import services as keys
from trace.signing.errors import KeyPassphraseMissing, KeyUnreadable, NoCurrentKey, SigningError
from trace.signing.models import IssuingKey

PASSPHRASE = b"correct horse battery staple"


def raw_private(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def raw_public(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def secrets_of(private_key: Ed25519PrivateKey) -> list[str]:
    """The private key as it could leak: raw hex, base64, base64url, unencrypted PEM."""
    raw = raw_private(private_key)
    clear_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    body = "".join(clear_pem.splitlines()[1:-1])
    return [
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        body,
    ]


def dump_database(session) -> str:
    """Every row of the tables that could hold key material, as text."""
    rows = []
    for table in ("issuing_keys", "audit_records"):
        rows += [repr(tuple(row)) for row in session.execute(text(f"SELECT * FROM {table}"))]
    return "\n".join(rows)


def test_the_key_id_is_the_first_8_bytes_of_the_public_keys_sha256(session):
    key = keys.create_key(session, PASSPHRASE)
    public = base64.urlsafe_b64decode(key.public_key + "=")
    assert len(public) == 32
    expected = base64.urlsafe_b64encode(hashlib.sha256(public).digest()[:8]).rstrip(b"=").decode()
    assert key.kid == expected
    assert len(key.kid) == 11
    assert "=" not in key.kid + key.public_key


def test_the_first_key_is_current_and_a_second_create_is_refused(session):
    first = keys.create_key(session, PASSPHRASE)
    assert first.is_current
    assert first.activated_at is not None
    with pytest.raises(Conflict):
        keys.create_key(session, PASSPHRASE)
    assert keys.current_key(session) is first


def test_the_private_key_is_stored_encrypted(session):
    key = keys.create_key(session, PASSPHRASE)
    assert key.private_key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
    private_key = keys.private_key_of(keys.current_key(session), PASSPHRASE)
    assert raw_public(private_key) == base64.urlsafe_b64decode(key.public_key + "=")
    dump = dump_database(session)
    for secret in secrets_of(private_key):
        assert secret not in dump
    assert secrets_of(private_key)[0] not in repr(key)


def test_a_wrong_passphrase_raises_our_error(session):
    key = keys.create_key(session, PASSPHRASE)
    with pytest.raises(KeyUnreadable) as caught:
        keys.private_key_of(keys.current_key(session), b"wrong")
    assert isinstance(caught.value, SigningError)
    assert caught.value.__cause__ is not None
    with pytest.raises(KeyUnreadable):
        keys.private_key_of(key, b"")


def test_a_stored_key_of_another_type_is_refused(session):
    key = keys.create_key(session, PASSPHRASE)
    other = ec.generate_private_key(ec.SECP256R1())
    key.private_key_pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE),
    ).decode()
    with pytest.raises(KeyUnreadable):
        keys.private_key_of(key, PASSPHRASE)
    key.private_key_pem = "not a key"
    with pytest.raises(KeyUnreadable):
        keys.private_key_of(key, PASSPHRASE)


def test_production_without_a_passphrase_refuses():
    with pytest.raises(KeyPassphraseMissing):
        keys.key_passphrase({"TRACE_ENV": "production", "TRACE_KEY_PASSPHRASE": None})
    with pytest.raises(KeyPassphraseMissing):
        keys.key_passphrase({"TRACE_ENV": "production", "TRACE_KEY_PASSPHRASE": ""})
    assert keys.key_passphrase({"TRACE_ENV": "production", "TRACE_KEY_PASSPHRASE": "s3cret"}) == (
        b"s3cret"
    )


def test_development_falls_back_to_the_development_passphrase():
    passphrase = keys.key_passphrase({"TRACE_ENV": "development", "TRACE_KEY_PASSPHRASE": None})
    assert passphrase == keys.DEVELOPMENT_PASSPHRASE
    assert keys.is_development_passphrase(passphrase)


def test_an_empty_passphrase_never_encrypts_a_key(session):
    with pytest.raises(KeyPassphraseMissing):
        keys.create_key(session, b"")
    with pytest.raises(KeyPassphraseMissing):
        keys.rotate_key(session, b"")
    assert keys.list_keys(session) == []


def test_rotation_makes_a_new_key_current_and_keeps_the_old_one(session):
    first = keys.create_key(session, PASSPHRASE)
    second = keys.rotate_key(session, PASSPHRASE)
    assert second.kid != first.kid
    assert keys.current_key(session) is second
    assert not first.is_current
    assert first.revoked_at is None
    assert [key.kid for key in keys.list_keys(session)] == [first.kid, second.kid]
    assert keys.load_public_key(keys.find_key(session, first.kid).public_key) is not None
    signature = keys.private_key_of(keys.current_key(session), PASSPHRASE).sign(b"label")
    keys.load_public_key(keys.find_key(session, second.kid).public_key).verify(signature, b"label")


def test_rotating_with_no_key_creates_the_first(session):
    key = keys.rotate_key(session, PASSPHRASE)
    assert keys.current_key(session) is key


def test_revocation_marks_the_key_and_it_never_signs_again(session):
    key = keys.create_key(session, PASSPHRASE)
    moment = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    keys.revoke_key(session, key.kid, "  laptop   stolen ", now=moment)
    assert key.revoked_at == moment
    assert key.revocation_reason == "laptop stolen"
    assert not key.is_current
    with pytest.raises(NoCurrentKey):
        keys.private_key_of(keys.current_key(session), PASSPHRASE)
    replacement = keys.rotate_key(session, PASSPHRASE)
    assert keys.current_key(session) is replacement
    assert key.revoked_at == moment


@pytest.mark.parametrize(
    ("kid", "reason", "error"),
    [
        ("nonexistent", "lost", NotFound),
        ("KID", "   ", InvalidInput),
        ("KID", "x" * 501, InvalidInput),
    ],
)
def test_bad_revocations_change_nothing(session, kid, reason, error):
    key = keys.create_key(session, PASSPHRASE)
    with pytest.raises(error):
        keys.revoke_key(session, key.kid if kid == "KID" else kid, reason)
    assert key.revoked_at is None
    assert key.is_current


def test_revoking_twice_is_a_conflict(session):
    key = keys.create_key(session, PASSPHRASE)
    keys.revoke_key(session, key.kid, "compromised")
    with pytest.raises(Conflict):
        keys.revoke_key(session, key.kid, "again")
    assert key.revocation_reason == "compromised"


def test_the_database_allows_one_current_key_only(session):
    first = keys.create_key(session, PASSPHRASE)
    second = keys.rotate_key(session, PASSPHRASE)
    first.is_current = True
    first.activated_at = second.activated_at
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_every_change_leaves_an_audit_record_without_secrets(session):
    first = keys.create_key(session, PASSPHRASE)
    second = keys.rotate_key(session, PASSPHRASE)
    keys.revoke_key(session, first.kid, "retired")
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.subject == AuditSubject.KEY).order_by(AuditRecord.id)
    ).all()
    summary = [
        (record.subject_id, record.action.value, sorted(record.changes)) for record in records
    ]
    assert summary == [
        (first.id, "created", ["is_current", "kid", "public_key"]),
        (first.id, "changed", ["is_current"]),
        (second.id, "created", ["is_current", "kid", "public_key"]),
        (first.id, "changed", ["revocation_reason", "revoked_at"]),
    ]
    assert all(record.cooperative_id is None for record in records)
    assert all(record.actor == "command line" for record in records)
    text_of_records = json.dumps([record.changes for record in records])
    for key in (first, second):
        assert "PRIVATE KEY" not in text_of_records
        for secret in secrets_of(keys.private_key_of(key, PASSPHRASE)):
            assert secret not in text_of_records


def test_load_public_key_refuses_what_is_not_an_ed25519_key():
    with pytest.raises(KeyUnreadable):
        keys.load_public_key("AAAA")
    with pytest.raises(KeyUnreadable):
        keys.load_public_key("!!!")


def test_keys_are_never_deleted_by_the_service(session):
    first = keys.create_key(session, PASSPHRASE)
    keys.revoke_key(session, first.kid, "gone")
    keys.rotate_key(session, PASSPHRASE)
    assert len(session.scalars(select(IssuingKey)).all()) == 2
