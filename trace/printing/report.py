"""What a print run should tell the person printing: whether phones will read its codes, and
which ticked lines did not fit; for the page, the command and the API alike."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

from labels.layouts import Layout
from labels.legibility import MIN_MODULE_MM, Legibility, RunReport
from trace.printing.options import LAYOUT_LABELS

REPORT_HEADER = "X-Label-Report"


@dataclass(frozen=True)
class RunSummary:
    """The legibility of a run's codes (None when nothing was drawn) and its dropped lines."""

    legibility: Legibility | None
    dropped: tuple[str, ...]

    @classmethod
    def of(cls, report: RunReport, layout: Layout) -> RunSummary:
        return cls(report.legibility(layout), tuple(report.dropped))

    @property
    def is_readable(self) -> bool:
        return self.legibility is None or self.legibility.is_ok

    def as_dict(self) -> dict[str, object]:
        return {
            "qr": self.legibility.as_dict() if self.legibility else None,
            "dropped_lines": list(self.dropped),
        }

    def header_value(self) -> str:
        """The summary as one line of ASCII JSON, for an HTTP header."""
        return json.dumps(self.as_dict(), ensure_ascii=True, separators=(",", ":"))

    def messages(self) -> list[str]:
        """The summary in the user's language, one sentence a line."""
        found = [] if self.legibility is None else [legibility_message(self.legibility)]
        if self.dropped:
            found.append(
                _(
                    "No room on the label for: %(lines)s. Untick a line or choose a larger layout.",
                    lines="; ".join(self.dropped),
                )
            )
        return found


def legibility_message(legibility: Legibility) -> str:
    values = {
        "module": format_decimal(round(legibility.module_mm, 2)),
        "version": legibility.version,
        "level": legibility.ec_level,
        "minimum": format_decimal(MIN_MODULE_MM),
    }
    if legibility.is_ok:
        return _(
            "QR codes: modules of %(module)s mm (version %(version)d, error correction "
            "%(level)s); phones read them.",
            **values,
        )
    too_small = _(
        "QR codes too small for phones: modules of %(module)s mm (version %(version)d, error "
        "correction %(level)s), under the %(minimum)s mm phones need.",
        **values,
    )
    if legibility.suggestion is None:
        return too_small + " " + _("Choose a larger label.")
    layout = LAYOUT_LABELS.get(legibility.suggestion, legibility.suggestion)
    return (
        too_small
        + " "
        + _(
            "Choose %(layout)s (%(name)s) instead.",
            layout=layout,
            name=legibility.suggestion,
        )
    )
