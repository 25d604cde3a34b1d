"""The form of a product link: its kind, its address, its titles in both languages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from trace.common.forms import RegistryForm, TextSelectField
from trace.registry.link_types import LINK_TYPE_NAMES, MARKETPLACES

KNOWN_MARKETPLACES = ", ".join(MARKETPLACES.values())


class ProductLinkForm(RegistryForm):
    REQUIRED = ("link_type", "href")

    link_type = TextSelectField(_l("Kind of link"))
    href = StringField(
        _l("Address of the page"),
        description=_l("Copy it from the browser: it starts with https://."),
    )
    title_vi = StringField(
        _l("Title in Vietnamese"),
        description=_l(
            "What a buyer reads, such as the shop's name. Leave it empty for a page on "
            "%(marketplaces)s: the marketplace's name is used.",
            marketplaces=KNOWN_MARKETPLACES,
        ),
    )
    title_en = StringField(
        _l("Title in English"),
        description=_l("For visitors reading in English; the Vietnamese title if left empty."),
    )

    def fill_choices(self) -> None:
        self.link_type.choices = [("", _l("Choose the kind of link"))] + [
            (value, name) for value, name in LINK_TYPE_NAMES.items()
        ]

    def values(self) -> dict[str, Any]:
        return {
            "link_type": self.link_type.data or "",
            "href": self.href.data or "",
            "title_vi": self.title_vi.data or "",
            "title_en": self.title_en.data or "",
        }
