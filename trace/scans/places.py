"""Which province a shared position is in, roughly, and how far apart two positions are.

The clone signals only need to tell "same province" from "another province far away", so a
position is given the province of the nearest reference point below rather than looked
up in boundary polygons the project does not ship.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import SupportsFloat

from vietnam_provinces import Province as OfficialProvince

EARTH_RADIUS_KM = 6371.0088
# The same rough box the farming areas' coordinates are checked against: the mainland,
# its islands and the Trường Sa archipelago (which also takes in some of the neighbours).
LATITUDE_RANGE = (8.0, 23.5)
LONGITUDE_RANGE = (102.0, 117.9)

Position = tuple[SupportsFloat, SupportsFloat]

# Approximate (to about 0.1 degree), from general knowledge of the map, and only good for
# telling provinces apart: per province code, its administrative centre (the provincial
# capital city) first, then the former capitals of the provinces merged into it in July
# 2025. Without those, the nearest centre to Lào Cai city or Tuy Hòa would be another
# province's.
REFERENCE_POINTS: dict[str, tuple[tuple[float, float], ...]] = {
    "01": ((21.03, 105.85),),  # Hà Nội
    "04": ((22.67, 106.26),),  # Cao Bằng
    "08": ((21.82, 105.21), (22.82, 104.98)),  # Tuyên Quang; Hà Giang
    "11": ((21.39, 103.02),),  # Điện Biên Phủ
    "12": ((22.40, 103.46),),  # Lai Châu
    "14": ((21.33, 103.91),),  # Sơn La
    "15": ((21.72, 104.91), (22.49, 103.97)),  # Yên Bái; Lào Cai
    "19": ((21.59, 105.85), (22.15, 105.83)),  # Thái Nguyên; Bắc Kạn
    "20": ((21.85, 106.76),),  # Lạng Sơn
    "22": ((20.95, 107.08),),  # Hạ Long
    "24": ((21.27, 106.19), (21.19, 106.07)),  # Bắc Giang; Bắc Ninh
    "25": ((21.32, 105.40), (21.31, 105.60), (20.82, 105.34)),  # Việt Trì; Vĩnh Yên; Hòa Bình
    "31": ((20.86, 106.68), (20.94, 106.33)),  # Hải Phòng; Hải Dương
    "33": ((20.65, 106.05), (20.45, 106.34)),  # Hưng Yên; Thái Bình
    "37": ((20.25, 105.97), (20.54, 105.91), (20.42, 106.17)),  # Ninh Bình; Phủ Lý; Nam Định
    "38": ((19.81, 105.78),),  # Thanh Hóa
    "40": ((18.68, 105.68),),  # Vinh
    "42": ((18.34, 105.91),),  # Hà Tĩnh
    "44": ((17.47, 106.62), (16.82, 107.10)),  # Đồng Hới; Đông Hà
    "46": ((16.46, 107.59),),  # Huế
    "48": ((16.05, 108.21), (15.57, 108.47)),  # Đà Nẵng; Tam Kỳ
    "51": ((15.12, 108.80), (14.35, 108.00)),  # Quảng Ngãi; Kon Tum
    "52": ((13.78, 109.22), (13.98, 108.00)),  # Quy Nhơn; Pleiku
    "56": ((12.24, 109.19), (11.57, 108.99)),  # Nha Trang; Phan Rang
    "66": ((12.67, 108.04), (13.09, 109.30)),  # Buôn Ma Thuột; Tuy Hòa
    "68": ((11.94, 108.44), (12.00, 107.69), (10.93, 108.10)),  # Đà Lạt; Gia Nghĩa; Phan Thiết
    "75": ((10.95, 106.82), (11.53, 106.90)),  # Biên Hòa; Đồng Xoài
    # Hồ Chí Minh; Thủ Dầu Một; Bà Rịa; Côn Đảo (nearer Cà Mau than any of them)
    "79": ((10.78, 106.70), (10.98, 106.65), (10.50, 107.17), (8.68, 106.61)),
    "80": ((10.54, 106.41), (11.31, 106.10)),  # Tân An; Tây Ninh
    "82": ((10.36, 106.36), (10.46, 105.63)),  # Mỹ Tho; Cao Lãnh
    "86": ((10.25, 105.97), (10.24, 106.38), (9.93, 106.34)),  # Vĩnh Long; Bến Tre; Trà Vinh
    "91": ((10.01, 105.08), (10.39, 105.44)),  # Rạch Giá; Long Xuyên
    "92": ((10.03, 105.78), (9.60, 105.97), (9.78, 105.47)),  # Cần Thơ; Sóc Trăng; Vị Thanh
    "96": ((9.18, 105.15), (9.29, 105.72)),  # Cà Mau; Bạc Liêu
}


@dataclass(frozen=True)
class Province:
    """A province by its official two-digit code and its name as the registry spells it."""

    code: str
    name: str


def distance_km(a: Position, b: Position) -> float:
    """The great-circle (haversine) distance between two (latitude, longitude) positions."""
    latitude_a, longitude_a = math.radians(float(a[0])), math.radians(float(a[1]))
    latitude_b, longitude_b = math.radians(float(b[0])), math.radians(float(b[1]))
    latitude_step = math.sin((latitude_b - latitude_a) / 2)
    longitude_step = math.sin((longitude_b - longitude_a) / 2)
    half_chord = latitude_step**2 + math.cos(latitude_a) * math.cos(latitude_b) * longitude_step**2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(half_chord)))


def is_in_vietnam_box(latitude: SupportsFloat, longitude: SupportsFloat) -> bool:
    """Whether the position falls inside the rough box around Vietnam."""
    low_latitude, high_latitude = LATITUDE_RANGE
    low_longitude, high_longitude = LONGITUDE_RANGE
    return (
        low_latitude <= float(latitude) <= high_latitude
        and low_longitude <= float(longitude) <= high_longitude
    )


def province_near(latitude: SupportsFloat, longitude: SupportsFloat) -> Province | None:
    """The province whose nearest reference point is closest; None outside Vietnam's box."""
    if not is_in_vietnam_box(latitude, longitude):
        return None
    return province_by_code(_nearest_code(float(latitude), float(longitude)))


# Shared positions are rounded to 0.01 degree, so the same few thousand recur.
@lru_cache(maxsize=4096)
def _nearest_code(latitude: float, longitude: float) -> str:
    here = (latitude, longitude)
    return min(
        REFERENCE_POINTS,
        key=lambda code: min(distance_km(here, point) for point in REFERENCE_POINTS[code]),
    )


@cache
def all_provinces() -> tuple[Province, ...]:
    """Every province, in the order of their official codes."""
    return tuple(
        Province(code=f"{int(official.code):02d}", name=official.name)
        for official in sorted(OfficialProvince.iter_all(), key=lambda each: int(each.code))
    )


@cache
def province_by_code(code: str) -> Province | None:
    """The province with this two-digit code, named as in the registry; None if unknown."""
    for official in OfficialProvince.iter_all():
        if f"{int(official.code):02d}" == code:
            return Province(code=code, name=official.name)
    return None
