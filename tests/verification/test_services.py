"""The verification service, online and offline, and the answer every surface gives."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.batches.conftest import batch_values
from tests.conftest import TEST_KEY_PASSPHRASE
from tests.factories import make_batch, make_product
from trace.batches.services import batches, codes
from trace.batches.services.recall import recall_batch
from trace.signing import services as keys
from trace.signing.codes import LabelData, Verdict, issue_code
from trace.verification.answers import verification_answer, verification_json
from trace.verification.schemas import VerificationOut
from trace.verification.services import verify_code, verify_offline

GTIN = "08934567000017"


@pytest.fixture
def batch(session, tenants):
    tenants.product_a.gtin = GTIN
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    return batches.create_batch(session, tenants.staff_a, values)


def test_a_batch_code_is_valid_online_and_names_its_batch(session, tenants, batch):
    code = codes.batch_code(session, tenants.staff_a, batch.id)
    result = verify_code(session, code.text)
    assert (result.verdict, result.batch, result.issued, result.online) == (
        Verdict.VALID,
        batch,
        code,
        True,
    )
    answer = verification_json(result)
    assert VerificationOut().validate(answer) == {}
    assert (answer["valid"], answer["reason"], answer["checked"]) == (True, "valid", "online")
    assert answer["label"]["gtin"] == GTIN
    assert answer["label"]["expires_on"] == "2027-05-19"
    facts = answer["batch"]
    assert (facts["code"], facts["lot"], facts["status"]) == (batch.code, batch.lot, "active")
    assert facts["product"]["name"] == tenants.product_a.name
    assert facts["cooperative"]["name"] == tenants.cooperative_a.name
    assert facts["cooperative"]["commune"] == "Phường Sóc Trăng"
    assert facts["cooperative"]["province"] == "Thành phố Cần Thơ"
    [area] = facts["farming_areas"]
    assert area["code"] == tenants.farming_area_a.code
    assert answer["unit"] is None


def test_a_unit_code_is_valid_and_names_its_unit(session, tenants, batch):
    [unit] = codes.issue_units(session, tenants.staff_a, batch.id, 1).units
    answer = verification_json(verify_code(session, unit.text))
    assert answer["valid"] is True
    assert answer["unit"]["serial"] == unit.serial
    assert answer["label"]["serial"] == unit.serial


def test_a_recalled_batch_is_not_valid_and_says_why(session, tenants, batch):
    code = codes.batch_code(session, tenants.staff_a, batch.id)
    recall_batch(session, tenants.staff_a, batch.id, "Dư lượng thuốc vượt mức")
    answer = verification_json(verify_code(session, code.text))
    assert (answer["valid"], answer["reason"]) == (False, "recalled batch")
    assert answer["batch"]["recall_reason"] == "Dư lượng thuốc vượt mức"
    assert answer["batch"]["status"] == "recalled"
    assert answer["batch"]["recalled_at"].endswith("Z")


def test_a_code_signed_with_our_key_but_never_issued_is_an_unknown_batch(app, session, tenants):
    private_key = keys.private_key_of(keys.current_key(session), TEST_KEY_PASSPHRASE.encode())
    kid = keys.current_key(session).kid
    forged = issue_code(
        LabelData(app.config["TRACE_PUBLIC_BASE_URL"], gtin=GTIN, lot="NEVER-1"), kid, private_key
    )
    result = verify_code(session, forged)
    assert result.verdict is Verdict.UNKNOWN_BATCH
    answer = verification_json(result)
    assert (answer["valid"], answer["batch"], answer["label"]["lot"]) == (False, None, "NEVER-1")


def test_a_revoked_key_a_bad_signature_and_a_malformed_code(session, tenants, batch):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    tampered = text.replace(f"/10/{batch.lot}", f"/10/{batch.lot}X")
    assert verify_code(session, tampered).verdict is Verdict.BAD_SIGNATURE
    assert verify_code(session, text + "&x=1").verdict is Verdict.MALFORMED_CODE
    assert verify_code(session, "").verdict is Verdict.MALFORMED_CODE
    keys.revoke_key(session, keys.current_key(session).kid, "leaked")
    result = verify_code(session, text)
    assert result.verdict is Verdict.REVOKED_KEY
    assert verification_json(result)["batch"] is None


def test_a_key_missing_from_the_set_is_an_unknown_key(session, tenants, batch):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    assert verify_offline(text, {"keys": []}).verdict is Verdict.UNKNOWN_KEY


def test_offline_a_valid_code_says_what_was_not_checked(session, tenants, batch):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    result = verify_offline(text, keys.key_set(session))
    assert (result.verdict, result.online, result.batch) == (Verdict.VALID, False, None)
    with force_locale("en"):
        answer = verification_json(result)
    assert answer["checked"] == "offline"
    assert "was not checked" in answer["message"]


def test_messages_are_in_the_readers_language(session, tenants, batch):
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    result = verify_code(session, text)
    with force_locale("vi"):
        vietnamese = verification_answer(result)["message"]
    with force_locale("en"):
        english = verification_answer(result)["message"]
    assert english.startswith("Genuine label")
    assert vietnamese.startswith("Tem thật")


def test_the_answer_shows_user_text_as_data(session, tenants):
    product = make_product(session, tenants.cooperative_a, name="<script>alert(1)</script>")
    batch = make_batch(session, product)
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    answer = verification_json(verify_code(session, text))
    assert answer["batch"]["product"]["name"] == "<script>alert(1)</script>"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(change=st.tuples(st.integers(min_value=0), st.characters(codec="utf-8")) | st.text())
def test_the_online_check_gives_a_verdict_for_any_text(session, tenants, batch, change):
    """Any single-character change to an issued code, or any text at all, gets a verdict
    other than valid, never an exception."""
    text = codes.batch_code(session, tenants.staff_a, batch.id).text
    if isinstance(change, tuple):
        position, character = change[0] % len(text), change[1]
        candidate = text[:position] + character + text[position + 1 :]
    else:
        candidate = change
    result = verify_code(session, candidate)
    assert result.is_valid is (candidate == text)
    assert VerificationOut().validate(verification_json(result)) == {}
