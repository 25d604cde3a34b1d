"""The roll forms: a new roll (what for, how many, which stickers), its file (which stickers,
which file, which printer) and a range to activate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from trace.common.forms import RegistryForm, TextRadioField, TextSelectField
from trace.printing.forms import dpi_field, output_field
from trace.printing.options import CUSTOM, LAYOUT_LABELS, THERMAL_FORMATS
from trace.rolls.printing import DEFAULT_LAYOUT, ROLL_FORMATS

# Serials and scanned codes: no keyboard help, no capitalisation of the first letter.
SERIAL_FIELD = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
ROLL_LAYOUTS = [(name, label) for name, label in LAYOUT_LABELS.items() if name != CUSTOM]


class RollForm(RegistryForm):
    target = TextSelectField(_l("Printed for"))
    count = StringField(_l("How many codes"), default="500", render_kw={"inputmode": "numeric"})
    layout = TextRadioField(_l("Labels"), choices=ROLL_LAYOUTS, default="roll-50x30")

    REQUIRED = ("target", "count")

    def values(self) -> dict[str, Any]:
        return {"target": self.target.data, "count": (self.count.data or "").strip()}


class RollPrintForm(RegistryForm):
    """The roll page's choices; ``read_roll_options`` checks them."""

    layout = TextRadioField(_l("Labels"), choices=ROLL_LAYOUTS, default=DEFAULT_LAYOUT)
    output = output_field(ROLL_FORMATS)
    dpi = dpi_field()

    ERROR_FIELDS: ClassVar[Mapping[str, str]] = {"format": "output"}

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"layout": self.layout.data, "format": self.output.data}
        if self.output.data in THERMAL_FORMATS:
            values["dpi"] = self.dpi.data
        return values


class ActivationForm(RegistryForm):
    first = StringField(_l("First serial"), render_kw=SERIAL_FIELD)
    last = StringField(_l("Last serial"), render_kw=SERIAL_FIELD)

    REQUIRED = ("first", "last")

    def values(self) -> dict[str, Any]:
        return {"first": self.first.data or "", "last": self.last.data or ""}
