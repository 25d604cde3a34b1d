"""Addresses on one line, each part said once."""

from __future__ import annotations

import pytest

from trace.common.addresses import full_address, join_address
from trace.common.communes import find_commune

TRAN_DE = "31673"  # Xã Trần Đề, Thành phố Cần Thơ
TAN_CUONG = "05503"  # Xã Tân Cương, Thái Nguyên


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        # The case: the clerk typed the commune, the official name adds it again.
        ("Ấp Giồng Chát, Xã Trần Đề", "Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        # Another case, no tone marks, abbreviated, extra spaces: the official spelling stays.
        ("ấp Giồng Chát,  xa tran de", "ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        ("Ấp Giồng Chát, X. Trần Đề, TP. Cần Thơ", "Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        ("Ấp Giồng Chát, TP.Cần Thơ", "Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        # A bare name of a unit named in full after it.
        ("Ấp Giồng Chát, Trần Đề, Cần Thơ", "Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        # Old tone placement ("Thành phố" spelt alike; "Xã Trần Đề" decomposed, as some
        # keyboards send it).
        ("Ấp Giồng Chát, Xa\u0303 Trần Đề", "Ấp Giồng Chát, Xã Trần Đề, Thành phố Cần Thơ"),
        # The district of before 2025 has the commune's name but is another unit: kept.
        (
            "Ấp Giồng Chát, Huyện Trần Đề",
            "Ấp Giồng Chát, Huyện Trần Đề, Xã Trần Đề, Thành phố Cần Thơ",
        ),
        # A street that bears a place's name is not that place.
        ("12 đường Cần Thơ", "12 đường Cần Thơ, Xã Trần Đề, Thành phố Cần Thơ"),
        # Nothing typed: the official names alone.
        ("", "Xã Trần Đề, Thành phố Cần Thơ"),
        ("  ,  ", "Xã Trần Đề, Thành phố Cần Thơ"),
    ],
)
def test_a_cooperatives_address_names_each_unit_once(street, expected):
    assert full_address(street, find_commune(TRAN_DE)) == expected


def test_an_unknown_commune_leaves_the_street_address_as_typed_once():
    assert full_address("Ấp 3, Ấp 3", None) == "Ấp 3"
    assert full_address("", None) == ""


def test_parts_that_differ_only_in_tone_marks_are_one_part():
    """Within one address, "Tân Hòa" and "Tân Hoà" are spellings of one name."""
    assert join_address("Ấp Tân Hoà", "Ấp Tân Hòa") == "Ấp Tân Hòa"


def test_units_of_different_kinds_with_one_name_are_kept():
    assert join_address("Thị xã Tân Uyên", "Phường Tân Uyên") == "Thị xã Tân Uyên, Phường Tân Uyên"
    assert join_address("Phường 5", "Quận 5", "TP. Hồ Chí Minh") == (
        "Phường 5, Quận 5, TP. Hồ Chí Minh"
    )


def test_a_commune_of_another_name_is_not_a_repeat():
    commune = find_commune(TAN_CUONG)
    assert commune is not None
    assert full_address("Xóm Nam Đồng, Xã Phúc Xuân", commune) == (
        "Xóm Nam Đồng, Xã Phúc Xuân, Xã Tân Cương, Thái Nguyên"
    )


def test_a_province_the_official_list_names_without_prefix_is_said_once():
    """The list spells most provinces bare ("Thái Nguyên"): "Tỉnh Thái Nguyên" typed before
    it is the same province."""
    commune = find_commune(TAN_CUONG)
    assert commune is not None
    assert full_address("Xóm Nam Đồng, Xã Tân Cương, Tỉnh Thái Nguyên", commune) == (
        "Xóm Nam Đồng, Xã Tân Cương, Thái Nguyên"
    )
    assert full_address("Xóm Nam Đồng, Thái Nguyên", commune) == (
        "Xóm Nam Đồng, Xã Tân Cương, Thái Nguyên"
    )
