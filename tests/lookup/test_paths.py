"""Reading label paths and the text a signature covers, as the public page does."""

from __future__ import annotations

import pytest

from trace.lookup.paths import LabelPath, MalformedPath, code_text, read_path

GTIN = "08934567000017"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"/01/{GTIN}/10/ST25-1", LabelPath(gtin=GTIN, lot="ST25-1")),
        (f"/01/{GTIN}/10/LOT%2B1%2FA/21/K7Q2", LabelPath(gtin=GTIN, lot="LOT+1/A", serial="K7Q2")),
        (f"/01/{GTIN}", LabelPath(gtin=GTIN)),
        ("/b/HTXCM-ST25-1", LabelPath(batch_code="HTXCM-ST25-1")),
        ("/b/HTXCM-ST25-1/K7Q2M9X4TB", LabelPath(batch_code="HTXCM-ST25-1", serial="K7Q2M9X4TB")),
        (f"/01/{GTIN}/21/R0001-00001", LabelPath(gtin=GTIN, serial="R0001-00001")),
        ("/b/HTXCM/R0001-00001", LabelPath(prefix="HTXCM", serial="R0001-00001")),
    ],
)
def test_label_paths_name_their_batch_and_unit(raw, expected):
    assert read_path(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "/01/08934567000018/10/ST25",  # check digit
        "/01/893456700001/10/ST25",  # 12 digits
        "/01/08934567000018",  # a GTIN alone, with a wrong check digit
        f"/01/{GTIN}/10",
        f"/01/{GTIN}/10/",
        f"/01/{GTIN}/21/",  # pre-printed forms: /01/{gtin}/21/{serial}, /b/{PREFIX}/{serial}
        "/01/08934567000018/21/R0001-00001",
        f"/01/{GTIN}/21/{'R' * 21}",
        "/b/htxcm/R0001-00001",
        "/b/H/R0001-00001",
        "/b/ABCDEFGHI/R0001-00001",
        "/b/HTX.CM/R0001-00001",
        "/b/HTXCM/",
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


def test_the_code_is_the_url_exactly_as_requested():
    base = "https://truyxuat.vn"
    path = f"/01/{GTIN}/10/ST25"
    for query in (
        "17=270101&k=abc&s=xyz",
        "17=270101&k=abc&s=xyz&",
        "",
        "&",
        "lang=en&",
        "lang=en&17=270101&k=abc&s=xyz",
        "17=270101&k=abc&linkType=all&s=xyz",
        "k=abc&k=abc&s=xyz",
        "s=xyz#top",
        "lang=en&lang=en&x",
    ):
        assert code_text(base, path, query) == f"{base}{path}?{query}", query


def test_a_url_without_a_query_or_with_only_display_parameters_carries_no_code():
    base, path = "https://truyxuat.vn", f"/01/{GTIN}/10/ST25"
    for query in (None, "lang=en", "linkType=all", "lang=en&linkType=all", "lang="):
        assert code_text(base, path, query) is None, query
