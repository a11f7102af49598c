"""Demo users, one per role; printed by load_demo."""

from __future__ import annotations

import functools

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import User
from .roles import Role
from .services import user_save

DEMO_PASSWORD = "ThiDua@2025"

# (username, full name, position, roles, unit codes). The positions are the ones held today: the
# town's bodies ended on 01/07/2025 (docs/authorities.md), so every title names phường Đức Phổ's
# offices, whose 2026–2030 campaign these people work in.
DEMO_USERS = [
    (
        "thuongtruc",
        "Võ Thị Ánh Tuyết (mẫu)",
        "Công chức giúp việc Hội đồng Thi đua – Khen thưởng phường Đức Phổ",
        [Role.SECRETARIAT],
        [],
    ),
    (
        "kinhte",
        "Phan Thị Ngọc Trâm (mẫu)",
        "Công chức Phòng Kinh tế, Hạ tầng và Đô thị phường Đức Phổ",
        [Role.ECONOMIC_OFFICE],
        [],
    ),
    (
        "canbo.phoan",
        "Trần Văn Đức (mẫu)",
        "Phó Chủ tịch UBND xã Phổ An; từ 01/07/2025 công chức phường Đức Phổ",
        [Role.UNIT_OFFICER],
        # Phổ An's records of 2021–2025, and two bodies of phường Đức Phổ in the campaign
        # running today (campaigns/demo_successor.py): one drafting, one returned to him.
        ["XA-PHO-AN", "PDP-VP", "PDP-PKT"],
    ),
    (
        "hoidong",
        "Đỗ Minh Khôi (mẫu)",
        "Ủy viên Hội đồng Thi đua – Khen thưởng phường Đức Phổ",
        [Role.COUNCIL_MEMBER],
        [],
    ),
    (
        "hoidong2",
        "Lê Thị Thu Hà (mẫu)",
        "Phó Chủ tịch Hội đồng TĐ-KT phường Đức Phổ",
        [Role.COUNCIL_MEMBER],
        [],
    ),
    (
        "hoidong3",
        "Nguyễn Văn Phúc (mẫu)",
        "Ủy viên Hội đồng TĐ-KT phường Đức Phổ",
        [Role.COUNCIL_MEMBER],
        [],
    ),
    (
        "hoidong4",
        "Phạm Thị Mỹ Linh (mẫu)",
        "Ủy viên Hội đồng TĐ-KT phường Đức Phổ; đến 30/06/2025 Chủ tịch UBND xã Phổ An",
        [Role.COUNCIL_MEMBER],
        ["XA-PHO-AN"],
    ),
    # Invented, like every demo account: the plan's real signer is named only on the plan itself
    # (campaign signer), never on what the demo chairman signs or chairs (docs/data.md).
    (
        "chutich",
        "Nguyễn Văn A (mẫu)",
        "Chủ tịch UBND phường Đức Phổ",
        [Role.CHAIRMAN, Role.COUNCIL_MEMBER],
        [],
    ),
    ("theodoi", "Người theo dõi (mẫu)", "Văn phòng Đảng ủy phường Đức Phổ", [Role.OBSERVER], []),
]


#: Demo accounts whose holder is also a demo person record (`User.person`): the same official,
#: so a council would recuse the account from voting on that person's nomination.
DEMO_PERSONS = {"canbo.phoan": "CN-MAU-002"}  # Trần Văn Đức, Phó Chủ tịch UBND xã Phổ An


@functools.cache
def _demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once: every demo account has the same, printed, password."""
    return make_password(DEMO_PASSWORD)


@transaction.atomic
def load_users() -> list[tuple[str, str, str]]:
    """Create or reset the demo users; returns (username, role labels, password) rows."""
    unit_model = apps.get_model("units", "Unit")
    person_model = apps.get_model("units", "Person")
    rows = []
    for username, full_name, position, roles, unit_codes in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.full_name = full_name
        user.position = position
        user.person = (
            person_model.objects.filter(code=DEMO_PERSONS[username]).first()
            if username in DEMO_PERSONS
            else None
        )
        user.is_active = True
        # Hashed once per process, not once per account and call (load_demo calls this three
        # times; each hash takes the production hasher's ~0.3 s of CPU).
        user.password = _demo_password_hash()
        user_save(user=user, roles=roles)
        user.units.set(unit_model.objects.filter(code__in=unit_codes))
        rows.append((username, ", ".join(Role(r).label for r in roles), DEMO_PASSWORD))
    return rows
