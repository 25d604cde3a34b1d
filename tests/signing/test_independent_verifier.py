"""An independent verifier accepts the codes the platform issues.

It uses only the standard library, ``cryptography`` and the key set served at
``/.well-known/jwks.json``: what the README ("Label codes") promises anyone who wants to
check a label without our code. Nothing from ``trace`` is imported by ``independent_verdict``.
"""

from __future__ import annotations

import base64
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.batches.conftest import batch_values
from tests.factories import make_product
from trace.batches.services import batches, codes


def unpadded_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def independent_verdict(code: str, jwks: dict) -> str:
    """Split off ``&s=``, find the key named by ``k``, check Ed25519 over the UTF-8 bytes."""
    signed, separator, signature = code.rpartition("&s=")
    if not separator:
        return "no signature"
    kid = dict(parse_qsl(urlsplit(signed).query))["k"]
    matches = [jwk for jwk in jwks["keys"] if jwk["kid"] == kid]
    if len(matches) != 1 or matches[0]["kty"] != "OKP" or matches[0]["crv"] != "Ed25519":
        return "unknown key"
    public_key = Ed25519PublicKey.from_public_bytes(unpadded_b64url(matches[0]["x"]))
    try:
        public_key.verify(unpadded_b64url(signature), signed.encode("utf-8"))
    except InvalidSignature:
        return "bad signature"
    return "revoked key" if "revoked_at" in matches[0] else "valid"


def test_codes_of_every_kind_verify_with_only_cryptography_and_the_jwks(client, session, tenants):
    tenants.product_a.gtin = "08934567000017"
    gtin_batch = batches.create_batch(
        session, tenants.staff_a, batch_values(tenants, expires_on=date(2027, 5, 19))
    )
    plain_product = make_product(session, tenants.cooperative_a)
    plain_batch = batches.create_batch(
        session, tenants.staff_a, batch_values(tenants, product_id=plain_product.id)
    )
    issued = []
    for batch in (gtin_batch, plain_batch):
        issued.append(codes.batch_code(session, tenants.staff_a, batch.id).text)
        run = codes.issue_units(session, tenants.staff_a, batch.id, 3)
        issued += [unit.text for unit in run.units]
    session.commit()
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert {independent_verdict(code, jwks) for code in issued} == {"valid"}
    assert sum("/01/08934567000017/10/" in code for code in issued) == 4
    assert sum("/b/" in code for code in issued) == 4
    tampered = issued[0].replace("?17=270519", "?17=270520")
    assert independent_verdict(tampered, jwks) == "bad signature"
