"""Print runs: a batch's labels as ``labels`` draws them, batch copies or serialised units.

The text of a label is written here, in the label's language (Vietnamese unless asked),
from the batch's public facts; ``labels`` only lays it out and draws it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import repeat
from typing import IO, BinaryIO, cast

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from labels import LabelContent, render_pdf, render_png, render_tspl, render_zpl
from labels.legibility import RunReport, inspect_page
from trace.auth.models import User
from trace.batches.models import Batch
from trace.batches.services import codes
from trace.common.communes import find_commune
from trace.printing.options import MEDIA_TYPES, LabelLine, PrintOptions
from trace.printing.report import RunSummary
from trace.signing.codes import build_unsigned, parse_code, sign_code

LABEL_DATE = "dd/MM/yyyy"
SPOOL_BYTES = 8 * 1024 * 1024
PREVIEW_SERIAL = "••••••••••"
SAMPLE_SERIAL = "Z" * 10  # as long as an issued serial (``issuing.SERIAL_LENGTH``)


class LabelRun:
    """What a batch's run (``PrintRun``) and a roll's (``trace.rolls.printing.RollRun``) share:
    their labels drawn as their options ask, to a stream or to a spooled file."""

    options: PrintOptions

    def labels(self) -> Iterator[LabelContent]:
        raise NotImplementedError

    @property
    def count(self) -> int:
        raise NotImplementedError

    @property
    def file_name(self) -> str:
        raise NotImplementedError

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.options.format]

    def to_file(self, report: RunReport | None = None) -> IO[bytes]:
        """The rendered file, rewound; over a few megabytes it waits on disk, not in memory."""
        return spooled(lambda output: self.render(output, report=report))

    def render(
        self,
        out: BinaryIO,
        on_page: Callable[[int], None] | None = None,
        *,
        report: RunReport | None = None,
    ) -> None:
        """Write the run as its options ask (``render_labels``)."""
        render_labels(self.labels, self.options, out, on_page, report=report)


@dataclass(frozen=True)
class PrintRun(LabelRun):
    """The labels of one run, drawn lazily so 10,000 of them never sit in memory at once."""

    batch: Batch
    options: PrintOptions
    label_codes: list[tuple[str, str | None]]  # (code, serial): one for all, or one a label

    @property
    def count(self) -> int:
        return self.options.count

    @property
    def file_name(self) -> str:
        suffix = "-serial" if self.options.is_serialised else ""
        return f"tem-{self.batch.code}{suffix}.{self.options.format}"

    def labels(self) -> Iterator[LabelContent]:
        texts = label_texts(self.batch, self.options)
        if len(self.label_codes) == 1:
            [(code, serial)] = self.label_codes
            return repeat(texts.content(code, serial), self.count)
        return (texts.content(code, serial) for code, serial in self.label_codes)


def render_labels(
    labels: Callable[[], Iterable[LabelContent]],
    options: PrintOptions,
    out: BinaryIO,
    on_page: Callable[[int], None] | None = None,
    *,
    report: RunReport | None = None,
) -> None:
    """Write labels as ``options`` ask: a PDF of every page, one PNG page, or a thermal
    printer's job (a roll: ``on_page`` counts labels, each its own page); ``report`` collects
    what a ``RunSummary`` tells of it. ``labels`` gives them afresh each time it is called,
    as a printer's job is inspected after it is written. Batch runs and rolls share it."""
    layout, dpi = options.layout, options.dpi
    if options.format == "png":
        out.write(render_png(labels(), layout, dpi=dpi, report=report))
    elif options.format in ("tspl", "zpl"):
        render_job = render_tspl if options.format == "tspl" else render_zpl
        render_job(labels(), layout, out, dpi=dpi, on_label=on_page)
        if report is not None:  # a roll's labels share one geometry: the first tells
            report.include(inspect_page(labels(), layout))
    else:
        note = calibration_note(options.language)
        render_pdf(labels(), layout, out, on_page=on_page, report=report, calibration_note=note)


def spooled(write: Callable[[BinaryIO], None]) -> IO[bytes]:
    """What ``write`` writes, rewound; over a few megabytes it waits on disk, not in memory."""
    # The caller closes it, once the file is sent.
    output = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES))  # noqa: SIM115
    write(output)
    output.seek(0)
    return output


def print_run(
    session: Session, user: User | None, batch_id: int, options: PrintOptions
) -> PrintRun:
    """Prepare a run: serialised runs issue their unit codes now (and need write access).

    ``user`` is None only for the command line, which acts for the platform.
    """
    if options.is_serialised:
        run = codes.issue_units(session, user, batch_id, options.count)
        return PrintRun(run.batch, options, [(unit.text, unit.serial) for unit in run.units])
    code = codes.batch_code(session, user, batch_id)
    return PrintRun(code.batch, options, [(code.text, None)])


def preview_run(session: Session, user: User, batch_id: int, options: PrintOptions) -> PrintRun:
    """The first sheet as it will print, issuing nothing: unit labels show the batch code and
    a dotted serial, so a scanned preview never passes for a real unit."""
    code = codes.batch_code(session, user, batch_id)
    serial = PREVIEW_SERIAL if options.is_serialised else None
    shown = replace(options, count=min(options.count, options.layout.per_page), format="png")
    return PrintRun(code.batch, shown, [(code.text, serial)])


def page_summary(session: Session, user: User, batch_id: int, options: PrintOptions) -> RunSummary:
    """What the first sheet will tell, before anything is issued. A serialised run's codes are
    longer than the batch code its preview shows, so they are judged by a unit code of the
    same shape (this batch's code with a serial, signed by a throwaway key)."""
    run = preview_run(session, user, batch_id, options)
    labels = list(run.labels())
    if options.is_serialised:
        sample = _sample_unit_code(labels[0].code)
        labels = [replace(label, code=sample) for label in labels]
    return RunSummary.of(inspect_page(labels, options.layout), options.layout)


def _sample_unit_code(batch_code: str) -> str:
    parsed = parse_code(batch_code)
    data = replace(parsed.data, serial=SAMPLE_SERIAL)
    return sign_code(build_unsigned(data, parsed.kid), parsed.kid, Ed25519PrivateKey.generate())


def calibration_note(language: str) -> tuple[str, ...]:
    """The words of a sheet's calibration page, in the run's language."""
    with force_locale(language):
        return (
            _("Check the print scale"),
            _("Print this page first, on plain paper, at actual size / 100%, not “Fit to page”."),
            _(
                "The bar above must measure exactly 50 mm; if it is shorter, the printer shrank "
                "the page and the QR codes are harder to scan."
            ),
            _("Then load the label sheets and print the other pages."),
        )


@dataclass(frozen=True)
class LabelTexts:
    """The text every label of a batch shares; only the code and serial differ."""

    title: str
    lines: tuple[str, ...]
    footer: str | None
    ocop_stars: int | None

    def content(self, code: str, serial: str | None) -> LabelContent:
        return LabelContent(
            code=code,
            title=self.title,
            lines=self.lines,
            footer=self.footer,
            ocop_stars=self.ocop_stars,
            serial=serial,
        )


def label_texts(batch: Batch, options: PrintOptions) -> LabelTexts:
    """The title, chosen lines and footer of the batch's labels, in the run's language."""
    chosen = options.lines
    with force_locale(options.language):
        lines = [
            text
            for line, text in (
                (LabelLine.COOPERATIVE, batch.cooperative.name),
                (LabelLine.ORIGIN, origin_of(batch)),
                (LabelLine.LOT, _("Lot: %(lot)s", lot=batch.lot)),
                (LabelLine.DATE, _date_line(batch)),
                (LabelLine.EXPIRY, _expiry_line(batch.expires_on)),
                (LabelLine.PLANTING_AREA, _planting_area_line(batch)),
            )
            if line in chosen and text
        ]
        footer = _("Scan to trace the origin") if LabelLine.TAGLINE in chosen else None
    stars = batch.product.ocop_stars if LabelLine.OCOP in chosen else None
    return LabelTexts(batch.product.name, tuple(lines), footer, stars)


def origin_of(batch: Batch) -> str:
    """Commune and province where it was grown (its farming areas), else the cooperative's."""
    codes_in_order = [area.commune_code for area in batch.farming_areas]
    codes_in_order.append(batch.cooperative.commune_code)
    for commune_code in codes_in_order:
        commune = find_commune(commune_code)
        if commune is not None:
            return commune.full_name
    return ""


def _date_line(batch: Batch) -> str:
    if batch.packed_on is not None:
        return _("Packed: %(day)s", day=_day(batch.packed_on))
    if batch.harvested_on is not None:
        return _("Harvested: %(day)s", day=_day(batch.harvested_on))
    return ""


def _expiry_line(expires_on: date | None) -> str:
    return _("Best before: %(day)s", day=_day(expires_on)) if expires_on else ""


def _planting_area_line(batch: Batch) -> str:
    area_codes = ", ".join(area.code for area in batch.farming_areas)
    return _("Planting area: %(codes)s", codes=area_codes) if area_codes else ""


def _day(day: date) -> str:
    return str(format_date(day, LABEL_DATE))
