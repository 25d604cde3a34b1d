"""The inspection form: text in, typed values out, the service's messages back.

Like the registry forms, it never refuses what was typed itself: ``values()`` turns text
into the types the service expects and passes anything unreadable on, so the service
names the field to fix.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

from trace.batches.forms import DateTimeTextField, read_local_datetime
from trace.common.forms import IMAGE_TYPES, CommuneFields, RegistryForm, TextRadioField, read_id
from trace.inspections.services import MAX_PHOTOS, OUTCOME_LABELS


class InspectionForm(CommuneFields, RegistryForm):
    """One inspection: what was checked (a code, or the batch chosen), where, when, found."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {"photo_upload_ids": "photos", "batch_id": "code"}
    REQUIRED = ("place", "outcome")

    code = StringField(
        _l("Code on the label"),
        description=_l(
            "Scan the QR code with the phone's camera and paste the address it opens, "
            "or type the batch code printed on the package."
        ),
    )
    batch_id = HiddenField()
    inspected_at = DateTimeTextField(
        _l("When"), description=_l("Date and time of the inspection, Vietnam time.")
    )
    place = StringField(
        _l("Market, shop or address"),
        description=_l("Such as: Chợ Sóc Trăng, stall 12, or the shop's name and street."),
    )
    outcome = TextRadioField(
        _l("What did you find?"),
        choices=[(outcome.value, label) for outcome, label in OUTCOME_LABELS.items()],
    )
    withdraws_unit = BooleanField(_l("The item was withdrawn from sale"))
    notes = TextAreaField(
        _l("Notes"),
        description=_l(
            "What you saw, what the seller said, samples taken. At most 2,000 characters."
        ),
    )
    photos = MultipleFileField(
        _l("Photos"),
        description=_l(
            "Up to %(count)d photos of the label and the goods: JPEG, PNG or WebP, "
            "up to 5 MB each.",
            count=MAX_PHOTOS,
        ),
        render_kw={"accept": IMAGE_TYPES},
    )

    def values(self) -> dict[str, Any]:
        return {
            "code": self.code.data or "",
            "batch_id": read_id(self.batch_id.data),
            "inspected_at": read_local_datetime(self.inspected_at.data),
            "place": self.place.data,
            "commune_code": self.commune_code.data or None,
            "outcome": self.outcome.data or "",
            "notes": self.notes.data,
            "withdraws_unit": bool(self.withdraws_unit.data),
        }

    def problems(self) -> dict[str, list[str]]:
        return {**self.missing_required(), **self.place_problems()}
