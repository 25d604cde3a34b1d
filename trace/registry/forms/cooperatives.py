"""The cooperative form; staff do not see the fields only an operator may change."""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField

from trace.common.forms import CommuneFields, RegistryForm, photo_field
from trace.common.place_choices import province_of
from trace.registry.models import Cooperative

# Only operators change what identifies the cooperative on the platform and its labels.
OPERATOR_FIELDS = ("tax_code", "code_prefix")


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

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name.data,
            "commune_code": self.commune_code.data or "",
            "street_address": self.street_address.data,
            "phone": self.phone.data,
            "email": self.email.data,
        }
        for name in OPERATOR_FIELDS:
            if name in self:
                values[name] = self[name].data
        return values

    def problems(self) -> dict[str, list[str]]:
        return {**self.missing_required(), **self.place_problems()}
