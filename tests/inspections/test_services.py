"""Inspections: recorded by inspectors and operators from a code or a batch, with checks and
an audit record; listed, filtered and exported for whoever may read them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.batches.conftest import batch_values
from tests.factories import make_batch, make_product, make_upload
from trace.audit.models import AuditAction, AuditRecord, AuditSubject
from trace.batches.services import batches, codes
from trace.errors import AccessDenied, InvalidInput, NotFound
from trace.inspections.inspected_labels import find_inspected_label, label_path_of
from trace.inspections.models import Inspection, InspectionOutcome, inspection_photos
from trace.inspections.services import (
    InspectionFilters,
    get_inspection,
    inspections_csv,
    inspections_for_export,
    list_inspections,
    local_day_bounds,
    outcome_totals,
    record_inspection,
)
from trace.lookup.paths import LabelPath
from trace.uploads.models import UploadPurpose

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
PLACE = "Chợ Sóc Trăng, sạp 12"

pytestmark = pytest.mark.usefixtures("english")


def values_for(code: str = "", **changes):
    return {
        "code": code,
        "place": PLACE,
        "commune_code": "31507",
        "inspected_at": NOW - timedelta(minutes=30),
        "outcome": "conforming",
        "notes": "Nhãn còn nguyên.",
        **changes,
    }


def counts(session) -> tuple[int, int, int]:
    """Inspections, their photo links and audit records: what a refusal must leave alone."""
    return (
        session.scalar(select(func.count()).select_from(Inspection)),
        session.scalar(select(func.count()).select_from(inspection_photos)),
        session.scalar(select(func.count()).select_from(AuditRecord)),
    )


def refused(session, user, **values) -> dict[str, list[str]]:
    before = counts(session)
    with pytest.raises(InvalidInput) as refusal:
        record_inspection(session, user, values, now=NOW)
    assert counts(session) == before
    return dict(refusal.value.errors)


@pytest.fixture
def units(session, tenants, labelled):
    return codes.issue_units(session, tenants.staff_a, labelled.batch.id, 2).units


def test_an_inspector_records_an_inspection_of_a_batch_by_its_scanned_code(
    session, tenants, labelled
):
    inspection = record_inspection(
        session,
        tenants.inspector,
        values_for(f"  {labelled.code.text}\n", outcome="non_conforming", notes=" Hết hạn. "),
        now=NOW,
    )
    stored = session.get(Inspection, inspection.id, populate_existing=True)
    assert (stored.batch_id, stored.label_code_id, stored.serial) == (labelled.batch.id, None, None)
    assert stored.cooperative_id == tenants.cooperative_a.id
    assert (stored.inspector_id, stored.code_text) == (tenants.inspector.id, labelled.code.text)
    assert (stored.place, stored.commune_code, stored.notes) == (PLACE, "31507", "Hết hạn.")
    assert stored.outcome is InspectionOutcome.NON_CONFORMING
    assert stored.inspected_at == NOW - timedelta(minutes=30)
    assert stored.created_at == NOW


def test_every_inspection_leaves_an_audit_record(session, tenants, labelled):
    inspection = record_inspection(
        session, tenants.inspector, values_for(labelled.code.text), now=NOW
    )
    [record] = session.scalars(
        select(AuditRecord).where(AuditRecord.subject == AuditSubject.INSPECTION)
    ).all()
    assert (record.subject_id, record.action) == (inspection.id, AuditAction.CREATED)
    assert (record.user_id, record.actor) == (tenants.inspector.id, tenants.inspector.email)
    assert record.cooperative_id == tenants.cooperative_a.id
    assert record.changes["batch"] == [None, labelled.batch.code]
    assert record.changes["outcome"] == [None, "conforming"]
    assert record.changes["place"] == [None, PLACE]


def test_a_unit_code_names_its_unit(session, tenants, labelled, units):
    inspection = record_inspection(session, tenants.operator, values_for(units[1].text), now=NOW)
    assert inspection.batch_id == labelled.batch.id
    assert inspection.serial == units[1].serial
    assert inspection.label_code is not None
    assert inspection.label_code.text == units[1].text


def test_a_copied_label_with_a_broken_signature_still_names_its_batch(session, tenants, labelled):
    text = labelled.code.text
    forged = text[:-4] + ("BBBB" if text.endswith("AAAA") else "AAAA")
    inspection = record_inspection(
        session,
        tenants.inspector,
        values_for(forged, outcome="suspected_counterfeit"),
        now=NOW,
    )
    assert (inspection.batch_id, inspection.code_text) == (labelled.batch.id, forged)


def test_a_serial_never_issued_names_the_batch_but_no_unit(session, tenants, labelled, units):
    text = units[0].text.replace(f"/{units[0].serial}?", "/ZZZZZZZZZZ?")
    found = find_inspected_label(session, text)
    assert found is not None
    assert (found.batch.id, found.unit, found.code_text) == (labelled.batch.id, None, text)


def test_a_batch_code_typed_from_the_package_names_its_batch(session, tenants, labelled):
    for typed in (labelled.batch.code, f" {labelled.batch.code.lower()} "):
        found = find_inspected_label(session, typed)
        assert found is not None
        assert found.batch.id == labelled.batch.id


def test_a_gtin_label_url_names_its_batch_whatever_the_base_url(session, tenants):
    product = make_product(session, tenants.cooperative_a, gtin="08934567000017")
    batch = make_batch(session, product, lot="ST25-A")
    text = "https://qltt.example.vn/tra-cuu/01/08934567000017/10/ST25-A?17=270115&k=x&s=y"
    found = find_inspected_label(session, text)
    assert found is not None
    assert found.batch.id == batch.id
    assert find_inspected_label(session, text.replace("ST25-A", "ST25-B")) is None


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("http://127.0.0.1:5000/b/T1-L1", LabelPath(batch_code="T1-L1")),
        ("https://a.vn/x/y/b/T1-L1/ABC?k=1&s=2", LabelPath(batch_code="T1-L1", serial="ABC")),
        ("https://a.vn/01/08934567000017/10/L%2F1", LabelPath(gtin="08934567000017", lot="L/1")),
        ("T1-L1", None),
        ("ftp://a.vn/b/T1-L1", None),
        ("https://a.vn/b/", None),
        ("https://a.vn/01/123/10/L1", None),
        ("http://[::1/b/X", None),
        ("https://a.vn/san-pham/123", None),
    ],
)
def test_label_paths_are_read_after_any_base_url_prefix(text, path):
    assert label_path_of(text) == path


def test_the_batch_can_be_chosen_instead_of_a_code(session, tenants, labelled):
    inspection = record_inspection(
        session, tenants.inspector, values_for(batch_id=labelled.batch.id), now=NOW
    )
    assert (inspection.batch_id, inspection.code_text) == (labelled.batch.id, "")
    same = record_inspection(
        session,
        tenants.inspector,
        values_for(labelled.code.text, batch_id=labelled.batch.id),
        now=NOW,
    )
    assert same.batch_id == labelled.batch.id


def test_the_time_defaults_to_now(session, tenants, labelled):
    inspection = record_inspection(
        session, tenants.inspector, values_for(labelled.code.text, inspected_at=None), now=NOW
    )
    assert inspection.inspected_at == NOW


def test_photos_of_the_batchs_cooperative_are_attached(session, tenants, labelled):
    first, second = (
        make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.EVENT_PHOTO)
        for _ in range(2)
    )
    inspection = record_inspection(
        session,
        tenants.inspector,
        values_for(labelled.code.text, photo_upload_ids=[second.id, first.id]),
        now=NOW,
    )
    assert [photo.id for photo in inspection.photos] == sorted([first.id, second.id])
    stored = session.get(Inspection, inspection.id, populate_existing=True)
    assert [photo.id for photo in stored.photos] == sorted([first.id, second.id])
    record = session.scalar(
        select(AuditRecord).where(
            AuditRecord.subject == AuditSubject.INSPECTION, AuditRecord.subject_id == inspection.id
        )
    )
    assert record.changes["photo_ids"] == [None, [photo.id for photo in inspection.photos]]


TOO_LONG = "x" * 2001


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": ""}, "code", "Scan or paste the code on the label, or choose the batch."),
        ({"code": "http://127.0.0.1:5000/b/NO-SUCH"}, "code", "No batch on the platform"),
        ({"code": "NO-SUCH-BATCH"}, "code", "No batch on the platform"),
        ({"code": "x" * 513}, "code", "Use at most 512 characters."),
        ({"code": "T1\x00"}, "code", "Remove the characters that are not text."),
        ({"code": "", "batch_id": 2147483647}, "batch_id", "Choose a batch registered"),
        ({"code": "", "batch_id": "1"}, "batch_id", "Choose a batch registered"),
        ({"place": "  "}, "place", "Enter the market, shop or address"),
        ({"place": "p" * 201}, "place", "Use at most 200 characters."),
        ({"commune_code": "99999"}, "commune_code", "official 2025 list"),
        ({"commune_code": ["31507"]}, "commune_code", "official 2025 list"),
        ({"outcome": "fine"}, "outcome", "Choose what you found."),
        ({"outcome": None}, "outcome", "Choose what you found."),
        ({"notes": TOO_LONG}, "notes", "Use at most 2000 characters."),
        ({"inspected_at": NOW + timedelta(minutes=11)}, "inspected_at", "in the future"),
        ({"inspected_at": datetime(2026, 11, 24, 9, 0)}, "inspected_at", "Enter the date"),
        ({"inspected_at": "2026-11-24T09:00"}, "inspected_at", "Enter the date"),
        ({"inspected_at": datetime(1999, 12, 31, tzinfo=UTC)}, "inspected_at", "after the year"),
        ({"photo_upload_ids": "1,2"}, "photo_upload_ids", "Choose from the list."),
        ({"photo_upload_ids": list(range(1, 8))}, "photo_upload_ids", "at most 6 photos"),
        ({"photo_upload_ids": [2147483647]}, "photo_upload_ids", "Upload the photos again."),
    ],
)
def test_bad_values_are_refused_and_change_nothing(
    session, tenants, labelled, changes, field, message
):
    values = values_for(**{"code": labelled.code.text, **changes})
    errors = refused(session, tenants.inspector, **values)
    assert any(message in text for text in errors[field]), errors


def test_every_bad_field_is_named_at_once(session, tenants):
    errors = refused(session, tenants.inspector, code="", place="", outcome="", notes=TOO_LONG)
    assert set(errors) == {"code", "place", "outcome", "notes"}


def test_a_code_and_a_batch_that_disagree_are_refused(session, tenants, labelled):
    errors = refused(
        session,
        tenants.inspector,
        **values_for(labelled.code.text, batch_id=labelled.other_code.batch_id),
    )
    assert errors["code"] == ["This code names another batch than the one chosen."]


def test_photos_of_another_cooperative_or_purpose_are_refused(session, tenants, labelled):
    elsewhere = make_upload(session, tenants.cooperative_b, purpose=UploadPurpose.EVENT_PHOTO)
    logo = make_upload(session, tenants.cooperative_a, purpose=UploadPurpose.COOPERATIVE_LOGO)
    for upload in (elsewhere, logo):
        values = values_for(labelled.code.text, photo_upload_ids=[upload.id])
        assert "photo_upload_ids" in refused(session, tenants.inspector, **values)


@pytest.mark.parametrize("caller", ["staff_a", "staff_b", "officer_a"])
def test_only_inspectors_and_operators_record(session, tenants, labelled, caller):
    before = counts(session)
    with pytest.raises(AccessDenied):
        record_inspection(session, tenants.user(caller), values_for(labelled.code.text), now=NOW)
    assert counts(session) == before


@pytest.fixture
def recorded(session, tenants, labelled):
    """Inspections of A's batch at three moments and outcomes, and one of a batch of B."""
    product_b = make_product(session, tenants.cooperative_b)
    batch_b = make_batch(session, product_b)

    def at(moment, outcome, **changes):
        values = values_for(
            **{"code": labelled.code.text, "inspected_at": moment, "outcome": outcome, **changes}
        )
        return record_inspection(session, tenants.inspector, values, now=NOW)

    return {
        # 23:30 on 22 November in Vietnam, 16:30 UTC.
        "late_on_22nd": at(datetime(2026, 11, 22, 16, 30, tzinfo=UTC), "conforming"),
        # 00:30 on 23 November in Vietnam, 17:30 UTC on the 22nd.
        "early_on_23rd": at(datetime(2026, 11, 22, 17, 30, tzinfo=UTC), "non_conforming"),
        "on_24th": at(NOW - timedelta(hours=1), "suspected_counterfeit"),
        "of_b": at(NOW - timedelta(hours=2), "conforming", code="", batch_id=batch_b.id),
    }


def listed(session, user, **filters) -> list[int]:
    return [row.id for row in list_inspections(session, user, InspectionFilters(**filters)).items]


def test_each_role_lists_what_it_may_read_newest_first(session, tenants, recorded):
    newest_first = ("on_24th", "of_b", "early_on_23rd", "late_on_22nd")
    everything = [recorded[name].id for name in newest_first]
    assert listed(session, tenants.inspector) == everything
    assert listed(session, tenants.operator) == everything
    assert listed(session, tenants.staff_a) == [i for i in everything if i != recorded["of_b"].id]
    assert listed(session, tenants.staff_b) == [recorded["of_b"].id]
    assert listed(session, tenants.staff_b, cooperative_id=tenants.cooperative_a.id) == []
    for officer in (tenants.officer_a, tenants.officer_b):
        with pytest.raises(AccessDenied):
            list_inspections(session, officer, InspectionFilters())


def test_filters_by_cooperative_outcome_and_local_days(session, tenants, recorded):
    inspector = tenants.inspector
    assert listed(session, inspector, cooperative_id=tenants.cooperative_b.id) == [
        recorded["of_b"].id
    ]
    assert listed(session, inspector, outcome=InspectionOutcome.NON_CONFORMING) == [
        recorded["early_on_23rd"].id
    ]
    assert listed(session, inspector, date_to=date(2026, 11, 22)) == [recorded["late_on_22nd"].id]
    on_23rd = listed(session, inspector, date_from=date(2026, 11, 23), date_to=date(2026, 11, 23))
    assert on_23rd == [recorded["early_on_23rd"].id]
    assert listed(session, inspector, date_from=date(2026, 11, 25)) == []
    assert listed(session, inspector, date_from=date(2026, 11, 24), date_to=date(2026, 11, 1)) == []
    # The first and last days a date can be: no overflow once moved to UTC, all listed.
    # Either bound at either end of the calendar is a filter, not an overflow (found by the
    # API fuzzing: date_to=0001-01-01 was a 500).
    assert listed(session, inspector, date_from=date.max) == []
    assert listed(session, inspector, date_to=date.min) == []
    widest = listed(session, inspector, date_from=date.min, date_to=date.max)
    assert sorted(widest) == sorted(listed(session, inspector))


def test_pages_hold_per_page_rows_and_count_them_all(session, tenants, recorded):
    page = list_inspections(session, tenants.inspector, InspectionFilters(page=2, per_page=3))
    assert (page.total, page.page_count, len(page.items)) == (4, 2, 1)
    assert page.items[0].id == recorded["late_on_22nd"].id


def test_a_vietnamese_day_runs_from_17_00_utc_the_day_before():
    assert local_day_bounds(date(2026, 11, 23)) == (
        datetime(2026, 11, 22, 17, 0, tzinfo=UTC),
        datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
    )


def test_one_inspection_is_read_by_its_cooperative_and_hidden_from_others(
    session, tenants, recorded
):
    inspection = recorded["on_24th"]
    for caller in ("inspector", "operator", "staff_a"):
        assert get_inspection(session, tenants.user(caller), inspection.id) is inspection
    with pytest.raises(NotFound):
        get_inspection(session, tenants.staff_b, inspection.id)
    with pytest.raises(NotFound):
        get_inspection(session, tenants.inspector, 2147483647)
    with pytest.raises(AccessDenied):
        get_inspection(session, tenants.officer_a, inspection.id)


def test_totals_count_every_outcome(session, tenants, recorded):
    rows = inspections_for_export(session, tenants.staff_a, InspectionFilters())
    assert outcome_totals(rows) == {
        InspectionOutcome.CONFORMING: 1,
        InspectionOutcome.NON_CONFORMING: 1,
        InspectionOutcome.SUSPECTED_COUNTERFEIT: 1,
    }
    assert outcome_totals([]) == dict.fromkeys(InspectionOutcome, 0)


def test_the_csv_opens_in_excel_with_a_row_per_inspection(session, tenants, recorded, units):
    unit_inspection = record_inspection(
        session,
        tenants.inspector,
        values_for(units[0].text, inspected_at=NOW, notes='=HYPERLINK("x")\nhai dòng'),
        now=NOW,
    )
    rows = inspections_for_export(session, tenants.inspector, InspectionFilters())
    text = inspections_csv(rows)
    assert text.startswith("\ufeffTime (Vietnam),Place,Commune,Cooperative,Product,Batch code,")
    header, *lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == [
        "Time (Vietnam)",
        "Place",
        "Commune",
        "Cooperative",
        "Product",
        "Batch code",
        "Serial",
        "Outcome",
        "Notes",
        "Inspector",
    ]
    assert len(lines) == 5
    first = dict(zip(header, lines[0], strict=True))
    batch = unit_inspection.batch
    assert first == {
        "Time (Vietnam)": "2026-11-24 10:00",
        "Place": PLACE,
        "Commune": "Phường Sóc Trăng, Thành phố Cần Thơ",
        "Cooperative": tenants.cooperative_a.name,
        "Product": batch.product.name,
        "Batch code": batch.code,
        "Serial": units[0].serial,
        "Outcome": "Conforming",
        "Notes": '\'=HYPERLINK("x")\nhai dòng',
        "Inspector": tenants.inspector.email,
    }
    late = dict(zip(header, lines[-1], strict=True))
    assert (late["Time (Vietnam)"], late["Serial"]) == ("2026-11-22 23:30", "")
    assert [dict(zip(header, line, strict=True))["Outcome"] for line in lines[1:4]] == [
        "Suspected counterfeit",
        "Conforming",
        "Non-conforming",
    ]


def test_a_batch_registered_by_the_service_is_inspected_like_any(session, tenants):
    batch = batches.create_batch(session, tenants.staff_a, batch_values(tenants, lot="KT-1"))
    inspection = record_inspection(
        session, tenants.operator, values_for(batch.code, commune_code=None), now=NOW
    )
    assert (inspection.batch_id, inspection.commune_code) == (batch.id, None)
