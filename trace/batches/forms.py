"""The batch and event forms: text in, typed values out, the services' messages back.

Like the registry forms (``trace.common.forms``), they never refuse what was
typed themselves: ``values()`` turns text into the types the services expect and passes
anything unreadable on unchanged, so the service names the field to fix.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import StringField, TextAreaField
from wtforms.widgets import DateTimeLocalInput

from trace.batches.models import BatchStatus, EventType, InputKind
from trace.batches.services.events import RECORDABLE_TYPES
from trace.common.clock import LOCAL_TIMEZONE
from trace.common.forms import (
    IMAGE_TYPES,
    CheckboxListField,
    DateTextField,
    RegistryForm,
    TextRadioField,
    TextSelectField,
    chosen_id,
    plain_decimal,
    read_date,
    read_id,
    read_ids,
    read_int,
)

EVENT_TYPE_LABELS = {
    EventType.PLANTING: _l("Planting"),
    EventType.INPUT_APPLIED: _l("Fertiliser or pesticide applied"),
    EventType.HARVEST: _l("Harvest"),
    EventType.PROCESSING: _l("Processing (made from other batches)"),
    EventType.PACKING: _l("Packing"),
    EventType.SHIPPING: _l("Shipping to a buyer or market"),
    EventType.RECEIVING: _l("Receiving"),
    EventType.INSPECTING: _l("Inspection"),
    EventType.RECALL: _l("Recall"),
}
INPUT_KIND_LABELS = {
    InputKind.FERTILISER: _l("Fertiliser"),
    InputKind.PESTICIDE: _l("Pesticide"),
    InputKind.OTHER: _l("Other input"),
}
STATUS_LABELS = {
    BatchStatus.ACTIVE: _l("Active"),
    BatchStatus.RECALLED: _l("Recalled"),
}
# What ``<input type="datetime-local">`` sends, to the minute.
LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def read_quantity(text: str | None) -> str | None:
    """An amount as typed; a decimal comma (2,5) is read as a point when there is no point."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    return text.replace(",", ".") if "." not in text and text.count(",") == 1 else text


def read_local_datetime(text: str | None) -> datetime | str | None:
    """A ``datetime-local`` value, read as Vietnam time and returned as aware UTC."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIMEZONE)
    return moment.astimezone(UTC)


def local_datetime_text(moment: datetime) -> str:
    """A stored UTC time as a ``datetime-local`` value in Vietnam time."""
    return moment.astimezone(LOCAL_TIMEZONE).strftime(LOCAL_DATETIME_FORMAT)


class DateTimeTextField(StringField):
    """A date and time picker whose text is read by ``read_local_datetime``."""

    widget = DateTimeLocalInput()


class BatchForm(RegistryForm):
    """A new batch; the edit form leaves out what cannot change (product, lot)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("product_id",)

    cooperative_id = TextSelectField(_l("Cooperative"))
    product_id = TextSelectField(_l("Product"))
    lot = StringField(
        _l("Lot number"),
        description=_l(
            "Leave it blank and one is made from the product and the harvest day, "
            "such as ST25-261118-01."
        ),
    )
    farming_area_ids = CheckboxListField(
        _l("Farming areas it comes from"), description=_l("Tick one or more.")
    )
    harvested_on = DateTextField(_l("Harvest date"))
    packed_on = DateTextField(_l("Packing date"))
    expires_on = DateTextField(
        _l("Expiry date"),
        description=_l("Leave it blank and it is worked out from the product's shelf life."),
    )
    quantity = StringField(_l("Quantity"), description=_l("Such as 1200 or 2.5."))
    unit = StringField(_l("Unit"), description=_l("Blank: the product's unit."))

    def load(self, batch: Any) -> None:
        self.farming_area_ids.data = [str(area.id) for area in batch.farming_areas]
        for name in ("harvested_on", "packed_on", "expires_on"):
            value = getattr(batch, name)
            self[name].data = value.isoformat() if value else ""
        self.quantity.data = plain_decimal(batch.quantity)
        self.unit.data = batch.unit

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "farming_area_ids": read_ids(self.farming_area_ids.data),
            "harvested_on": read_date(self.harvested_on.data),
            "packed_on": read_date(self.packed_on.data),
            "expires_on": read_date(self.expires_on.data),
            "quantity": read_quantity(self.quantity.data),
            "unit": (self.unit.data or "").strip(),
        }
        if "product_id" in self:
            values["product_id"] = read_id(self.product_id.data)
            values["lot"] = (self.lot.data or "").strip() or None
        if "cooperative_id" in self:
            values["cooperative_id"] = chosen_id(self.cooperative_id)
        return values


class BatchEditForm(BatchForm):
    """What may change on a registered batch."""

    REQUIRED: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cooperative_id", "product_id", "lot"):
            del self[name]


class RecallForm(RegistryForm):
    REQUIRED = ("reason",)

    reason = TextAreaField(
        _l("Why is the batch recalled?"),
        description=_l(
            "Buyers and consumers who scan its label read this. Such as: pesticide residue "
            "above the limit in the test of 20/11/2026."
        ),
    )


class EventForm(RegistryForm):
    """One event; the fieldsets of the other kinds are ignored by the service."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {
        "photo_upload_ids": "photos",
        "output_batch_ids": "input_batch_ids",
    }
    REQUIRED = ("type", "occurred_at")

    type = TextSelectField(
        _l("What happened?"),
        choices=[("", _l("Choose what happened"))]
        + [(kind.value, EVENT_TYPE_LABELS[kind]) for kind in RECORDABLE_TYPES],
    )
    occurred_at = DateTimeTextField(_l("When"), description=_l("Date and time, Vietnam time."))
    farming_area_id = TextSelectField(
        _l("Farming area"),
        description=_l("Where it happened. For planting, inputs and harvest: required."),
    )
    address = StringField(
        _l("Or the address"),
        description=_l("If it did not happen on a farming area: a warehouse, a market."),
    )
    input_kind = TextRadioField(
        _l("Kind of input"),
        choices=[(kind.value, label) for kind, label in INPUT_KIND_LABELS.items()],
    )
    input_name = StringField(
        _l("Name of the product applied"), description=_l("As on its package, such as NPK 16-16-8.")
    )
    input_dose = StringField(_l("Dose"), description=_l("Such as 25 kg/ha or 20 ml per 16 l tank."))
    pre_harvest_interval_days = StringField(
        _l("Pre-harvest interval (days)"),
        description=_l("For a pesticide: the days to wait before harvest, printed on its label."),
    )
    party_name = StringField(
        _l("Buyer, market or supplier"),
        description=_l("Shipping: who it went to. Receiving: who it came from."),
    )
    input_batch_ids = CheckboxListField(
        _l("Batches it was made from"), description=_l("Tick every batch that went into it.")
    )
    quantity = StringField(_l("Quantity"), description=_l("Such as 1200 or 2.5."))
    unit = StringField(_l("Unit"), description=_l("Such as kg, box."))
    notes = TextAreaField(_l("Notes"))
    photos = MultipleFileField(
        _l("Photos"),
        description=_l("Up to 6 photos: JPEG, PNG or WebP, up to 5 MB each."),
        render_kw={"accept": IMAGE_TYPES},
    )
    keep_photo_ids = CheckboxListField(_l("Photos already saved (untick to remove)"))

    def load(self, event: Any) -> None:
        self.type.data = event.type.value
        self.occurred_at.data = local_datetime_text(event.occurred_at)
        self.farming_area_id.data = str(event.farming_area_id or "")
        for name in ("address", "input_name", "input_dose", "party_name", "unit", "notes"):
            self[name].data = getattr(event, name)
        self.input_kind.data = event.input_kind.value if event.input_kind else ""
        interval = event.pre_harvest_interval_days
        self.pre_harvest_interval_days.data = "" if interval is None else str(interval)
        self.quantity.data = plain_decimal(event.quantity)
        self.keep_photo_ids.data = [str(photo.id) for photo in event.photos]

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "occurred_at": read_local_datetime(self.occurred_at.data),
            "farming_area_id": read_id(self.farming_area_id.data),
            "address": self.address.data,
            "input_kind": self.input_kind.data or None,
            "input_name": self.input_name.data,
            "input_dose": self.input_dose.data,
            "pre_harvest_interval_days": read_int(self.pre_harvest_interval_days.data),
            "party_name": self.party_name.data,
            "quantity": read_quantity(self.quantity.data),
            "unit": self.unit.data,
            "notes": self.notes.data,
        }
        if "type" in self:
            values["type"] = self.type.data or ""
        if "input_batch_ids" in self and self.type.data == EventType.PROCESSING.value:
            values["input_batch_ids"] = read_ids(self.input_batch_ids.data)
        return values
