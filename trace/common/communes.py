"""Official 2025 administrative units (34 provinces, about 3,300 communes and wards)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone with the province it belongs to."""

    code: str
    name: str
    province_code: str
    province_name: str

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.province_name}"


def normalise_commune_code(raw: str | int) -> str | None:
    """The official code as five digits ("5830" -> "05830"), or None if not a code at all."""
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 5:
        return None
    return text.zfill(5)


@cache
def find_commune(code: str) -> Commune | None:
    """The commune with this official code, or None when the code is unknown or obsolete."""
    normalised = normalise_commune_code(code)
    if normalised is None:
        return None
    try:
        ward = Ward.from_code(WardCode(int(normalised)))
    except ValueError:
        return None
    province = Province.from_code(ProvinceCode(ward.province_code))
    return Commune(
        code=normalised,
        name=ward.name,
        province_code=f"{int(province.code):02d}",
        province_name=province.name,
    )
