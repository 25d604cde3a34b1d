"""Maps drawn on our own server as inline SVG: they need no tile server and no JavaScript.

A small outline of Vietnam with a pin shows roughly where a farming area is; a sketch
of its outline, when one is recorded, shows its shape and size. A link to OpenStreetMap
offers the real map to those who are online.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Mainland Vietnam, simplified to about 80 points (longitude, latitude), clockwise from
# the north-west: enough to tell the north, the centre and the Mekong delta apart.
VIETNAM_OUTLINE = (
    (102.14, 22.40),
    (102.48, 22.77),
    (102.95, 22.48),
    (103.30, 22.78),
    (103.96, 22.50),
    (104.40, 22.75),
    (104.83, 22.95),
    (105.33, 23.37),
    (105.90, 23.05),
    (106.40, 22.90),
    (106.72, 22.85),
    (106.65, 22.30),
    (106.70, 21.97),
    (107.35, 21.60),
    (108.05, 21.53),
    (107.40, 21.20),
    (107.05, 20.95),
    (106.80, 20.75),
    (106.55, 20.25),
    (106.15, 19.95),
    (105.85, 19.50),
    (105.75, 18.80),
    (106.10, 18.25),
    (106.40, 18.00),
    (106.62, 17.48),
    (107.12, 16.90),
    (107.60, 16.55),
    (108.22, 16.07),
    (108.80, 15.40),
    (109.05, 14.60),
    (109.25, 13.77),
    (109.45, 12.90),
    (109.20, 12.25),
    (109.15, 11.70),
    (109.00, 11.35),
    (108.10, 10.92),
    (107.55, 10.55),
    (107.08, 10.35),
    (106.75, 10.38),
    (106.55, 9.95),
    (106.35, 9.55),
    (105.75, 9.20),
    (105.30, 8.85),
    (104.75, 8.58),
    (104.80, 9.20),
    (105.05, 9.95),
    (104.48, 10.40),
    (105.10, 10.95),
    (105.85, 11.00),
    (105.85, 11.45),
    (106.20, 11.75),
    (106.70, 11.95),
    (107.00, 12.25),
    (107.55, 12.35),
    (107.45, 13.00),
    (107.45, 13.80),
    (107.52, 14.70),
    (107.40, 15.50),
    (107.25, 16.15),
    (106.60, 16.50),
    (106.55, 17.00),
    (105.95, 17.55),
    (105.15, 18.40),
    (104.60, 18.85),
    (104.10, 19.45),
    (104.40, 20.35),
    (103.65, 20.75),
    (103.20, 20.85),
    (102.90, 21.25),
    (102.65, 21.70),
)
# Degrees to SVG units; longitude shrinks by the cosine of Vietnam's middle latitude.
SCALE = 20.0
LONGITUDE_FACTOR = math.cos(math.radians(16.0))
MARGIN = 0.6
METRES_PER_DEGREE = 111_320.0
SKETCH_SIZE = 200.0
SKETCH_PADDING = 16.0


@dataclass(frozen=True)
class LocatorMap:
    """Vietnam's outline and a pin, in one SVG coordinate system."""

    view_box: str
    outline_path: str
    pin_x: float
    pin_y: float


@dataclass(frozen=True)
class OutlineSketch:
    """A farming area's outline scaled to fit a square, with its point and its size."""

    view_box: str
    path: str
    pin_x: float | None
    pin_y: float | None
    width_metres: int
    height_metres: int


def locator_map(latitude: Decimal, longitude: Decimal) -> LocatorMap:
    """Where in Vietnam the point lies; the view grows to show islands far offshore."""
    lon, lat = float(longitude), float(latitude)
    lons = [point[0] for point in VIETNAM_OUTLINE] + [lon]
    lats = [point[1] for point in VIETNAM_OUTLINE] + [lat]
    west, north = min(lons) - MARGIN, max(lats) + MARGIN
    width = (max(lons) + MARGIN - west) * LONGITUDE_FACTOR * SCALE
    height = (north - (min(lats) - MARGIN)) * SCALE

    def project(point_lon: float, point_lat: float) -> tuple[float, float]:
        return (point_lon - west) * LONGITUDE_FACTOR * SCALE, (north - point_lat) * SCALE

    pin_x, pin_y = project(lon, lat)
    return LocatorMap(
        view_box=f"0 0 {width:.1f} {height:.1f}",
        outline_path=_path(project(*point) for point in VIETNAM_OUTLINE),
        pin_x=round(pin_x, 1),
        pin_y=round(pin_y, 1),
    )


def outline_sketch(
    polygon: dict[str, Any] | None, latitude: Decimal, longitude: Decimal
) -> OutlineSketch | None:
    """The recorded outline drawn to scale in a square, or None when there is none."""
    rings = (polygon or {}).get("coordinates") or []
    ring = [(float(point[0]), float(point[1])) for point in rings[0]] if rings else []
    if len(ring) < 3:
        return None
    cos_lat = math.cos(math.radians(sum(point[1] for point in ring) / len(ring)))
    xs = [point[0] * cos_lat for point in ring]
    ys = [point[1] for point in ring]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-9
    unit = (SKETCH_SIZE - 2 * SKETCH_PADDING) / span
    left = min(xs) - (span - (max(xs) - min(xs))) / 2
    top = max(ys) + (span - (max(ys) - min(ys))) / 2

    def project(point_lon: float, point_lat: float) -> tuple[float, float]:
        return (
            SKETCH_PADDING + (point_lon * cos_lat - left) * unit,
            SKETCH_PADDING + (top - point_lat) * unit,
        )

    pin_x, pin_y = project(float(longitude), float(latitude))
    is_inside = all(0 <= value <= SKETCH_SIZE for value in (pin_x, pin_y))
    return OutlineSketch(
        view_box=f"0 0 {SKETCH_SIZE:.0f} {SKETCH_SIZE:.0f}",
        path=_path(project(*point) for point in ring),
        pin_x=round(pin_x, 1) if is_inside else None,
        pin_y=round(pin_y, 1) if is_inside else None,
        width_metres=round((max(xs) - min(xs)) * METRES_PER_DEGREE),
        height_metres=round((max(ys) - min(ys)) * METRES_PER_DEGREE),
    )


def openstreetmap_url(latitude: Decimal, longitude: Decimal, zoom: int = 15) -> str:
    lat, lon = f"{float(latitude):.6f}", f"{float(longitude):.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"


def _path(points: Any) -> str:
    return "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z"
