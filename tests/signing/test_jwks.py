"""``GET /.well-known/jwks.json``: shape key by key, cache headers, ETag, CORS, no secrets."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.signing.test_keys import secrets_of
from trace.signing import services as keys

PASSPHRASE = b"jwks test passphrase"
URL = "/.well-known/jwks.json"
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def _b64url_decode(text: str) -> bytes:
    assert re.fullmatch(r"[A-Za-z0-9_-]+", text), "unpadded base64url"
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_key(jwk: dict) -> Ed25519PublicKey:
    """Only ``cryptography`` and the JWK: no project code."""
    return Ed25519PublicKey.from_public_bytes(_b64url_decode(jwk["x"]))


def test_an_empty_key_set_before_any_key(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.get_json() == {"keys": []}


def test_every_key_that_ever_existed_is_listed_and_valid(client, session):
    first = keys.create_key(session, PASSPHRASE)
    second = keys.rotate_key(session, PASSPHRASE)
    revoked_at = datetime(2026, 11, 24, 3, 4, 5, tzinfo=UTC)
    keys.revoke_key(session, first.kid, "retired early", now=revoked_at)
    third = keys.rotate_key(session, PASSPHRASE)
    response = client.get(URL)
    assert response.status_code == 200
    listed = response.get_json()["keys"]
    assert [jwk["kid"] for jwk in listed] == [first.kid, second.kid, third.kid]
    for jwk in listed:
        public_key = _public_key(jwk)
        raw = _b64url_decode(jwk["x"])
        assert len(raw) == 32
        kid = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:8]).rstrip(b"=").decode()
        assert jwk["kid"] == kid
        assert {key: jwk[key] for key in ("kty", "crv", "use", "alg")} == {
            "kty": "OKP",
            "crv": "Ed25519",
            "use": "sig",
            "alg": "EdDSA",
        }
        assert public_key is not None
    assert listed[0]["revoked_at"] == "2026-11-24T03:04:05Z"
    assert RFC3339_UTC.match(listed[0]["revoked_at"])
    assert "revoked_at" not in listed[1]
    assert "revoked_at" not in listed[2]
    assert set(listed[1]) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert "revocation_reason" not in response.get_data(as_text=True)


def test_no_private_key_material_in_the_response(client, session):
    key = keys.create_key(session, PASSPHRASE)
    body = client.get(URL).get_data(as_text=True)
    assert "PRIVATE" not in body
    assert '"d"' not in body
    for secret in secrets_of(keys.private_key_of(key, PASSPHRASE)):
        assert secret not in body


def test_an_independent_verifier_checks_a_signature_with_only_the_jwks(client, session):
    keys.create_key(session, PASSPHRASE)
    kid = keys.current_key(session).kid
    message = b"https://trace.example/b/HTXA-2026-001?k=" + kid.encode()
    signature = keys.private_key_of(keys.current_key(session), PASSPHRASE).sign(message)

    key_set = client.get(URL).get_json()
    by_kid = {jwk["kid"]: jwk for jwk in key_set["keys"] if "revoked_at" not in jwk}
    public_key = _public_key(by_kid[kid])
    public_key.verify(signature, message)
    with pytest.raises(InvalidSignature):
        public_key.verify(signature, message + b"x")


def test_cache_headers_and_cors(client, session):
    keys.create_key(session, PASSPHRASE)
    response = client.get(URL)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["ETag"]


def test_if_none_match_gives_304_until_a_key_changes(client, session):
    key = keys.create_key(session, PASSPHRASE)
    etag = client.get(URL).headers["ETag"]
    unchanged = client.get(URL, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == etag
    assert unchanged.headers["Access-Control-Allow-Origin"] == "*"

    keys.rotate_key(session, PASSPHRASE)
    rotated = client.get(URL, headers={"If-None-Match": etag})
    assert rotated.status_code == 200
    assert rotated.headers["ETag"] != etag

    etag = rotated.headers["ETag"]
    keys.revoke_key(session, key.kid, "compromised")
    revoked = client.get(URL, headers={"If-None-Match": etag})
    assert revoked.status_code == 200
    assert revoked.headers["ETag"] != etag


def test_anyone_may_read_it_without_signing_in(client, session):
    keys.create_key(session, PASSPHRASE)
    response = client.get(URL, headers={"Origin": "https://verifier.example"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
