"""Benchmark: importing 100,000 batches from CSV and XLSX into a fresh SQLite file database.

Run from the project root:  PYTHONPATH=. .venv/bin/python tests/bench/bench_import.py [ROWS]

Reported as seconds, rows a second, and ratios against baselines measured in the same run
on the same machine: reading and parsing the file alone, and a plain ``executemany`` of the
same batch rows into the same table (no checks, no farming-area links, no audit records).
"""

from __future__ import annotations

import io
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import flask_migrate
from openpyxl import Workbook
from sqlalchemy import func, insert, select

from trace import create_app
from trace.batches import rules
from trace.batches.models import Batch, BatchStatus
from trace.batches.services.importing import import_batches
from trace.batches.services.importing.template import HEADERS
from trace.common.clock import local_today
from trace.common.spreadsheet_writing import write_csv
from trace.common.spreadsheets import read_table
from trace.db import db, utcnow
from trace.registry.models import Cooperative, FarmingArea, FarmingAreaKind, Product

PRODUCTS = (("ST25", "Gạo ST25", 365), ("HC25", "Gạo ST25 hữu cơ", 365), ("GL25", "Gạo lứt", 180))
AREAS = 20


def make_rows(count: int) -> list[list[Any]]:
    """Half the rows name their lot, half leave it to be generated; dates over 400 days."""
    today = local_today()
    rows = []
    for number in range(count):
        code = PRODUCTS[number % len(PRODUCTS)][0]
        areas = f"VN-BENCH-{number % AREAS:04d}"
        if number % 3 == 0:
            areas += f";VN-BENCH-{(number + 7) % AREAS:04d}"
        harvested = today - timedelta(days=2 + number % 400)
        lot = f"L{number:07d}" if number % 2 else ""
        quantity = f"{1000 + number % 500},5"
        packed = harvested + timedelta(days=1)
        rows.append([code, areas, lot, harvested, packed, None, quantity, ""])
    return rows


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A workbook as Excel saves one: a normal (not write-only) workbook records its size."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        quantity = Decimal(row[6].replace(",", "."))
        sheet.append([*row[:6], quantity, *row[7:]])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def fresh_app(folder: Path, name: str) -> Any:
    """An app on a new, migrated SQLite file with one cooperative, its products and areas."""
    app = create_app(
        {"TRACE_DATABASE_URL": f"sqlite:///{folder / name}", "TRACE_SECRET_KEY": "bench"}
    )
    with app.app_context():
        flask_migrate.upgrade()
        session = db.session
        cooperative = Cooperative(
            name="HTX Bench", tax_code="2200784316", code_prefix="BENCH", commune_code="31673"
        )
        session.add(cooperative)
        for code, name, shelf_life in PRODUCTS:
            session.add(
                Product(
                    cooperative=cooperative,
                    name=name,
                    code=code,
                    unit="kg",
                    shelf_life_days=shelf_life,
                )
            )
        for number in range(AREAS):
            session.add(
                FarmingArea(
                    cooperative=cooperative,
                    code=f"VN-BENCH-{number:04d}",
                    name=f"Cánh đồng {number}",
                    kind=FarmingAreaKind.CROP,
                    commune_code="31673",
                    latitude=Decimal("9.5"),
                    longitude=Decimal("106.1"),
                )
            )
        session.commit()
    return app


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def plain_executemany(app: Any, count: int) -> float:
    """The floor: the same number of batch rows, one executemany, one commit."""
    with app.app_context():
        session = db.session
        cooperative = session.scalars(select(Cooperative)).one()
        product_id = session.scalars(select(Product.id)).first()
        now = utcnow()
        today = local_today()
        rows = [
            {
                "cooperative_id": cooperative.id,
                "product_id": product_id,
                "lot": f"X{number:07d}",
                "code": rules.batch_code("BENCH", f"X{number:07d}"),
                "harvested_on": today,
                "packed_on": today,
                "expires_on": today,
                "quantity": Decimal("1000.5"),
                "unit": "kg",
                "status": BatchStatus.ACTIVE,
                "recall_reason": "",
                "recalled_at": None,
                "created_at": now,
                "updated_at": now,
            }
            for number in range(count)
        ]

        def insert_all() -> None:
            session.connection().execute(insert(Batch.__table__), rows)
            session.commit()

        seconds, _ = timed(insert_all)
        return seconds


def import_file(app: Any, data: bytes, filename: str) -> tuple[float, int]:
    with app.app_context():
        cooperative_id = db.session.scalars(select(Cooperative.id)).one()

        def run() -> int:
            result = import_batches(db.session, None, data, filename, cooperative_id)
            db.session.commit()
            return result.count

        seconds, count = timed(run)
        stored = db.session.scalar(select(func.count()).select_from(Batch))
        assert stored == count, (stored, count)
        return seconds, count


def main() -> None:
    logging.disable(logging.INFO)  # alembic announces every migration
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows = make_rows(count)
    csv_data = write_csv(HEADERS, rows)
    xlsx_data = xlsx_bytes(rows)
    print(f"{count:,} rows: CSV {len(csv_data) / 1e6:.1f} MB, XLSX {len(xlsx_data) / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory(prefix="trace-bench-") as folder_name:
        folder = Path(folder_name)
        baseline = plain_executemany(fresh_app(folder, "baseline.db"), count)
        print(f"baseline executemany of {count:,} batch rows: {baseline:.2f} s")
        for label, data, filename in (
            ("CSV", csv_data, "lo-hang.csv"),
            ("XLSX", xlsx_data, "lo-hang.xlsx"),
        ):
            app = fresh_app(folder, f"{label}.db")
            with app.app_context():
                parse, _ = timed(lambda data=data, filename=filename: read_table(data, filename))
            seconds, imported = import_file(app, data, filename)
            print(
                f"{label}: imported {imported:,} in {seconds:.2f} s "
                f"({imported / seconds:,.0f} rows/s); "
                f"reading alone {parse:.2f} s; "
                f"import / executemany = {seconds / baseline:.1f}x, "
                f"import / reading = {seconds / parse:.1f}x"
            )


if __name__ == "__main__":
    main()
