"""Reading label paths and the text a signature covers, as the public page does."""

from __future__ import annotations

import pytest

from trace.lookup.paths import LabelPath, MalformedPath, read_path, signed_text

GTIN = "08934567000017"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"/01/{GTIN}/10/ST25-1", LabelPath(gtin=GTIN, lot="ST25-1")),
        (f"/01/{GTIN}/10/LOT%2B1%2FA/21/K7Q2", LabelPath(gtin=GTIN, lot="LOT+1/A", serial="K7Q2")),
        ("/b/HTXCM-ST25-1", LabelPath(batch_code="HTXCM-ST25-1")),
        ("/b/HTXCM-ST25-1/K7Q2M9X4TB", LabelPath(batch_code="HTXCM-ST25-1", serial="K7Q2M9X4TB")),
    ],
)
def test_label_paths_name_their_batch_and_unit(raw, expected):
    assert read_path(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "/01/08934567000018/10/ST25",  # check digit
        "/01/893456700001/10/ST25",  # 12 digits
        f"/01/{GTIN}",
        f"/01/{GTIN}/10",
        f"/01/{GTIN}/10/",
        f"/01/{GTIN}/21/ST25",
        f"/01/{GTIN}/10/ST25/22/X",
        f"/01/{GTIN}/10/{'A' * 21}",
        f"/01/{GTIN}/10/ST25/21/%C3%A9",
        "/b/",
        "/b/A/B/C",
        "/b/" + "A" * 31,
        "/c/ABC",
    ],
)
def test_malformed_paths_say_what_is_wrong(raw):
    with pytest.raises(MalformedPath) as refused:
        read_path(raw)
    assert str(refused.value)


def test_the_signed_text_leaves_out_our_display_parameters():
    base = "https://truyxuat.vn"
    path = f"/01/{GTIN}/10/ST25"
    assert signed_text(base, path, "lang=en&17=270101&k=abc&s=xyz") == (
        f"{base}{path}?17=270101&k=abc&s=xyz"
    )
    assert signed_text(base, path, "17=270101&k=abc&linkType=all&s=xyz&lang=vi") == (
        f"{base}{path}?17=270101&k=abc&s=xyz"
    )
    assert signed_text(base, path, "") is None
    assert signed_text(base, path, "lang=en") is None
