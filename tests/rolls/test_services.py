"""Rolls printed ahead of packing, activated on a batch, and what verification says of them."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.rolls.conftest import GTIN, print_roll
from trace.audit.models import AuditRecord, AuditSubject
from trace.batches.models import LabelCode
from trace.batches.services.recall import recall_batch
from trace.errors import AccessDenied, Conflict, InvalidInput, NotFound
from trace.rolls import services
from trace.rolls.activation import activate_range
from trace.rolls.models import RollCode
from trace.signing.codes import Verdict, parse_code
from trace.verification.answers import verification_json
from trace.verification.services import verify_code


def test_a_gtin_roll_holds_signed_undated_codes_numbered_per_gtin(app, session, world):
    staff = world.tenants.staff_a
    first = print_roll(session, staff, f"product:{world.gtin_product.id}", 3)
    second = print_roll(session, staff, f"product:{world.gtin_product.id}", 2)
    codes = services.roll_codes(session, second)
    base = app.config["TRACE_PUBLIC_BASE_URL"]
    assert (first.number, second.number, second.scope) == (1, 2, f"01/{GTIN}")
    assert [code.serial for code in codes] == ["R0002-00001", "R0002-00002"]
    assert codes[0].text.startswith(f"{base}/01/{GTIN}/21/R0002-00001?k=")
    data = parse_code(codes[0].text).data
    assert (data.gtin, data.lot, data.serial, data.expires_on) == (GTIN, None, "R0002-00001", None)
    assert codes[0].batch_id is None


def test_a_prefix_roll_is_numbered_apart_from_the_gtin_rolls(session, world):
    cooperative = world.tenants.cooperative_a
    print_roll(session, world.tenants.staff_a, f"product:{world.gtin_product.id}", 1)
    roll = print_roll(session, world.tenants.operator, f"prefix:{cooperative.id}", 2)
    [code, _] = services.roll_codes(session, roll)
    assert (roll.number, roll.prefix, roll.gtin) == (1, cooperative.code_prefix, None)
    assert f"/b/{cooperative.code_prefix}/R0001-00001?k=" in code.text
    assert parse_code(code.text).data.prefix == cooperative.code_prefix


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"target": "product:x", "count": "5"}, {"target"}),
        ({"target": "", "count": "0"}, {"target", "count"}),
        ({"target": "prefix:{a}", "count": "10001"}, {"count"}),
        ({"target": "shelf:1", "count": "2.5"}, {"target", "count"}),
    ],
)
def test_bad_roll_requests_name_their_fields_and_store_nothing(session, world, values, fields):
    target = values["target"].replace("{a}", str(world.tenants.cooperative_a.id))
    with pytest.raises(InvalidInput) as raised:
        services.create_roll(session, world.tenants.staff_a, {**values, "target": target})
    assert set(raised.value.errors) == fields
    assert session.scalars(select(RollCode)).all() == []


def test_rolls_of_another_cooperative_or_of_a_product_without_gtin_are_refused(session, world):
    tenants = world.tenants
    with pytest.raises(NotFound):
        print_roll(session, tenants.staff_b, f"product:{world.gtin_product.id}")
    with pytest.raises(NotFound):
        print_roll(session, tenants.staff_b, f"prefix:{tenants.cooperative_a.id}")
    with pytest.raises(InvalidInput):
        print_roll(session, tenants.staff_a, f"product:{tenants.product_a.id}")
    with pytest.raises((AccessDenied, NotFound)):
        print_roll(session, tenants.inspector, f"prefix:{tenants.cooperative_a.id}")
    roll = print_roll(session, tenants.staff_a, f"prefix:{tenants.cooperative_a.id}")
    with pytest.raises(NotFound):
        services.get_roll(session, tenants.staff_b, roll.id)


def test_a_code_answers_not_activated_until_its_range_is_activated(session, world):
    staff = world.tenants.staff_a
    roll = print_roll(session, staff, f"product:{world.gtin_product.id}", 10)
    codes = services.roll_codes(session, roll)
    before = verification_json(verify_code(session, codes[3].text))
    assert (before["valid"], before["reason"], before["batch"]) == (False, "not activated", None)

    done = activate_range(session, staff, world.gtin_batch.id, "R0001-00003", codes[5].text)
    assert (done.first, done.last, done.count) == ("R0001-00003", "R0001-00006", 4)
    after = verification_json(verify_code(session, codes[3].text))
    assert (after["valid"], after["reason"]) == (True, "valid")
    assert after["batch"]["lot"] == world.gtin_batch.lot
    assert after["unit"]["serial"] == "R0001-00004"
    assert verify_code(session, codes[6].text).verdict is Verdict.NOT_ACTIVATED
    units = session.scalars(select(LabelCode).where(LabelCode.batch_id == world.gtin_batch.id))
    assert sorted(unit.serial for unit in units if unit.serial) == [
        "R0001-00003", "R0001-00004", "R0001-00005", "R0001-00006",
    ]  # fmt: skip
    [record] = session.scalars(
        select(AuditRecord).where(
            AuditRecord.subject == AuditSubject.BATCH, AuditRecord.batch_id == world.gtin_batch.id
        )
    ).all()
    assert record.changes == {
        "activated_codes": [0, 4],
        "activated_range": [None, "R0001-00003 – R0001-00006"],
    }


def test_an_activated_code_of_a_recalled_batch_answers_recalled(session, world):
    staff = world.tenants.staff_a
    roll = print_roll(session, staff, f"prefix:{world.tenants.cooperative_a.id}", 3)
    activate_range(session, staff, world.plain_batch.id, "R0001-00001", "R0001-00003")
    recall_batch(session, staff, world.plain_batch.id, "Nhiễm khuẩn")
    text = services.roll_codes(session, roll)[0].text
    assert verify_code(session, text).verdict is Verdict.RECALLED_BATCH


class Refusal:
    """A refusal's words in English, whole and per field."""

    def __init__(self, error: Exception) -> None:
        with force_locale("en"):
            self.text = str(error)
        self.errors = getattr(error, "errors", {})

    def __str__(self) -> str:
        return self.text


def refused(session, user, batch_id, first, last) -> Refusal:
    before = session.scalars(select(RollCode.batch_id).order_by(RollCode.id)).all()
    with force_locale("en"), pytest.raises((Conflict, InvalidInput, NotFound)) as raised:
        activate_range(session, user, batch_id, first, last)
    assert session.scalars(select(RollCode.batch_id).order_by(RollCode.id)).all() == before
    return Refusal(raised.value)


def test_refused_ranges_change_nothing_and_say_why(session, world):
    tenants = world.tenants
    staff = tenants.staff_a
    gtin_roll = print_roll(session, staff, f"product:{world.gtin_product.id}", 10)
    print_roll(session, staff, f"product:{world.gtin_product.id}", 10)
    prefix_roll = print_roll(session, staff, f"prefix:{tenants.cooperative_a.id}", 10)
    activate_range(session, staff, world.gtin_batch.id, "R0001-00004", "R0001-00005")
    gtin_code = services.roll_codes(session, gtin_roll)[0].text
    prefix_code = services.roll_codes(session, prefix_roll)[0].text

    twice = refused(session, staff, world.gtin_batch.id, "R0001-00001", "R0001-00004")
    assert "R0001-00004 is already active" in str(twice)
    crossing = refused(session, staff, world.gtin_batch.id, "R0001-00006", "R0002-00002")
    assert "different rolls" in crossing.errors["last"][0]
    wrong_product = refused(session, staff, world.other_gtin_batch.id, gtin_code, "R0001-00002")
    assert "were not printed for" in str(wrong_product)
    prefix_on_gtin = refused(session, staff, world.gtin_batch.id, prefix_code, prefix_code)
    assert "were not printed for" in str(prefix_on_gtin)
    no_such_roll = refused(session, staff, world.plain_batch.id, "R0009-00001", "R0009-00002")
    assert "prefix" in str(no_such_roll)
    past_end = refused(session, staff, world.gtin_batch.id, "R0001-00008", "R0001-00011")
    assert "past its end" in past_end.errors["last"][0]
    backwards = refused(session, staff, world.gtin_batch.id, "R0001-00003", "R0001-00002")
    assert "last" in backwards.errors
    unreadable = refused(session, staff, world.gtin_batch.id, "12", "https://x.vn/nothing")
    assert set(unreadable.errors) == {"first", "last"}
    # Another cooperative's staff: the batch is not theirs to see.
    refused(session, tenants.staff_b, world.gtin_batch.id, "R0001-00001", "R0001-00002")
    # Onto another cooperative's batch: its rolls are not cooperative A's.
    other = refused(session, tenants.operator, world.batch_b.id, "R0001-00001", "R0001-00002")
    assert "prefix" in str(other)
    recall_batch(session, staff, world.plain_batch.id, "Hỏng")
    recalled = refused(session, staff, world.plain_batch.id, "R0001-00001", "R0001-00002")
    assert "recalled" in str(recalled)
