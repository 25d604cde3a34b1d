"""A code's scan history: newest first, a province for a shared position, found by the issued
code when there is one, else by the exact text."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from tests.query_plans import query_plan
from tests.scan_fixtures import SCANNED_AT, scan_of
from trace.batches.services import codes
from trace.batches.services.issuing import issued_code
from trace.scans.history import ScanLine, scans_of_code, scans_of_codes
from trace.scans.models import Scan
from trace.scans.services import record_scan
from trace.signing.codes import Verdict

FORGED = "http://127.0.0.1:5000/b/NOPE-1/SERIAL1?k=abc&s=" + "A" * 86


def position(session, scan_id: int, latitude: str, longitude: str) -> None:
    """A position as a visitor shares it (rounded to 0.01 degree), without the token dance."""
    session.execute(
        update(Scan)
        .where(Scan.id == scan_id)
        .values(latitude=Decimal(latitude), longitude=Decimal(longitude), positioned_at=SCANNED_AT)
    )


def test_scans_come_newest_first_with_the_province_of_a_shared_position(session, labelled):
    first = scan_of(session, labelled.code, now=SCANNED_AT)
    second = scan_of(
        session,
        labelled.code,
        now=SCANNED_AT + timedelta(hours=3),
        remote_addr="2402:800:6371:1::99",
        user_agent="curl/8.0",
    )
    scan_of(session, labelled.other_code, now=SCANNED_AT + timedelta(hours=1))
    position(session, first, "9.60", "105.97")  # Sóc Trăng, now part of Cần Thơ
    position(session, second, "21.03", "105.85")

    lines = scans_of_code(session, labelled.code.text)

    assert lines == [
        ScanLine(
            SCANNED_AT + timedelta(hours=3),
            Verdict.VALID,
            "Thành phố Hà Nội",
            "2402:800:6371::/48",
            "Bot",
            False,
            False,
        ),
        ScanLine(
            SCANNED_AT,
            Verdict.VALID,
            "Thành phố Cần Thơ",
            "203.113.45.0/24",
            "Android Chrome",
            False,
            False,
        ),
    ]


def test_no_position_or_one_outside_vietnam_gives_no_place(session, labelled):
    scan_id = scan_of(session, labelled.code)
    scan_of(session, labelled.code, now=SCANNED_AT + timedelta(minutes=5))
    position(session, scan_id, "48.85", "2.35")
    assert [line.place for line in scans_of_code(session, labelled.code.text)] == [None, None]


def test_an_issued_code_counts_every_scan_of_it_whatever_text_was_stored(session, labelled):
    scan_of(session, labelled.code)
    scan_of(session, labelled.code, code_text=labelled.code.text + "&lang=en")
    assert len(scans_of_code(session, labelled.code.text)) == 2


def test_a_code_never_issued_is_found_by_its_exact_text(session, tenants):
    for minutes, verdict in ((0, Verdict.UNKNOWN_KEY), (10, Verdict.BAD_SIGNATURE)):
        record_scan(
            session,
            code_text=FORGED,
            verdict=verdict,
            batch_id=None,
            label_code_id=None,
            remote_addr="203.113.45.7",
            user_agent=None,
            now=SCANNED_AT + timedelta(minutes=minutes),
        )
    record_scan(
        session,
        code_text=FORGED + "x",
        verdict=Verdict.MALFORMED_CODE,
        batch_id=None,
        label_code_id=None,
        remote_addr=None,
        user_agent=None,
        now=SCANNED_AT,
    )

    lines = scans_of_code(session, FORGED)

    assert [line.verdict for line in lines] == [Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_KEY]
    # The forged code says it is a unit's (it has a serial); a text that is no code does not.
    assert all(line.is_unit_code for line in lines)
    assert [line.is_unit_code for line in scans_of_code(session, FORGED + "x")] == [False]
    assert [line.network for line in scans_of_code(session, FORGED + "x")] == ["unknown"]


def test_a_unit_code_says_so(session, tenants, labelled):
    [unit] = codes.issue_units(session, tenants.staff_a, labelled.batch.id, 1).units
    record_scan(
        session,
        code_text=unit.text,
        verdict=Verdict.VALID,
        batch_id=labelled.batch.id,
        label_code_id=_code_id(session, unit.text),
        remote_addr=None,
        user_agent=None,
        now=SCANNED_AT,
    )
    assert [line.is_unit_code for line in scans_of_code(session, unit.text)] == [True]


def test_the_limit_keeps_the_newest(session, labelled):
    for hours in range(5):
        scan_of(session, labelled.code, now=SCANNED_AT + timedelta(hours=hours))
    lines = scans_of_code(session, labelled.code.text, limit=2)
    assert [line.scanned_at for line in lines] == [
        SCANNED_AT + timedelta(hours=4),
        SCANNED_AT + timedelta(hours=3),
    ]
    assert scans_of_code(session, labelled.code.text, limit=0) == []


def test_a_code_never_scanned_has_no_history(session, labelled):
    assert scans_of_code(session, labelled.code.text) == []
    assert scans_of_code(session, "not a code") == []


def _code_id(session, text: str) -> int:
    code = issued_code(session, text)
    assert code is not None
    return code.id


def test_a_text_never_issued_is_found_through_its_own_index(session):
    """Scans of codes we issued are nearly all of them; the history of any other text reads
    only the scans of such texts, through a partial index, not the whole table."""
    from trace.scans.history import _SCANS_OF_TEXT

    details = query_plan(session.connection(), _SCANS_OF_TEXT, {"text": FORGED, "limit": 200})
    assert "ix_scans_unissued_code_text" in details


def test_an_inspectors_check_is_told_apart_in_the_history(session, labelled):
    scan_of(session, labelled.code, is_inspection=True)
    scan_of(session, labelled.code, now=SCANNED_AT + timedelta(minutes=5))

    lines = scans_of_code(session, labelled.code.text)

    assert [line.is_inspection for line in lines] == [False, True]


def test_a_text_with_control_characters_is_looked_up_as_scans_store_it(session, labelled):
    """PostgreSQL refuses a NUL in a query: the text is cleaned as scans are stored."""
    scan_of(session, labelled.code)

    lines = scans_of_code(session, labelled.code.text + "\x00\x07")

    assert len(lines) == 1


def test_many_codes_at_once_read_as_each_code_alone(session, labelled):
    """The reports queue asks for a page of codes at once: issued, forged, unscanned."""
    for hours in range(4):
        scan_of(session, labelled.code, now=SCANNED_AT + timedelta(hours=hours))
        scan_of(session, labelled.other_code, now=SCANNED_AT + timedelta(hours=hours, minutes=30))
    record_scan(
        session,
        code_text=FORGED,
        verdict=Verdict.UNKNOWN_BATCH,
        batch_id=None,
        label_code_id=None,
        remote_addr="203.113.45.7",
        user_agent=None,
        now=SCANNED_AT,
    )
    texts = [labelled.code.text, labelled.other_code.text, FORGED, "not a code"]

    found = scans_of_codes(session, texts, limit=3)

    assert found == {text: scans_of_code(session, text, limit=3) for text in texts}
    assert [len(found[text]) for text in texts] == [3, 3, 1, 0]
    assert found[FORGED][0].is_unit_code
    assert scans_of_codes(session, texts, limit=0) == {text: [] for text in texts}
    assert scans_of_codes(session, []) == {}
