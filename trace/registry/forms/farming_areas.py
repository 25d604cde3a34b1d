"""The farming area form: what the plant-protection office's paper says, and where it is."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from trace.common.forms import (
    CommuneFields,
    DateTextField,
    RegistryForm,
    TextRadioField,
    TextSelectField,
    chosen_id,
    plain_decimal,
    read_date,
)
from trace.common.place_choices import province_of
from trace.registry.models import FarmingArea, FarmingAreaKind, FarmingAreaStatus

# "9.6031, 105.9742" as copied from a map app; a space or semicolon also separates them.
POINT = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
MAX_OUTLINE_POINTS = 500

KIND_LABELS = {
    FarmingAreaKind.CROP: _l("Growing area (crops, fruit, tea)"),
    FarmingAreaKind.AQUACULTURE: _l("Aquaculture area (shrimp, fish)"),
    FarmingAreaKind.LIVESTOCK: _l("Livestock area"),
}
STATUS_LABELS = {
    FarmingAreaStatus.ACTIVE: _l("In use"),
    FarmingAreaStatus.SUSPENDED: _l("Suspended"),
    FarmingAreaStatus.WITHDRAWN: _l("Code withdrawn"),
}


class FarmingAreaForm(CommuneFields, RegistryForm):
    cooperative_id = TextSelectField(_l("Cooperative"))
    name = StringField(
        _l("Name of the area"),
        description=_l("A name people know it by, such as Cánh đồng ấp Tân Trung."),
    )
    kind = TextRadioField(
        _l("Kind of area"),
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=FarmingAreaKind.CROP.value,
    )
    code = StringField(
        _l("Planting-area code"),
        description=_l(
            "As written on the paper from the plant-protection office, such as VN-STRG-0012."
        ),
    )
    latitude = StringField(
        _l("Latitude"),
        description=_l(
            "In a map app, press and hold on the field: the first number, such as 9.6031."
        ),
    )
    longitude = StringField(_l("Longitude"), description=_l("The second number, such as 105.9742."))
    crops = StringField(
        _l("What is grown or raised"), description=_l("Such as Lúa ST25, white-leg shrimp.")
    )
    area_hectares = StringField(_l("Size in hectares"), description=_l("Such as 12.5."))
    status = TextSelectField(
        _l("Status of the code"),
        choices=[(status.value, label) for status, label in STATUS_LABELS.items()],
        default=FarmingAreaStatus.ACTIVE.value,
    )
    valid_from = DateTextField(_l("Code valid from"))
    valid_to = DateTextField(_l("Code valid until"))
    outline = TextAreaField(
        _l("Outline of the area"),
        description=_l(
            "The corners of the area, one a line: latitude, longitude (such as 9.6031, 105.9742)."
        ),
    )

    ERROR_FIELDS: ClassVar[dict[str, str]] = {"polygon": "outline"}
    REQUIRED = ("name", "kind", "code", "commune_code", "latitude", "longitude")
    # Fields kept under "More details", opened when one of them has a message.
    DETAIL_FIELDS = ("status", "valid_from", "valid_to", "outline")

    def load(self, area: FarmingArea) -> None:
        """Fill an edit form with what is stored, written as people write it."""
        self.process(obj=area)
        self.province.data = province_of(area.commune_code)
        self.kind.data = area.kind.value
        self.status.data = area.status.value
        self.latitude.data = plain_decimal(area.latitude)
        self.longitude.data = plain_decimal(area.longitude)
        self.area_hectares.data = plain_decimal(area.area_hectares)
        self.valid_from.data = area.valid_from.isoformat() if area.valid_from else ""
        self.valid_to.data = area.valid_to.isoformat() if area.valid_to else ""
        self.outline.data = outline_text(area.polygon)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name.data,
            "kind": self.kind.data or "",
            "code": self.code.data,
            "commune_code": self.commune_code.data or "",
            "latitude": (self.latitude.data or "").strip() or None,
            "longitude": (self.longitude.data or "").strip() or None,
            "crops": self.crops.data,
            "area_hectares": (self.area_hectares.data or "").strip() or None,
            "status": self.status.data or FarmingAreaStatus.ACTIVE.value,
            "valid_from": read_date(self.valid_from.data),
            "valid_to": read_date(self.valid_to.data),
            "polygon": read_outline(self.outline.data) or None,
        }
        if "cooperative_id" in self:
            values["cooperative_id"] = chosen_id(self.cooperative_id)
        return values

    def problems(self) -> dict[str, list[str]]:
        problems = {**self.missing_required(), **self.place_problems()}
        if self.outline.data and read_outline(self.outline.data) is None:
            problems["outline"] = [
                str(_l("Write 3 or more corners, one a line: latitude, longitude."))
            ]
        return problems

    def details_have_errors(self) -> bool:
        return any(self[name].errors for name in self.DETAIL_FIELDS)


def read_outline(text: str | None) -> dict[str, Any] | None:
    """Corners, one "latitude, longitude" a line, as a closed GeoJSON Polygon (or None)."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    points = [POINT.match(line) for line in lines]
    if len(lines) < 3 or len(lines) > MAX_OUTLINE_POINTS or not all(points):
        return None
    ring = [[float(match.group(2)), float(match.group(1))] for match in points if match]
    if ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(ring) < 4:
        return None
    return {"type": "Polygon", "coordinates": [ring]}


def outline_text(polygon: dict[str, Any] | None) -> str:
    """A stored outline written back as corners, one "latitude, longitude" a line."""
    if not polygon or not polygon.get("coordinates"):
        return ""
    ring = polygon["coordinates"][0]
    corners = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return "\n".join(f"{point[1]}, {point[0]}" for point in corners)
