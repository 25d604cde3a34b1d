"""The cooperative form; staff do not see the fields only an operator may change."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField

from trace.common.forms import CommuneFields, RegistryForm, photo_field
from trace.common.place_choices import province_of
from trace.registry.models import Cooperative

# Only operators change what identifies the cooperative on the platform and its labels, and
# its commune (which decides whose officer reads its records and whose indicator counts it).
OPERATOR_FIELDS = ("tax_code", "code_prefix", "commune_code")
# The fields that choose the commune, which staff do not get either.
PLACE_FIELDS = ("province", "commune_code", "show_communes")


class CooperativeForm(CommuneFields, RegistryForm):
    ERROR_FIELDS: ClassVar[dict[str, str]] = {"logo_upload_id": "logo"}
    REQUIRED = ("name", "tax_code", "code_prefix", "commune_code")

    name = StringField(
        _l("Name of the cooperative"),
        description=_l("The full name, such as Hợp tác xã Nông nghiệp Trần Đề."),
    )
    tax_code = StringField(_l("Tax code"), description=_l("10 digits, or 13 for a branch."))
    code_prefix = StringField(
        _l("Label code prefix"),
        description=_l("2 to 8 letters or digits that start every batch code, such as TRANDE."),
    )
    street_address = StringField(
        _l("Street address"), description=_l("House number, street, hamlet (ấp, thôn).")
    )
    phone = TelField(_l("Phone"))
    email = EmailField(_l("Email"))
    logo = photo_field(_l("Logo"), _l("JPEG, PNG or WebP, up to 5 MB."))

    def load(self, cooperative: Cooperative) -> None:
        self.process(obj=cooperative)
        self.province.data = province_of(cooperative.commune_code)

    def for_staff(self) -> None:
        """Leave out what only an operator may change: the page shows it as facts."""
        for name in {*OPERATOR_FIELDS, *PLACE_FIELDS}:
            del self[name]

    @property
    def is_for_staff(self) -> bool:
        return "commune_code" not in self

    def wants_communes(self) -> bool:
        return not self.is_for_staff and super().wants_communes()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name.data,
            "street_address": self.street_address.data,
            "phone": self.phone.data,
            "email": self.email.data,
        }
        for name in OPERATOR_FIELDS:
            if name in self:
                values[name] = self[name].data or ""
        return values

    def problems(self) -> dict[str, list[str]]:
        if self.is_for_staff:
            return self.missing_required()
        return {**self.missing_required(), **self.place_problems()}
