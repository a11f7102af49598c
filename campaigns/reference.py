"""Reference data every install needs before any campaign exists: the national criteria sets for
communes (QĐ 318/QĐ-TTg, as amended by QĐ 211/QĐ-TTg).

They come with `migrate` (migration 0008 calls `ensure_ntm_criteria`), so an NTM status import on
a fresh install can store criteria numbers; `load_demo` and the test factories call the same
function and find the rows already there. `ensure_ntm_criteria` only inserts or corrects rows,
never deletes, and takes the model classes so a migration can pass its historical models. A
change to this data (a new set for 2026–2030, a corrected name) ships with a new migration that
calls it again.

Each set is a version with its validity: the set in force for a year is the one valid on 31/12 of
that year (`campaigns.results.services.ntm_criterion_set_for`).
"""

from __future__ import annotations

import datetime
from typing import Any

#: QĐ 318/QĐ-TTg, 19 criteria in 5 groups (docs/data.md, "Reference data").
NTM_CRITERIA: list[tuple[int, str, str]] = [
    (1, "Quy hoạch", "Quy hoạch"),
    (2, "Giao thông", "Hạ tầng kinh tế – xã hội"),
    (3, "Thủy lợi và phòng, chống thiên tai", "Hạ tầng kinh tế – xã hội"),
    (4, "Điện", "Hạ tầng kinh tế – xã hội"),
    (5, "Trường học", "Hạ tầng kinh tế – xã hội"),
    (6, "Cơ sở vật chất văn hóa", "Hạ tầng kinh tế – xã hội"),
    (7, "Cơ sở hạ tầng thương mại nông thôn", "Hạ tầng kinh tế – xã hội"),
    (8, "Thông tin và Truyền thông", "Hạ tầng kinh tế – xã hội"),
    (9, "Nhà ở dân cư", "Hạ tầng kinh tế – xã hội"),
    (10, "Thu nhập", "Kinh tế và tổ chức sản xuất"),
    (11, "Nghèo đa chiều", "Kinh tế và tổ chức sản xuất"),
    (12, "Lao động", "Kinh tế và tổ chức sản xuất"),
    (13, "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Kinh tế và tổ chức sản xuất"),
    (14, "Giáo dục và Đào tạo", "Văn hóa – Xã hội – Môi trường"),
    (15, "Y tế", "Văn hóa – Xã hội – Môi trường"),
    (16, "Văn hóa", "Văn hóa – Xã hội – Môi trường"),
    (17, "Môi trường và an toàn thực phẩm", "Văn hóa – Xã hội – Môi trường"),
    (18, "Hệ thống chính trị và tiếp cận pháp luật", "Hệ thống chính trị"),
    (19, "Quốc phòng và An ninh", "Hệ thống chính trị"),
]

#: The set the demo campaign 2021–2025 is assessed against.
QD318_CODE = "qd318-2022-xa-ntm"
#: The same 19 criteria with the targets amended by QĐ 211/QĐ-TTg, in force from 01/03/2024.
QD318_211_CODE = "qd318-211-2024-xa-ntm"

#: code → the set's fields. QĐ 318 was signed on 08/3/2022 for the period 2021–2025 it names,
#: so it covers the results of 2021 as well.
NTM_CRITERION_SETS: dict[str, dict[str, Any]] = {
    QD318_CODE: {
        "name": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025",
        "legal_basis": "Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ",
        "valid_from": datetime.date(2021, 1, 1),
        "valid_to": datetime.date(2024, 2, 29),
    },
    QD318_211_CODE: {
        "name": (
            "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025 "
            "(sửa đổi, bổ sung năm 2024)"
        ),
        "legal_basis": (
            "Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ, được sửa đổi, bổ "
            "sung theo Quyết định số 211/QĐ-TTg ngày 01/3/2024 của Thủ tướng Chính phủ"
        ),
        "valid_from": datetime.date(2024, 3, 1),
        "valid_to": datetime.date(2025, 12, 31),
    },
}


def ensure_ntm_criteria(set_model=None, criterion_model=None) -> dict[str, Any]:
    """Insert or correct the national criteria sets and their criteria; returns code → set.

    Idempotent: an unchanged row is not written again. Pass the historical models from a
    migration; without arguments the app's models are used."""
    from portal.utils import upsert

    if set_model is None or criterion_model is None:
        from .models import NtmCriterion, NtmCriterionSet

        set_model, criterion_model = NtmCriterionSet, NtmCriterion
    sets = {}
    for code, fields in NTM_CRITERION_SETS.items():
        criterion_set, _ = upsert(set_model, {"code": code}, fields)
        for number, name, group in NTM_CRITERIA:
            upsert(
                criterion_model,
                {"criterion_set": criterion_set, "number": number},
                {"name": name, "group": group},
            )
        sets[code] = criterion_set
    return sets
