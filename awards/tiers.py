"""The default award tiers, vote rules and eligibility rules (data, not code branches).

Loaded by `awards.demo.load()` (and `load_tiers()` in tests); a locality edits them in the admin.
Figures marked [U] in DOMAIN.md are configurable defaults to check against the official texts.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from .models import AwardTier, BonusRate, EligibilityRule, TierKind, TierLevel, VoteRule

D = datetime.date
OLD = (D(2017, 7, 31), D(2023, 12, 31))  # Law 2003 + Decree 91/2017
LAW2022 = (D(2024, 1, 1), D(2025, 6, 30))  # Law 06/2022 + Decree 98/2023
D152 = (D(2025, 7, 1), None)  # Decree 152/2025 + 129/2025 (two-tier local government)
PERIODS = (OLD, LAW2022, D152)

COL, IND, HH = "collective", "individual", "household"
BASE_DOCS = ["submission_letter", "achievement_report", "review_minutes"]
UNVERIFIED = "Mặc định cấu hình, cần đối chiếu văn bản chính thức (DOMAIN.md §1.7 [U])"

# code, name, kind, level, authority, decided here, nominee kinds, extra documents, order
TIERS = [
    (
        "huan-chuong-lao-dong-1",
        "Huân chương Lao động hạng Nhất",
        TierKind.FORM,
        TierLevel.STATE,
        "Chủ tịch nước",
        False,
        [COL, IND],
        [],
        10,
    ),
    (
        "huan-chuong-lao-dong-2",
        "Huân chương Lao động hạng Nhì",
        TierKind.FORM,
        TierLevel.STATE,
        "Chủ tịch nước",
        False,
        [COL, IND],
        [],
        11,
    ),
    (
        "huan-chuong-lao-dong-3",
        "Huân chương Lao động hạng Ba",
        TierKind.FORM,
        TierLevel.STATE,
        "Chủ tịch nước",
        False,
        [COL, IND, HH],
        [],
        12,
    ),
    (
        "bang-khen-thu-tuong",
        "Bằng khen của Thủ tướng Chính phủ",
        TierKind.FORM,
        TierLevel.GOVERNMENT,
        "Thủ tướng Chính phủ",
        False,
        [COL, IND, HH],
        [],
        20,
    ),
    (
        "bang-khen-bo-nganh",
        "Bằng khen của bộ, ban, ngành, đoàn thể Trung ương",
        TierKind.FORM,
        TierLevel.MINISTRY,
        "Bộ trưởng, Thủ trưởng cơ quan, đoàn thể Trung ương",
        False,
        [COL, IND, HH],
        [],
        30,
    ),
    (
        "bang-khen-chu-tich-tinh",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        TierKind.FORM,
        TierLevel.PROVINCE,
        "Chủ tịch UBND tỉnh Quảng Ngãi",
        False,
        [COL, IND, HH],
        [],
        31,
    ),
    (
        "bang-khen-mttq-doan-the-tinh",
        "Bằng khen của Ủy ban Mặt trận Tổ quốc và các đoàn thể tỉnh",
        TierKind.FORM,
        TierLevel.PROVINCE,
        "Ủy ban MTTQ Việt Nam tỉnh, các đoàn thể tỉnh",
        False,
        [COL, IND, HH],
        [],
        32,
    ),
    (
        "giay-khen-so-nganh-tinh",
        "Giấy khen của sở, ban, ngành tỉnh",
        TierKind.FORM,
        TierLevel.PROVINCE,
        "Giám đốc sở, Thủ trưởng ban, ngành tỉnh",
        False,
        [COL, IND, HH],
        [],
        40,
    ),
    (
        "giay-khen-chu-tich-thi-xa",
        "Giấy khen của Chủ tịch Ủy ban nhân dân thị xã",
        TierKind.FORM,
        TierLevel.TOWN,
        "Chủ tịch UBND thị xã",
        True,
        [COL, IND, HH],
        [],
        41,
    ),
    (
        "giay-khen-chu-tich-xa",
        "Giấy khen của Chủ tịch Ủy ban nhân dân xã, phường",
        TierKind.FORM,
        TierLevel.COMMUNE,
        "Chủ tịch UBND xã, phường",
        False,
        [COL, IND, HH],
        [],
        42,
    ),
    (
        "chien-si-thi-dua-co-so",
        "Chiến sĩ thi đua cơ sở",
        TierKind.TITLE,
        TierLevel.TOWN,
        "Chủ tịch UBND thị xã (từ 01/7/2025: Chủ tịch UBND xã, phường)",
        True,
        [IND],
        ["initiative_confirmation"],
        60,
    ),
    (
        "lao-dong-tien-tien",
        "Lao động tiên tiến",
        TierKind.TITLE,
        TierLevel.TOWN,
        "Chủ tịch UBND thị xã, Thủ trưởng cơ quan, đơn vị",
        True,
        [IND],
        [],
        61,
    ),
    (
        "tap-the-lao-dong-tien-tien",
        "Tập thể lao động tiên tiến",
        TierKind.TITLE,
        TierLevel.TOWN,
        "Chủ tịch UBND thị xã (từ 01/7/2025: Chủ tịch UBND xã, phường)",
        True,
        [COL],
        [],
        62,
    ),
    (
        "tap-the-lao-dong-xuat-sac",
        "Tập thể lao động xuất sắc",
        TierKind.TITLE,
        TierLevel.PROVINCE,
        "Chủ tịch UBND tỉnh",
        False,
        [COL],
        [],
        63,
    ),
]

HIGH = {
    "huan-chuong-lao-dong-1",
    "huan-chuong-lao-dong-2",
    "huan-chuong-lao-dong-3",
    "bang-khen-thu-tuong",
}


def _vote_rule(code: str) -> dict:
    """Defaults from DOMAIN.md §1.7: two-thirds quorum; 90% of all members by secret ballot for
    state-level forms (old regime, kept as the [U] default); simple majority otherwise."""
    if code in HIGH:
        return {
            "secret_ballot": True,
            "threshold_numerator": 9,
            "threshold_denominator": 10,
            "threshold_inclusive": True,
            "denominator": "all_members",
            "consultation_days": 7,
        }
    if code == "chien-si-thi-dua-co-so":
        return {
            "secret_ballot": True,
            "threshold_numerator": 1,
            "threshold_denominator": 2,
            "threshold_inclusive": False,
            "denominator": "all_members",
            "consultation_days": 0,
        }
    return {
        "secret_ballot": False,
        "threshold_numerator": 1,
        "threshold_denominator": 2,
        "threshold_inclusive": False,
        "denominator": "all_members",
        "consultation_days": 0,
    }


def _rules(code: str) -> list[tuple]:
    """(kind, nominee kinds, params, period, legal basis)."""
    common = [
        (
            "no_pending_case",
            [],
            {},
            (OLD[0], None),
            "Nghị định 98/2023/NĐ-CP, Điều 4 (và quy định trước đó)",
        ),
        (
            "women_priority",
            [],
            {"collective_share_pct": 70},
            (OLD[0], None),
            "Nghị định 98/2023/NĐ-CP, Điều 4",
        ),
    ]
    if code == "huan-chuong-lao-dong-3":
        return [
            *common,
            (
                "prior_award",
                [IND],
                {"tiers": ["bang-khen-thu-tuong"]},
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 44.1(e)",
            ),
            (
                "consecutive_ratings",
                [IND],
                {
                    "years": 5,
                    "min_rating": "httnv",
                    "since_prior_award": True,
                    "prior_tiers": ["bang-khen-thu-tuong"],
                },
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 44.1(e)",
            ),
            (
                "rating_count",
                [IND],
                {"count": 1, "rating": "htxsnv", "window_years": 5},
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 44.1(e)",
            ),
            (
                "title_count",
                [IND],
                {"tier": "chien-si-thi-dua-co-so", "count": 3, "window_years": 5},
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 44.1(e)",
            ),
        ]
    if code == "bang-khen-thu-tuong":
        prior = {"tiers": ["bang-khen-chu-tich-tinh", "bang-khen-bo-nganh"]}
        return [
            *common,
            (
                "prior_award",
                [IND],
                prior,
                (OLD[0], None),
                "Luật 2022 Điều 73.1(b); NĐ 91/2017 Điều 38",
            ),
            # Old regime (Decree 91/2017 Art. 38): 5 years HTXSNV and 5 initiatives.
            (
                "rating_count",
                [IND],
                {"count": 5, "rating": "htxsnv", "window_years": 5},
                OLD,
                "Nghị định 91/2017/NĐ-CP, Điều 38",
            ),
            (
                "initiatives",
                [IND],
                {"count": 5, "window_years": 5},
                OLD,
                "Nghị định 91/2017/NĐ-CP, Điều 38",
            ),
            # Law 06/2022 Art. 73.1(b): 5 consecutive years HTTNV+ and 3 CSTĐCS titles.
            (
                "consecutive_ratings",
                [IND],
                {
                    "years": 5,
                    "min_rating": "httnv",
                    "since_prior_award": True,
                    "prior_tiers": prior["tiers"],
                },
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 73.1(b)",
            ),
            (
                "title_count",
                [IND],
                {"tier": "chien-si-thi-dua-co-so", "count": 3, "window_years": 5},
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 73.1(b)",
            ),
        ]
    if code == "chien-si-thi-dua-co-so":
        return [
            *common,
            (
                "consecutive_ratings",
                [IND],
                {"years": 1, "min_rating": "httnv"},
                (OLD[0], None),
                "Luật 2022 Điều 23, 24 (đạt tiêu chuẩn Lao động tiên tiến)",
            ),
            (
                "rating_count",
                [IND],
                {"count": 1, "rating": "htxsnv", "window_years": 1},
                (OLD[0], None),
                "Luật 2022 Điều 23 (hoàn thành xuất sắc nhiệm vụ)",
            ),
        ]
    if code in {"lao-dong-tien-tien", "tap-the-lao-dong-tien-tien", "giay-khen-chu-tich-thi-xa"}:
        return [
            *common,
            (
                "consecutive_ratings",
                [IND, COL],
                {"years": 1, "min_rating": "httnv"},
                (OLD[0], None),
                f"Luật 2022 Điều 24, 28, 75 — {UNVERIFIED}",
            ),
        ]
    if code == "tap-the-lao-dong-xuat-sac":
        return [
            *common,
            (
                "consecutive_ratings",
                [COL],
                {"years": 1, "min_rating": "htxsnv"},
                (OLD[0], None),
                f"Luật 2022 Điều 27 — {UNVERIFIED}",
            ),
        ]
    return common


@transaction.atomic
def load_tiers() -> int:
    """Create or refresh the default tiers, vote rules and eligibility rules (idempotent)."""
    for code, name, kind, level, authority, local, kinds, extra, order in TIERS:
        docs = [*BASE_DOCS, *extra]
        tier, _ = AwardTier.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "level": level,
                "authority": authority,
                "decided_locally": local,
                "nominee_kinds": kinds,
                "required_documents": docs,
                "order": order,
            },
        )
        for start, end in PERIODS:
            VoteRule.objects.update_or_create(
                tier=tier,
                valid_from=start,
                defaults={
                    "valid_to": end,
                    "quorum_numerator": 2,
                    "quorum_denominator": 3,
                    "legal_basis": UNVERIFIED,
                    **_vote_rule(code),
                },
            )
        if not tier.rules.exists():
            for i, (rule_kind, nominee_kinds, params, (start, end), basis) in enumerate(
                _rules(code)
            ):
                EligibilityRule.objects.create(
                    tier=tier,
                    kind=rule_kind,
                    nominee_kinds=nominee_kinds,
                    params=params,
                    valid_from=start,
                    valid_to=end,
                    legal_basis=basis,
                    order=i,
                )
    # Decree 91/2017: HCLĐ hạng Ba = 4.5 × base salary (1,8 triệu đồng, 2023); DOMAIN.md §1.6.
    hcld3 = AwardTier.objects.get(code="huan-chuong-lao-dong-3")
    BonusRate.objects.get_or_create(
        tier=hcld3,
        nominee_kind=IND,
        valid_from=D(2023, 7, 1),
        defaults={
            "valid_to": D(2025, 6, 30),
            "amount_vnd": 8_100_000,
            "legal_basis": "Nghị định 91/2017/NĐ-CP: 4,5 lần mức lương cơ sở (1.800.000 đồng)",
        },
    )
    return AwardTier.objects.count()
