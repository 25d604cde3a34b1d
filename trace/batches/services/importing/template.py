"""The columns of a batch import, how their headers are recognised, and the template file.

Headers are the Vietnamese ones of the template; the same words without accents, in any
case, and English names are accepted too. The template's guide sheet explains each column
in Vietnamese: it is data for the people filling the file in, like the headers themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trace.common.clock import local_today
from trace.common.spreadsheet_writing import Guide, write_csv, write_xlsx
from trace.common.spreadsheets import Cell
from trace.registry.models import FarmingArea, Product


@dataclass(frozen=True)
class ImportColumn:
    """A column of the import: its header, the other names it goes by, and how to fill it."""

    key: str
    header: str
    aliases: frozenset[str]
    is_required: bool
    width: int
    guide: str


def header_key(header: str) -> str:
    """A header reduced to plain lower-case words: accents, brackets and ``*`` dropped."""
    text = re.sub(r"\(.*?\)|\[.*?\]|\*", " ", unicodedata.normalize("NFC", header))
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    ).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _column(
    key: str, header: str, aliases: tuple[str, ...], is_required: bool, width: int, guide: str
) -> ImportColumn:
    names = frozenset({header_key(header), header_key(key), *(header_key(a) for a in aliases)})
    return ImportColumn(key, header, names, is_required, width, guide)


COLUMNS = (
    _column(
        "product",
        "Mã sản phẩm",
        ("Sản phẩm", "Mã SP", "Product", "Product code", "GTIN", "Mã vạch"),
        True,
        16,
        "Mã ngắn của sản phẩm đã khai trong danh mục (như ST25), hoặc mã vạch GTIN của nó.",
    ),
    _column(
        "farming_areas",
        "Mã vùng trồng",
        (
            "Mã vùng nuôi",
            "Mã số vùng trồng",
            "Vùng trồng",
            "Farming area",
            "Farming areas",
            "Farming area codes",
            "Planting area code",
            "Planting area codes",
        ),
        True,
        30,
        "Mã số vùng trồng hoặc vùng nuôi đã đăng ký (như VN-STRG-0012). "
        "Lô lấy từ nhiều vùng: ghi các mã cách nhau bằng dấu chấm phẩy (;).",
    ),
    _column(
        "lot",
        "Số lô",
        ("Lô", "Mã lô", "Lot", "Lot number", "Batch"),
        False,
        22,
        "Để trống để hệ thống tự đặt: mã sản phẩm, ngày thu hoạch và số thứ tự "
        "(như ST25-261118-01). Nếu tự ghi: tối đa 20 chữ cái không dấu, chữ số, gạch ngang, "
        "dấu chấm hoặc gạch dưới, không trùng lô đã có và không lặp lại trong tệp.",
    ),
    _column(
        "harvested_on",
        "Ngày thu hoạch",
        ("Harvest date", "Harvested", "Date harvested"),
        False,
        16,
        "Ngày/tháng/năm (20/11/2026) hoặc năm-tháng-ngày (2026-11-20); không được sau hôm nay.",
    ),
    _column(
        "packed_on",
        "Ngày đóng gói",
        ("Packing date", "Packed", "Date packed"),
        False,
        16,
        "Ghi như ngày thu hoạch; không được trước ngày thu hoạch, không được sau hôm nay.",
    ),
    _column(
        "expires_on",
        "Hạn sử dụng",
        ("Hạn dùng", "Expiry date", "Expiry", "Expires", "Best before", "Use by"),
        False,
        16,
        "Để trống để tính theo số ngày bảo quản của sản phẩm, kể từ ngày đóng gói "
        "(hoặc ngày thu hoạch). Nếu ghi thì phải sau ngày đóng gói.",
    ),
    _column(
        "quantity",
        "Số lượng",
        ("Khối lượng", "Quantity", "Qty", "Amount"),
        False,
        12,
        "Số lớn hơn 0, tối đa 3 chữ số thập phân; phần thập phân sau dấu phẩy hoặc dấu chấm "
        "(12,5 hoặc 12.5).",
    ),
    _column(
        "unit",
        "Đơn vị",
        ("Đơn vị tính", "ĐVT", "Unit"),
        False,
        12,
        "Như kg, túi, hộp. Để trống để dùng đơn vị của sản phẩm.",
    ),
)
HEADERS = [column.header for column in COLUMNS]
GUIDE_TITLE = "Hướng dẫn"
SHEET_TITLE = "Lô hàng"


def example_row(session: Session | None = None, cooperative_id: int | None = None) -> list[Cell]:
    """One filled-in row: the cooperative's own product and area codes when it has them."""
    product_code, area_code, unit = "ST25", "VN-STRG-0012", "kg"
    if session is not None and cooperative_id is not None:
        product = session.scalars(
            select(Product)
            .where(Product.cooperative_id == cooperative_id, Product.archived_at.is_(None))
            .order_by(Product.code.is_(None), Product.name)
        ).first()
        area = session.scalars(
            select(FarmingArea.code)
            .where(FarmingArea.cooperative_id == cooperative_id, FarmingArea.archived_at.is_(None))
            .order_by(FarmingArea.code)
        ).first()
        if product is not None and (product.code or product.gtin):
            product_code, unit = product.code or product.gtin or product_code, product.unit
        area_code = area or area_code
    packed_on = local_today() - timedelta(days=1)
    harvested_on = packed_on - timedelta(days=2)
    return [product_code, area_code, None, harvested_on, packed_on, None, 1250, unit]


def template_csv(example: list[Cell]) -> bytes:
    return write_csv(HEADERS, [example])


def template_xlsx(example: list[Cell]) -> bytes:
    guide = Guide(
        title=GUIDE_TITLE,
        headers=["Cột", "Bắt buộc", "Cách ghi"],
        rows=[
            [column.header, "Có" if column.is_required else "Không", column.guide]
            for column in COLUMNS
        ]
        + [
            [
                "",
                "",
                "Mỗi dòng là một lô hàng. Dòng 1 là tên cột: giữ nguyên. "
                "Nếu có dòng sai, hệ thống không nhập dòng nào và chỉ ra từng ô cần sửa.",
            ]
        ],
        widths=[18, 10, 90],
    )
    return write_xlsx(HEADERS, [example], [c.width for c in COLUMNS], SHEET_TITLE, guide)
