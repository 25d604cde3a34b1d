"""Benchmark: serialised labels to a print-ready PDF, per second, against a naive baseline.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/bench_labels.py [COUNT]

For each of the layouts a4-3x8 and roll-50x30, in the same run:
- pipeline: COUNT labels (default 10,000), each with its own unit code signed with Ed25519
  (``trace.signing.codes.issue_code``, a generated key) as the labels are drawn, through
  ``labels.render_pdf`` to a PDF file: labels per second, seconds, and the peak memory;
- baseline: the naive way, on BASELINE labels (default 500; its cost per label does not
  depend on the count): the same signing, ``qrcode`` with its default mask search, and
  Pillow drawing each label from scratch at 300 dpi, saved as one multi-page PDF.
Each run is a fresh process, so its peak memory (``ru_maxrss``) is its own; both run on one
thread (the table shows the process's thread count), so a rate is a one-core rate.

Then, beside it, thermal printer jobs (``labels.tspl``, ``labels.zpl``): the same serialised
labels, up to 2,000 a job, for both rolls at 203 and 300 dpi: labels a second and the job's
bytes a label.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labels import LAYOUTS, LabelContent, Layout, render_pdf
from labels.qr import qr_matrix
from trace.signing.codes import LabelData, issue_code

BASE = "https://truyxuat.soctrang.gov.vn"
BATCH_CODE = "HTXTD-ST25-261124-01"
KID = "Xk3q9LmT0aB"  # 11 characters, as trace.signing.services.key_id makes them
TITLE = "Gạo ST25 Sóc Trăng"
LINES = (
    "HTX Lúa thơm Trần Đề",
    "Xã Trần Đề, Cần Thơ",
    "Lô: ST25-261124-01",
    "HSD: 24/11/2027",
    "Vùng trồng: VN-92-ST-0042",
)
FOOTER = "Quét mã để truy xuất nguồn gốc"
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LAYOUT_NAMES = ("a4-3x8", "roll-50x30")


def serial_of(number: int) -> str:
    """A 10-character base32 serial, as ``batches.services.issuing`` makes them (not random)."""
    digits = []
    for _ in range(10):
        number, digit = divmod(number * 7919 + 17, 32)
        digits.append(SERIAL_ALPHABET[digit])
    return "".join(digits)


def signed_labels(count: int) -> Iterator[LabelContent]:
    """Labels whose codes are signed as they are drawn, like a unit run printed at once."""
    private_key = Ed25519PrivateKey.generate()
    for number in range(count):
        serial = serial_of(number)
        data = LabelData(BASE, batch_code=BATCH_CODE, serial=serial, expires_on=date(2027, 11, 24))
        yield LabelContent(
            code=issue_code(data, KID, private_key),
            title=TITLE,
            lines=LINES,
            footer=FOOTER,
            ocop_stars=4,
            serial=serial,
        )


def pipeline(layout: Layout, count: int, folder: Path) -> dict[str, float]:
    path = folder / f"pipeline-{layout.name}.pdf"
    started = time.perf_counter()
    with path.open("wb") as out:
        pages = render_pdf(signed_labels(count), layout, out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": pages, "bytes": path.stat().st_size}


def baseline(layout: Layout, count: int, folder: Path) -> dict[str, float]:
    """The naive way: qrcode's default encoder (it tries all eight masks), and every label
    drawn from scratch in Pillow at 300 dpi, every page kept until Pillow saves the PDF."""
    import qrcode
    from PIL import Image, ImageDraw, ImageFont

    from labels.fonts import Weight, font_bytes

    dpi = 300
    scale = dpi / 25.4
    regular = ImageFont.truetype(io.BytesIO(font_bytes(Weight.REGULAR)), round(6 / 72 * dpi))
    bold = ImageFont.truetype(io.BytesIO(font_bytes(Weight.BOLD)), round(8 / 72 * dpi))
    page_size = (round(layout.page_width_mm * scale), round(layout.page_height_mm * scale))
    label_size = (round(layout.label_width_mm * scale), round(layout.label_height_mm * scale))
    started = time.perf_counter()
    pages: list[Image.Image] = []
    for number, label in enumerate(signed_labels(count)):
        index = number % layout.per_page
        if index == 0:
            pages.append(Image.new("1", page_size, 1))
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        code.add_data(label.code)
        code.make(fit=True)
        side = label_size[1] - round(2 * scale)
        symbol = code.make_image().get_image().resize((side, side), Image.Resampling.NEAREST)
        image = Image.new("1", label_size, 1)
        image.paste(symbol, (round(scale), round(scale)))
        draw = ImageDraw.Draw(image)
        x, y = side + round(2 * scale), round(scale)
        draw.text((x, y), label.title, font=bold, fill=0)
        for line in (*label.lines, label.footer or "", f"{label.serial}"):
            y += round(2.6 * scale)
            draw.text((x, y), line, font=regular, fill=0)
        left, top = layout.label_origin_mm(index)
        pages[-1].paste(image, (round(left * scale), round(top * scale)))
    path = folder / f"baseline-{layout.name}.pdf"
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=dpi)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": len(pages), "bytes": path.stat().st_size}


def child(kind: str, layout_name: str, count: int) -> None:
    """One measurement in this fresh process; prints JSON for the parent."""
    layout = LAYOUTS[layout_name]
    qr_matrix("warm up")  # import-time costs are not per label
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        run = pipeline if kind == "pipeline" else baseline
        result = run(layout, count, Path(folder))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    status = Path("/proc/self/status").read_text().splitlines()
    threads = int(next(line.split()[1] for line in status if line.startswith("Threads:")))
    print(
        json.dumps(
            {
                **result,
                "count": count,
                "rss_before_kib": before,
                "rss_peak_kib": peak,
                "threads": threads,
            }
        )
    )


def measure(kind: str, layout_name: str, count: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, layout_name, str(count)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return dict(json.loads(output.splitlines()[-1]))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    baseline_count = int(sys.argv[2]) if len(sys.argv) > 2 else min(count, 500)
    sample = next(signed_labels(1)).code
    print(
        f"Serialised labels: each its own signed code ({len(sample)} characters, QR "
        f"{qr_matrix(sample).size} modules a side), title, 5 lines, footer, OCOP stars, serial;"
    )
    print(f"one core each; pipeline on {count:,} labels, baseline on {baseline_count:,}.")
    print(
        f"{'layout':11} {'pipeline':>10} {'s for N':>8} {'peak RSS':>9} {'growth':>7} "
        f"{'PDF':>7} {'baseline':>9} {'ratio':>6} {'base RSS':>9} {'threads':>7}"
    )
    for name in LAYOUT_NAMES:
        ours = measure("pipeline", name, count)
        naive = measure("baseline", name, baseline_count)
        ours_rate = ours["count"] / ours["seconds"]
        naive_rate = naive["count"] / naive["seconds"]
        growth = (ours["rss_peak_kib"] - ours["rss_before_kib"]) / 1024
        threads = f"{ours['threads']:.0f}/{naive['threads']:.0f}"
        print(
            f"{name:11} {ours_rate:8,.0f}/s {ours['seconds']:8.2f} "
            f"{ours['rss_peak_kib'] / 1024:7.0f}MB {growth:5.0f}MB "
            f"{ours['bytes'] / 2**20:5.1f}MB {naive_rate:7,.1f}/s {ours_rate / naive_rate:5.1f}x "
            f"{naive['rss_peak_kib'] / 1024:7.0f}MB {threads:>7}"
        )
    print(
        "peak RSS is the whole process (Python, libraries, the font); growth is how much it "
        "rose while rendering."
    )
    thermal_report(min(count, THERMAL_COUNT))


THERMAL_COUNT = 2_000
THERMAL_RUNS = [
    (language, layout, dpi)
    for language in ("tspl", "zpl")
    for layout in ("roll-50x30", "roll-40x25")
    for dpi in (203, 300)
]


def thermal_child(language: str, layout_name: str, dpi: int, count: int) -> None:
    """One thermal job, serialised signed labels, in this fresh process; JSON for the parent."""
    from labels.tspl import render_tspl
    from labels.zpl import render_zpl

    render = render_tspl if language == "tspl" else render_zpl
    qr_matrix("warm up")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"labels.{language}"
        started = time.perf_counter()
        with path.open("wb") as out:
            render(signed_labels(count), LAYOUTS[layout_name], out, dpi=dpi)
        seconds = time.perf_counter() - started
        size = path.stat().st_size
    print(json.dumps({"seconds": seconds, "bytes": size, "count": count}))


def thermal_report(count: int) -> None:
    """TSPL and ZPL jobs of serialised labels (each its own bitmap), beside the PDF above."""
    print(f"\nThermal printer jobs, the same serialised labels, {count:,} a job, one core:")
    print(f"{'job':5} {'layout':11} {'dpi':>4} {'labels/s':>9} {'KB/label':>9} {'MB/10,000':>10}")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for language, layout_name, dpi in THERMAL_RUNS:
        command = [sys.executable, __file__, "--thermal-child", language, layout_name, str(dpi)]
        output = subprocess.run(
            [*command, str(count)], check=True, capture_output=True, text=True, env=env
        ).stdout
        result = json.loads(output.splitlines()[-1])
        per_label = result["bytes"] / result["count"]
        print(
            f"{language:5} {layout_name:11} {dpi:4} {result['count'] / result['seconds']:9,.0f} "
            f"{per_label / 1024:9.1f} {per_label * 10_000 / 2**20:10.0f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) == 6 and sys.argv[1] == "--thermal-child":
        thermal_child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
