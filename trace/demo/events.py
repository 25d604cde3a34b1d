"""The demo batches' production steps: what a visitor sees on their timelines.

Recorded through the event service by each cooperative's own staff login, so they carry
who recorded them and leave audit records like any other event. Times are Vietnam's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from trace.common.clock import LOCAL_TIMEZONE


@dataclass(frozen=True)
class EventSeed:
    """One step of a batch; ``place`` is a farming-area code or an address."""

    type: str
    at: str  # "YYYY-MM-DD HH:MM", Vietnam time
    place: str
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def occurred_at(self) -> datetime:
        return datetime.strptime(self.at, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TIMEZONE)


RICE_MILL = "Xưởng sấy và đóng gói HTX, ấp Phú Tân, xã Trần Đề"
TEA_WORKSHOP = "Xưởng sao chè HTX, xóm Nam Đồng, xã Tân Cương"
SHRIMP_PLANT = "Cơ sở sơ chế HTX, ấp Tân Điền, xã Đầm Dơi"

# Steps by batch code, in the order they happened.
EVENTS: dict[str, tuple[EventSeed, ...]] = {
    "TRANDE-ST25-261118-01": (
        EventSeed(
            "planting",
            "2026-08-05 06:30",
            "VN-STRG-0012",
            {"notes": "Sạ hàng giống ST25 xác nhận, 80 kg/ha."},
        ),
        EventSeed(
            "input_applied",
            "2026-09-02 07:00",
            "VN-STRG-0012",
            {
                "input_kind": "fertiliser",
                "input_name": "Phân hữu cơ vi sinh Sông Gianh",
                "input_dose": "500 kg/ha",
            },
        ),
        EventSeed(
            "input_applied",
            "2026-10-12 16:00",
            "VN-STRG-0012",
            {
                "input_kind": "pesticide",
                "input_name": "Chế phẩm sinh học Trichoderma",
                "input_dose": "1 kg/ha",
                "pre_harvest_interval_days": 7,
            },
        ),
        EventSeed(
            "harvest", "2026-11-18 06:00", "VN-STRG-0012", {"quantity": "9800", "unit": "kg"}
        ),
        EventSeed(
            "packing", "2026-11-21 08:00", RICE_MILL, {"quantity": "1960", "unit": "túi 5 kg"}
        ),
        EventSeed(
            "shipping",
            "2026-11-22 14:00",
            RICE_MILL,
            {"party_name": "Siêu thị Co.op Xtra Cần Thơ", "quantity": "600", "unit": "túi 5 kg"},
        ),
    ),
    "TRANDE-ST25-260310-01": (
        EventSeed(
            "harvest", "2026-03-10 06:00", "VN-STRG-0012", {"quantity": "12500", "unit": "kg"}
        ),
        EventSeed("packing", "2026-03-18 08:00", RICE_MILL),
        EventSeed(
            "shipping",
            "2026-03-20 09:30",
            RICE_MILL,
            {"party_name": "Chợ đầu mối nông sản Bình Điền"},
        ),
    ),
    "TCUONG-CD-260402-01": (
        EventSeed(
            "harvest",
            "2026-04-02 05:30",
            "VN-TNGN-0008",
            {"quantity": "1600", "unit": "kg chè tươi"},
        ),
        EventSeed(
            "packing",
            "2026-04-06 09:00",
            TEA_WORKSHOP,
            {"notes": "Sao tay trên chảo gang, đóng hộp 100 g."},
        ),
        EventSeed(
            "shipping",
            "2026-04-08 10:00",
            TEA_WORKSHOP,
            {"party_name": "Cửa hàng đặc sản Thái Nguyên, phường Phan Đình Phùng"},
        ),
    ),
    "TCUONG-CB-260918-01": (
        EventSeed(
            "harvest",
            "2026-09-18 05:30",
            "VN-TNGN-0041",
            {"quantity": "4200", "unit": "kg chè tươi"},
        ),
        EventSeed("packing", "2026-09-20 09:00", TEA_WORKSHOP),
        EventSeed(
            "shipping",
            "2026-09-22 08:00",
            TEA_WORKSHOP,
            {"party_name": "Công ty TNHH Trà Việt Hà Nội"},
        ),
        EventSeed(
            "inspecting",
            "2026-10-02 10:00",
            "Chi cục Quản lý chất lượng Nông Lâm sản và Thủy sản Thái Nguyên",
            {"notes": "Lấy mẫu kiểm tra dư lượng thuốc bảo vệ thực vật."},
        ),
    ),
    "TCUONG-CB-261020-01": (
        EventSeed(
            "harvest",
            "2026-10-20 05:30",
            "VN-TNGN-0041",
            {"quantity": "3200", "unit": "kg chè tươi"},
        ),
        EventSeed("packing", "2026-10-22 09:00", TEA_WORKSHOP),
    ),
    "DAMDOI-TS-260725-01": (
        EventSeed(
            "harvest",
            "2026-07-25 04:30",
            "VN-CMAU-TS-0015",
            {"quantity": "1250", "unit": "kg", "notes": "Thu tỉa theo con nước, tôm sống."},
        ),
        EventSeed(
            "packing", "2026-07-26 07:00", SHRIMP_PLANT, {"notes": "Cấp đông IQF nguyên con."}
        ),
        EventSeed(
            "shipping",
            "2026-07-27 06:00",
            SHRIMP_PLANT,
            {"party_name": "Công ty CP Thủy sản Minh Phú"},
        ),
    ),
    "DAMDOI-TS-261105-02": (
        EventSeed(
            "harvest", "2026-11-05 04:30", "VN-CMAU-TS-0015", {"quantity": "980.5", "unit": "kg"}
        ),
        EventSeed("packing", "2026-11-06 07:00", SHRIMP_PLANT),
    ),
}
