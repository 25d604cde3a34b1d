"""Streaming: pages reach the output while later labels are still unread, and memory stays flat."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

from labels import LAYOUTS, LabelContent, render_pdf
from tests.labels.helpers import first_label_page, unit_labels


class CountingSink(io.RawIOBase):
    """A write-only, unseekable output (a pipe or an HTTP response) that keeps only a count."""

    def __init__(self) -> None:
        self.written = 0
        self.pages_seen = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += len(data)
        self.pages_seen += bytes(data).count(b"/Type /Page ")
        return len(data)


def test_each_page_is_written_before_the_next_labels_are_read() -> None:
    layout = LAYOUTS["a4-4x10"]
    sink = CountingSink()
    pages_at_read: list[int] = []

    def labels() -> Iterator[LabelContent]:
        for label in unit_labels(layout.per_page * 3):
            pages_at_read.append(sink.pages_seen)
            yield label

    assert render_pdf(labels(), layout, sink) == 3  # type: ignore[arg-type]
    per_page = layout.per_page
    calibration = first_label_page(layout) - 1  # a calibration page is written with the first
    assert pages_at_read[0] == 0
    assert pages_at_read[per_page] == 1 + calibration
    assert pages_at_read[2 * per_page] == 2 + calibration


def peak_memory(count: int) -> int:
    """The peak of Python's allocations while rendering; short codes (small symbols) keep the
    test fast under tracemalloc, and every label still has its own code and serial."""
    layout = LAYOUTS["a4-4x10"]
    labels = (
        LabelContent(
            code=f"https://x.vn/b/L-{number}",
            title="Gạo ST25",
            lines=("Lô: ST25-01",),
            serial=f"S{number:06d}",
        )
        for number in range(count)
    )
    tracemalloc.start()
    try:
        render_pdf(labels, layout, CountingSink())  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_from_200_to_2000_labels() -> None:
    peak_memory(40)  # fonts, metrics and caches are loaded once per process, not per label
    small, large = peak_memory(200), peak_memory(2000)
    assert large < 1.3 * small, f"peak {large:,} bytes for 2,000 labels, {small:,} for 200"
