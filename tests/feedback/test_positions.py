"""The position a visitor chooses to share, added to their own scan and to no one else's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.scan_fixtures import SCANNED_AT, scan_of, stored_scan
from trace.errors import InvalidInput
from trace.scans.services import POSITION_WINDOW, add_position, check_scan_token, scan_token

A_MINUTE_LATER = SCANNED_AT + timedelta(minutes=1)
SCAN_AGAIN = "Scan the label again to share your position."
NOT_A_NUMBER = "Enter a number, such as 9.6031."

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def scan_id(session, labelled):
    return scan_of(session, labelled.code)


@pytest.fixture
def token(app, scan_id):
    return scan_token(scan_id, app.secret_key)


def position_of(session, scan_id):
    scan = stored_scan(session, scan_id)
    return scan.latitude, scan.longitude, scan.positioned_at


def refused(session, scan_id, token, latitude="10.7769", longitude="106.7009", **options):
    """The field errors of a refused position; asserts the scan did not change."""
    before = position_of(session, scan_id)
    with pytest.raises(InvalidInput) as refusal:
        add_position(session, scan_id, token, latitude, longitude, A_MINUTE_LATER, **options)
    assert position_of(session, scan_id) == before
    return refusal.value.errors


def test_tokens_are_made_per_scan_and_per_key():
    token = scan_token(7, "key one")
    assert token == scan_token(7, "key one")
    assert check_scan_token(7, token, "key one")
    assert not check_scan_token(8, token, "key one")
    assert not check_scan_token(7, token, "key two")
    assert scan_token(8, "key one") != token
    assert token.isascii()
    assert len(token) < 60


@pytest.mark.parametrize(
    "token", [None, "", 7, b"bytes", "not a token", "A" * 43, "é" * 43, "x" * 10_000]
)
def test_garbage_is_not_a_token(token):
    assert not check_scan_token(7, token, "key one")


def test_a_consented_position_is_stored_rounded_to_a_kilometre(session, scan_id, token):
    add_position(session, scan_id, token, "10.7769", 106.7009, A_MINUTE_LATER)
    assert position_of(session, scan_id) == (Decimal("10.78"), Decimal("106.70"), A_MINUTE_LATER)


@pytest.mark.parametrize(
    ("latitude", "longitude", "stored"),
    [
        (90, -180, (Decimal("90.00"), Decimal("-180.00"))),
        (Decimal("-89.995"), Decimal("179.994"), (Decimal("-90.00"), Decimal("179.99"))),
        (" 21,0285 ", "105,8542", (Decimal("21.03"), Decimal("105.85"))),
        (0.004, -0.004, (Decimal("0.00"), Decimal("0.00"))),
    ],
)
def test_bounds_decimal_commas_and_rounding(session, scan_id, token, latitude, longitude, stored):
    add_position(session, scan_id, token, latitude, longitude, A_MINUTE_LATER)
    assert position_of(session, scan_id)[:2] == stored


def test_a_position_without_a_time_is_stamped_now(session, labelled):
    scan_id = scan_of(session, labelled.code, now=None)
    add_position(session, scan_id, scan_token(scan_id, "k"), 10, 106, secret_key="k")
    assert position_of(session, scan_id)[2] >= stored_scan(session, scan_id).scanned_at


def test_a_forged_or_missing_token_is_refused(session, scan_id):
    for token in (None, "", "forged", scan_token(scan_id, "another key")):
        assert refused(session, scan_id, token) == {"token": [SCAN_AGAIN]}


def test_a_token_cannot_move_someone_elses_scan(session, app, labelled, scan_id, token):
    theirs = scan_of(session, labelled.code, remote_addr="1.52.3.4")
    assert refused(session, theirs, token) == {"token": [SCAN_AGAIN]}
    add_position(session, theirs, scan_token(theirs, app.secret_key), 16.05, 108.2, A_MINUTE_LATER)
    assert position_of(session, scan_id) == (None, None, None)


@pytest.mark.parametrize(
    ("latitude", "longitude", "errors"),
    [
        ("90.01", "0", {"latitude": ["Enter a number from -90 to 90."]}),
        (-91, "0", {"latitude": ["Enter a number from -90 to 90."]}),
        ("0", "180.5", {"longitude": ["Enter a number from -180 to 180."]}),
        ("0", -181, {"longitude": ["Enter a number from -180 to 180."]}),
        (
            "1e400",
            "-1e400",
            {
                "latitude": ["Enter a number from -90 to 90."],
                "longitude": ["Enter a number from -180 to 180."],
            },
        ),
        ("ten", "106", {"latitude": [NOT_A_NUMBER]}),
        (None, "", {"latitude": [NOT_A_NUMBER], "longitude": [NOT_A_NUMBER]}),
        (True, "106", {"latitude": [NOT_A_NUMBER]}),
        ("nan", float("inf"), {"latitude": [NOT_A_NUMBER], "longitude": [NOT_A_NUMBER]}),
        ([10], {"lng": 106}, {"latitude": [NOT_A_NUMBER], "longitude": [NOT_A_NUMBER]}),
    ],
)
def test_a_position_that_is_not_a_place_is_refused(
    session, scan_id, token, latitude, longitude, errors
):
    assert refused(session, scan_id, token, latitude, longitude) == errors


def test_every_problem_is_named_at_once(session, scan_id):
    assert refused(session, scan_id, "forged", "north", 200) == {
        "token": [SCAN_AGAIN],
        "latitude": [NOT_A_NUMBER],
        "longitude": ["Enter a number from -180 to 180."],
    }


def test_a_scan_gets_one_position_only(session, scan_id, token):
    add_position(session, scan_id, token, "10.7769", "106.7009", A_MINUTE_LATER)
    assert refused(session, scan_id, token, "21.0285", "105.8542") == {
        "scan": ["This scan already has a position."]
    }
    assert position_of(session, scan_id)[:2] == (Decimal("10.78"), Decimal("106.70"))


def test_a_position_comes_soon_after_the_scan_or_not_at_all(session, scan_id, token):
    too_late = SCANNED_AT + POSITION_WINDOW + timedelta(seconds=1)
    before = position_of(session, scan_id)
    with pytest.raises(InvalidInput) as refusal:
        add_position(session, scan_id, token, "10.7769", "106.7009", too_late)
    assert refusal.value.errors == {"token": [SCAN_AGAIN]}
    assert position_of(session, scan_id) == before
    add_position(session, scan_id, token, "10.7769", "106.7009", SCANNED_AT + POSITION_WINDOW)
    assert position_of(session, scan_id)[2] == SCANNED_AT + POSITION_WINDOW


def test_a_scan_that_does_not_exist_gets_no_position(session, app, scan_id):
    missing = scan_id + 1000
    assert refused(session, scan_id, scan_token(missing, app.secret_key)) == {"token": [SCAN_AGAIN]}
    with pytest.raises(InvalidInput) as refusal:
        add_position(session, missing, scan_token(missing, app.secret_key), 10, 106, A_MINUTE_LATER)
    assert refusal.value.errors == {"token": [SCAN_AGAIN]}


def test_the_messages_are_in_the_visitors_language(session, scan_id, token):
    with force_locale("vi"), pytest.raises(InvalidInput) as refusal:
        add_position(session, scan_id, token, "ten", 106, A_MINUTE_LATER)
    assert refusal.value.errors == {"latitude": ["Nhập một số, ví dụ 9.6031."]}
