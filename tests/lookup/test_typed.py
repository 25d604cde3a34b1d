"""Reading what a person typed in the code box, before any database look-up."""

from __future__ import annotations

import pytest

from trace.lookup.paths import LabelPath
from trace.lookup.typed import MAX_TYPED_LENGTH, TypedCode, UnreadableText, cleaned, read_typed

BASE = "http://127.0.0.1:5000"
GTIN = "08934567000017"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TRANDE-ST24-261201-01", TypedCode(code="TRANDE-ST24-261201-01")),
        ("st25.a_1", TypedCode(code="st25.a_1")),
        ("8934567000017", TypedCode(gtin=GTIN)),
        ("2611180001", TypedCode(code="2611180001")),
        ("893 4567 00001 7", TypedCode(gtin=GTIN)),
        (f"(01){GTIN}(10)ST25-01", TypedCode(gtin=GTIN, lot="ST25-01")),
        (f"(17)270519(10)ST25-01(01){GTIN}", TypedCode(gtin=GTIN, lot="ST25-01")),
        (f"(01){GTIN}", TypedCode(gtin=GTIN)),
        (
            f"{BASE}/b/HTX-01?k=abc&s=def",
            TypedCode(LabelPath(batch_code="HTX-01"), "/b/HTX-01", "k=abc&s=def"),
        ),
        (f"{BASE}/b/HTX-01", TypedCode(LabelPath(batch_code="HTX-01"), "/b/HTX-01")),
        (f"{BASE}/b/HTX-01?lang=en", TypedCode(LabelPath(batch_code="HTX-01"), "/b/HTX-01")),
        (
            "https://elsewhere.example/b/HTX-01?k=abc&s=def",
            TypedCode(LabelPath(batch_code="HTX-01"), "/b/HTX-01"),
        ),
        (
            f"truyxuat.example.vn/01/{GTIN}/10/L%2F1",
            TypedCode(LabelPath(gtin=GTIN, lot="L/1"), f"/01/{GTIN}/10/L%2F1"),
        ),
        ("/b/HTX-01/U7", TypedCode(LabelPath(batch_code="HTX-01", serial="U7"), "/b/HTX-01/U7")),
    ],
)
def test_what_a_typed_text_names(app, typed, expected):
    with app.test_request_context():
        assert read_typed(cleaned(typed), BASE) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("Gạo ST25", "letters without accents"),
        ("8934567000018", "should be 7"),
        ("(01)1234567890(10)L1", "8, 12, 13 or 14 digits"),
        ("(10)ST25", "no (01)"),
        ("(01)x(10", "as printed"),
        ("ftp://host/b/X", "not a web address"),
        ("https://host/c/X", "not the address of a label"),
        ("http://[::1/b/X", "cannot be read"),
    ],
)
def test_what_cannot_be_a_code_says_why(app, typed, reason):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(UnreadableText) as raised:
            read_typed(cleaned(typed), BASE)
        assert reason in str(raised.value.reason)


def test_cleaning_keeps_what_can_be_shown_again():
    assert cleaned("  ab\x00c\u200b\n") == "abc"
    assert cleaned("Tra\u0302\u0300n") == "Trần"
    assert len(cleaned("A" * 10_000)) == MAX_TYPED_LENGTH
