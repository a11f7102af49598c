"""Đức Phổ's participants for the demo: real units where the plan or a public source names them
(docs/data.md, "Demo data"), clearly labelled sample data elsewhere. Idempotent: rows are matched by code."""

from __future__ import annotations

import datetime

from django.db import transaction

from portal.utils import upsert

from .authorities import TWO_LEVEL_GOVERNMENT
from .models import Cluster, ClusterKind, Gender, Person, PersonKind, Unit, UnitKind

MERGER_DAY = TWO_LEVEL_GOVERNMENT
LAST_DAY_BEFORE_MERGER = datetime.date(2025, 6, 30)

# (code, name, cluster code, is_sample). Departments named in the plan are real; the others
# every town has, but the plan does not name them, so they are labelled sample.
DEPARTMENTS = [
    ("DP-PKT", "Phòng Kinh tế", "KHOI-PB", False),
    ("DP-PVHTT", "Phòng Văn hóa và Thông tin", "KHOI-PB", False),
    ("DP-TCNV", "Cơ quan Tổ chức – Nội vụ", "KHOI-PB", False),
    ("DP-TTTT-VHTT", "Trung tâm Truyền thông – Văn hóa – Thể thao", "KHOI-PB", False),
    (
        "DP-VPDP-NTM",
        "Văn phòng điều phối Chương trình MTQG xây dựng nông thôn mới thị xã",
        "KHOI-PB",
        False,
    ),
    ("DP-PTCKH", "Phòng Tài chính – Kế hoạch", "KHOI-PB", True),
    ("DP-PTNMT", "Phòng Tài nguyên và Môi trường", "KHOI-PB", True),
    ("DP-PQLDT", "Phòng Quản lý đô thị", "KHOI-PB", True),
    ("DP-PGDDT", "Phòng Giáo dục và Đào tạo", "KHOI-PB", True),
    ("DP-PYT", "Phòng Y tế", "KHOI-PB", True),
]
FRONT = [("DP-MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam thị xã Đức Phổ", "KHOI-MTDT", False)]
MASS_ORGANISATIONS = [
    ("DP-LDLD", "Liên đoàn Lao động thị xã Đức Phổ", "KHOI-MTDT", False),
    ("DP-HND", "Hội Nông dân thị xã Đức Phổ", "KHOI-MTDT", False),
    ("DP-HLHPN", "Hội Liên hiệp Phụ nữ thị xã Đức Phổ", "KHOI-MTDT", False),
    ("DP-DTN", "Thị đoàn Đức Phổ (Đoàn TNCS Hồ Chí Minh)", "KHOI-MTDT", False),
    ("DP-HCCB", "Hội Cựu chiến binh thị xã Đức Phổ", "KHOI-MTDT", False),
]
# The 7 communes and 8 wards of thị xã Đức Phổ, 2020–30/6/2025 (docs/data.md, "Demo data").
COMMUNES = [
    ("XA-PHO-AN", "Xã Phổ An", "CUM-1"),
    ("XA-PHO-THUAN", "Xã Phổ Thuận", "CUM-1"),
    ("XA-PHO-PHONG", "Xã Phổ Phong", "CUM-1"),
    ("XA-PHO-NHON", "Xã Phổ Nhơn", "CUM-1"),
    ("XA-PHO-CHAU", "Xã Phổ Châu", "CUM-2"),
    ("XA-PHO-CUONG", "Xã Phổ Cường", "CUM-2"),
    ("XA-PHO-KHANH", "Xã Phổ Khánh", "CUM-2"),
]
WARDS = [
    ("PH-NGUYEN-NGHIEM", "Phường Nguyễn Nghiêm"),
    ("PH-PHO-HOA", "Phường Phổ Hòa"),
    ("PH-PHO-MINH", "Phường Phổ Minh"),
    ("PH-PHO-VINH", "Phường Phổ Vinh"),
    ("PH-PHO-NINH", "Phường Phổ Ninh"),
    ("PH-PHO-QUANG", "Phường Phổ Quang"),
    ("PH-PHO-VAN", "Phường Phổ Văn"),
    ("PH-PHO-THANH", "Phường Phổ Thạnh"),
]
# Units formed on 1/7/2025 from the 15 units of thị xã Đức Phổ, as NQ 1677/NQ-UBTVQH15
# (16/6/2025, Art. 1) arranges them. Checked against two independent public compilations of
# Art. 1 that agree on every unit (docs/data.md, "Merger of 1 July 2025"): Trà Câu takes
# Phổ Văn, Phổ Quang, Phổ An and Phổ Thuận; Xã Nguyễn Nghiêm takes only Phổ Nhơn and Phổ Phong.
# Each row: code, name, kind, the predecessors' codes, whether the row is sample.
SUCCESSORS = [
    (
        "P2025-DUC-PHO",
        "Phường Đức Phổ",
        UnitKind.WARD,
        ["PH-NGUYEN-NGHIEM", "PH-PHO-HOA", "PH-PHO-MINH", "PH-PHO-VINH", "PH-PHO-NINH"],
        False,
    ),
    ("P2025-SA-HUYNH", "Phường Sa Huỳnh", UnitKind.WARD, ["PH-PHO-THANH", "XA-PHO-CHAU"], False),
    (
        "P2025-TRA-CAU",
        "Phường Trà Câu",
        UnitKind.WARD,
        ["PH-PHO-VAN", "PH-PHO-QUANG", "XA-PHO-AN", "XA-PHO-THUAN"],
        False,
    ),
    (
        "X2025-NGUYEN-NGHIEM",
        "Xã Nguyễn Nghiêm",
        UnitKind.COMMUNE,
        ["XA-PHO-NHON", "XA-PHO-PHONG"],
        False,
    ),
    (
        "X2025-KHANH-CUONG",
        "Xã Khánh Cường",
        UnitKind.COMMUNE,
        ["XA-PHO-KHANH", "XA-PHO-CUONG"],
        False,
    ),
]
MERGER_NOTE = (
    "Đơn vị hình thành từ ngày 01/07/2025 theo Nghị quyết số 1677/NQ-UBTVQH15 ngày 16/6/2025 "
    "của Ủy ban Thường vụ Quốc hội (Điều 1)."
)
# Villages: Phổ An's are named in a public source (docs/data.md); the rest are sample.
REAL_VILLAGES = {"XA-PHO-AN": ["Hội An 1", "Hội An 2", "An Thạch", "An Thổ"]}
SAMPLE_VILLAGE_COUNT = 5

CLUSTERS = [
    ("KHOI-PB", "Khối các phòng, ban, ngành thị xã", ClusterKind.BLOC),
    ("KHOI-MTDT", "Khối Mặt trận Tổ quốc và các đoàn thể thị xã", ClusterKind.BLOC),
    ("CUM-1", "Cụm thi đua các xã số 1", ClusterKind.CLUSTER),
    ("CUM-2", "Cụm thi đua các xã số 2", ClusterKind.CLUSTER),
    ("CUM-PHUONG", "Cụm thi đua các phường", ClusterKind.CLUSTER),
]

ENTERPRISES = [
    ("DN-MAU-01", "Công ty TNHH Chế biến nông sản Đức Phổ", UnitKind.ENTERPRISE, "XA-PHO-AN"),
    ("DN-MAU-02", "Công ty Cổ phần Thủy sản Sa Huỳnh", UnitKind.ENTERPRISE, "PH-PHO-THANH"),
    ("DN-MAU-03", "Doanh nghiệp tư nhân Gốm Mỹ Thiện", UnitKind.ENTERPRISE, "XA-PHO-PHONG"),
    ("HTX-MAU-01", "Hợp tác xã Nông nghiệp Phổ Châu", UnitKind.COOPERATIVE, "XA-PHO-CHAU"),
    ("HTX-MAU-02", "Hợp tác xã Muối Sa Huỳnh", UnitKind.COOPERATIVE, "PH-PHO-THANH"),
    (
        "HTX-MAU-03",
        "Hợp tác xã Dịch vụ nông nghiệp Phổ Cường (mẫu)",
        UnitKind.COOPERATIVE,
        "XA-PHO-CUONG",
    ),
]

PEOPLE = [
    (
        "CN-MAU-001",
        "Nguyễn Thị Hồng Nhung",
        Gender.FEMALE,
        1982,
        "Trưởng phòng",
        "DP-PKT",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-002",
        "Trần Văn Đức",
        Gender.MALE,
        1978,
        "Phó Chủ tịch UBND xã",
        "XA-PHO-AN",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-003",
        "Lê Thị Thu Hà",
        Gender.FEMALE,
        1985,
        "Công chức Văn hóa – Xã hội",
        "XA-PHO-CHAU",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-004",
        "Phạm Văn Hùng",
        Gender.MALE,
        1970,
        "Trưởng thôn",
        "XA-PHO-AN",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-005",
        "Võ Thị Ánh Tuyết",
        Gender.FEMALE,
        1990,
        "Chuyên viên",
        "DP-TCNV",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-006",
        "Huỳnh Ngọc Sơn",
        Gender.MALE,
        1965,
        "Nông dân sản xuất giỏi",
        "XA-PHO-PHONG",
        PersonKind.WORKER,
    ),
    (
        "CN-MAU-007",
        "Đặng Thị Mỹ Lệ",
        Gender.FEMALE,
        1975,
        "Giám đốc hợp tác xã",
        "HTX-MAU-01",
        PersonKind.COOPERATIVE_MEMBER,
    ),
    (
        "CN-MAU-008",
        "Bùi Quang Vinh",
        Gender.MALE,
        1968,
        "Giám đốc công ty",
        "DN-MAU-01",
        PersonKind.ENTREPRENEUR,
    ),
    (
        "CN-MAU-009",
        "Ngô Thị Xuân Diệu",
        Gender.FEMALE,
        1988,
        "Chủ tịch Hội Phụ nữ xã",
        "XA-PHO-THUAN",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-010",
        "Đỗ Minh Khôi",
        Gender.MALE,
        1980,
        "Phó Trưởng phòng",
        "DP-PVHTT",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-011",
        "Trương Thị Kim Oanh",
        Gender.FEMALE,
        1972,
        "Hộ hiến đất làm đường",
        "XA-PHO-KHANH",
        PersonKind.OTHER,
    ),
    (
        "CN-MAU-012",
        "Lương Văn Tấn",
        Gender.MALE,
        1960,
        "Việt kiều tại Úc, tài trợ xây cầu",
        "XA-PHO-CUONG",
        PersonKind.OVERSEAS_VIETNAMESE,
    ),
    (
        "CN-MAU-013",
        "Phan Thị Ngọc Trâm",
        Gender.FEMALE,
        1984,
        "Chuyên viên",
        "DP-PKT",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-014",
        "Tạ Quốc Bảo",
        Gender.MALE,
        1979,
        "Chủ tịch Hội Nông dân",
        "DP-HND",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-015",
        "Hồ Thị Diễm My",
        Gender.FEMALE,
        1992,
        "Bí thư Thị đoàn",
        "DP-DTN",
        PersonKind.OFFICIAL,
    ),
    (
        "CN-MAU-016",
        "Châu Văn Lộc",
        Gender.MALE,
        1974,
        "Xã viên hợp tác xã",
        "HTX-MAU-02",
        PersonKind.COOPERATIVE_MEMBER,
    ),
    (
        "CN-MAU-017",
        "Dương Thị Hạnh",
        Gender.FEMALE,
        1969,
        "Công nhân",
        "DN-MAU-02",
        PersonKind.WORKER,
    ),
    (
        "CN-MAU-018",
        "Nguyễn Văn Ẩn",
        Gender.MALE,
        1958,
        "Cựu chiến binh, trưởng ban công tác Mặt trận thôn",
        "XA-PHO-NHON",
        PersonKind.OTHER,
    ),
]


def _cluster_map() -> dict[str, Cluster]:
    clusters = {}
    for code, name, kind in CLUSTERS:
        clusters[code], _ = upsert(
            Cluster,
            {"code": code},
            {
                "name": name,
                "kind": kind,
                "is_sample": True,
                "description": "Thành phần khối, cụm là dữ liệu mẫu (chưa có quy chế cụm, khối của tỉnh).",
            },
        )
    return clusters


def _unit(code: str, name: str, kind: str, **fields) -> Unit:
    unit, _ = upsert(Unit, {"code": code}, {"name": name, "kind": kind, **fields})
    return unit


@transaction.atomic
def load() -> dict[str, int]:
    """Create or update the demo participants; returns counts for the command's summary."""
    clusters = _cluster_map()
    # The town's departments, front and mass organisations ended with the town on 30/06/2025
    # (Law 72/2025/QH15): they take part in the 2021–2025 plan, not in a later campaign.
    town_bodies = [
        *((row, UnitKind.DEPARTMENT) for row in DEPARTMENTS),
        *((row, UnitKind.FATHERLAND_FRONT) for row in FRONT),
        *((row, UnitKind.MASS_ORGANISATION) for row in MASS_ORGANISATIONS),
    ]
    for (code, name, cluster, sample), kind in town_bodies:
        _unit(
            code,
            name,
            kind,
            cluster=clusters[cluster],
            is_sample=sample,
            valid_to=LAST_DAY_BEFORE_MERGER,
        )
    communes = {}
    for code, name, cluster in COMMUNES:
        communes[code] = _unit(
            code,
            name,
            UnitKind.COMMUNE,
            cluster=clusters[cluster],
            is_sample=False,
            valid_to=LAST_DAY_BEFORE_MERGER,
        )
    for code, name in WARDS:
        _unit(
            code,
            name,
            UnitKind.WARD,
            cluster=clusters["CUM-PHUONG"],
            is_sample=False,
            valid_to=LAST_DAY_BEFORE_MERGER,
        )
    for code, name, kind, predecessors, sample in SUCCESSORS:
        new = _unit(
            code,
            name,
            kind,
            valid_from=MERGER_DAY,
            is_sample=sample,
            note=MERGER_NOTE,
        )
        # Links of an earlier demo (which gave Nguyễn Nghiêm four communes) are replaced.
        for old in Unit.objects.filter(successors=new).exclude(code__in=predecessors):
            old.successors.remove(new)
        for old in Unit.objects.filter(code__in=predecessors):
            old.successors.add(new)
    for commune_code, commune in communes.items():
        real = REAL_VILLAGES.get(commune_code)
        names = (
            [(n, False) for n in real]
            if real
            else [(f"Thôn {i}", True) for i in range(1, SAMPLE_VILLAGE_COUNT + 1)]
        )
        for i, (name, sample) in enumerate(names, start=1):
            _unit(
                f"{commune_code}-T{i:02d}",
                f"{name} ({commune.name.removeprefix('Xã ')})",
                UnitKind.VILLAGE,
                parent=commune,
                is_sample=sample,
            )
    for code, name, kind, place in ENTERPRISES:
        _unit(code, name, kind, is_sample=True, address=Unit.objects.get(code=place).name)
    for code, name, gender, year, position, unit_code, kind in PEOPLE:
        upsert(
            Person,
            {"code": code},
            {
                "full_name": name,
                "gender": gender,
                "birth_year": year,
                "position": position,
                "affiliation": Unit.objects.get(code=unit_code),
                "kind": kind,
                "is_sample": True,
            },
        )
    return {
        "units": Unit.objects.count(),
        "clusters": Cluster.objects.count(),
        "people": Person.objects.count(),
    }
