"""What the TSPL and ZPL jobs share: the roll's label, and a run's labels with their copies.

A thermal printer prints one label across its head, from a roll: a sheet layout (several
labels on an A4 page) has no meaning there, so it is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from PIL import Image

from labels.content import LabelContent
from labels.errors import ContentError, LayoutError
from labels.layouts import Layout
from labels.raster import THERMAL_DPIS, render_label

# What the job writers call after each label, with the count of labels written so far.
OnLabel = Callable[[int], None]
# Writes one label's bitmap into the job, printed that many times.
WriteLabel = Callable[[Image.Image, int], None]


@dataclass(frozen=True)
class RollLabel:
    """One label of a roll as the printer is told: its size and the gap to the next, in mm."""

    width_mm: float
    height_mm: float
    gap_mm: float  # 0 for continuous media, where the printer cuts or tears at the length


def roll_label(layout: Layout) -> RollLabel:
    """The label a roll layout prints; ``LayoutError`` for a sheet of several labels."""
    if layout.per_page != 1:
        raise LayoutError(
            f"layout {layout.name!r} is a sheet of {layout.per_page} labels: thermal printers "
            "print from a roll, one label across (a roll layout, or a custom one of 1 x 1)"
        )
    return RollLabel(layout.label_width_mm, layout.label_height_mm, layout.gap_y_mm)


def check_dpi(dpi: int) -> None:
    """A thermal head is 203 or 300 dpi; anything else would print the label at a wrong size."""
    if dpi not in THERMAL_DPIS:
        raise LayoutError(f"a thermal printer's resolution is 203 or 300 dpi, not {dpi!r}")


def label_runs(labels: Iterable[LabelContent]) -> Iterator[tuple[LabelContent, int]]:
    """Each label with how many times it repeats in a row: the N copies of a batch label are
    sent once and printed N times by the printer's own copy count."""
    found = False
    for label, same in groupby(labels):
        found = True
        yield label, sum(1 for _ in same)
    if not found:
        raise ContentError("there are no labels to print: a job needs at least one")


def write_labels(
    labels: Iterable[LabelContent],
    roll: RollLabel,
    dpi: int,
    write: WriteLabel,
    on_label: OnLabel | None,
) -> int:
    """Draw each run of identical labels once and hand it to ``write`` with its copies;
    returns how many labels the job prints."""
    printed = 0
    for label, copies in label_runs(labels):
        write(render_label(label, roll.width_mm, roll.height_mm, dpi), copies)
        printed += copies
        if on_label is not None:
            on_label(printed)
    return printed
