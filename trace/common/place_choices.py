"""Province and commune choices for forms: choose the province, then one of its communes."""

from __future__ import annotations

from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward

from trace.common.communes import find_commune, normalise_commune_code

Choice = tuple[str, str]
# Prefixes dropped when sorting, so "Xã Kế Sách" sorts under K, beside "Phường Khánh Hòa".
_COMMUNE_PREFIXES = ("phuong_", "xa_", "dac_khu_", "thi_tran_")
_PROVINCE_PREFIXES = ("thanh_pho_", "tinh_")


def _sort_key(codename: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if codename.startswith(prefix):
            return codename.removeprefix(prefix)
    return codename


@cache
def province_choices() -> tuple[Choice, ...]:
    """The 34 provinces, alphabetically, as (two-digit code, name)."""
    provinces = sorted(Province.iter_all(), key=lambda p: _sort_key(p.codename, _PROVINCE_PREFIXES))
    return tuple((f"{int(p.code):02d}", p.name) for p in provinces)


@cache
def commune_choices(province_code: str) -> tuple[Choice, ...]:
    """The communes, wards and special zones of one province, as (five-digit code, name)."""
    if not province_code.isdigit():
        return ()
    try:
        code = ProvinceCode(int(province_code))
    except ValueError:
        return ()
    wards = sorted(
        Ward.iter_by_province(code), key=lambda w: _sort_key(w.codename, _COMMUNE_PREFIXES)
    )
    return tuple((f"{int(w.code):05d}", w.name) for w in wards)


def province_of(commune_code: str | None) -> str:
    """The province code of a commune, or "" when the commune is unknown."""
    commune = find_commune(commune_code) if commune_code else None
    return commune.province_code if commune else ""


def commune_in_province(commune_code: str, province_code: str) -> bool:
    normalised = normalise_commune_code(commune_code) or ""
    return any(code == normalised for code, _ in commune_choices(province_code))
