"""A QR code as inline SVG for the printable evidence page: one path, no script, no other host.

The page's CSP forbids inline styles, not SVG: the template draws ``<path d="...">`` with the
outline computed here, one rectangle per horizontal run of dark modules (as the PDF does).
"""

from __future__ import annotations

from dataclasses import dataclass

from labels.errors import ContentError
from labels.qr import QUIET_ZONE_MODULES, QrMatrix, qr_matrix


@dataclass(frozen=True)
class QrDrawing:
    """What the template needs: the symbol's size in modules, its quiet zone and its outline."""

    size: int
    quiet_zone: int
    path: str

    @property
    def view_box(self) -> str:
        """The SVG viewBox, the quiet zone included, in modules."""
        side = self.size + 2 * self.quiet_zone
        return f"{-self.quiet_zone} {-self.quiet_zone} {side} {side}"


def dark_runs(matrix: QrMatrix) -> list[tuple[int, int, int]]:
    """Each horizontal run of dark modules as (column, row, length)."""
    runs = []
    for y in range(matrix.size):
        x = 0
        while x < matrix.size:
            if not matrix.is_dark(x, y):
                x += 1
                continue
            start = x
            while x < matrix.size and matrix.is_dark(x, y):
                x += 1
            runs.append((start, y, x - start))
    return runs


def qr_drawing(text: str) -> QrDrawing | None:
    """The QR code of ``text`` ready to draw, or None when no QR code can hold it."""
    try:
        matrix = qr_matrix(text)
    except ContentError:
        return None
    path = "".join(f"M{x} {y}h{length}v1h-{length}z" for x, y, length in dark_runs(matrix))
    return QrDrawing(size=matrix.size, quiet_zone=QUIET_ZONE_MODULES, path=path)
