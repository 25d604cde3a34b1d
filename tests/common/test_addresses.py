"""Addresses on one line, each part said once."""

from __future__ import annotations

import pytest
from vietnam_provinces import Ward

from trace.common.addresses import full_address, join_address, place_within
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


def test_every_official_commune_and_province_are_both_kept():
    """Even a ward named after its province: "Phường Lào Cai, Lào Cai"."""
    for ward in Ward.iter_all():
        commune = find_commune(str(ward.code))
        assert commune is not None
        # The list has a few double spaces ("Xã  Bắc Đông Quan"): one is written.
        assert full_address("", commune) == " ".join(commune.full_name.split())
    lao_cai = next(
        commune
        for ward in Ward.iter_all()
        if (commune := find_commune(str(ward.code))) and commune.name == "Phường Lào Cai"
    )
    assert full_address("Tổ 5, Tỉnh Lào Cai", lao_cai) == "Tổ 5, Phường Lào Cai, Lào Cai"


def test_a_place_shown_above_its_commune_leaves_the_commune_to_it():
    commune = find_commune(TRAN_DE)
    assert place_within("Chợ Trần Đề, quầy 12, xã Trần Đề", commune) == "Chợ Trần Đề, quầy 12"
    assert place_within("Kho HTX, Trần Đề, TP Cần Thơ", commune) == "Kho HTX"
    # Nothing of its own: the place stays as written rather than vanish.
    assert place_within("Xã Trần Đề", commune) == "Xã Trần Đề"
    assert place_within("Kho HTX, Kho HTX", None) == "Kho HTX"
