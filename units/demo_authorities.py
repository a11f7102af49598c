"""The demo's issuing authorities across the reform of 01/07/2025 (docs/authorities.md).

The bodies and dates are real: thị xã Đức Phổ existed from 01/02/2020 (NQ 867/NQ-UBTVQH14) to
30/06/2025; from 01/07/2025 there is no district level (Law 72/2025/QH15) and the communes and
wards that succeeded it, and the province, issue instead. The people who sign are invented:
every record here is marked sample, so no document the demo makes carries a real official's name.
"""

from __future__ import annotations

import datetime

from portal.utils import upsert

from .authorities import TWO_LEVEL_GOVERNMENT
from .models import Authority, AuthorityLevel, Unit

TOWN_FROM = datetime.date(2020, 2, 1)
TOWN_TO = datetime.date(2025, 6, 30)
REFORM_DAY = TWO_LEVEL_GOVERNMENT
PROVINCE_CODE = "UBND-TINH-QUANG-NGAI"
TOWN_CODE = "UBND-TX-DUC-PHO"

TOWN_RECIPIENTS = [
    "UBND tỉnh",
    "Sở Nội vụ",
    "Ban Thi đua-Khen thưởng tỉnh",
    "TT Thị ủy; TT HĐND thị xã",
    "CT, PCT UBND thị xã",
    "Các cơ quan, đơn vị thuộc UBND thị xã",
    "Ủy ban MTTQ Việt Nam thị xã và các đoàn thể chính trị - xã hội thị xã",
    "Ủy ban nhân dân các xã, phường",
    "Các khối, cụm thi đua của thị xã",
    "Lưu: VT, TCNV",
]
PROVINCE_RECIPIENTS = [
    "Bộ Nội vụ",
    "Ban Thi đua - Khen thưởng Trung ương",
    "TT Tỉnh ủy; TT HĐND tỉnh",
    "CT, PCT UBND tỉnh",
    "Sở Nội vụ",
    "UBND các xã, phường Đức Phổ, Sa Huỳnh, Trà Câu, Nguyễn Nghiêm, Khánh Cường",
    "Lưu: VT, NC",
]
# (unit code, authority code, body, place) of the five units formed on 01/07/2025.
SUCCESSORS = [
    ("P2025-DUC-PHO", "UBND-P-DUC-PHO", "Ủy ban nhân dân phường Đức Phổ", "Đức Phổ"),
    ("P2025-SA-HUYNH", "UBND-P-SA-HUYNH", "Ủy ban nhân dân phường Sa Huỳnh", "Sa Huỳnh"),
    ("P2025-TRA-CAU", "UBND-P-TRA-CAU", "Ủy ban nhân dân phường Trà Câu", "Trà Câu"),
    (
        "X2025-NGUYEN-NGHIEM",
        "UBND-X-NGUYEN-NGHIEM",
        "Ủy ban nhân dân xã Nguyễn Nghiêm",
        "Nguyễn Nghiêm",
    ),
    ("X2025-KHANH-CUONG", "UBND-X-KHANH-CUONG", "Ủy ban nhân dân xã Khánh Cường", "Khánh Cường"),
]
SAMPLE_NAMES = [
    "Trần Văn Mẫu",
    "Lê Thị Minh Họa",
    "Phạm Văn Thử",
    "Ngô Thị Ví Dụ",
    "Đỗ Văn Giả Định",
]


def load() -> Authority:
    """Create or update the demo authorities; returns the town's (the plan's issuer)."""
    _province, _ = upsert(
        Authority,
        {"code": PROVINCE_CODE},
        {
            "level": AuthorityLevel.PROVINCE,
            "body": "Ủy ban nhân dân tỉnh Quảng Ngãi",
            "body_short": "UBND tỉnh",
            "place": "Quảng Ngãi",
            "signer_name": "Hoàng Văn Mẫu",
            "deputy_name": "Võ Thị Minh Họa",
            "deputy_signs": True,
            "council_name": "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Ngãi",
            "recipients": "\n".join(PROVINCE_RECIPIENTS),
            "valid_from": REFORM_DAY,
            "note": "Tỉnh Quảng Ngãi sau khi hợp nhất với tỉnh Kon Tum (Nghị quyết "
            "202/2025/QH15, từ 01/07/2025). Quyết định các danh hiệu, hình thức khen thưởng vượt "
            "thẩm quyền cấp xã. Người ký là tên mẫu.",
            "is_sample": True,
        },
    )
    town, _ = upsert(
        Authority,
        {"code": TOWN_CODE},
        {
            "level": AuthorityLevel.DISTRICT,
            "body": "Ủy ban nhân dân thị xã Đức Phổ",
            "body_short": "UBND thị xã",
            "place": "Đức Phổ",
            "signer_name": "Nguyễn Văn Mẫu",
            "deputy_name": "Huỳnh Thị Minh Họa",
            "council_name": "Hội đồng Thi đua – Khen thưởng thị xã Đức Phổ",
            "recipients": "\n".join(TOWN_RECIPIENTS),
            "valid_from": TOWN_FROM,
            "valid_to": TOWN_TO,
            "note": "Thành lập theo Nghị quyết 867/NQ-UBTVQH14 (hiệu lực 01/02/2020); chấm dứt "
            "hoạt động từ 01/07/2025 (Luật Tổ chức chính quyền địa phương 72/2025/QH15). Người "
            "ký là tên mẫu.",
            "is_sample": True,
        },
    )
    units = {u.code: u for u in Unit.objects.filter(code__in=[s[0] for s in SUCCESSORS])}
    successors = {}
    for (unit_code, code, body, place), name in zip(SUCCESSORS, SAMPLE_NAMES, strict=True):
        kind = "phường" if body.startswith("Ủy ban nhân dân phường") else "xã"
        successors[code], _ = upsert(
            Authority,
            {"code": code},
            {
                "level": AuthorityLevel.COMMUNE,
                "unit": units.get(unit_code),
                "body": body,
                "body_short": f"UBND {kind}",
                "place": place,
                "signer_name": name,
                "council_name": "Hội đồng Thi đua – Khen thưởng "
                + body.removeprefix("Ủy ban nhân dân "),
                "recipients": "\n".join(
                    [
                        "UBND tỉnh Quảng Ngãi",
                        "Sở Nội vụ tỉnh Quảng Ngãi",
                        f"TT Đảng ủy, TT HĐND {kind}",
                        "Lưu: VT",
                    ]
                ),
                "valid_from": REFORM_DAY,
                "note": "Hình thành từ ngày 01/07/2025 (Nghị quyết 1677/NQ-UBTVQH15). Người ký là "
                "tên mẫu.",
                "is_sample": True,
            },
        )
    # The plan's documents after 30/06/2025: the ward that took the town's seat and records
    # (phường Đức Phổ, formed from Nguyễn Nghiêm, Phổ Hòa, Phổ Minh, Phổ Vinh, Phổ Ninh) reports
    # on the plan to the province; each successor decides the awards in its area
    # (docs/authorities.md §4). Set in the browser, like any other authority record.
    town.successor = successors["UBND-P-DUC-PHO"]
    town.save(update_fields=["successor"])
    return town
