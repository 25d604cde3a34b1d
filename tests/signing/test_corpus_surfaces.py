"""Every case of the conformance corpus through the service, the API and the CLI.

``tests/signing/test_codes.py`` checks the pure functions against the corpus; here the
same cases go through each surface a user meets. Online, the case's key set is loaded as
the platform's keys; a code the corpus calls valid is an "unknown batch" until the
platform has issued it, and valid once it has.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.factories import make_batch, make_cooperative, make_product
from trace.batches.models import LabelCode
from trace.signing.codes import parse_code
from trace.signing.models import IssuingKey
from trace.verification.services import verify_code, verify_offline

CORPUS = Path(__file__).resolve().parents[1] / "data" / "codes"
CASES = sorted(CORPUS.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def load_keys(session, jwks: dict) -> dict[str, IssuingKey]:
    """The case's key set as the platform's keys (the private halves are not in the corpus)."""
    loaded = {}
    for jwk in jwks["keys"]:
        revoked_at = jwk.get("revoked_at")
        key = IssuingKey(
            kid=jwk["kid"],
            public_key=jwk["x"],
            private_key_pem="(held by the corpus generator)",
            is_current=False,
            revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
            revocation_reason="corpus" if revoked_at else None,
        )
        session.add(key)
        loaded[key.kid] = key
    session.flush()
    return loaded


def issue(session, code: str, key: IssuingKey) -> None:
    """Record a corpus code as issued by the platform, for a batch of its own."""
    cooperative = make_cooperative(session)
    batch = make_batch(session, make_product(session, cooperative))
    serial = parse_code(code).data.serial
    session.add(LabelCode(batch=batch, serial=serial, text=code, key=key))
    session.flush()


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_offline_service_gives_the_expected_verdict(path):
    case = load(path)
    result = verify_offline(case["code"], case["jwks"])
    assert (result.verdict.value, result.is_valid) == (
        case["expected"]["reason"],
        case["expected"]["valid"],
    )


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_api_and_the_online_service_give_the_expected_verdict(client, session, path):
    case = load(path)
    platform_keys = load_keys(session, case["jwks"])
    expected = case["expected"]
    if expected["valid"]:
        before = client.post("/api/v1/verify", json={"code": case["code"]}).get_json()
        assert (before["valid"], before["reason"]) == (False, "unknown batch")
        issue(session, case["code"], platform_keys[parse_code(case["code"]).kid])
    session.commit()
    answer = client.post("/api/v1/verify", json={"code": case["code"]}).get_json()
    assert (answer["reason"], answer["valid"]) == (expected["reason"], expected["valid"])
    assert verify_code(session, case["code"]).verdict.value == expected["reason"]


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_cli_with_the_key_set_file_gives_the_expected_verdict(runner, tmp_path, path):
    case = load(path)
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(case["jwks"]))
    result = runner.invoke(args=["verify", case["code"], "--keys", str(key_file), "--json"])
    answer = json.loads(result.stdout)
    assert (answer["reason"], answer["valid"]) == (
        case["expected"]["reason"],
        case["expected"]["valid"],
    )
    assert result.exit_code == (0 if case["expected"]["valid"] else 1)
