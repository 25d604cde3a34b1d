"""Consumers' reports of suspect labels: filed with checks, listed newest first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from tests.factories import make_batch
from tests.scan_fixtures import SCANNED_AT, row_counts, scan_of
from trace.errors import InvalidInput
from trace.feedback.models import Report, ReportStatus
from trace.feedback.services import file_report, list_reports

REQUIRED = "This field is required."
NOT_TEXT = "Remove the characters that are not text."
NOT_FOUND = "We could not find what you were looking for."
MESSAGE = "Tem in mờ, mã QR dán đè lên tem khác. Mua ở chợ Bến Thành."

pytestmark = pytest.mark.usefixtures("english")


def refused(session, **values):
    """The field errors of a refused report; asserts that no row was added."""
    before = row_counts(session)
    arguments = {"code_text": "http://127.0.0.1:5000/b/T1-L1", "message": MESSAGE, "contact": ""}
    with pytest.raises(InvalidInput) as refusal:
        file_report(session, **{**arguments, **values})
    assert row_counts(session) == before
    return refusal.value.errors


def test_a_report_from_a_scanned_page_takes_the_scans_batch(session, labelled):
    scan_id = scan_of(session, labelled.code)
    report = file_report(
        session,
        code_text=f"  {labelled.code.text} ",
        message=f"\n {MESSAGE}\nCảm ơn.  ",
        contact=" 0912 345 678 ",
        scan_id=scan_id,
        now=SCANNED_AT,
    )
    stored = session.get(Report, report.id, populate_existing=True)
    assert (stored.code_text, stored.message, stored.contact) == (
        labelled.code.text,
        f"{MESSAGE}\nCảm ơn.",
        "0912 345 678",
    )
    assert (stored.batch_id, stored.scan_id) == (labelled.batch.id, scan_id)
    assert (stored.status, stored.created_at) == (ReportStatus.NEW, SCANNED_AT)


def test_a_report_of_an_unknown_code_needs_neither_batch_nor_scan_nor_contact(session, tenants):
    report = file_report(session, code_text="http://fake.example/b/X", message="Giả", contact=None)
    assert (report.batch_id, report.scan_id, report.contact) == (None, None, "")
    assert report.created_at is not None


def test_a_report_may_name_its_batch(session, labelled):
    scan_id = scan_of(session, labelled.code)
    report = file_report(
        session,
        code_text=labelled.code.text,
        message=MESSAGE,
        contact="an@example.vn",
        batch_id=labelled.batch.id,
        scan_id=scan_id,
    )
    assert report.batch_id == labelled.batch.id


@pytest.mark.parametrize("message", ["", "   \n\t ", None])
def test_a_report_needs_a_message(session, tenants, message):
    assert refused(session, message=message) == {"message": [REQUIRED]}


def test_a_message_holds_at_most_2000_characters(session, tenants):
    assert file_report(session, code_text="c", message="ạ" * 2000, contact="").message == "ạ" * 2000
    assert refused(session, message="ạ" * 2001) == {"message": ["Use at most 2000 characters."]}


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_refused(session, tenants, character):
    assert refused(session, message=f"Giả{character}mạo", contact=f"09{character}12") == {
        "message": [NOT_TEXT],
        "contact": [NOT_TEXT],
    }


def test_a_contact_is_one_line_of_at_most_200_characters(session, tenants):
    assert refused(session, contact="0912\n345") == {"contact": [NOT_TEXT]}
    assert refused(session, contact="a" * 201) == {"contact": ["Use at most 200 characters."]}
    assert file_report(session, code_text="c", message="m", contact="a" * 200).contact == "a" * 200


def test_a_report_needs_the_code_it_is_about(session, tenants):
    assert refused(session, code_text=" ") == {"code_text": [REQUIRED]}
    assert refused(session, code_text="h" * 513) == {"code_text": ["Use at most 512 characters."]}


def test_a_report_cannot_name_a_batch_or_scan_that_does_not_exist(session, labelled):
    scan_id = scan_of(session, labelled.code)
    assert refused(session, batch_id=labelled.batch.id + 1000) == {"batch_id": [NOT_FOUND]}
    assert refused(session, scan_id=scan_id + 1000) == {"scan_id": [NOT_FOUND]}


def test_a_report_cannot_tie_a_scan_to_another_batch(session, tenants, labelled):
    scan_id = scan_of(session, labelled.code)
    other = make_batch(session, tenants.product_a)
    assert refused(session, batch_id=other.id, scan_id=scan_id) == {
        "scan_id": ["This conflicts with existing data."]
    }


def test_every_problem_is_named_at_once(session, labelled):
    assert refused(session, code_text="", message="", contact="x\x00", scan_id=10_000) == {
        "code_text": [REQUIRED],
        "message": [REQUIRED],
        "contact": [NOT_TEXT],
        "scan_id": [NOT_FOUND],
    }


def test_the_database_refuses_an_empty_message(session, tenants):
    row = {"created_at": SCANNED_AT, "code_text": "c", "message": "", "contact": ""}
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(Report.__table__).values({**row, "status": ReportStatus.NEW}))


def test_reports_are_listed_newest_first_by_status(session, tenants):
    def report(hours, status=ReportStatus.NEW):
        filed = file_report(
            session,
            code_text="c",
            message=f"{hours}",
            contact="",
            now=SCANNED_AT + timedelta(hours=hours),
        )
        filed.status = status
        return filed

    old, seen, new, closed = (
        report(0),
        report(1, ReportStatus.SEEN),
        report(2),
        report(3, ReportStatus.CLOSED),
    )
    same_time = report(2)
    session.flush()
    assert list_reports(session) == [closed, same_time, new, seen, old]
    assert list_reports(session, ReportStatus.NEW) == [same_time, new, old]
    assert list_reports(session, status=ReportStatus.SEEN) == [seen]
    assert list_reports(session, limit=2) == [closed, same_time]
    assert list_reports(session, limit=0) == [closed]
    assert list_reports(session, ReportStatus.CLOSED, limit=10**9) == [closed]


def test_no_reports_is_an_empty_list(session, tenants):
    assert list(list_reports(session)) == []
