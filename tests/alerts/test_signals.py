"""The clone rules over plain scan records, with a fixed clock: each firing, and not; and the
places they read (which province a position is in, how far apart two are)."""

from __future__ import annotations

import itertools
import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from vietnam_provinces import Province as OfficialProvince

from trace.alerts.signals import (
    MAX_TRAVEL_KMH,
    SOLD_GRACE,
    AlertRule,
    BatchSize,
    MarkKind,
    MarkRecord,
    ScanRecord,
    batch_overscanned,
    evaluate,
    impossible_travel,
    is_count_unit,
    render_reason,
    scanned_after_mark,
    unknown_batch,
)
from trace.scans.places import (
    REFERENCE_POINTS,
    Province,
    distance_km,
    province_by_code,
    province_near,
)
from trace.signing.codes import Verdict

T0 = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
NOW = T0 + timedelta(days=30)
HANOI = (21.03, 105.85)
HO_CHI_MINH_CITY = (10.78, 106.70)
CAN_THO_MARKET = (10.03, 105.78)
# About 1 km apart, either side of the line between Cần Thơ's and Vĩnh Long's centres.
CAN_THO_EDGE = (10.15, 105.86)
VINH_LONG_EDGE = (10.15, 105.87)

UNIT_CODE_ID = 7
BATCH_CODE_ID = 3
BATCH_ID = 11
_ids = itertools.count(1)


def unit_scan(at: datetime, position: tuple[float, float] | None = None, **values: Any):
    """A scan of unit code 7 of batch 11, at ``at``, optionally with a shared position."""
    latitude, longitude = position if position is not None else (None, None)
    return ScanRecord(
        **{
            "id": next(_ids),
            "scanned_at": at,
            "code_text": "http://127.0.0.1:5000/b/ST25-1/0001?k=abc&s=sig",
            "label_code_id": UNIT_CODE_ID,
            "batch_id": BATCH_ID,
            "is_unit": True,
            "latitude": latitude,
            "longitude": longitude,
            **values,
        }
    )


def batch_scan(at: datetime, **values: Any) -> ScanRecord:
    """A scan of batch code 3 of batch 11."""
    return ScanRecord(
        **{
            "id": next(_ids),
            "scanned_at": at,
            "code_text": "http://127.0.0.1:5000/b/ST25-1?k=abc&s=sig",
            "label_code_id": BATCH_CODE_ID,
            "batch_id": BATCH_ID,
            **values,
        }
    )


def unknown_scan(at: datetime, text: str = "http://x/b/FAKE-1?k=abc&s=sig", **values: Any):
    return ScanRecord(
        **{
            "id": next(_ids),
            "scanned_at": at,
            "code_text": text,
            "verdict": Verdict.UNKNOWN_BATCH,
            **values,
        }
    )


def marked(kind: MarkKind, at: datetime) -> dict[int, list[MarkRecord]]:
    return {UNIT_CODE_ID: [MarkRecord(UNIT_CODE_ID, kind, at)]}


# Places


def test_every_registry_province_has_a_centre_and_no_other_code_has_one():
    official = {f"{int(each.code):02d}": each.name for each in OfficialProvince.iter_all()}
    assert len(official) == 34
    assert set(REFERENCE_POINTS) == set(official)
    assert all(province_by_code(code) == Province(code, official[code]) for code in official)


def test_every_centre_lies_in_its_own_province():
    for code, points in REFERENCE_POINTS.items():
        assert all(province_near(*point) == province_by_code(code) for point in points), code


@pytest.mark.parametrize(
    ("latitude", "longitude", "code", "name"),
    [
        (21.03, 105.85, "01", "Thành phố Hà Nội"),
        (10.78, 106.70, "79", "Thành phố Hồ Chí Minh"),
        (16.05, 108.21, "48", "Thành phố Đà Nẵng"),
        (9.60, 105.97, "92", "Thành phố Cần Thơ"),  # Sóc Trăng, now part of Cần Thơ
        (21.63, 105.64, "19", "Thái Nguyên"),  # Đại Từ
        (22.34, 103.84, "15", "Lào Cai"),  # Sa Pa
        (11.94, 108.44, "68", "Lâm Đồng"),  # Đà Lạt
        (10.22, 103.96, "91", "An Giang"),  # Phú Quốc
        (Decimal("13.09"), Decimal("109.30"), "66", "Đắk Lắk"),  # Tuy Hòa
    ],
)
def test_known_cities_are_in_their_province(latitude, longitude, code, name):
    assert province_near(latitude, longitude) == Province(code, name)


@pytest.mark.parametrize(("latitude", "longitude"), [(13.75, 100.50), (35.68, 139.69), (0, 0)])
def test_positions_outside_vietnam_have_no_province(latitude, longitude):
    assert province_near(latitude, longitude) is None


def test_distances_follow_the_great_circle():
    assert distance_km(HANOI, HANOI) == 0
    assert distance_km(HANOI, HO_CHI_MINH_CITY) == pytest.approx(1143, abs=5)
    assert distance_km((0, 0), (0, 1)) == pytest.approx(111.2, abs=0.1)
    assert distance_km(HANOI, HO_CHI_MINH_CITY) == distance_km(HO_CHI_MINH_CITY, HANOI)


# Impossible travel


def test_a_unit_code_in_hanoi_then_in_ho_chi_minh_city_two_hours_later_fires():
    first = unit_scan(T0, HANOI)
    second = unit_scan(T0 + timedelta(hours=2), HO_CHI_MINH_CITY)
    fired = impossible_travel([second, first], now=NOW)
    assert [(alert.rule, alert.scan) for alert in fired] == [(AlertRule.IMPOSSIBLE_TRAVEL, second)]
    params = fired[0].params
    assert (params["previous_province_code"], params["province_code"]) == ("01", "79")
    assert params["previous_scan_id"] == first.id
    assert 1100 < params["distance_km"] < 1200
    assert params["elapsed_minutes"] == 120


def test_the_reason_names_the_places_times_and_distance():
    fired = impossible_travel(
        [unit_scan(T0, HANOI), unit_scan(T0 + timedelta(minutes=95), HO_CHI_MINH_CITY)],
        now=NOW,
    )
    assert str(fired[0].reason) == (
        f"Scanned in Thành phố Hồ Chí Minh at November 24, 2026, 11:05 AM, 1 h 35 min"
        f" after a scan in"
        f" Thành phố Hà Nội at November 24, 2026, 9:30 AM,"
        f" {fired[0].params['distance_km']} km away:"
        f" nobody travels that far that fast ({MAX_TRAVEL_KMH} km/h at most)."
    )


def test_the_same_shop_scanning_twice_in_an_hour_does_not_fire():
    scans = [unit_scan(T0, CAN_THO_MARKET), unit_scan(T0 + timedelta(minutes=40), CAN_THO_MARKET)]
    assert impossible_travel(scans, now=NOW) == []


def test_two_scans_without_positions_do_not_fire():
    scans = [unit_scan(T0), unit_scan(T0 + timedelta(minutes=5))]
    assert impossible_travel(scans, now=NOW) == []


def test_a_scan_without_a_position_between_two_far_ones_is_skipped():
    scans = [
        unit_scan(T0, HANOI),
        unit_scan(T0 + timedelta(minutes=30)),
        unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY),
    ]
    assert [alert.scan for alert in impossible_travel(scans, now=NOW)] == [scans[2]]


def test_far_apart_with_enough_time_to_travel_does_not_fire():
    scans = [unit_scan(T0, HANOI), unit_scan(T0 + timedelta(hours=15), HO_CHI_MINH_CITY)]
    assert impossible_travel(scans, now=NOW) == []


def test_neighbouring_provinces_a_kilometre_apart_do_not_fire_even_a_minute_apart():
    scans = [
        unit_scan(T0, CAN_THO_EDGE),
        unit_scan(T0 + timedelta(minutes=1), VINH_LONG_EDGE),
    ]
    assert scans[0].province != scans[1].province
    assert impossible_travel(scans, now=NOW) == []


def test_a_bot_in_another_province_does_not_count():
    scans = [
        unit_scan(T0, HANOI),
        unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY, user_agent_family="Bot"),
    ]
    assert impossible_travel(scans, now=NOW) == []


def test_travel_is_judged_per_unit_code_and_never_for_batch_codes():
    scans = [
        unit_scan(T0, HANOI),
        unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY, label_code_id=UNIT_CODE_ID + 1),
        batch_scan(T0, latitude=HANOI[0], longitude=HANOI[1]),
        batch_scan(T0 + timedelta(hours=1), latitude=11.0, longitude=106.7),
    ]
    assert impossible_travel(scans, now=NOW) == []


def test_a_position_outside_vietnam_says_nothing():
    bangkok = (13.75, 100.50)
    scans = [unit_scan(T0, HANOI), unit_scan(T0 + timedelta(hours=1), bangkok)]
    assert impossible_travel(scans, now=NOW) == []


def test_a_scan_after_the_clock_is_not_seen_yet():
    scans = [unit_scan(T0, HANOI), unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY)]
    assert impossible_travel(scans, now=T0 + timedelta(minutes=30)) == []


# Scanned after a mark


def test_a_scan_within_the_grace_after_a_sale_is_the_buyers():
    scans = [unit_scan(T0 + timedelta(hours=1)), unit_scan(T0 + SOLD_GRACE)]
    assert scanned_after_mark(scans, marked(MarkKind.SOLD, T0), now=NOW) == []


def test_a_scan_after_the_grace_after_a_sale_fires():
    late = unit_scan(T0 + SOLD_GRACE + timedelta(minutes=1))
    fired = scanned_after_mark([late], marked(MarkKind.SOLD, T0), now=NOW)
    assert [(alert.rule, alert.scan, alert.params["kind"]) for alert in fired] == [
        (AlertRule.SCANNED_AFTER_MARK, late, "sold")
    ]
    assert str(fired[0].reason) == (
        "Scanned at November 26, 2026, 9:31 AM, more than 2 days after it was reported sold at"
        " November 24, 2026, 9:30 AM."
    )


def test_any_scan_after_an_inspector_marked_it_fires():
    before = unit_scan(T0 - timedelta(minutes=1))
    after = [unit_scan(T0 + timedelta(minutes=1)), unit_scan(T0 + timedelta(days=9))]
    fired = scanned_after_mark([before, *after], marked(MarkKind.INSPECTED, T0), now=NOW)
    assert [alert.scan for alert in fired] == after
    assert str(fired[0].reason) == (
        "Scanned at November 24, 2026, 9:31 AM, after an inspector marked it at November"
        " 24, 2026, 9:30 AM."
    )


def test_a_scan_after_both_marks_fires_once_as_after_the_inspection():
    marks = {
        UNIT_CODE_ID: [
            MarkRecord(UNIT_CODE_ID, MarkKind.SOLD, T0),
            MarkRecord(UNIT_CODE_ID, MarkKind.INSPECTED, T0 + timedelta(days=5)),
        ]
    }
    fired = scanned_after_mark([unit_scan(T0 + timedelta(days=6))], marks, now=NOW)
    assert [alert.params["kind"] for alert in fired] == ["inspected"]


def test_scans_of_another_code_by_bots_or_after_the_clock_do_not_count():
    inspected = marked(MarkKind.INSPECTED, T0)
    later = T0 + timedelta(hours=1)
    assert scanned_after_mark([unit_scan(later, label_code_id=99)], inspected, now=NOW) == []
    bot = unit_scan(later, user_agent_family="Bot")
    assert scanned_after_mark([bot], inspected, now=NOW) == []
    assert scanned_after_mark([unit_scan(later)], inspected, now=later - timedelta(minutes=1)) == []


# A batch code scanned more times than the batch has units


def test_one_scan_more_than_the_unit_codes_issued_fires_once_on_the_scan_that_goes_over():
    scans = [batch_scan(T0 + timedelta(hours=hour)) for hour in range(6)]
    size = {BATCH_ID: BatchSize(unit_codes=3, quantity=Decimal("1200"), unit="kg")}
    fired = batch_overscanned(scans, size, now=NOW)
    assert [(alert.rule, alert.scan) for alert in fired] == [
        (AlertRule.BATCH_OVERSCANNED, scans[3])
    ]
    assert fired[0].params == {
        "scanned_at": scans[3].scanned_at.isoformat(),
        "count": 4,
        "units": 3,
        "counted_from": "unit_codes",
        "unit": "kg",
    }
    assert str(fired[0].reason) == (
        "The batch code was scanned 4 times by November 24, 2026, 12:30 PM, more than"
        " the 3 unit labels"
        " issued for the batch."
    )


def test_as_many_scans_as_units_do_not_fire():
    scans = [batch_scan(T0 + timedelta(hours=hour)) for hour in range(3)]
    size = {BATCH_ID: BatchSize(unit_codes=3, quantity=None, unit="kg")}
    assert batch_overscanned(scans, size, now=NOW) == []


def test_a_counted_quantity_is_the_number_of_units_when_no_unit_code_was_issued():
    scans = [batch_scan(T0 + timedelta(minutes=minute)) for minute in range(6)]
    size = {BATCH_ID: BatchSize(unit_codes=0, quantity=Decimal("5.000"), unit="Hộp")}
    fired = batch_overscanned(scans, size, now=NOW)
    assert [alert.scan for alert in fired] == [scans[5]]
    assert str(fired[0].reason) == (
        "The batch code was scanned 6 times by November 24, 2026, 9:35 AM, more than the"
        " batch's 5 Hộp."
    )


def test_a_weighed_batch_has_no_number_of_units_and_never_fires():
    scans = [batch_scan(T0 + timedelta(minutes=minute)) for minute in range(50)]
    size = {BATCH_ID: BatchSize(unit_codes=0, quantity=Decimal("3"), unit="kg")}
    assert batch_overscanned(scans, size, now=NOW) == []


def test_bot_and_unit_code_scans_do_not_count_for_the_batch_code():
    scans = [
        batch_scan(T0),
        batch_scan(T0 + timedelta(minutes=1), user_agent_family="Bot"),
        unit_scan(T0 + timedelta(minutes=2)),
        batch_scan(T0 + timedelta(minutes=3)),
    ]
    size = {BATCH_ID: BatchSize(unit_codes=2, quantity=None, unit="kg")}
    assert batch_overscanned(scans, size, now=NOW) == []


@pytest.mark.parametrize(
    ("unit", "is_count"),
    [
        ("hộp", True),
        ("  TÚI ", True),
        (unicodedata.normalize("NFD", "thùng"), True),
        ("Bottle", True),
        ("pcs", True),
        ("kg", False),
        ("g", False),
        ("tấn", False),
        ("l", False),
        ("ml", False),
    ],
)
def test_count_units(unit, is_count):
    assert is_count_unit(unit) is is_count


def test_a_batch_size_counts_unit_codes_first_then_a_counted_quantity_rounded_up():
    assert BatchSize(unit_codes=4, quantity=Decimal("100"), unit="hộp").units == 4
    assert BatchSize(unit_codes=0, quantity=Decimal("2.5"), unit="túi").units == 3
    assert BatchSize(unit_codes=0, quantity=None, unit="túi").units is None
    assert BatchSize(unit_codes=0, quantity=Decimal("2"), unit="tấn").units is None


# Valid signature, unknown batch


def test_a_validly_signed_code_of_no_batch_fires_once_on_its_first_scan():
    scans = [unknown_scan(T0 + timedelta(hours=hour)) for hour in range(3)]
    fired = unknown_batch(list(reversed(scans)), now=NOW)
    assert [(alert.rule, alert.scan) for alert in fired] == [(AlertRule.UNKNOWN_BATCH, scans[0])]
    assert str(fired[0].reason) == (
        "Scanned at November 24, 2026, 9:30 AM: the signature is valid but no batch has"
        " this code, so"
        " it may have been signed with a copied key."
    )


def test_each_unknown_code_text_fires_once_and_bots_and_bad_signatures_never():
    scans = [
        unknown_scan(T0, user_agent_family="Bot"),
        unknown_scan(T0 + timedelta(minutes=1)),
        unknown_scan(T0 + timedelta(minutes=2), text="http://x/b/FAKE-2?k=abc&s=sig"),
        unknown_scan(
            T0,
            text="http://x/b/FAKE-3?k=abc&s=bad",
            verdict=Verdict.BAD_SIGNATURE,
            is_signature_valid=False,
        ),
        batch_scan(T0),
    ]
    assert [alert.scan for alert in unknown_batch(scans, now=NOW)] == scans[1:3]


# All rules together


def test_evaluate_runs_every_rule_over_a_mixed_history():
    scans = [
        unit_scan(T0, HANOI),
        unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY),
        batch_scan(T0),
        batch_scan(T0 + timedelta(minutes=1)),
        unknown_scan(T0),
    ]
    fired = evaluate(
        scans,
        now=NOW,
        marks=marked(MarkKind.INSPECTED, T0 + timedelta(minutes=30)),
        sizes={BATCH_ID: BatchSize(unit_codes=1, quantity=None, unit="kg")},
    )
    assert sorted((alert.rule, alert.scan.id) for alert in fired) == sorted(
        [
            (AlertRule.IMPOSSIBLE_TRAVEL, scans[1].id),
            (AlertRule.SCANNED_AFTER_MARK, scans[1].id),
            (AlertRule.BATCH_OVERSCANNED, scans[3].id),
            (AlertRule.UNKNOWN_BATCH, scans[4].id),
        ]
    )


def test_the_same_history_fires_the_same_alerts_again():
    scans = [unit_scan(T0, HANOI), unit_scan(T0 + timedelta(hours=1), HO_CHI_MINH_CITY)]
    assert evaluate(scans, now=NOW) == evaluate(list(reversed(scans)), now=NOW)


def test_a_stored_reason_renders_from_its_json_params():
    fired = unknown_batch([unknown_scan(T0)], now=NOW)[0]
    assert render_reason("unknown_batch", dict(fired.params)) == str(fired.reason)


# An inspector's checks


def test_an_inspector_checking_the_shelf_is_not_a_buyer():
    checked = {"is_inspection": True}
    over = [batch_scan(T0), *(batch_scan(T0 + timedelta(minutes=m), **checked) for m in (1, 2))]
    travel = [
        unit_scan(T0, HANOI),
        unit_scan(T0 + timedelta(minutes=30), HO_CHI_MINH_CITY, **checked),
    ]
    after_sale = [unit_scan(T0 + SOLD_GRACE + timedelta(hours=1), **checked)]
    size = {BATCH_ID: BatchSize(unit_codes=1, quantity=None, unit="hộp")}

    assert batch_overscanned(over, size, now=NOW) == []
    assert impossible_travel(travel, now=NOW) == []
    assert scanned_after_mark(after_sale, marked(MarkKind.SOLD, T0), now=NOW) == []
    # The same scans by buyers fire.
    buyers = [batch_scan(T0), batch_scan(T0 + timedelta(minutes=1))]
    assert len(batch_overscanned(buyers, size, now=NOW)) == 1


def test_an_inspector_finding_a_code_of_a_copied_key_still_raises_the_alarm():
    found = unknown_scan(T0, is_inspection=True)

    assert [alert.scan for alert in unknown_batch([found], now=NOW)] == [found]
