"""The default award tiers, vote rules and eligibility rules (data, not code branches).

Loaded by `awards.demo.load()` (and `load_tiers()` in tests); a locality edits them in the admin.
Figures marked [U] are configurable defaults to check against the official texts
(docs/awards-law.md §5).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from portal.audit import create_audited
from portal.bulk import upsert_audited
from portal.numbers import format_vn_number

from .models import (
    AwardTier,
    BonusRate,
    EligibilityRule,
    PowerLevel,
    TierKind,
    TierLevel,
    TierPower,
    VoteRule,
)

if TYPE_CHECKING:
    from campaigns.models import Campaign
    from units.models import Authority

D = datetime.date
OLD = (D(2017, 7, 31), D(2023, 12, 31))  # Law 2003 + Decree 91/2017
LAW2022 = (D(2024, 1, 1), D(2025, 6, 30))  # Law 06/2022 + Decree 98/2023
D152 = (D(2025, 7, 1), None)  # Decree 152/2025 + 129/2025 (two-tier local government)
PERIODS = (OLD, LAW2022, D152)

COL, IND, HH = "collective", "individual", "household"
BASE_DOCS = ["submission_letter", "achievement_report", "review_minutes"]
#: The legal basis of a default not yet checked against the official text (docs/awards-law.md §5).
UNVERIFIED = "Mặc định cấu hình, cần đối chiếu văn bản chính thức"

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
    (
        "co-thi-dua-tinh",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        TierKind.TITLE,
        TierLevel.PROVINCE,
        "Chủ tịch UBND tỉnh",
        False,
        [COL],
        [],
        59,
    ),
    (
        "thon-to-dan-pho-van-hoa",
        "Thôn, tổ dân phố văn hóa",
        TierKind.TITLE,
        TierLevel.TOWN,
        "Chủ tịch UBND thị xã (từ 01/7/2025: Chủ tịch UBND xã, phường)",
        True,
        [COL],
        [],
        64,
    ),
    (
        "gia-dinh-van-hoa",
        "Gia đình văn hóa",
        TierKind.TITLE,
        TierLevel.COMMUNE,
        "Chủ tịch UBND xã, phường",
        False,
        [HH],
        [],
        65,
    ),
]

# What is printed for the awardee (docs/awards-law.md §1): a form's own paper (Giấy khen,
# Bằng khen); "Bằng chứng nhận" for the titles Decree 98/2023 Art. 54 gives one with a frame
# (CSTĐCS, TTLĐXS, thôn/tổ dân phố văn hóa); nothing for LĐTT and TTLĐTT (money only) and for
# the Cờ thi đua (a flag); "Giấy chứng nhận" for Gia đình văn hóa (Decree 86/2023).
CERTIFICATE = {
    "bang-khen-thu-tuong": "BẰNG KHEN",
    "bang-khen-bo-nganh": "BẰNG KHEN",
    "bang-khen-chu-tich-tinh": "BẰNG KHEN",
    "bang-khen-mttq-doan-the-tinh": "BẰNG KHEN",
    "giay-khen-so-nganh-tinh": "GIẤY KHEN",
    "giay-khen-chu-tich-thi-xa": "GIẤY KHEN",
    "giay-khen-chu-tich-xa": "GIẤY KHEN",
    "chien-si-thi-dua-co-so": "BẰNG CHỨNG NHẬN",
    "tap-the-lao-dong-xuat-sac": "BẰNG CHỨNG NHẬN",
    "thon-to-dan-pho-van-hoa": "BẰNG CHỨNG NHẬN",
    "gia-dinh-van-hoa": "GIẤY CHỨNG NHẬN",
}

# --- who may confer each tier, by date (docs/awards-law.md §4) --------------------------------

UNTIL_REFORM = (OLD[0], D(2025, 6, 30))
FROM_REFORM = (D(2025, 7, 1), None)
ALWAYS = (OLD[0], None)
B_TOWN = (
    "Luật Thi đua, khen thưởng 2022, Điều 80 (trước 2024: Nghị định 91/2017/NĐ-CP, Điều 43); "
    "cấp huyện không còn từ 01/7/2025 (docs/authorities.md)"
)
B_REFORM = (
    "Nghị định 152/2025/NĐ-CP (phân cấp, phân quyền từ 01/7/2025): Chủ tịch UBND cấp xã "
    "quyết định các danh hiệu, hình thức trước đây do Chủ tịch UBND cấp huyện quyết định"
)
B_COMMUNE = (
    "Luật Thi đua, khen thưởng 2022, Điều 80 khoản 3 (Chủ tịch UBND cấp xã tặng danh hiệu "
    "Lao động tiên tiến, Giấy khen, danh hiệu Gia đình văn hóa); trước 2024: Nghị định "
    "91/2017/NĐ-CP, Điều 43 khoản 2"
)
B_PROVINCE = "Luật Thi đua, khen thưởng 2022, Điều 79 (Chủ tịch UBND cấp tỉnh)"
B_CULTURE = (
    "Luật Thi đua, khen thưởng 2022, Điều 80 khoản 3; Nghị định 86/2023/NĐ-CP, Điều 8 khoản 1 "
    "(Chủ tịch UBND cấp xã quyết định tặng danh hiệu Gia đình văn hóa)"
)

P, DI, CO = PowerLevel.PROVINCE, PowerLevel.DISTRICT, PowerLevel.COMMUNE
POWERS: dict[str, list[tuple]] = {
    # From 01/07/2025 the successor commune's chairman gives the Giấy khen the town's chairman
    # gave (the decision prints it as the Giấy khen of the chairman of the issuing body).
    "giay-khen-chu-tich-thi-xa": [(DI, UNTIL_REFORM, B_TOWN), (CO, FROM_REFORM, B_REFORM)],
    "giay-khen-chu-tich-xa": [(CO, ALWAYS, B_COMMUNE)],
    "chien-si-thi-dua-co-so": [(DI, UNTIL_REFORM, B_TOWN), (CO, FROM_REFORM, B_REFORM)],
    "lao-dong-tien-tien": [
        (DI, UNTIL_REFORM, B_TOWN),
        (CO, ALWAYS, B_COMMUNE),
    ],
    "tap-the-lao-dong-tien-tien": [(DI, UNTIL_REFORM, B_TOWN), (CO, FROM_REFORM, B_REFORM)],
    "thon-to-dan-pho-van-hoa": [(DI, UNTIL_REFORM, B_TOWN), (CO, FROM_REFORM, B_REFORM)],
    "gia-dinh-van-hoa": [(CO, ALWAYS, B_CULTURE)],
    "tap-the-lao-dong-xuat-sac": [(P, ALWAYS, B_PROVINCE)],
    "co-thi-dua-tinh": [(P, ALWAYS, B_PROVINCE)],
    "bang-khen-chu-tich-tinh": [(P, ALWAYS, B_PROVINCE)],
    "giay-khen-so-nganh-tinh": [(P, ALWAYS, "Luật Thi đua, khen thưởng 2022, Điều 79")],
}


def _in_force(start: datetime.date, end: datetime.date | None, day: datetime.date) -> bool:
    return start <= day and (end is None or day <= end)


def may_decide(tier: AwardTier | str, level: str, day: datetime.date) -> bool:
    """True when an authority of `level` ("province", "district", "commune") may confer the
    tier on `day` (the TierPower rows; a tier with no row is decided above the province)."""
    qs = TierPower.objects.filter(level=level, valid_from__lte=day)
    qs = qs.filter(tier__code=tier) if isinstance(tier, str) else qs.filter(tier=tier)
    return any(p.valid_to is None or day <= p.valid_to for p in qs)


def decidable_tiers(level: str, day: datetime.date):
    """The tiers an authority of `level` may confer on `day`."""
    from django.db.models import Q

    ids = (
        TierPower.objects.filter(level=level, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values("tier_id")
    )
    return AwardTier.objects.filter(pk__in=ids)


def authority_may_decide(tier: AwardTier, authority: Authority | None, day: datetime.date) -> bool:
    """May this issuing authority (units.Authority, or None when none is configured) confer the
    tier on `day`? Without an authority, or for a tier with no dated powers at all (a tier a
    locality added and has not dated yet), the old single flag `decided_locally` answers."""
    if authority is None or not tier.powers.exists():
        return tier.decided_locally
    return may_decide(tier, authority.level, day)


def campaign_authority(campaign: Campaign, day: datetime.date) -> Authority | None:
    """The campaign's issuing authority in force on `day`, or None (none configured, or the
    chain has no body that day: the caller's own check reports it)."""
    from units.authorities import NoAuthority

    try:
        return campaign.authority_on(day)
    except NoAuthority:
        return None


def deciding_levels(tier: AwardTier, day: datetime.date) -> list[str]:
    """The levels that may confer the tier on `day` (for the tier page and messages)."""
    return [p.level for p in tier.powers.all() if _in_force(p.valid_from, p.valid_to, day)]


HIGH = {
    "huan-chuong-lao-dong-1",
    "huan-chuong-lao-dong-2",
    "huan-chuong-lao-dong-3",
    "bang-khen-thu-tuong",
}


def _vote_rule(code: str) -> dict:
    """Defaults (docs/awards-law.md §5): two-thirds quorum; 90% of all members by secret ballot for
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
    common: list[tuple[Any, ...]] = [
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
                {"years": 1, "min_rating": "httnv", "route": "merit"},
                (OLD[0], None),
                "Luật 2022 Điều 23.1 và Điều 24 (đạt tiêu chuẩn Lao động tiên tiến); "
                "Luật 2003 Điều 23.1",
            ),
            # Until 2023: an initiative recognised by the unit was required (Law 2003 Art. 23.2,
            # Decree 91/2017 Art. 9.3); the rating alone was not enough.
            (
                "initiatives",
                [IND],
                {"count": 1, "window_years": 1, "route": "merit"},
                OLD,
                "Luật Thi đua, khen thưởng 2003, Điều 23.2; Nghị định 91/2017/NĐ-CP, Điều 9.3",
            ),
            (
                "title_quota",
                [IND],
                {"of_tier": "lao-dong-tien-tien", "max_pct": 15, "route": "merit"},
                OLD,
                "Nghị định 91/2017/NĐ-CP, Điều 9.3: không quá 15% số cá nhân đạt "
                "“Lao động tiên tiến”",
            ),
            # From 2024: excellent rating OR a recognised initiative (Law 06/2022 Art. 23.2).
            (
                "rating_count",
                [IND],
                {
                    "count": 1,
                    "rating": "htxsnv",
                    "window_years": 1,
                    "or_initiatives": 1,
                    "route": "merit",
                },
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 23.2 (hoàn thành xuất sắc nhiệm vụ "
                "hoặc có sáng kiến)",
            ),
        ]
    if code == "lao-dong-tien-tien":
        return [
            *common,
            (
                "consecutive_ratings",
                [IND],
                {"years": 1, "min_rating": "httnv"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 24.1(a) (hoàn thành tốt nhiệm vụ trở lên)",
            ),
        ]
    if code == "tap-the-lao-dong-tien-tien":
        return [
            *common,
            (
                "consecutive_ratings",
                [COL],
                {"years": 1, "min_rating": "httnv"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 28 (hoàn thành tốt nhiệm vụ)",
            ),
            (
                "members",
                [COL],
                {"advanced_strict": True, "min_advanced_pct": 50, "no_discipline": True},
                OLD,
                "Luật Thi đua, khen thưởng 2003, Điều 28.1(c): trên 50% cá nhân đạt "
                "“Lao động tiên tiến”, không có cá nhân bị kỷ luật từ cảnh cáo trở lên",
            ),
            (
                "members",
                [COL],
                {"all_done": True, "min_advanced_pct": 50, "no_discipline": True},
                (LAW2022[0], None),
                f"Luật Thi đua, khen thưởng 2022, Điều 28 — {UNVERIFIED}",
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
                "Luật Thi đua, khen thưởng 2022, Điều 27.1(a) (hoàn thành xuất sắc nhiệm vụ)",
            ),
            (
                "members",
                [COL],
                {
                    "all_done": True,
                    "min_advanced_pct": 70,
                    "min_fighters": 1,
                    "no_discipline": True,
                },
                OLD,
                "Luật Thi đua, khen thưởng 2003, Điều 27: 100% hoàn thành nhiệm vụ, ít nhất 70% "
                "“Lao động tiên tiến”, có cá nhân đạt CSTĐCS, không có cá nhân bị kỷ luật từ "
                "cảnh cáo trở lên",
            ),
            (
                "members",
                [COL],
                {"all_done": True, "min_advanced_pct": 70, "min_fighters": 1},
                (LAW2022[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 27.1(c), (d): 100% hoàn thành nhiệm vụ, "
                "ít nhất 70% “Lao động tiên tiến”, có cá nhân đạt CSTĐCS",
            ),
        ]
    if code in {"giay-khen-chu-tich-thi-xa", "giay-khen-chu-tich-xa"}:
        return [
            *common,
            (
                "consecutive_ratings",
                [IND, COL],
                {"years": 1, "min_rating": "httnv", "route": "merit"},
                (OLD[0], None),
                f"Luật Thi đua, khen thưởng 2022, Điều 75 — {UNVERIFIED}",
            ),
            (
                "movement",
                [],
                {"route": "movement"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 75 (thành tích trong phong trào thi đua "
                "theo đợt, chuyên đề)",
            ),
            # A household has no yearly rating: its achievement is shown by what it did.
            (
                "movement",
                [HH],
                {"route": "merit"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 75 (hộ gia đình: thành tích, đóng góp)",
            ),
        ]
    if code == "bang-khen-chu-tich-tinh":
        return [
            *common,
            (
                "movement",
                [],
                {"route": "movement"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 74 (thành tích xuất sắc được bình xét "
                "trong phong trào thi đua do tỉnh phát động)",
            ),
        ]
    if code == "co-thi-dua-tinh":
        return [
            *common,
            (
                "consecutive_ratings",
                [COL],
                {"years": 1, "min_rating": "htxsnv"},
                (OLD[0], None),
                "Luật Thi đua, khen thưởng 2022, Điều 26 (tập thể dẫn đầu cụm, khối thi đua "
                "của tỉnh; hoàn thành xuất sắc nhiệm vụ)",
            ),
        ]
    if code in {"thon-to-dan-pho-van-hoa", "gia-dinh-van-hoa"}:
        return [
            *common,
            (
                "movement",
                [],
                {},
                (OLD[0], None),
                "Nghị định 86/2023/NĐ-CP, Điều 4–5 (khung tiêu chuẩn), Điều 7–8 (hồ sơ, "
                "bình xét và lấy ý kiến): kết quả bình xét của phong trào làm căn cứ",
            ),
        ]
    return common


# --- bonus amounts by date (docs/awards-law.md §3) -------------------------------------------

# Base salary (mức lương cơ sở) by date: Decree 38/2019, 24/2023, 73/2024.
BASE_SALARY = [
    (D(2019, 7, 1), D(2023, 6, 30), 1_490_000, "Nghị định 38/2019/NĐ-CP"),
    (D(2023, 7, 1), D(2024, 6, 30), 1_800_000, "Nghị định 24/2023/NĐ-CP"),
    (D(2024, 7, 1), None, 2_340_000, "Nghị định 73/2024/NĐ-CP"),
]
# Which decree sets the coefficients, by date.
REGIMES = [
    (D(2019, 7, 1), D(2023, 12, 31), "91"),
    (D(2024, 1, 1), D(2025, 6, 30), "98"),
    (D(2025, 7, 1), None, "152"),
]
# Coefficients × base salary: (tier, regime) -> {nominee kind: (coefficient, article)}.
# Titles: Decree 91/2017 Art. 70–71, Decree 98/2023 Art. 54, Decree 152/2025 (same figures).
# Forms: Decree 91/2017 Art. 73 (Giấy khen cấp huyện 0,3; cấp xã 0,15; tập thể gấp đôi);
# Decree 98/2023 and 152/2025: figures kept from Decree 91 pending the official text [U].
_T91 = "Nghị định số 91/2017/NĐ-CP, Điều 69"
_F91 = "Nghị định số 91/2017/NĐ-CP, Điều 73"
_T98 = "Nghị định số 98/2023/NĐ-CP, Điều 54"
_F98 = "Nghị định số 98/2023/NĐ-CP, Điều 58 [cần đối chiếu]"
_T152 = "Nghị định số 152/2025/NĐ-CP (mức tiền thưởng danh hiệu thi đua)"
_F152 = "Nghị định số 152/2025/NĐ-CP (mức tiền thưởng hình thức khen thưởng) [cần đối chiếu]"
COEFFICIENTS: dict[str, dict[str, list[tuple]]] = {
    # code: {regime: [(nominee kind, coefficient, article)]}
    "chien-si-thi-dua-co-so": {
        "91": [(IND, 1.0, _T91)],
        "98": [(IND, 1.0, _T98)],
        "152": [(IND, 1.0, _T152)],
    },
    "lao-dong-tien-tien": {
        "91": [(IND, 0.3, _T91)],
        "98": [(IND, 0.3, _T98)],
        "152": [(IND, 0.3, _T152)],
    },
    "tap-the-lao-dong-tien-tien": {
        "91": [(COL, 0.8, _T91)],
        "98": [(COL, 0.8, _T98)],
        "152": [(COL, 0.8, _T152)],
    },
    "tap-the-lao-dong-xuat-sac": {
        "91": [(COL, 1.5, _T91)],
        "98": [(COL, 1.5, _T98)],
        "152": [(COL, 1.5, _T152)],
    },
    "co-thi-dua-tinh": {
        "91": [(COL, 8.0, _T91)],
        "98": [(COL, 8.0, _T98)],
        "152": [(COL, 8.0, _T152)],
    },
    "thon-to-dan-pho-van-hoa": {
        "91": [(COL, 1.5, _T91)],
        "98": [(COL, 1.5, _T98)],
        "152": [(COL, 1.5, _T152)],
    },
    # Decree 152/2025 Art. 54.1 raises the provincial Bằng khen of an individual to 1,5
    # (docs/awards-law.md B-table, probable); collective = double [U], household = individual [U].
    "bang-khen-chu-tich-tinh": {
        **{
            r: [(IND, 1.0, a), (HH, 1.0, a), (COL, 2.0, a)] for r, a in (("91", _F91), ("98", _F98))
        },
        "152": [
            (IND, 1.5, "Nghị định số 152/2025/NĐ-CP, Điều 54"),
            (HH, 1.5, _F152),
            (COL, 3.0, _F152),
        ],
    },
    "giay-khen-chu-tich-thi-xa": {
        r: [(IND, 0.3, a), (HH, 0.3, a), (COL, 0.6, a)]
        for r, a in (("91", _F91), ("98", _F98), ("152", _F152))
    },
    "giay-khen-chu-tich-xa": {
        r: [(IND, 0.15, a), (HH, 0.15, a), (COL, 0.3, a)]
        for r, a in (("91", _F91), ("98", _F98), ("152", _F152))
    },
}


def bonus_amount(coefficient: float, base: int) -> int:
    """Coefficient × base salary, rounded UP to the ten thousand đồng (Decree 91/2017 Art. 68.2;
    Decree 98/2023 keeps the rule)."""
    raw = round(coefficient * base)
    return -(-raw // 10_000) * 10_000


def _overlap(a, b):
    start = max(a[0], b[0])
    ends = [e for e in (a[1], b[1]) if e is not None]
    end = min(ends) if ends else None
    return (start, end) if end is None or start <= end else None


def bonus_rows() -> list[tuple]:
    """(code, nominee kind, valid_from, valid_to, amount, legal basis) for every period."""
    rows = []
    for code, regimes in COEFFICIENTS.items():
        for r_start, r_end, regime in REGIMES:
            for b_start, b_end, base, base_doc in BASE_SALARY:
                span = _overlap((r_start, r_end), (b_start, b_end))
                if span is None:
                    continue
                for kind, coef, article in regimes.get(regime, []):
                    basis = (
                        f"{article}: {format_vn_number(coef)} × {format_vn_number(base)} đồng "
                        f"({base_doc})"
                    )
                    rows.append((code, kind, *span, bonus_amount(coef, base), basis))
    return rows


def load_bonus_rates() -> int:
    tiers = dict(AwardTier.objects.filter(code__in=COEFFICIENTS).values_list("code", "pk"))
    rows = [
        {
            "tier_id": tiers[code],
            "nominee_kind": kind,
            "valid_from": start,
            "valid_to": end,
            "amount_vnd": amount,
            "legal_basis": basis[:300],
        }
        for code, kind, start, end, amount, basis in bonus_rows()
        if code in tiers
    ]
    upsert_audited(BonusRate, rows, key=("tier_id", "nominee_kind", "valid_from"))
    return len(rows)


def load_powers() -> int:
    tiers = dict(AwardTier.objects.filter(code__in=POWERS).values_list("code", "pk"))
    rows = [
        {
            "tier_id": tiers[code],
            "level": level,
            "valid_from": start,
            "valid_to": end,
            "legal_basis": basis[:300],
        }
        for code, powers in POWERS.items()
        if code in tiers
        for level, (start, end), basis in powers
    ]
    upsert_audited(TierPower, rows, key=("tier_id", "level", "valid_from"))
    return len(rows)


@transaction.atomic
def load_tiers(*, refresh_rules: bool = False) -> int:
    """Create or refresh the default tiers, powers, bonus rates, vote rules and eligibility rules
    (idempotent: a second run writes nothing). A tier's eligibility rules are created only when
    it has none — a locality's edits are kept — unless `refresh_rules` replaces them with the
    defaults. New rows are inserted in bulk, each with its history and audit event
    (portal/bulk.py)."""
    upsert_audited(
        AwardTier,
        (
            {
                "code": code,
                "name": name,
                "kind": kind,
                "level": level,
                "authority": authority,
                "decided_locally": local,
                "nominee_kinds": kinds,
                "certificate_heading": CERTIFICATE.get(code, ""),
                "required_documents": [*BASE_DOCS, *extra],
                "order": order,
            }
            for code, name, kind, level, authority, local, kinds, extra, order in TIERS
        ),
        key=("code",),
    )
    codes = [t[0] for t in TIERS]
    found = dict(AwardTier.objects.filter(code__in=codes).values_list("code", "pk"))
    tiers = {code: found[code] for code in codes}  # in the catalogue's order
    upsert_audited(
        VoteRule,
        (
            {
                "tier_id": tiers[code],
                "valid_from": start,
                "valid_to": end,
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "legal_basis": UNVERIFIED,
                **_vote_rule(code),
            }
            for code in tiers
            for start, end in PERIODS
        ),
        key=("tier_id", "valid_from"),
    )
    if refresh_rules:
        for rule in EligibilityRule.objects.filter(tier_id__in=tiers.values()):
            rule.delete()  # one by one: each deletion is in the history and the audit log
    with_rules = set(EligibilityRule.objects.values_list("tier_id", flat=True))
    create_audited(
        EligibilityRule,
        [
            EligibilityRule(
                tier_id=tier_id,
                kind=rule_kind,
                nominee_kinds=nominee_kinds,
                params=params,
                valid_from=start,
                valid_to=end,
                legal_basis=basis,
                order=i,
            )
            for code, tier_id in tiers.items()
            if tier_id not in with_rules
            for i, (rule_kind, nominee_kinds, params, (start, end), basis) in enumerate(
                _rules(code)
            )
        ],
    )
    load_powers()
    load_bonus_rates()
    # Decree 91/2017: HCLĐ hạng Ba = 4.5 × base salary (1,8 triệu đồng, 2023);
    # docs/awards-law.md §5.
    # Created once; a locality's later edit of it is kept.
    upsert_audited(
        BonusRate,
        [
            {
                "tier_id": tiers["huan-chuong-lao-dong-3"],
                "nominee_kind": IND,
                "valid_from": D(2023, 7, 1),
                "valid_to": D(2025, 6, 30),
                "amount_vnd": 8_100_000,
                "legal_basis": "Nghị định 91/2017/NĐ-CP: 4,5 lần mức lương cơ sở (1.800.000 đồng)",
            }
        ],
        key=("tier_id", "nominee_kind", "valid_from"),
        update=False,
    )
    return AwardTier.objects.count()
