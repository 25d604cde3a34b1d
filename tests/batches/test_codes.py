"""A batch's signed codes: issued at registration, re-issued when they must be, unit runs."""

from __future__ import annotations

import itertools
import re
import secrets
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.batches.conftest import batch_values, row_counts
from tests.batches.import_helpers import csv_bytes, good_row, make_catalogue
from tests.code_checks import check_code
from tests.conftest import TEST_KEY_PASSPHRASE
from tests.factories import make_batch
from trace.audit.models import AuditRecord, AuditSubject
from trace.batches.models import LabelCode
from trace.batches.services import batches, codes, issuing
from trace.batches.services.importing import import_batches
from trace.batches.services.issuing import SERIAL_ALPHABET, SERIAL_LENGTH
from trace.batches.services.recall import recall_batch
from trace.errors import AccessDenied, Conflict, InvalidInput, NotFound
from trace.signing import services as keys
from trace.signing.codes import Verdict, parse_code
from trace.signing.errors import KeyUnreadable, NoCurrentKey

GTIN = "08934567000017"
PASSPHRASE = TEST_KEY_PASSPHRASE.encode()


def codes_of(session, batch):
    query = select(LabelCode).where(LabelCode.batch_id == batch.id).order_by(LabelCode.id)
    return session.scalars(query).all()


def verdict(session, text):
    return check_code(text, keys.key_set(session))


def test_a_batch_of_a_product_without_gtin_gets_a_b_code_with_its_expiry(app, session, tenants):
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    batch = batches.create_batch(session, tenants.staff_a, values)
    [code] = codes_of(session, batch)
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    key = keys.current_key(session)
    assert code.text.startswith(f"{base}/b/{batch.code}?17=270519&k={key.kid}&s=")
    assert (code.serial, code.key, code.is_unit) == (None, key, False)
    assert verdict(session, code.text) is Verdict.VALID


def test_a_batch_of_a_gtin_product_gets_a_gs1_digital_link_code(app, session, tenants):
    tenants.product_a.gtin = GTIN
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants, lot="ST25.A_1"))
    [code] = codes_of(session, batch)
    parsed = parse_code(code.text)
    assert (parsed.data.gtin, parsed.data.lot, parsed.data.expires_on) == (
        GTIN,
        "ST25.A_1",
        batch.expires_on,
    )
    assert code.text.startswith(f"{app.config['TRACE_PUBLIC_BASE_URL']}/01/{GTIN}/10/ST25.A_1?")


def test_a_batch_without_expiry_or_beyond_2099_carries_no_date(session, tenants):
    plain = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    far = batches.create_batch(
        session, tenants.staff_a, batch_values(tenants, expires_on=date(2101, 1, 1))
    )
    for batch in (plain, far):
        [code] = codes_of(session, batch)
        assert "17=" not in code.text
        assert verdict(session, code.text) is Verdict.VALID


def test_no_current_key_means_no_batch_and_a_clear_reason(session, tenants):
    keys.revoke_key(session, keys.current_key(session).kid, "lost laptop")
    before = row_counts(session)
    with pytest.raises(NoCurrentKey) as refused:
        batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    assert refused.value.status == 503
    with force_locale("en"):
        assert "keys rotate" in str(refused.value.message)
    assert row_counts(session) == before


def test_a_changed_expiry_gets_a_new_code_and_the_old_one_keeps_verifying(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    batches.update_batch(session, tenants.staff_a, batch.id, {"quantity": "900"})
    [first] = codes_of(session, batch)
    batches.update_batch(session, tenants.staff_a, batch.id, {"expires_on": date(2027, 3, 1)})
    old, new = codes_of(session, batch)
    assert old == first
    assert "?17=270301&" in new.text
    assert verdict(session, old.text) is verdict(session, new.text) is Verdict.VALID
    assert codes.batch_code(session, tenants.staff_a, batch.id) == new


def test_the_batch_code_survives_rotation_and_is_reissued_after_revocation(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    [first] = codes_of(session, batch)
    keys.rotate_key(session, PASSPHRASE)
    assert codes.batch_code(session, tenants.staff_a, batch.id) == first
    keys.revoke_key(session, first.key.kid, "key leaked")
    keys.rotate_key(session, PASSPHRASE)
    second = codes.batch_code(session, tenants.staff_a, batch.id)
    assert second != first
    assert second.key == keys.current_key(session)
    assert verdict(session, first.text) is Verdict.REVOKED_KEY
    assert verdict(session, second.text) is Verdict.VALID


def test_a_new_base_url_gets_a_new_batch_code(app, session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    app.config["TRACE_PUBLIC_BASE_URL"] = "https://truyxuat.soctrang.gov.vn"
    code = codes.batch_code(session, tenants.staff_a, batch.id)
    assert code.text.startswith("https://truyxuat.soctrang.gov.vn/b/")
    assert len(codes_of(session, batch)) == 2


def test_a_batch_registered_before_codes_gets_one_when_first_asked(session, tenants):
    batch = make_batch(session, tenants.product_a)
    assert codes_of(session, batch) == []
    code = codes.batch_code(session, tenants.inspector, batch.id)
    assert codes.batch_code(session, tenants.inspector, batch.id) == code
    assert codes_of(session, batch) == [code]


def test_the_batch_code_is_scoped_to_the_caller(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    with pytest.raises(NotFound):
        codes.batch_code(session, tenants.staff_b, batch.id)
    assert codes.batch_code(session, tenants.operator, batch.id).batch == batch


def test_a_unit_run_issues_unique_random_serials_that_verify(app, session, tenants):
    tenants.product_a.gtin = GTIN
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    run = codes.issue_units(session, tenants.staff_a, batch.id, 50)
    serials = [unit.serial for unit in run.units]
    assert len(set(serials)) == 50
    assert all(re.fullmatch(f"[{SERIAL_ALPHABET}]{{{SERIAL_LENGTH}}}", s) for s in serials)
    for unit in run.units:
        parsed = parse_code(unit.text)
        data = parsed.data
        assert (data.gtin, data.lot, data.serial) == (GTIN, batch.lot, unit.serial)
        assert f"/21/{unit.serial}?" in unit.text
        assert verdict(session, unit.text) is Verdict.VALID
    stored = {code.serial: code.text for code in codes_of(session, batch) if code.is_unit}
    assert stored == {unit.serial: unit.text for unit in run.units}
    codes.issue_units(session, tenants.staff_a, batch.id, 10)
    page = codes.list_units(session, tenants.inspector, batch.id, page=2, per_page=25)
    assert (page.total, len(page.items)) == (60, 25)
    [record] = session.scalars(
        select(AuditRecord)
        .where(AuditRecord.subject == AuditSubject.BATCH, AuditRecord.batch_id == batch.id)
        .order_by(AuditRecord.id.desc())
        .limit(1)
    )
    assert record.changes == {"unit_codes": [50, 60]}


def test_unit_codes_of_a_batch_without_gtin_follow_the_batch_code(session, tenants):
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    batch = batches.create_batch(session, tenants.staff_a, values)
    [unit] = codes.issue_units(session, tenants.staff_a, batch.id, 1).units
    assert f"/b/{batch.code}/{unit.serial}?17=270519&k=" in unit.text


def test_a_serial_already_in_the_batch_is_drawn_again(session, tenants, monkeypatch):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    [taken] = codes.issue_units(session, tenants.staff_a, batch.id, 1).units
    # The CSPRNG draws the taken serial first, then two new ones.
    letters = itertools.chain(taken.serial, "A" * SERIAL_LENGTH, "B" * SERIAL_LENGTH)
    monkeypatch.setattr(secrets, "choice", lambda alphabet: next(letters))
    run = codes.issue_units(session, tenants.staff_a, batch.id, 2)
    assert sorted(unit.serial for unit in run.units) == ["A" * SERIAL_LENGTH, "B" * SERIAL_LENGTH]


@pytest.mark.parametrize("count", [0, -1, 10_001, True, "5", 2.5, None])
def test_a_bad_count_is_refused_and_issues_nothing(session, tenants, count):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    before = len(codes_of(session, batch))
    with pytest.raises(InvalidInput) as refused:
        codes.issue_units(session, tenants.staff_a, batch.id, count)
    assert set(refused.value.errors) == {"count"}
    assert len(codes_of(session, batch)) == before


def test_units_are_refused_for_a_recalled_batch_readers_and_other_tenants(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    with pytest.raises(AccessDenied):
        codes.issue_units(session, tenants.inspector, batch.id, 1)
    with pytest.raises(NotFound):
        codes.issue_units(session, tenants.staff_b, batch.id, 1)
    with pytest.raises(NotFound):
        codes.list_units(session, tenants.staff_b, batch.id)
    recall_batch(session, tenants.staff_a, batch.id, "Nhiễm mặn")
    with pytest.raises(Conflict):
        codes.issue_units(session, tenants.staff_a, batch.id, 1)
    assert [code.serial for code in codes_of(session, batch)] == [None]


def test_an_import_without_a_current_key_imports_nothing(session, tenants):
    catalogue = make_catalogue(session, tenants.cooperative_a)
    keys.revoke_key(session, keys.current_key(session).kid, "rotation drill")
    before = row_counts(session)
    with pytest.raises(NoCurrentKey):
        import_batches(session, tenants.staff_a, csv_bytes([good_row(catalogue)]), "a.csv")
    assert row_counts(session) == before


def test_a_wrong_passphrase_signs_nothing(app, session, tenants):
    app.config["TRACE_KEY_PASSPHRASE"] = "not the passphrase"
    before = row_counts(session)
    with pytest.raises(KeyUnreadable):
        batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    assert row_counts(session) == before


def test_a_reader_or_operator_sees_the_code_but_only_writers_issue_units(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants))
    assert codes.batch_code(session, tenants.inspector, batch.id).batch == batch
    with pytest.raises(AccessDenied):
        codes.issue_units(session, tenants.inspector, batch.id, 1)
    assert len(codes.issue_units(session, tenants.operator, batch.id, 3).units) == 3


def test_an_expiry_changed_back_finds_the_code_it_had_then(app, session, tenants):
    values = batch_values(tenants, expires_on=date(2027, 5, 19))
    batch = batches.create_batch(session, tenants.staff_a, values)
    [first] = codes_of(session, batch)
    batches.update_batch(session, tenants.staff_a, batch.id, {"expires_on": date(2027, 6, 1)})
    batches.update_batch(session, tenants.staff_a, batch.id, {"expires_on": date(2027, 5, 19)})
    assert len(codes_of(session, batch)) == 2
    assert codes.batch_code(session, tenants.staff_a, batch.id) == first
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    assert issuing.current_batch_code(session, batch, base) == first  # what its page shows
