"""Vietnamese alphabetical order."""

from __future__ import annotations

import pytest

from trace.common.collation import vietnamese_sort_key


def ordered(*names: str) -> list[str]:
    return sorted(names, key=vietnamese_sort_key)


def test_d_with_stroke_follows_d_not_z():
    assert ordered("Xã Đông Hải", "Xã Zơ Ngây", "Xã Duyên Hải") == [
        "Xã Duyên Hải",
        "Xã Đông Hải",
        "Xã Zơ Ngây",
    ]


@pytest.mark.parametrize(
    "alphabet",
    [["an", "ăn", "ân", "bo"], ["eo", "êm", "gà"], ["on", "ôn", "ơn", "pa"], ["ua", "ưa", "va"]],
)
def test_letters_with_marks_are_letters_of_their_own(alphabet):
    assert ordered(*reversed(alphabet)) == alphabet


def test_tones_only_break_ties_in_dictionary_order():
    assert ordered("mạ", "mã", "mả", "má", "mà", "ma", "mai") == [
        "ma", "mà", "má", "mả", "mã", "mạ", "mai",
    ]  # fmt: skip


def test_case_and_composition_do_not_matter():
    composed, decomposed = "Trần Đề", "Tra\u0302\u0300n \u0110e\u0302\u0300"
    assert vietnamese_sort_key(composed)[:2] == vietnamese_sort_key(decomposed)[:2]
    assert ordered("xã b", "Xã A") == ["Xã A", "xã b"]
