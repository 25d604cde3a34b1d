"""API: /api/v1/rolls — print a roll under a GTIN or a prefix, list and show rolls, and draw
a roll's file (PDF, TSPL, ZPL) or queue it as a job, with the roll pages' rules."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from labels import LAYOUTS
from tests.api.registry_helpers import caller, count, field_errors
from tests.jobs.conftest import do_job, job_row
from tests.labels.thermal import zpl_copies
from tests.printing.conftest import qr_texts_in_pdf
from tests.rolls.conftest import GTIN
from tests.rolls.test_printing import tspl_texts, zpl_texts
from trace.db import utcnow
from trace.jobs.models import Job, JobKind, JobState
from trace.printing.report import REPORT_HEADER
from trace.rolls import services
from trace.rolls.activation import activate_range
from trace.rolls.models import Roll, RollCode

ROLLS = "/api/v1/rolls"


def labels_url(roll_id: int) -> str:
    return f"{ROLLS}/{roll_id}/labels"


def stored_texts(session, roll_id: int) -> list[str]:
    session.expire_all()
    return [code.text for code in services.roll_codes(session, session.get(Roll, roll_id))]


def test_a_roll_printed_under_a_products_gtin(client, session, world):
    api = caller(client, session, world.tenants.staff_a)
    answer = api.post(ROLLS, {"product_id": world.gtin_product.id, "count": 3})
    assert answer.status_code == 201, answer.get_json()
    roll = answer.get_json()
    assert answer.headers["Location"] == f"{ROLLS}/{roll['id']}"
    assert roll | {"id": 0, "created_at": ""} == {
        "id": 0,
        "number": 1,
        "first_serial": "R0001-00001",
        "last_serial": "R0001-00003",
        "gtin": GTIN,
        "prefix": None,
        "product_id": world.gtin_product.id,
        "cooperative_id": world.tenants.cooperative_a.id,
        "count": 3,
        "activated_count": 0,
        "created_at": "",
    }
    assert roll["created_at"].startswith(str(utcnow().year))
    assert f"/01/{GTIN}/21/R0001-00001?k=" in stored_texts(session, roll["id"])[0]


def test_prefix_rolls_are_numbered_on_from_the_last(client, session, world):
    cooperative = world.tenants.cooperative_a
    api = caller(client, session, world.tenants.operator)
    body = {"cooperative_id": cooperative.id, "count": 2}
    first, second = (api.post(ROLLS, body).get_json() for _ in range(2))
    assert (first["number"], second["number"]) == (1, 2)
    assert (second["first_serial"], second["last_serial"]) == ("R0002-00001", "R0002-00002")
    assert (second["prefix"], second["gtin"], second["product_id"]) == (
        cooperative.code_prefix,
        None,
        None,
    )
    assert f"/b/{cooperative.code_prefix}/R0002-00001?k=" in stored_texts(session, second["id"])[0]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"count": 5}, {"product_id", "cooperative_id"}),
        (
            {"product_id": "{gtin}", "cooperative_id": "{a}", "count": 5},
            {"product_id", "cooperative_id"},
        ),
        ({"product_id": "{gtin}", "count": 0}, {"count"}),
        ({"cooperative_id": "{a}", "count": 10_001}, {"count"}),
        ({"cooperative_id": "{a}", "count": 2.5}, {"count"}),
        ({"cooperative_id": "{a}", "count": "5"}, {"count"}),
        ({"cooperative_id": "{a}"}, {"count"}),
        ({"cooperative_id": "{a}", "count": 5, "layout": "roll-50x30"}, {"layout"}),
        ({"product_id": "{plain}", "count": 5}, {"product_id"}),
        ({"product_id": "{archived}", "count": 5}, {"product_id"}),
    ],
)
def test_bad_requests_name_their_fields_and_print_nothing(client, session, world, body, fields):
    archived = world.other_gtin_batch.product
    archived.archived_at = utcnow()
    ids = {
        "{gtin}": world.gtin_product.id,
        "{a}": world.tenants.cooperative_a.id,
        "{plain}": world.tenants.product_a.id,  # no GTIN: its codes go under the prefix
        "{archived}": archived.id,
    }
    sent = {name: ids.get(value, value) for name, value in body.items()}
    api = caller(client, session, world.tenants.staff_a)
    assert set(field_errors(api.post(ROLLS, sent))) == fields
    assert count(session, Roll) == count(session, RollCode) == 0


def test_a_product_without_gtin_is_told_to_print_under_the_prefix(client, session, world):
    api = caller(client, session, world.tenants.staff_a)
    errors = field_errors(api.post(ROLLS, {"product_id": world.tenants.product_a.id, "count": 1}))
    assert "tiền tố" in errors["product_id"][0]


def test_another_cooperatives_product_or_prefix_is_404_and_readers_are_403(client, session, world):
    tenants = world.tenants
    other = caller(client, session, tenants.staff_b)
    assert other.post(ROLLS, {"product_id": world.gtin_product.id, "count": 1}).status_code == 404
    prefix = {"cooperative_id": tenants.cooperative_a.id, "count": 1}
    assert other.post(ROLLS, prefix).status_code == 404
    assert other.post(ROLLS, {**prefix, "cooperative_id": 2_000_000}).status_code == 404
    for reader in (tenants.inspector, tenants.officer_a):
        assert caller(client, session, reader).post(ROLLS, prefix).status_code == 403
    assert count(session, Roll) == 0


def test_the_list_is_the_callers_rolls_newest_first_with_what_is_activated(client, session, world):
    tenants = world.tenants
    gtin_roll = services.create_roll(
        session, tenants.staff_a, {"target": f"product:{world.gtin_product.id}", "count": 4}
    )
    prefix_roll = services.create_roll(
        session, tenants.staff_a, {"target": f"prefix:{tenants.cooperative_a.id}", "count": 2}
    )
    roll_b = services.create_roll(
        session, tenants.staff_b, {"target": f"prefix:{tenants.cooperative_b.id}", "count": 1}
    )
    activate_range(session, tenants.staff_a, world.gtin_batch.id, "R0001-00001", "R0001-00003")
    api = caller(client, session, tenants.staff_a)
    listed = api.get(ROLLS).get_json()
    assert (listed["total"], listed["page"], listed["per_page"]) == (2, 1, 20)
    assert [(roll["id"], roll["activated_count"]) for roll in listed["items"]] == [
        (prefix_roll.id, 0),
        (gtin_roll.id, 3),
    ]
    paged = api.get(ROLLS, page=2, per_page=1).get_json()
    assert [roll["id"] for roll in paged["items"]] == [gtin_roll.id]
    everyone = caller(client, session, tenants.operator).get(ROLLS).get_json()
    assert [roll["id"] for roll in everyone["items"]] == [roll_b.id, prefix_roll.id, gtin_roll.id]
    assert set(field_errors(api.get(ROLLS, per_page=101))) == {"per_page"}
    assert set(field_errors(api.get(ROLLS, sort="id"))) == {"sort"}


def test_one_roll_is_shown_to_its_cooperative_only(client, session, world):
    tenants = world.tenants
    roll = services.create_roll(
        session, tenants.staff_a, {"target": f"product:{world.gtin_product.id}", "count": 2}
    )
    shown = caller(client, session, tenants.staff_a).get(f"{ROLLS}/{roll.id}")
    assert shown.status_code == 200
    assert shown.get_json()["last_serial"] == "R0001-00002"
    assert caller(client, session, tenants.staff_b).get(f"{ROLLS}/{roll.id}").status_code == 404
    assert caller(client, session, tenants.inspector).get(f"{ROLLS}/{roll.id}").status_code == 403
    missing = caller(client, session, tenants.staff_a).get(f"{ROLLS}/{roll.id + 1}")
    assert missing.status_code == 404


def small_roll(session, world, count=3) -> tuple[int, list[str]]:
    roll = services.create_roll(
        session,
        world.tenants.staff_a,
        {"target": f"product:{world.gtin_product.id}", "count": count},
    )
    session.commit()
    return roll.id, stored_texts(session, roll.id)


def test_a_rolls_pdf_holds_its_stored_codes_with_the_report(client, session, world, tmp_path):
    roll_id, texts = small_roll(session, world)
    api = caller(client, session, world.tenants.staff_a)
    answer = api.get(labels_url(roll_id))
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].endswith(f"cuon-{GTIN}-R0001.pdf")
    assert json.loads(answer.headers[REPORT_HEADER])["qr"]["readable"] is True
    assert qr_texts_in_pdf(answer.get_data(), tmp_path) == texts
    again = api.get(labels_url(roll_id))
    assert qr_texts_in_pdf(again.get_data(), tmp_path) == texts  # the same codes, none issued
    assert count(session, RollCode) == 3


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_rolls_zpl_and_tspl_jobs_hold_its_stored_codes(client, session, world, dpi):
    roll_id, texts = small_roll(session, world)
    api = caller(client, session, world.tenants.staff_a)
    zpl = api.get(labels_url(roll_id), format="zpl", dpi=dpi)
    assert zpl.status_code == 200
    assert zpl.mimetype == "application/octet-stream"
    assert zpl.headers["Content-Disposition"].endswith(f"cuon-{GTIN}-R0001.zpl")
    assert REPORT_HEADER in zpl.headers
    assert zpl_copies(zpl.get_data()) == [1, 1, 1]
    assert zpl_texts(zpl.get_data(), dpi, LAYOUTS["roll-50x30"]) == texts
    tspl = api.get(labels_url(roll_id), format="tspl", layout="roll-40x25", dpi=dpi)
    assert tspl.headers["Content-Disposition"].endswith(".tspl")
    assert tspl_texts(tspl.get_data()) == texts
    report = json.loads(tspl.headers[REPORT_HEADER])["qr"]
    assert report["suggested_layout"] == "roll-50x30"  # too small for phones on 40 x 25 mm


@pytest.mark.parametrize(
    ("choices", "field", "words"),
    [
        ({"format": "zpl", "layout": "a4-3x8"}, "format", "TSPL và ZPL dành cho máy in tem nhiệt"),
        ({"format": "tspl", "dpi": 600}, "dpi", "203"),
        ({"format": "png"}, "format", "pdf, tspl, zpl"),
        ({"layout": "custom"}, "layout", "roll-50x30"),
        ({"language": "fr"}, "language", ""),
        ({"dpi": "high"}, "dpi", ""),
        ({"count": 5}, "count", ""),
    ],
)
def test_bad_file_choices_are_refused_as_on_the_page(
    app, client, session, world, choices, field, words
):
    app.config["TRACE_JOB_THRESHOLD_LABELS"] = 2  # nor is a job queued for them
    roll_id, _texts = small_roll(session, world)
    refused = caller(client, session, world.tenants.staff_a).get(labels_url(roll_id), **choices)
    errors = field_errors(refused)
    assert words in " ".join(errors[field])
    assert session.scalars(select(Job)).all() == []


def test_another_cooperatives_roll_file_is_404_and_readers_403(client, session, world):
    roll_id, _texts = small_roll(session, world)
    assert (
        caller(client, session, world.tenants.staff_b).get(labels_url(roll_id)).status_code == 404
    )
    inspector = caller(client, session, world.tenants.inspector)
    assert inspector.get(labels_url(roll_id)).status_code == 403


def test_a_large_roll_answers_202_and_its_job_draws_the_file(app, client, session, world):
    app.config["TRACE_JOB_THRESHOLD_LABELS"] = 2
    roll_id, texts = small_roll(session, world, count=4)
    api = caller(client, session, world.tenants.staff_a)
    queued = api.get(labels_url(roll_id), format="zpl", layout="roll-40x25", dpi=300)
    assert queued.status_code == 202
    public_id = queued.get_json()["id"]
    assert queued.headers["Location"] == f"/api/v1/jobs/{public_id}"
    assert (queued.get_json()["kind"], queued.get_json()["state"]) == ("roll_labels", "queued")
    do_job(app, public_id)
    job = job_row(session, public_id)
    assert (job.state, job.kind) == (JobState.DONE, JobKind.ROLL_LABELS)
    status = api.get(queued.headers["Location"]).get_json()
    file = api.get(f"/api/v1/jobs/{public_id}/file")
    assert status["download_url"].endswith(f"/api/v1/jobs/{public_id}/file")
    assert file.headers["Content-Disposition"].endswith(f"cuon-{GTIN}-R0001.zpl")
    assert zpl_texts(file.get_data(), 300, LAYOUTS["roll-40x25"]) == texts
    file.close()
