"""The labels of every built-in layout through an imitated phone photo, read by two decoders.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/phone_photo.py [PAGES]

Prints, per layout: the smallest QR module on the sheet, the QR version and error-correction
level of the production codes, and how many labels zxing-cpp and OpenCV read back from the
imitated photo (see ``tests/labels/phone_photo.py``). Rolls are one label a page, so they get
24 pages per sheet page asked for.
"""

from __future__ import annotations

import sys

from labels import LAYOUTS
from labels.legibility import MIN_MODULE_MM
from tests.labels.phone_photo import DECODERS, photograph_layout

ROLL_PAGES = 24


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    header = f"{'layout':11} {'module':>8} {'version':>7} {'EC':>3} {'labels':>6}"
    print(header + "".join(f" {name:>10}" for name in DECODERS) + "  phones?")
    for layout in LAYOUTS.values():
        result = photograph_layout(layout, pages * (1 if layout.is_sheet else ROLL_PAGES))
        verdict = "yes" if result.module_mm >= MIN_MODULE_MM else "no"
        print(
            f"{result.layout:11} {result.module_mm:6.3f}mm {result.version:7} "
            f"{result.ec_level:>3} {result.labels:6}"
            + "".join(f" {result.read[name]:10}" for name in DECODERS)
            + f"  {verdict}"
        )


if __name__ == "__main__":
    main()
