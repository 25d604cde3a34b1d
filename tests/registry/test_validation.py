"""Every registry validation rule, with real examples that pass and near misses that do not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.conftest import base_config
from tests.factories import DAI_TU, SOC_TRANG
from trace import create_app
from trace.config import SETTINGS
from trace.registry import validation
from trace.registry.models import CertificateScheme
from trace.registry.validation import CertificateStatus, ValidityWarning

PLANTING_AREA_PATTERN = str(SETTINGS["TRACE_PLANTING_AREA_CODE_PATTERN"])

# Written out here rather than imported, so a slip in the rule cannot hide in its own test.
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_check_digit(body: str) -> int | None:
    """The Vietnamese tax-code check digit of nine digits (None: no digit can complete them)."""
    check = 10 - sum(int(digit) * w for digit, w in zip(body, TAX_WEIGHTS, strict=True)) % 11
    return None if check == 10 else check


def gs1_check_digit(body: str) -> int:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def with_wrong_last_digit(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@pytest.fixture(scope="module", autouse=True)
def english() -> Iterator[None]:
    """Messages are lazy strings: reading one needs an app; no database is touched.

    Each refusal is matched against its English message, so a test shows which rule refused.
    """
    app = create_app(base_config("sqlite://"))
    with app.app_context(), force_locale("en"):
        yield


TAX_LENGTH = "10 digits, or 13"
GTIN_LENGTH = "8, 12, 13 or 14 digits"
CHECK_DIGIT = "check digit is wrong"
AS_ISSUED = "Enter the code as issued"
OUTSIDE = "outside Vietnam"
NOT_A_NUMBER = "Enter a number"


# Tax codes (mã số thuế) ---------------------------------------------------------------------

REAL_TAX_CODES = [
    "0300588569",  # Vinamilk
    "0100112437",  # Vietcombank
    "0100109106",  # Viettel
    "0101248141",  # FPT
    "0100107370",  # Petrolimex
]
COMPUTED_TAX_CODES = [
    body + str(tax_check_digit(body))
    for body in ("220010365", "180015800", "630000012", "010068620", "000000001")
]


@pytest.mark.parametrize("code", REAL_TAX_CODES + COMPUTED_TAX_CODES)
def test_tax_code_with_right_check_digit_is_accepted(code):
    assert validation.tax_code(code) == code


@pytest.mark.parametrize("code", REAL_TAX_CODES + COMPUTED_TAX_CODES)
def test_tax_code_with_wrong_check_digit_is_refused(code):
    with pytest.raises(ValueError, match=CHECK_DIGIT):
        validation.tax_code(with_wrong_last_digit(code))


def test_computed_tax_codes_really_are_new_examples():
    assert "2200103655" in COMPUTED_TAX_CODES
    assert "1800158005" in COMPUTED_TAX_CODES
    assert not set(COMPUTED_TAX_CODES) & set(REAL_TAX_CODES)


@pytest.mark.parametrize("ending", "0123456789")
def test_tax_code_whose_check_would_be_ten_is_refused_whatever_its_last_digit(ending):
    assert tax_check_digit("100000008") is None
    with pytest.raises(ValueError, match=CHECK_DIGIT):
        validation.tax_code("100000008" + ending)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        (" 0300588569 ", "0300588569"),
        ("0300 588 569", "0300588569"),
        ("0300588569-001", "0300588569-001"),
        ("0300588569001", "0300588569-001"),
        ("0300588569 - 012", "0300588569-012"),
        ("0100109106-999", "0100109106-999"),
    ],
)
def test_tax_code_is_normalised_with_branch_dash(raw, normalised):
    assert validation.tax_code(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", TAX_LENGTH),
        ("   ", TAX_LENGTH),
        ("030058856", TAX_LENGTH),  # 9 digits
        ("03005885690", TAX_LENGTH),  # 11 digits
        ("030058856900", TAX_LENGTH),  # 12 digits
        ("03005885690011", TAX_LENGTH),  # 14 digits
        ("0300588569-01", TAX_LENGTH),  # branch of 2 digits
        ("0300588569-0001", TAX_LENGTH),  # branch of 4 digits
        ("030058856A", TAX_LENGTH),
        ("0300588569/001", TAX_LENGTH),
        ("0300588569-000", TAX_LENGTH),  # branches are numbered from 001
        ("０３００５８８５６９", TAX_LENGTH),  # full-width digits
        ("٠٣٠٠٥٨٨٥٦٩", TAX_LENGTH),  # Arabic-Indic digits
        ("²" * 10, TAX_LENGTH),
        ("0300588568-001", CHECK_DIGIT),  # the head's check digit is wrong
        ("0300588568001", CHECK_DIGIT),
    ],
)
def test_malformed_tax_code_is_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        validation.tax_code(raw)


# GTIN ----------------------------------------------------------------------------------------

VALID_GTINS = [
    ("96385074", "00000096385074"),  # GS1's GTIN-8 example
    ("12345670", "00000012345670"),
    ("036000291452", "00036000291452"),  # UPC-A
    ("614141000036", "00614141000036"),
    ("4006381333931", "04006381333931"),  # EAN-13
    ("8934588012228", "08934588012228"),  # GS1 Vietnam prefix 893
    ("8934673123457", "08934673123457"),
    ("8938505974194", "08938505974194"),
    ("10012345678902", "10012345678902"),  # GTIN-14 of a case
    ("18934588012225", "18934588012225"),
    ("00012345678905", "00012345678905"),
]


@pytest.mark.parametrize(("raw", "gtin14"), VALID_GTINS)
def test_gtin_of_every_length_becomes_gtin14(raw, gtin14):
    assert gs1_check_digit(raw[:-1]) == int(raw[-1])
    assert validation.gtin(raw) == gtin14
    assert validation.gtin(f" {raw} ") == gtin14


@pytest.mark.parametrize("raw", [raw for raw, _ in VALID_GTINS])
def test_gtin_with_wrong_check_digit_is_refused(raw):
    with pytest.raises(ValueError, match=CHECK_DIGIT):
        validation.gtin(with_wrong_last_digit(raw))


def test_gtin_with_spaces_inside_is_read_as_printed_under_the_bars():
    assert validation.gtin("8 934588 012228") == "08934588012228"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "1234567",  # 7 digits
        "123456789",  # 9
        "1234567890",  # 10
        "12345678901",  # 11
        "123456789012345",  # 15
        "893458801222X",
        "893-4588-012228",
        "８９３４５８８０１２２２８",  # full-width digits
        "-8934588012228",
    ],
)
def test_malformed_gtin_is_refused(raw):
    with pytest.raises(ValueError, match=GTIN_LENGTH):
        validation.gtin(raw)


def test_gtin_check_digit_matches_independent_computation():
    for raw, _ in VALID_GTINS:
        padded = raw.zfill(14)
        assert validation.gtin_check_digit(padded[:13]) == gs1_check_digit(padded[:13])


# Planting-area codes (mã số vùng trồng) -----------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("VN-STRG-0012", "VN-STRG-0012"),
        ("vn-strg-0012", "VN-STRG-0012"),
        ("  Vn-StRg-0012 ", "VN-STRG-0012"),
        ("VN-TNDT-0001-2", "VN-TNDT-0001-2"),
        ("VNTN0001", "VNTN0001"),
        ("ABC", "ABC"),  # 3 characters, the shortest
        ("A" * 40, "A" * 40),  # 40, the longest
    ],
)
def test_planting_area_code_is_accepted_and_upper_cased(raw, normalised):
    assert validation.planting_area_code(raw, PLANTING_AREA_PATTERN) == normalised


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "AB",  # too short
        "A" * 41,  # too long
        "VN STRG 0012",
        "VN_STRG_0012",
        "VN/STRG/0012",
        "VN.STRG.0012",
        "VN--STRG-0012",
        "-VN-STRG-0012",
        "VN-STRG-0012-",
        "VN-ĐT-0012",  # letters outside A-Z
        "VN-STRG-0012\nX",
    ],
)
def test_malformed_planting_area_code_is_refused(raw):
    with pytest.raises(ValueError, match=AS_ISSUED):
        validation.planting_area_code(raw, PLANTING_AREA_PATTERN)


def test_planting_area_code_follows_the_configured_pattern():
    province_format = r"^VN-[A-Z]{2,4}-\d{4}$"
    assert validation.planting_area_code("vn-strg-0012", province_format) == "VN-STRG-0012"
    for raw in ("VN-STRG-12", "VNX-STRG-0012", "VN-STRG-0012-2", "ABC"):
        with pytest.raises(ValueError, match=AS_ISSUED):
            validation.planting_area_code(raw, province_format)


# Communes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"), [(SOC_TRANG, SOC_TRANG), ("5830", DAI_TU), (DAI_TU, DAI_TU)]
)
def test_official_2025_commune_is_found(raw, code):
    assert validation.commune(raw).code == code


@pytest.mark.parametrize("raw", ["", "99999", "123456", "abcde", "-5830"])
def test_unknown_commune_is_refused(raw):
    with pytest.raises(ValueError, match="official 2025 list"):
        validation.commune(raw)


# Places -------------------------------------------------------------------------------------

PLACES_IN_VIETNAM = {
    "Sóc Trăng": ("9.603", "105.974"),
    "Mũi Cà Mau": ("8.56", "104.72"),
    "Lũng Cú (northernmost)": ("23.39", "105.32"),
    "A Pa Chải (westernmost)": ("22.40", "102.14"),
    "Đảo Trường Sa Lớn": ("8.645", "111.92"),
    "Hoàng Sa": ("16.50", "112.00"),
    "Hà Nội": ("21.0285", "105.8542"),
}


@pytest.mark.parametrize(("lat", "lon"), PLACES_IN_VIETNAM.values(), ids=PLACES_IN_VIETNAM)
def test_places_in_vietnam_are_accepted(lat, lon):
    assert validation.latitude(lat) == Decimal(lat)
    assert validation.longitude(lon) == Decimal(lon)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        ("13.75", "100.50"),  # Bangkok
        ("14.60", "120.98"),  # Manila
        ("1.35", "103.82"),  # Singapore
        ("25.04", "102.71"),  # Kunming
        ("105.97", "9.60"),  # latitude and longitude swapped
        ("-9.60", "-105.97"),
    ],
)
def test_places_outside_vietnam_are_refused(lat, lon):
    with pytest.raises(ValueError, match=OUTSIDE):
        validation.polygon(polygon_of([[float(lon), float(lat)]] * 4))
    refusals = 0
    for rule, raw in ((validation.latitude, lat), (validation.longitude, lon)):
        try:
            rule(raw)
        except ValueError:
            refusals += 1
    assert refusals >= 1


@pytest.mark.parametrize("raw", ["8.0", "8", "23.5", 8, Decimal("23.5"), 23.5])
def test_latitude_bounds_are_inclusive(raw):
    assert validation.latitude(raw) == Decimal(str(raw))


@pytest.mark.parametrize("raw", ["7.999999", "23.500001", "-10"])
def test_latitude_just_outside_is_refused(raw):
    with pytest.raises(ValueError, match=OUTSIDE):
        validation.latitude(raw)


@pytest.mark.parametrize("raw", ["102.0", "117.9"])
def test_longitude_bounds_are_inclusive(raw):
    assert validation.longitude(raw) == Decimal(raw)


@pytest.mark.parametrize("raw", ["101.999999", "117.900001", "0"])
def test_longitude_just_outside_is_refused(raw):
    with pytest.raises(ValueError, match=OUTSIDE):
        validation.longitude(raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("9,6031", Decimal("9.603100")),  # a decimal comma, as typed in Vietnam
        (" 9.6031 ", Decimal("9.603100")),
        ("9.60312345", Decimal("9.603123")),  # stored to six places, about 10 cm
        (9.6031, Decimal("9.603100")),
    ],
)
def test_coordinate_is_read_leniently_and_kept_to_six_places(raw, value):
    result = validation.latitude(raw)
    assert result == value
    assert result.as_tuple().exponent == -6


@pytest.mark.parametrize("raw", ["", "abc", "9°36'", "9.6.1", None, True, [9.6]])
def test_coordinate_that_is_not_a_number_is_refused(raw):
    with pytest.raises(ValueError, match=NOT_A_NUMBER):
        validation.latitude(raw)


@pytest.mark.parametrize("raw", ["nan", "NaN", "inf", "-Infinity", float("nan"), float("inf")])
def test_coordinate_that_is_not_finite_is_refused(raw):
    with pytest.raises(ValueError, match=OUTSIDE):
        validation.latitude(raw)


# Polygons (GeoJSON) -------------------------------------------------------------------------

FIELD_RING = [
    [105.970, 9.600],
    [105.980, 9.600],
    [105.980, 9.610],
    [105.970, 9.610],
    [105.970, 9.600],
]
HOLE_RING = [[105.974, 9.604], [105.976, 9.604], [105.976, 9.606], [105.974, 9.604]]
NOT_A_POLYGON = "must be a GeoJSON Polygon"
NO_COORDINATES = "has no coordinates"
RING_RULE = "4 or more points and must be closed"
POINT_RULE = r"Each point is \[longitude, latitude\]"


def polygon_of(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def ring_of(*points):
    """A closed ring through the given points."""
    return [*points, points[0]]


@pytest.mark.parametrize(
    "outline",
    [
        polygon_of(FIELD_RING),
        polygon_of([*FIELD_RING[:3], FIELD_RING[-1]]),  # a closed triangle: 4 positions
        polygon_of(FIELD_RING, HOLE_RING),  # with a pond left out
        polygon_of(ring_of([105.97, 9.6, 2.5], [105.98, 9.6, 2.5], [105.98, 9.61, 2.5])),
        polygon_of(ring_of([112, 16], [112.1, 16], [112.1, 16.1])),  # Hoàng Sa, whole numbers
        polygon_of(ring_of([111.91, 8.64], [111.93, 8.64], [111.93, 8.65])),  # Trường Sa Lớn
    ],
)
def test_closed_polygon_inside_vietnam_is_accepted(outline):
    assert validation.polygon(outline) == outline


def test_polygon_keeps_only_its_geometry():
    outline = {**polygon_of(FIELD_RING), "properties": {"name": "Ô 3"}, "crs": "EPSG:4326"}
    assert validation.polygon(outline) == polygon_of(FIELD_RING)


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        pytest.param(polygon_of(FIELD_RING[:-1]), RING_RULE, id="open ring"),
        pytest.param(polygon_of(FIELD_RING, HOLE_RING[:-1]), RING_RULE, id="open hole"),
        pytest.param(polygon_of([*FIELD_RING[:2], FIELD_RING[-1]]), RING_RULE, id="3 points"),
        pytest.param(polygon_of([[105.97, 9.6], [105.97, 9.6]]), RING_RULE, id="2 points"),
        pytest.param(polygon_of([]), RING_RULE, id="empty ring"),
        pytest.param(polygon_of("105.97 9.6"), RING_RULE, id="ring as text"),
        pytest.param(polygon_of(), NO_COORDINATES, id="no rings"),
        pytest.param({"type": "Polygon"}, NO_COORDINATES, id="no coordinates"),
        pytest.param(
            {"type": "Polygon", "coordinates": "105.97 9.6"}, NO_COORDINATES, id="text coordinates"
        ),
        pytest.param(
            polygon_of(ring_of([100.5, 13.7], [100.6, 13.7], [100.6, 13.8])), OUTSIDE, id="Bangkok"
        ),
        pytest.param(
            polygon_of([[lat, lon] for lon, lat in FIELD_RING]), OUTSIDE, id="lat and lon swapped"
        ),
        pytest.param(
            polygon_of([*FIELD_RING[:2], [125.0, 9.61], *FIELD_RING[-2:]]),
            OUTSIDE,
            id="one point abroad",
        ),
        pytest.param(polygon_of([[105.97]] * 4), POINT_RULE, id="a point of one number"),
        pytest.param(polygon_of(["105.97,9.6"] * 4), POINT_RULE, id="points as text"),
        pytest.param(
            polygon_of(ring_of(["105.97", "9.6"], ["105.98", "9.6"], ["105.98", "9.61"])),
            POINT_RULE,
            id="numbers as text",
        ),
        pytest.param(
            polygon_of(ring_of([True, 9.6], [105.98, 9.6], [105.98, 9.61])),
            POINT_RULE,
            id="booleans",
        ),
        pytest.param(polygon_of([[None, None]] * 4), POINT_RULE, id="nulls"),
        pytest.param(
            {"type": "MultiPolygon", "coordinates": [[FIELD_RING]]}, NOT_A_POLYGON, id="multi"
        ),
        pytest.param({"type": "Point", "coordinates": [105.97, 9.6]}, NOT_A_POLYGON, id="Point"),
        pytest.param({"type": "polygon", "coordinates": [FIELD_RING]}, NOT_A_POLYGON, id="case"),
        pytest.param(
            {"type": "Feature", "geometry": polygon_of(FIELD_RING)}, NOT_A_POLYGON, id="Feature"
        ),
        pytest.param([FIELD_RING], NOT_A_POLYGON, id="bare list"),
        pytest.param('{"type": "Polygon"}', NOT_A_POLYGON, id="JSON text"),
        pytest.param(None, NOT_A_POLYGON, id="None"),
    ],
)
def test_bad_polygon_is_refused(outline, message):
    with pytest.raises(ValueError, match=message):
        validation.polygon(outline)


# Certificate status -------------------------------------------------------------------------

VALID_FROM = date(2025, 6, 1)
VALID_TO = date(2027, 5, 31)


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2025, 5, 31), CertificateStatus.NOT_YET_VALID),  # the day before
        (date(2025, 6, 1), CertificateStatus.VALID),  # the first day
        (date(2026, 6, 1), CertificateStatus.VALID),
        (date(2027, 3, 31), CertificateStatus.VALID),  # 61 days before the end
        (date(2027, 4, 1), CertificateStatus.EXPIRING),  # exactly 60 days before
        (date(2027, 5, 30), CertificateStatus.EXPIRING),
        (date(2027, 5, 31), CertificateStatus.EXPIRING),  # the last day still counts
        (date(2027, 6, 1), CertificateStatus.EXPIRED),  # the day after
        (date(2030, 1, 1), CertificateStatus.EXPIRED),
    ],
)
def test_certificate_status_on_boundary_days(on, status):
    assert (VALID_TO - date(2027, 4, 1)).days == 60
    assert validation.certificate_status(VALID_FROM, VALID_TO, False, on) is status


@pytest.mark.parametrize(
    "on", [date(2025, 5, 31), date(2025, 6, 1), date(2027, 4, 1), date(2027, 6, 1)]
)
def test_revoked_certificate_is_revoked_whatever_its_dates(on):
    status = validation.certificate_status(VALID_FROM, VALID_TO, True, on)
    assert status is CertificateStatus.REVOKED


def test_short_certificate_is_expiring_from_its_first_day():
    start, end = date(2025, 6, 1), date(2025, 7, 15)
    assert validation.certificate_status(start, end, False, start) is CertificateStatus.EXPIRING


def test_one_day_certificate():
    day = date(2025, 6, 1)
    assert validation.certificate_status(day, day, False, day) is CertificateStatus.EXPIRING
    next_day = date(2025, 6, 2)
    assert validation.certificate_status(day, day, False, next_day) is CertificateStatus.EXPIRED


# Longest validity per scheme ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "valid_from", "valid_to", "warned_months"),
    [
        (CertificateScheme.VIETGAP, date(2025, 6, 1), date(2027, 5, 31), None),  # 24 months - 1 day
        (CertificateScheme.VIETGAP, date(2025, 6, 1), date(2027, 6, 1), 24),  # 24 months
        (CertificateScheme.VIETGAP, date(2025, 6, 1), date(2028, 6, 1), 24),
        (CertificateScheme.VIETGAP, date(2025, 6, 1), date(2025, 6, 1), None),
        (CertificateScheme.VIETGAP, date(2024, 2, 29), date(2026, 2, 27), None),  # from leap day
        (CertificateScheme.VIETGAP, date(2024, 2, 29), date(2026, 2, 28), 24),
        (CertificateScheme.VIETGAP, date(2025, 8, 31), date(2027, 8, 30), None),
        (CertificateScheme.VIETGAP, date(2025, 8, 31), date(2027, 8, 31), 24),
        (CertificateScheme.OCOP, date(2025, 6, 1), date(2028, 5, 31), None),  # 36 months - 1 day
        (CertificateScheme.OCOP, date(2025, 6, 1), date(2028, 6, 1), 36),  # 36 months
        (CertificateScheme.OCOP, date(2025, 6, 1), date(2027, 6, 1), None),  # 24 is fine for OCOP
        (CertificateScheme.ORGANIC, date(2025, 6, 1), date(2035, 6, 1), None),  # no maximum
        (CertificateScheme.GLOBALGAP, date(2025, 6, 1), date(2030, 6, 1), None),
        (CertificateScheme.FOOD_SAFETY, date(2025, 6, 1), date(2030, 6, 1), None),
        (CertificateScheme.OTHER, date(2025, 6, 1), date(2045, 6, 1), None),
    ],
)
def test_validity_warning_per_scheme(scheme, valid_from, valid_to, warned_months):
    warning = validation.validity_warning(scheme, valid_from, valid_to)
    if warned_months is None:
        assert warning is None
    else:
        assert warning == ValidityWarning(scheme=scheme, maximum_months=warned_months)


# Adding months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "result"),
    [
        (date(2025, 6, 15), 1, date(2025, 7, 15)),
        (date(2025, 6, 15), 0, date(2025, 6, 15)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),  # over the year's end
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 1, 30), 1, date(2025, 2, 28)),
        (date(2024, 1, 29), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 10, 31), 4, date(2026, 2, 28)),
        (date(2025, 5, 31), 24, date(2027, 5, 31)),
        (date(2025, 6, 1), 36, date(2028, 6, 1)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),  # backwards
        (date(2025, 1, 31), -2, date(2024, 11, 30)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(start, months, result):
    assert validation.add_months(start, months) == result
