"""The print form: a layout, how many labels, which lines; text in, ``read_options`` decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField

from trace.common.forms import CheckboxListField, RegistryForm, TextRadioField
from trace.printing.options import (
    CUSTOM_FIELDS,
    FORMATS,
    LAYOUT_LABELS,
    LINE_LABELS,
    THERMAL_FORMATS,
    LabelLine,
)

MILLIMETRES = {"inputmode": "decimal", "autocomplete": "off"}


OUTPUT_CHOICES = {
    "pdf": _l("PDF, every sheet, to print"),
    "png": _l("PNG image of the first sheet"),
    "tspl": _l("TSPL job for a thermal printer (TSC, Xprinter, Gprinter…)"),
    "zpl": _l("ZPL job for a Zebra thermal printer"),
}


def output_field(formats: tuple[str, ...]) -> Any:
    """The file to make, among ``formats``; shared by the batch and roll print forms."""
    return TextRadioField(
        _l("File"),
        choices=[(name, label) for name, label in OUTPUT_CHOICES.items() if name in formats],
        default="pdf",
        description=_l(
            "A TSPL or ZPL job prints a roll of labels: send the file to the printer as it is "
            "(raw), not through a print dialog."
        ),
    )


def dpi_field() -> Any:
    """A thermal printer's resolution, for TSPL and ZPL."""
    return TextRadioField(
        _l("Thermal printer's resolution"),
        choices=[("203", _l("203 dpi (8 dots/mm)")), ("300", _l("300 dpi (12 dots/mm)"))],
        default="203",
        description=_l("Only for TSPL and ZPL: it is on the printer's label or in its manual."),
    )


class PrintForm(RegistryForm):
    layout = TextRadioField(_l("Labels"), choices=list(LAYOUT_LABELS.items()), default="a4-3x8")
    width_mm = StringField(_l("Label width (mm)"), render_kw=MILLIMETRES)
    height_mm = StringField(_l("Label height (mm)"), render_kw=MILLIMETRES)
    columns = StringField(_l("Columns"), default="1", render_kw={"inputmode": "numeric"})
    rows = StringField(_l("Rows"), default="1", render_kw={"inputmode": "numeric"})
    margin_left_mm = StringField(_l("Left margin (mm)"), render_kw=MILLIMETRES)
    margin_top_mm = StringField(_l("Top margin (mm)"), render_kw=MILLIMETRES)
    gap_x_mm = StringField(_l("Gap between columns (mm)"), default="0", render_kw=MILLIMETRES)
    gap_y_mm = StringField(_l("Gap between rows (mm)"), default="0", render_kw=MILLIMETRES)
    printable_margin_mm = StringField(
        _l("Edge the printer cannot print (mm)"),
        render_kw=MILLIMETRES,
        description=_l(
            "Nothing is drawn this close to the paper's edge: 5 mm unless given on a sheet, "
            "0 on a roll."
        ),
    )
    count = StringField(_l("How many labels"), default="24", render_kw={"inputmode": "numeric"})
    serialised = BooleanField(
        _l("One code per item (serialised)"),
        description=_l(
            "Each label gets its own code and serial, so every scan is tied to one item. "
            "The codes are issued when you download the file."
        ),
    )
    lines = CheckboxListField(
        _l("Lines under the product name"),
        choices=list(LINE_LABELS.items()),
        default=[line.value for line in LabelLine],
    )
    language = TextRadioField(
        _l("Language of the label"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")],
        default="vi",
    )
    output = output_field(FORMATS)
    dpi = dpi_field()

    ERROR_FIELDS: ClassVar[Mapping[str, str]] = {"format": "output"}

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "layout": self.layout.data,
            "count": (self.count.data or "").strip(),
            "serialised": bool(self.serialised.data),
            "lines": list(self.lines.data or []),
            "language": self.language.data,
            "format": self.output.data,
        }
        if self.output.data in THERMAL_FORMATS:
            values["dpi"] = self.dpi.data
        for name in CUSTOM_FIELDS:
            values[name] = (self[name].data or "").strip()
        return values
