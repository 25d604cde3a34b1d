"""The demo's records: three cooperatives in three provinces and one user of each role.

Every date is fixed (the demo is set in late November 2026), so loading it again on any
day finds the same records and creates nothing. Commune codes are official 2025 codes;
tax codes and GTINs carry valid check digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from trace.auth.models import Role
from trace.registry.models import CertificateScheme, FarmingAreaKind

# Published in the README for people trying the demo: not a secret.
DEMO_PASSWORD = "truyxuat-demo"  # noqa: S105
# The day the demo's story is told from: one certificate expires soon after it, one before.
DEMO_TODAY = date(2026, 11, 23)

# Official 2025 communes (vietnam-provinces): Cần Thơ (former Sóc Trăng), Thái Nguyên, Cà Mau.
KE_SACH = "31528"
TRAN_DE = "31673"
TAN_CUONG = "05503"
DAI_TU = "05830"
DAM_DOI = "32152"
TA_AN_KHUONG = "32155"


@dataclass(frozen=True)
class ProductSeed:
    """A product, found again by its name within its cooperative."""

    name: str
    category: str
    unit: str
    shelf_life_days: int
    brand: str
    description: str = ""
    code: str | None = None
    gtin: str | None = None
    ocop_stars: int | None = None


@dataclass(frozen=True)
class FarmingAreaSeed:
    """A farming area, found again by its planting-area code."""

    code: str
    name: str
    kind: FarmingAreaKind
    commune_code: str
    latitude: Decimal
    longitude: Decimal
    area_hectares: Decimal
    crops: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class CertificateSeed:
    """A certificate, found again by scheme and number; its scope names products and areas."""

    scheme: CertificateScheme
    number: str
    issuer: str
    valid_from: date
    valid_to: date
    products: tuple[str, ...] = ()
    farming_areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecallSeed:
    """Why and when a batch was recalled."""

    reason: str
    recalled_at: datetime


@dataclass(frozen=True)
class BatchSeed:
    """A batch of one product (by name), found again by its lot."""

    product: str
    lot: str
    harvested_on: date
    packed_on: date
    quantity: Decimal
    farming_areas: tuple[str, ...]
    recall: RecallSeed | None = None


@dataclass(frozen=True)
class CooperativeSeed:
    """A cooperative and everything it owns, found again by its tax code."""

    name: str
    tax_code: str
    code_prefix: str
    commune_code: str
    street_address: str
    phone: str
    email: str
    products: tuple[ProductSeed, ...]
    farming_areas: tuple[FarmingAreaSeed, ...]
    certificates: tuple[CertificateSeed, ...]
    batches: tuple[BatchSeed, ...]


@dataclass(frozen=True)
class UserSeed:
    """A demo login, found again by its email."""

    email: str
    role: Role
    display_name: str
    cooperative_tax_code: str | None = None
    commune_code: str | None = None


QUACERT = "Trung tâm Chứng nhận Phù hợp (Quacert)"
VINACERT = "Công ty CP Chứng nhận và Giám định Vinacert"
CROP = FarmingAreaKind.CROP
AQUACULTURE = FarmingAreaKind.AQUACULTURE

RICE_ST25 = "Gạo ST25 lúa - tôm"
RICE_ORGANIC = "Gạo ST25 hữu cơ"
RICE_BROWN = "Gạo lứt ST25"
# A key product of Trần Đề whose batch lacks a recorded harvest and any certificate.
RICE_ST24 = "Gạo ST24 Trần Đề"

RICE_COOPERATIVE = CooperativeSeed(
    name="Hợp tác xã Nông nghiệp Lúa thơm Trần Đề",
    tax_code="2200784316",
    code_prefix="TRANDE",
    commune_code=TRAN_DE,
    street_address="Ấp Giồng Chát, Xã Trần Đề",
    phone="0299 3837 512",
    email="htxluathomtrande@gmail.com",
    products=(
        ProductSeed(
            RICE_ST25,
            "Gạo",
            "kg",
            365,
            "Lúa thơm Trần Đề",
            code="ST25",
            gtin="08936052470015",
            ocop_stars=4,
            description="Gạo ST25 trồng luân canh với tôm sú trên đất nhiễm mặn, thơm lá dứa.",
        ),
        ProductSeed(
            RICE_ORGANIC,
            "Gạo",
            "kg",
            365,
            "Lúa thơm Trần Đề",
            code="HC25",
            gtin="08936052470022",
            description="Gạo ST25 canh tác hữu cơ theo TCVN 11041, không dùng phân bón hóa học.",
        ),
        ProductSeed(
            RICE_BROWN,
            "Gạo",
            "túi 2 kg",
            180,
            "Lúa thơm Trần Đề",
            code="GL25",
            description="Gạo lứt ST25 xay giữ cám, đóng túi hút chân không.",
        ),
        ProductSeed(
            RICE_ST24,
            "Gạo",
            "túi 5 kg",
            365,
            "Lúa thơm Trần Đề",
            code="ST24",
            description="Gạo ST24 vụ Hè Thu, hạt dài, cơm mềm.",
        ),
    ),
    farming_areas=(
        FarmingAreaSeed(
            "VN-STRG-0012",
            "Cánh đồng lớn ấp Giồng Chát",
            CROP,
            TRAN_DE,
            Decimal("9.521400"),
            Decimal("106.183700"),
            Decimal("48.50"),
            "Lúa ST25, luân canh tôm sú",
            date(2024, 3, 1),
            date(2029, 2, 28),
        ),
        FarmingAreaSeed(
            "VN-STRG-0037",
            "Vùng lúa hữu cơ ấp Tổng Cáng",
            CROP,
            TRAN_DE,
            Decimal("9.498200"),
            Decimal("106.152900"),
            Decimal("32.00"),
            "Lúa ST25 hữu cơ",
            date(2024, 9, 15),
            date(2029, 9, 14),
        ),
        FarmingAreaSeed(
            "VN-STRG-0105",
            "Cánh đồng ấp An Khương",
            CROP,
            KE_SACH,
            Decimal("9.770600"),
            Decimal("105.985300"),
            Decimal("25.30"),
            "Lúa ST25",
            date(2025, 2, 10),
            date(2030, 2, 9),
        ),
        FarmingAreaSeed(
            # No certificate covers it.
            "VN-STRG-0142",
            "Ruộng lúa ấp Đầu Giồng",
            CROP,
            TRAN_DE,
            Decimal("9.507300"),
            Decimal("106.171200"),
            Decimal("15.80"),
            "Lúa ST24",
            date(2025, 4, 1),
            date(2030, 3, 31),
        ),
    ),
    certificates=(
        CertificateSeed(
            CertificateScheme.VIETGAP,
            "VietGAP-TT-19-04-22-0081",
            QUACERT,
            date(2025, 6, 1),
            date(2027, 5, 31),
            products=(RICE_ST25, RICE_BROWN),
            farming_areas=("VN-STRG-0012", "VN-STRG-0105"),
        ),
        CertificateSeed(
            CertificateScheme.ORGANIC,
            "TCVN11041-VNC-2025-0318",
            VINACERT,
            date(2025, 3, 10),
            date(2027, 3, 9),
            products=(RICE_ORGANIC,),
            farming_areas=("VN-STRG-0037",),
        ),
        CertificateSeed(
            CertificateScheme.OCOP,
            "OCOP-92-2025-0147",
            "UBND thành phố Cần Thơ",
            date(2025, 9, 15),
            date(2028, 9, 14),
            products=(RICE_ST25,),
        ),
    ),
    batches=(
        # product, lot, harvested on, packed on, quantity (in the product's unit), farming areas
        BatchSeed(
            RICE_ST25,
            "ST25-260310-01",
            date(2026, 3, 10),
            date(2026, 3, 18),
            Decimal("12500"),
            ("VN-STRG-0012",),
        ),
        BatchSeed(
            RICE_ST25,
            "ST25-261118-01",
            date(2026, 11, 18),
            date(2026, 11, 21),
            Decimal("9800"),
            ("VN-STRG-0012", "VN-STRG-0105"),
        ),
        BatchSeed(
            RICE_ORGANIC,
            "HC25-260815-01",
            date(2026, 8, 15),
            date(2026, 8, 22),
            Decimal("4200"),
            ("VN-STRG-0037",),
        ),
        BatchSeed(
            # No step recorded (no harvest event) and no certificate: not traced.
            RICE_ST24,
            "ST24-261025-01",
            date(2026, 10, 20),
            date(2026, 10, 25),
            Decimal("600"),
            ("VN-STRG-0142",),
        ),
        BatchSeed(
            RICE_BROWN,
            "GL25-260820-01",
            date(2026, 8, 15),
            date(2026, 8, 20),
            Decimal("750"),
            ("VN-STRG-0105",),
        ),
    ),
)

TEA_DINH = "Chè đinh Tân Cương"
TEA_BUD = "Chè búp Tân Cương"
TEA_GREEN = "Chè xanh Đại Từ"

TEA_COOPERATIVE = CooperativeSeed(
    name="Hợp tác xã Chè đồi Tân Cương",
    tax_code="4601123571",
    code_prefix="TCUONG",
    commune_code=TAN_CUONG,
    street_address="Xóm Nam Đồng, Xã Tân Cương",
    phone="0208 3645 218",
    email="chedoitancuong@gmail.com",
    products=(
        ProductSeed(
            TEA_DINH,
            "Chè",
            "hộp 100 g",
            540,
            "Chè đồi Tân Cương",
            code="CD",
            gtin="08936118290014",
            ocop_stars=5,
            description="Chè đinh hái một tôm, sao tay trên chảo gang; nước xanh, hậu ngọt.",
        ),
        ProductSeed(
            TEA_BUD,
            "Chè",
            "kg",
            365,
            "Chè đồi Tân Cương",
            code="CB",
            gtin="08936118290021",
            ocop_stars=4,
            description="Chè búp một tôm hai lá, sao máy, đóng túi 500 g.",
        ),
        ProductSeed(
            TEA_GREEN,
            "Chè",
            "kg",
            270,
            "Chè đồi Tân Cương",
            code="CX",
            description="Chè xanh sao sấy từ vùng chè Đại Từ, dùng hằng ngày.",
        ),
    ),
    farming_areas=(
        FarmingAreaSeed(
            "VN-TNGN-0008",
            "Đồi chè xóm Nam Đồng",
            CROP,
            TAN_CUONG,
            Decimal("21.551800"),
            Decimal("105.768400"),
            Decimal("12.40"),
            "Chè trung du, chè LDP1",
            date(2023, 10, 1),
            date(2028, 9, 30),
        ),
        FarmingAreaSeed(
            "VN-TNGN-0041",
            "Vùng chè xóm Đồng Bòng",
            CROP,
            DAI_TU,
            Decimal("21.632500"),
            Decimal("105.641900"),
            Decimal("18.60"),
            "Chè trung du",
            date(2024, 5, 20),
            date(2029, 5, 19),
        ),
    ),
    certificates=(
        CertificateSeed(
            # Expires less than a month after DEMO_TODAY: shown as "expiring soon".
            CertificateScheme.VIETGAP,
            "VietGAP-TT-11-02-19-0213",
            VINACERT,
            date(2024, 12, 20),
            date(2026, 12, 19),
            products=(TEA_DINH, TEA_BUD, TEA_GREEN),
            farming_areas=("VN-TNGN-0008", "VN-TNGN-0041"),
        ),
        CertificateSeed(
            CertificateScheme.OCOP,
            "OCOP-19-2024-0058",
            "UBND tỉnh Thái Nguyên",
            date(2024, 4, 1),
            date(2027, 3, 31),
            products=(TEA_DINH, TEA_BUD),
        ),
    ),
    batches=(
        BatchSeed(
            TEA_DINH,
            "CD-260402-01",
            date(2026, 4, 2),
            date(2026, 4, 6),
            Decimal("320"),
            ("VN-TNGN-0008",),
        ),
        BatchSeed(
            TEA_BUD,
            "CB-260918-01",
            date(2026, 9, 18),
            date(2026, 9, 20),
            Decimal("850"),
            ("VN-TNGN-0008", "VN-TNGN-0041"),
            recall=RecallSeed(
                "Mẫu kiểm tra của Chi cục Quản lý chất lượng có dư lượng thuốc bảo vệ thực vật"
                " vượt mức giới hạn tối đa cho phép (MRL).",
                datetime(2026, 10, 6, 2, 30, tzinfo=UTC),
            ),
        ),
        BatchSeed(
            TEA_BUD,
            "CB-261020-01",
            date(2026, 10, 20),
            date(2026, 10, 22),
            Decimal("640"),
            ("VN-TNGN-0041",),
        ),
    ),
)

SHRIMP = "Tôm sú sinh thái rừng ngập mặn"
DRIED_SHRIMP = "Tôm khô Đầm Dơi"

SHRIMP_COOPERATIVE = CooperativeSeed(
    name="Hợp tác xã Tôm sinh thái Đầm Dơi",
    tax_code="2000812647",
    code_prefix="DAMDOI",
    commune_code=DAM_DOI,
    street_address="Ấp Tân Điền, Xã Đầm Dơi",
    phone="0290 3856 147",
    email="htxtomdamdoi@gmail.com",
    products=(
        ProductSeed(
            SHRIMP,
            "Thủy sản",
            "kg",
            540,
            "Tôm rừng Đầm Dơi",
            code="TS",
            gtin="08937064150018",
            description="Tôm sú nuôi quảng canh dưới tán rừng đước, cấp đông nguyên con.",
        ),
        ProductSeed(
            DRIED_SHRIMP,
            "Thủy sản khô",
            "hộp 250 g",
            365,
            "Tôm rừng Đầm Dơi",
            code="TK",
            gtin="08937064150025",
            ocop_stars=4,
            description="Tôm đất phơi nắng, bóc vỏ thủ công.",
        ),
    ),
    farming_areas=(
        FarmingAreaSeed(
            "VN-CMAU-TS-0015",
            "Vùng nuôi tôm - rừng ấp Tân Điền",
            AQUACULTURE,
            DAM_DOI,
            Decimal("8.993100"),
            Decimal("105.196400"),
            Decimal("64.00"),
            "Tôm sú, cua biển",
            date(2024, 7, 1),
            date(2029, 6, 30),
        ),
        FarmingAreaSeed(
            "VN-CMAU-TS-0023",
            "Vùng nuôi tôm quảng canh ấp Thuận Lợi",
            AQUACULTURE,
            TA_AN_KHUONG,
            Decimal("9.031700"),
            Decimal("105.232800"),
            Decimal("41.50"),
            "Tôm sú, tôm đất",
            date(2024, 7, 1),
            date(2029, 6, 30),
        ),
    ),
    certificates=(
        CertificateSeed(
            # Expired before DEMO_TODAY and not renewed: shown as "expired".
            CertificateScheme.VIETGAP,
            "VietGAP-TS-13-01-96-0027",
            QUACERT,
            date(2024, 6, 15),
            date(2026, 6, 14),
            products=(SHRIMP, DRIED_SHRIMP),
            farming_areas=("VN-CMAU-TS-0023",),
        ),
        CertificateSeed(
            CertificateScheme.ORGANIC,
            "NL-VN-2025-0412",
            "Naturland e.V.",
            date(2025, 8, 1),
            date(2027, 7, 31),
            products=(SHRIMP,),
            farming_areas=("VN-CMAU-TS-0015",),
        ),
        CertificateSeed(
            CertificateScheme.OCOP,
            "OCOP-96-2025-0089",
            "UBND tỉnh Cà Mau",
            date(2025, 10, 20),
            date(2028, 10, 19),
            products=(DRIED_SHRIMP,),
        ),
    ),
    batches=(
        BatchSeed(
            SHRIMP,
            "TS-260725-01",
            date(2026, 7, 25),
            date(2026, 7, 26),
            Decimal("1250"),
            ("VN-CMAU-TS-0015",),
        ),
        BatchSeed(
            SHRIMP,
            "TS-261105-02",
            date(2026, 11, 5),
            date(2026, 11, 6),
            Decimal("980.5"),
            ("VN-CMAU-TS-0015", "VN-CMAU-TS-0023"),
        ),
        BatchSeed(
            DRIED_SHRIMP,
            "TK-261012-01",
            date(2026, 10, 8),
            date(2026, 10, 12),
            Decimal("720"),
            ("VN-CMAU-TS-0023",),
        ),
    ),
)

COOPERATIVES = (RICE_COOPERATIVE, TEA_COOPERATIVE, SHRIMP_COOPERATIVE)

USERS = (
    UserSeed("operator@demo.truyxuat.vn", Role.OPERATOR, "Quản trị nền tảng"),
    UserSeed(
        "htx.st25@demo.truyxuat.vn",
        Role.COOPERATIVE,
        "Lâm Văn Phước",
        cooperative_tax_code=RICE_COOPERATIVE.tax_code,
    ),
    UserSeed(
        "htx.tancuong@demo.truyxuat.vn",
        Role.COOPERATIVE,
        "Hoàng Thị Thu Hà",
        cooperative_tax_code=TEA_COOPERATIVE.tax_code,
    ),
    UserSeed(
        "htx.damdoi@demo.truyxuat.vn",
        Role.COOPERATIVE,
        "Nguyễn Văn Út",
        cooperative_tax_code=SHRIMP_COOPERATIVE.tax_code,
    ),
    UserSeed("thanhtra@demo.truyxuat.vn", Role.INSPECTOR, "Phạm Minh Tuấn"),
    UserSeed(
        "canbo.xa@demo.truyxuat.vn",
        Role.COMMUNE_OFFICER,
        "Thạch Thị Sa Rết",
        commune_code=RICE_COOPERATIVE.commune_code,
    ),
)
