"""The package's boundary and public names: a pure library the app calls, never the reverse."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import labels

PROJECT = Path(__file__).resolve().parents[2]


def test_importing_labels_loads_neither_the_app_nor_a_database() -> None:
    script = (
        "import sys, labels\n"
        "app = [name for name in sys.modules\n"
        "       if name.startswith(('trace.', 'flask', 'sqlalchemy'))]\n"
        "ours = getattr(sys.modules.get('trace'), '__file__', '') or ''\n"
        f"assert not app and not ours.startswith({str(PROJECT)!r}), (app, ours)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT)


def test_the_public_names_and_signatures_the_app_codes_against() -> None:
    assert set(labels.__all__) >= {
        "LAYOUTS",
        "Layout",
        "LayoutError",
        "custom_layout",
        "LabelContent",
        "render_pdf",
        "render_png",
        "qr_matrix",
    }
    assert list(inspect.signature(labels.render_pdf).parameters)[:4] == [
        "labels",
        "layout",
        "out",
        "on_page",
    ]
    png = inspect.signature(labels.render_png).parameters
    assert [(name, png[name].default) for name in ("dpi", "mode", "page")] == [
        ("dpi", 300),
        ("mode", "1"),
        ("page", 1),
    ]
    assert list(inspect.signature(labels.custom_layout).parameters)[:10] == [
        "width_mm",
        "height_mm",
        "columns",
        "rows",
        "margin_left_mm",
        "margin_top_mm",
        "gap_x_mm",
        "gap_y_mm",
        "page_width_mm",
        "page_height_mm",
    ]
    assert issubclass(labels.LayoutError, ValueError)
