"""The inspectors' verify page: codes and photos checked on the server, each check recorded as
a scan; the offline lists; checks queued offline sent back; the service worker; who may."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from labels import LAYOUTS, LabelContent, render_png
from tests.conftest import csrf_token_from, log_in
from tests.registry.test_views_common import text_of
from trace.audit.models import AuditRecord, AuditSubject
from trace.batches.services import codes
from trace.batches.services.issuing import signer_for
from trace.batches.services.recall import recall_batch
from trace.scans.models import Scan
from trace.signing.codes import LabelData, Verdict
from trace.signing.services import key_set

BASE = "http://127.0.0.1:5000"
ROUTES = [
    ("GET", "/verify"),
    ("POST", "/verify"),
    ("GET", "/verify/offline.json"),
    ("POST", "/verify/queued"),
    ("GET", "/verify/sw.js"),
]


@pytest.fixture
def inspector(client, tenants):
    """The inspector signed in, reading English (the strings are compared as written)."""
    log_in(client, tenants.inspector.email)
    client.set_cookie("lang", "en")
    return client


@pytest.fixture
def certified(session, tenants, labelled):
    tenants.certificate_a.products = [tenants.product_a]
    session.flush()
    return labelled


def token_of(client) -> str:
    return csrf_token_from(client.get("/verify").get_data(as_text=True))


def check(client, **data: Any) -> Any:
    """Post the verify form as the page does, with its CSRF token."""
    return client.post("/verify", data={"csrf_token": token_of(client), **data})


def scans(session) -> list[Scan]:
    return list(session.scalars(select(Scan).order_by(Scan.id)))


def scan_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Scan))


def never_issued(session) -> str:
    """A code signed with the platform's own key that the platform never issued."""
    return signer_for(session).sign(LabelData(BASE, batch_code="NOPE-260101"))


def label_png(*texts: str) -> bytes:
    """A page of labels as the printing library renders it."""
    labels = [LabelContent(code=text, title="Gạo ST25") for text in texts]
    return render_png(labels, LAYOUTS["a4-3x8"], dpi=200)


def photo(data: bytes, name: str = "nhan.png") -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


# ---- the page ----


def test_the_page_offers_a_code_field_a_camera_photo_input_and_csrf(client, tenants):
    log_in(client, tenants.inspector.email)
    response = client.get("/verify")
    markup = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="vi">' in markup
    assert re.search(r'<textarea[^>]* name="code"', markup)
    file_input = re.search(r'<input[^>]* type="file"[^>]*>', markup)
    assert file_input
    assert 'name="photo"' in file_input.group()
    assert 'accept="image/*"' in file_input.group()
    assert 'capture="environment"' in file_input.group()
    assert 'enctype="multipart/form-data"' in markup
    for form in re.findall(r'<form class="verify-[a-z]+-form".*?</form>', markup, re.DOTALL):
        assert 'name="csrf_token"' in form
    assert '<meta name="csrf-token" content="' in markup
    assert response.headers["Cache-Control"] == "private, no-store"  # signed in: web/security.py
    # No inline script or handler: the CSP allows scripts from /static only.
    assert '<script type="module" src="/static/js/verify-page.js"></script>' in markup
    assert markup.count("<script") == 1
    assert " onclick=" not in markup
    assert "<style" not in markup


def test_a_code_can_be_filled_in_by_a_link_and_nothing_is_checked(inspector, session, labelled):
    response = inspector.get("/verify", query_string={"code": labelled.code.text})
    assert labelled.code.text.replace("&", "&amp;") in response.get_data(as_text=True)
    assert scan_count(session) == 0


# ---- pasted codes ----


def test_a_genuine_code_shows_every_fact_and_is_recorded_in_its_history(
    inspector, session, tenants, certified
):
    response = check(inspector, code=certified.code.text)
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("Genuine label") < text.index("Traceability code")
    for fact in (
        tenants.product_a.name,
        tenants.cooperative_a.name,
        certified.batch.code,
        certified.batch.lot,
        "November 18, 2026",
        "November 19, 2026",
        tenants.farming_area_a.code,
        "Phường Sóc Trăng, Thành phố Cần Thơ",
        tenants.certificate_a.number,
        "Production steps",
        "Open the batch record",
        "Scans of this code",
        "1 scan, the first on",
    ):
        assert fact in text, fact
    [scan] = scans(session)
    assert (scan.code_text, scan.verdict) == (certified.code.text, Verdict.VALID)
    assert (scan.batch_id, scan.label_code_id) == (certified.batch.id, certified.code.id)


def audit_of_checks(session) -> list[tuple[int, int, dict[str, Any]]]:
    """(user, scan, changes) of every audited check, oldest first."""
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.subject == AuditSubject.SCAN).order_by(AuditRecord.id)
    )
    return [(record.user_id, record.subject_id, record.changes) for record in records]


def test_every_check_is_audited_as_the_inspectors(inspector, session, tenants, labelled):
    tampered = labelled.code.text.replace("?", "x?", 1)
    check(inspector, code=f"{labelled.code.text}\n{tampered}")
    genuine, forged = scans(session)
    assert audit_of_checks(session) == [
        (
            tenants.inspector.id,
            genuine.id,
            {"code": [None, labelled.code.text], "verdict": [None, "valid"]},
        ),
        (
            tenants.inspector.id,
            forged.id,
            {"code": [None, tampered], "verdict": [None, "bad signature"]},
        ),
    ]
    [record] = session.scalars(
        select(AuditRecord).where(
            AuditRecord.subject == AuditSubject.SCAN, AuditRecord.subject_id == genuine.id
        )
    )
    assert (record.action, record.cooperative_id) == ("verified", tenants.cooperative_a.id)


def test_each_check_adds_to_the_codes_history(inspector, session, labelled):
    check(inspector, code=labelled.code.text)
    text = text_of(check(inspector, code=labelled.code.text))
    assert "2 scans, the first on" in text
    assert "Inspector's check" in text
    assert scan_count(session) == 2
    assert all(scan.is_inspection for scan in scans(session))  # not buyers' scans


def test_a_tampered_code_is_forged_but_shows_whose_batch_it_names(inspector, session, labelled):
    text = labelled.code.text
    tampered = text[:-2] + ("AA" if not text.endswith("AA") else "BA")
    response = check(inspector, code=tampered)
    assert response.status_code == 200
    page = text_of(response)
    assert "Forged or altered label" in page
    assert "The signature does not match the code" in page
    assert "the label you hold may not be one of its labels" in page
    assert labelled.batch.code in page
    [scan] = scans(session)
    assert (scan.verdict, scan.batch_id, scan.label_code_id) == (
        Verdict.BAD_SIGNATURE,
        labelled.batch.id,
        None,
    )


def test_a_code_signed_but_never_issued_shows_what_it_says(inspector, session, tenants):
    code = never_issued(session)
    page = text_of(check(inspector, code=code))
    assert "Signed, but never issued" in page
    assert "What the code says" in page
    assert "NOPE-260101" in page
    assert "No batch with this code is registered on the platform." in page
    [scan] = scans(session)
    assert (scan.verdict, scan.batch_id) == (Verdict.UNKNOWN_BATCH, None)


def test_text_that_is_no_code_gets_an_answer_too(inspector, session, tenants):
    page = text_of(check(inspector, code="chợ Bến Thành <b>hello</b>"))
    assert "Not a code of the platform" in page
    assert "chợ Bến Thành <b>hello</b>" in page  # shown as text, not markup
    assert scans(session)[0].verdict is Verdict.MALFORMED_CODE


def test_a_recalled_batch_says_when_and_why(inspector, session, tenants, labelled):
    recall_batch(session, tenants.staff_a, labelled.batch.id, "Nhiễm mặn vượt ngưỡng")
    page = text_of(check(inspector, code=labelled.code.text))
    assert "Recalled batch" in page
    assert "This batch was recalled on" in page
    assert "Nhiễm mặn vượt ngưỡng" in page
    assert scans(session)[0].verdict is Verdict.RECALLED_BATCH


def test_several_pasted_codes_get_one_answer_each(inspector, session, labelled):
    pasted = f"{labelled.code.text}\n\n  {labelled.other_code.text}  \n{labelled.code.text}\n"
    response = check(inspector, code=pasted)
    assert response.get_data(as_text=True).count('class="card verify-answer ') == 2
    assert scan_count(session) == 2


# ---- photos ----


def test_a_photo_of_a_printed_label_is_decoded_and_checked(inspector, session, labelled):
    response = check(inspector, photo=photo(label_png(labelled.code.text)))
    assert response.status_code == 200
    page = text_of(response)
    assert "Genuine label" in page
    assert labelled.batch.code in page
    [scan] = scans(session)
    assert (scan.code_text, scan.verdict) == (labelled.code.text, Verdict.VALID)


def test_a_photo_of_several_labels_answers_each(inspector, session, tenants, labelled):
    [unit] = codes.issue_units(session, tenants.staff_a, labelled.batch.id, 1).units
    tampered = unit.text.replace(f"/{unit.serial}?", "/AAAAAAAAAA?")
    response = check(inspector, photo=photo(label_png(labelled.code.text, tampered)))
    markup = response.get_data(as_text=True)
    assert markup.count('class="card verify-answer ') == 2
    assert 'data-verdict="valid"' in markup
    assert 'data-verdict="bad signature"' in markup
    assert {scan.verdict for scan in scans(session)} == {Verdict.VALID, Verdict.BAD_SIGNATURE}


def test_a_jpeg_taken_at_an_angle_is_read(inspector, session, labelled):
    barcode = zxingcpp.create_barcode(labelled.code.text, zxingcpp.BarcodeFormat.QRCode)
    picture = Image.new("RGB", (1200, 900), (200, 190, 170))
    label = Image.fromarray(barcode.to_image(scale=6)).convert("RGB")
    picture.paste(label.rotate(9, expand=True, fillcolor="white"), (200, 120))
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=75)
    response = check(inspector, photo=photo(output.getvalue(), "IMG_0042.jpg"))
    assert "Genuine label" in text_of(response)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a photo", "This file is not a photo that can be read."),
        (b"\x89PNG\r\n\x1a\n truncated", "This file is not a photo that can be read."),
        (b"", "Choose a photo of a label."),
    ],
)
def test_a_file_that_is_no_photo_is_a_422_with_a_message(
    inspector, session, tenants, data, message
):
    response = check(inspector, photo=photo(data))
    assert response.status_code == 422
    assert message in text_of(response)
    assert scan_count(session) == 0


def test_a_photo_without_a_code_is_a_422_that_says_so(inspector, session, tenants):
    blank = io.BytesIO()
    Image.new("L", (400, 300), 255).save(blank, "PNG")
    response = check(inspector, photo=photo(blank.getvalue()))
    assert response.status_code == 422
    assert "No QR code could be read in this photo." in text_of(response)
    assert scan_count(session) == 0


def test_a_photo_too_large_or_with_too_many_pixels_is_refused(app, inspector, session, labelled):
    app.config["TRACE_UPLOAD_MAX_BYTES"] = 1000
    png = label_png(labelled.code.text)
    assert len(png) > 1000
    response = check(inspector, photo=photo(png))
    assert response.status_code == 422
    assert "The photo is larger than" in text_of(response)
    app.config["TRACE_UPLOAD_MAX_BYTES"] = 5 * 1024 * 1024
    huge = io.BytesIO()
    Image.new("1", (8000, 7000), 1).save(huge, "PNG")  # 56 megapixels, a few KB
    response = check(inspector, photo=photo(huge.getvalue()))
    assert response.status_code == 422
    assert "too many pixels" in text_of(response)
    assert scan_count(session) == 0


def test_nothing_to_check_or_too_many_codes_is_a_422(inspector, session, labelled):
    assert check(inspector, code="   \n ").status_code == 422
    response = check(inspector, code="\n".join(f"{labelled.code.text}{n}" for n in range(41)))
    assert response.status_code == 422
    assert "Check at most 40 codes at a time." in text_of(response)
    assert scan_count(session) == 0


def test_the_form_needs_its_csrf_token(inspector, session, labelled):
    response = inspector.post("/verify", data={"code": labelled.code.text})
    assert response.status_code == 400
    assert scan_count(session) == 0


# ---- who may ----


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, tenants, method, path):
    response = client.open(path, method=method)
    assert response.status_code in (302, 400)  # a POST without a token is refused first
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("caller", ["staff_a", "officer_a"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_other_roles_are_refused(app, client, tenants, caller, method, path):
    log_in(client, tenants.user(caller).email)
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.open(path, method=method).status_code == 403


def test_operators_may_check_too(client, tenants, labelled):
    log_in(client, tenants.operator.email)
    assert check(client, code=labelled.code.text).status_code == 200


# ---- the offline lists ----


def test_offline_lists_hold_the_key_set_and_the_recalled_lots(
    inspector, session, tenants, labelled
):
    tenants.product_a.gtin = "08934567000017"
    recall_batch(session, tenants.staff_a, labelled.batch.id, "Nhiễm mặn")
    response = inspector.get("/verify/offline.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"  # signed in: web/security.py
    body = response.get_json()
    generated_at = datetime.strptime(body["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(generated_at.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=1)
    assert body["keys"] == key_set(session)
    [recalled] = body["recalled"]
    assert recalled == {
        "gtin": "08934567000017",
        "lot": labelled.batch.lot,
        "batch_code": labelled.batch.code,
        "recalled_at": labelled.batch.recalled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "reason": "Nhiễm mặn",
    }


def test_without_a_recall_the_list_is_empty(inspector, labelled):
    assert inspector.get("/verify/offline.json").get_json()["recalled"] == []


# ---- checks queued offline ----


def send_queued(client, body: Any, token: str | None = None) -> Any:
    headers = {"X-CSRFToken": token if token is not None else token_of(client)}
    return client.post("/verify/queued", json=body, headers=headers)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_queued_checks_are_checked_again_and_recorded_at_their_time(inspector, session, labelled):
    an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    tampered = labelled.code.text.replace("?", "x?", 1)
    body = {
        "checks": [
            {"code": labelled.code.text, "checked_at": iso(an_hour_ago), "verdict": "valid"},
            # The browser's verdict is not trusted: the server's is stored.
            {
                "code": tampered,
                "checked_at": iso(an_hour_ago + timedelta(minutes=2)),
                "verdict": "valid",
            },
        ]
    }
    response = send_queued(inspector, body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["recorded"] == 2
    assert [(r["verdict"], r["offline_verdict"], r["recorded"]) for r in answer["results"]] == [
        ("valid", "valid", True),
        ("bad signature", "valid", True),
    ]
    genuine, forged = scans(session)
    assert (genuine.scanned_at, genuine.verdict, genuine.label_code_id) == (
        an_hour_ago,
        Verdict.VALID,
        labelled.code.id,
    )
    assert (genuine.is_inspection, forged.is_inspection) == (True, True)
    assert [scan_id for _, scan_id, _ in audit_of_checks(session)] == [genuine.id, forged.id]
    assert (forged.scanned_at, forged.verdict) == (
        an_hour_ago + timedelta(minutes=2),
        Verdict.BAD_SIGNATURE,
    )


def test_a_check_sent_twice_is_recorded_once(inspector, session, labelled):
    moment = iso(datetime.now(UTC) - timedelta(minutes=30))
    one = {"code": labelled.code.text, "checked_at": moment, "verdict": "valid"}
    assert send_queued(inspector, {"checks": [one, one]}).get_json()["recorded"] == 1
    again = send_queued(inspector, {"checks": [one]}).get_json()
    assert (again["recorded"], again["results"][0]["recorded"]) == (0, False)
    assert scan_count(session) == 1


def test_a_phone_clock_a_little_ahead_counts_as_now(inspector, session, labelled):
    ahead = datetime.now(UTC) + timedelta(minutes=3)
    check_ = {"code": labelled.code.text, "checked_at": iso(ahead), "verdict": "valid"}
    assert send_queued(inspector, {"checks": [check_]}).status_code == 200
    assert scans(session)[0].scanned_at <= datetime.now(UTC)


def queued_check(**changes: Any) -> dict[str, Any]:
    return {
        "code": BASE + "/b/X?k=a&s=b",
        "checked_at": iso(datetime.now(UTC)),
        "verdict": "valid",
        **changes,
    }


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("not an object", ["_schema"]),
        ({}, ["checks"]),
        ({"checks": []}, ["checks"]),
        ({"checks": [queued_check()] * 501}, ["checks"]),
        ({"checks": [queued_check(checked_at="yesterday")]}, ["checks", "0", "checked_at"]),
        (
            {"checks": [queued_check(checked_at="2026-11-24T10:00:00")]},
            ["checks", "0", "checked_at"],
        ),
        ({"checks": [queued_check(), queued_check(verdict="genuine")]}, ["checks", "1", "verdict"]),
        ({"checks": [queued_check(code="")]}, ["checks", "0", "code"]),
        ({"checks": [queued_check(code="x" * 513)]}, ["checks", "0", "code"]),
        ({"checks": [queued_check(extra=1)]}, ["checks", "0", "extra"]),
        (
            {"checks": [queued_check(checked_at=iso(datetime.now(UTC) + timedelta(hours=1)))]},
            ["checks", "0", "checked_at"],
        ),
        (
            {
                "checks": [
                    queued_check(),
                    queued_check(checked_at=iso(datetime.now(UTC) - timedelta(days=31))),
                ]
            },
            ["checks", "1", "checked_at"],
        ),
    ],
)
def test_bad_queued_input_is_a_422_naming_the_problem(inspector, session, tenants, body, problem):
    response = send_queued(inspector, body)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["code"] == 422
    errors = answer["errors"]
    for key in problem:
        errors = errors[key]
    assert errors
    assert all(isinstance(message, str) for message in errors)
    assert scan_count(session) == 0


def test_a_non_json_body_is_a_422(inspector, tenants):
    response = inspector.post(
        "/verify/queued", data="checks=1", headers={"X-CSRFToken": token_of(inspector)}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"_schema": ['Send a JSON object: {"checks": [...]}.']}


def test_queued_checks_need_the_csrf_header(inspector, session, labelled):
    body = {"checks": [queued_check(code=labelled.code.text)]}
    for token in ("", "not-a-token"):
        response = send_queued(inspector, body, token)
        assert response.status_code == 400
        assert "X-CSRFToken" in response.get_json()["errors"]
    assert scan_count(session) == 0


# ---- the service worker ----


def test_the_service_worker_keeps_the_page_its_files_and_the_lists(inspector, tenants):
    response = inspector.get("/verify/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    # Its scope is /verify itself, which is not under the script's folder /verify/.
    assert response.headers["Service-Worker-Allowed"] == "/verify"
    script = response.get_data(as_text=True)
    for path in (
        "/verify",
        "/verify/offline.json",
        "/static/js/label-verifier.js",
        "/static/js/verify-page.js",
        "/static/js/verify-queue.js",
        "/static/css/verify-page.css",
    ):
        assert json.dumps(path) in script, path
    assert "{{" not in script


def test_the_workers_version_follows_the_files_it_keeps(inspector, tenants):
    first = inspector.get("/verify/sw.js").get_data(as_text=True)
    assert first == inspector.get("/verify/sw.js").get_data(as_text=True)
    version = first.split("const VERSION = ", 1)[1].split(";", 1)[0]
    assert len(json.loads(version)) == 16
