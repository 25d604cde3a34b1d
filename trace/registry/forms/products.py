"""The product form: a name is all that is needed; the rest is optional."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from trace.common.forms import (
    RegistryForm,
    TextSelectField,
    chosen_id,
    photo_field,
    read_id,
    read_int,
)


class ProductForm(RegistryForm):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"image_upload_id": "image"}
    REQUIRED = ("name",)

    cooperative_id = TextSelectField(_l("Cooperative"))
    name = StringField(
        _l("Product name"), description=_l("As written on the package, such as Gạo ST25.")
    )
    code = StringField(
        _l("Product code"),
        description=_l(
            "Optional: a short code such as ST25 (capital letters and digits, at most 12). "
            "It starts the batch lots and names the product in spreadsheet imports."
        ),
    )
    category = StringField(_l("Kind of product"), description=_l("Such as rice, tea, shrimp."))
    unit = StringField(
        _l("Unit you sell in"), default="kg", description=_l("Such as kg, box, bottle.")
    )
    description = TextAreaField(
        _l("Description"), description=_l("A few words for the buyer: taste, how it is grown.")
    )
    image = photo_field(
        _l("Photo of the product"),
        _l("A clear photo of the package: JPEG, PNG or WebP, up to 5 MB."),
    )
    gtin = StringField(
        _l("Barcode number (GTIN)"),
        description=_l("Only if the product already has a barcode: the 8 to 14 digits under it."),
    )
    brand = StringField(_l("Brand"))
    shelf_life_days = StringField(
        _l("Shelf life in days"), description=_l("How many days the product keeps, such as 365.")
    )
    ocop_stars = TextSelectField(
        _l("OCOP stars"),
        choices=[("", _l("No OCOP stars")), ("3", "3"), ("4", "4"), ("5", "5")],
    )
    ocop_certificate_id = TextSelectField(
        _l("OCOP certificate"), description=_l("The certificate that awarded the stars.")
    )

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name.data,
            "code": (self.code.data or "").strip() or None,
            "category": self.category.data,
            "unit": self.unit.data,
            "description": self.description.data,
            "gtin": (self.gtin.data or "").strip() or None,
            "brand": self.brand.data,
            "shelf_life_days": read_int(self.shelf_life_days.data),
            "ocop_stars": read_int(self.ocop_stars.data),
            "ocop_certificate_id": read_id(self.ocop_certificate_id.data),
        }
        if "cooperative_id" in self:
            values["cooperative_id"] = chosen_id(self.cooperative_id)
        return values
