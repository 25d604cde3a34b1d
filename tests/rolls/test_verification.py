"""A roll code on every surface that checks codes: the API, the command online and with a
key set (offline), the inspectors' verify page and the public page's scan."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.conftest import csrf_token_from, log_in
from tests.rolls.conftest import print_roll
from trace.rolls import services
from trace.rolls.activation import activate_range
from trace.scans.models import Scan
from trace.signing import services as keys
from trace.signing.codes import Verdict


def roll_code(session, world) -> str:
    roll = print_roll(session, world.tenants.staff_a, f"product:{world.gtin_product.id}", 3)
    text = services.roll_codes(session, roll)[0].text
    session.commit()
    return text


def test_the_api_answers_not_activated_then_valid(client, session, world):
    text = roll_code(session, world)
    before = client.post("/api/v1/verify", json={"code": text}).get_json()
    assert (before["valid"], before["reason"], before["batch"]) == (False, "not activated", None)
    assert before["label"]["serial"] == "R0001-00001"
    activate_range(
        session, world.tenants.staff_a, world.gtin_batch.id, "R0001-00001", "R0001-00001"
    )
    session.commit()
    after = client.post("/api/v1/verify", json={"code": text}).get_json()
    assert (after["valid"], after["reason"]) == (True, "valid")
    assert after["unit"]["serial"] == "R0001-00001"


def test_the_command_offline_says_activation_needs_the_online_answer(
    runner, session, world, tmp_path
):
    text = roll_code(session, world)
    key_file = tmp_path / "jwks.json"
    key_file.write_text(json.dumps(keys.key_set(session)))
    offline = runner.invoke(
        args=["verify", text, "--keys", str(key_file), "--json", "--language", "en"]
    )
    answer = json.loads(offline.stdout)
    assert (answer["valid"], answer["checked"]) == (True, "offline")
    assert "pre-printed code" in answer["message"]
    assert "checked online" in answer["message"]
    online = runner.invoke(args=["verify", text, "--json"])
    assert online.exit_code == 1
    assert json.loads(online.stdout)["reason"] == "not activated"


def test_the_inspectors_check_and_the_public_page_record_a_not_activated_scan(
    client, session, world
):
    text = roll_code(session, world)
    path = "/" + text.split("://", 1)[1].partition("/")[2]
    assert client.get(path).status_code == 200
    log_in(client, world.tenants.inspector.email)
    client.set_cookie("lang", "en")
    token = csrf_token_from(client.get("/verify").get_data(as_text=True))
    page = client.post("/verify", data={"csrf_token": token, "code": text})
    body = page.get_data(as_text=True)
    assert 'data-verdict="not activated"' in body
    assert "Not activated yet" in body
    answer = body.split('data-verdict="not activated"', 1)[1]
    assert "does not prove this product is genuine" in answer
    recorded = session.scalars(select(Scan).where(Scan.code_text == text).order_by(Scan.id)).all()
    assert [(scan.verdict, scan.is_inspection, scan.batch_id) for scan in recorded] == [
        (Verdict.NOT_ACTIVATED, False, None),
        (Verdict.NOT_ACTIVATED, True, None),
    ]
    assert all(scan.is_signature_valid for scan in recorded)
