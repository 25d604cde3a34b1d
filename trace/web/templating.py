"""Names every template may use: the shared macros need them whatever page imports them.

They are Jinja globals rather than context processors, so macro files can be imported
without the page's context, which Jinja then evaluates once instead of on every render.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from trace.batches.forms import EVENT_TYPE_LABELS, INPUT_KIND_LABELS
from trace.common.addresses import full_address, join_address, place_within
from trace.common.communes import find_commune
from trace.common.forms import plain_decimal
from trace.registry.forms.certificates import SCHEME_LABELS
from trace.registry.forms.farming_areas import KIND_LABELS
from trace.uploads.services import can_fetch
from trace.web.icons import icon


def commune_name(code: str) -> str:
    """A commune as people say it, "Xã Tân Phú, Tỉnh Cà Mau", or a note for an unknown code."""
    place = find_commune(code)
    if place is None:
        return _("Unknown commune (code %(code)s)", code=code)
    return place.full_name


def address_line(street_address: str, commune_code: str) -> str:
    """A street address, its commune and its province on one line, each part said once."""
    commune = find_commune(commune_code)
    if commune is None:
        parts = (join_address(street_address), commune_name(commune_code))
        return ", ".join(part for part in parts if part)
    return full_address(street_address, commune)


def place_line(place: str, commune_code: str) -> str:
    """A place as written, without what the commune line shown under it says already."""
    return place_within(place, find_commune(commune_code))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        find_commune=find_commune,
        commune_name=commune_name,
        address_line=address_line,
        place_line=place_line,
        plain_decimal=plain_decimal,
        scheme_labels=SCHEME_LABELS,
        event_type_labels=EVENT_TYPE_LABELS,
        input_kind_labels=INPUT_KIND_LABELS,
        area_kind_labels=KIND_LABELS,
        can_fetch=can_fetch,
    )
    app.jinja_env.filters["icon"] = icon
