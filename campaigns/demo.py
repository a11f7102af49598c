"""The seed plan as data: the campaign "Đức Phổ chung sức xây dựng nông thôn mới" 2021–2025,
its targets and milestones (assessed against the national NTM criteria of QĐ 318/QĐ-TTg, which
`migrate` installs: campaigns/reference.py), the criteria sets of the plan's section IV.1, and
labelled sample results for 2021–2025. Idempotent."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.utils import upsert
from units.demo_authorities import load as load_authorities
from units.models import Sponsorship, Unit, UnitKind

from . import demo_successor
from .cycle import demo as cycle_demo
from .models import (
    Campaign,
    CampaignStatus,
    Contribution,
    ContributorKind,
    CriteriaSet,
    Criterion,
    Milestone,
    MilestoneKind,
    NtmCriterionSet,
    NtmLevel,
    NtmStatus,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from .oversight import demo as oversight_demo
from .reference import QD318_CODE, ensure_ntm_criteria
from .results.derived import refresh_ntm_derived

CAMPAIGN_CODE = "ducpho-ntm-2021-2025"

LEGAL_BASES = [
    "Quyết định số 769/QĐ-UBND ngày 17/6/2022 của Chủ tịch UBND tỉnh Quảng Ngãi ban hành Kế hoạch "
    "tổ chức thực hiện Phong trào thi đua “Quảng Ngãi chung sức xây dựng nông thôn mới” giai đoạn "
    "2021-2025",
    "Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ phê duyệt Chương trình mục "
    "tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025",
    "Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ ban hành Bộ tiêu chí quốc gia "
    "về xã nông thôn mới và Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2021-2025",
    "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
]

# The plan's own criteria, section IV.1 a–e: (text, value type, max points, evidence required).
PLAN_CRITERIA: dict[str, tuple[str, list[tuple[str, str, int, bool]]]] = {
    TargetGroup.ORGANISATIONS: (
        "Tiêu chí thi đua đối với các phòng, ban, ngành, Ủy ban MTTQ Việt Nam và các đoàn thể "
        "chính trị - xã hội thị xã",
        [
            (
                "Hoàn thành có chất lượng, đúng tiến độ các nhiệm vụ của thành viên Ban Chỉ đạo cấp "
                "thị xã về thực hiện Chương trình MTQG xây dựng nông thôn mới theo phân công của "
                "Trưởng Ban Chỉ đạo",
                ValueType.SCORE,
                30,
                True,
            ),
            (
                "Kịp thời nghiên cứu, tham mưu Thị ủy, HĐND, UBND thị xã hoàn thiện chính sách, giải "
                "pháp thúc đẩy xây dựng nông thôn mới (chuyển đổi số, kinh tế tuần hoàn, nông nghiệp "
                "thích ứng biến đổi khí hậu, du lịch nông thôn...)",
                ValueType.SCORE,
                25,
                True,
            ),
            (
                "Tuyên truyền, vận động đoàn viên, hội viên, người dân, doanh nghiệp, cộng đồng dân "
                "cư tham gia Phong trào thi đua (đối với Ủy ban MTTQ và các đoàn thể)",
                ValueType.SCORE,
                20,
                False,
            ),
            (
                "Đăng ký và tham gia chỉ đạo, hỗ trợ theo địa chỉ, có kết quả cụ thể đối với địa "
                "phương được giúp đỡ",
                ValueType.SCORE,
                25,
                True,
            ),
        ],
    ),
    TargetGroup.COMMUNES: (
        "Tiêu chí thi đua đối với các xã",
        [
            (
                "Đạt hoặc giữ vững chuẩn xã nông thôn mới nâng cao, nông thôn mới kiểu mẫu theo kế "
                "hoạch; là xã tiêu biểu trong phong trào của thị xã",
                ValueType.YES_NO,
                20,
                True,
            ),
            (
                "Không nợ đọng xây dựng cơ bản trong xây dựng nông thôn mới",
                ValueType.YES_NO,
                10,
                True,
            ),
            (
                "Có mô hình phát triển kinh tế nông nghiệp thích ứng biến đổi khí hậu, du lịch nông "
                "thôn gắn với làng nghề, bảo tồn giá trị văn hóa truyền thống",
                ValueType.SCORE,
                15,
                True,
            ),
            (
                "Kịp thời cụ thể hóa, ban hành, hoàn thiện cơ chế, chính sách và tổ chức thực hiện "
                "Chương trình MTQG xây dựng nông thôn mới trên địa bàn",
                ValueType.SCORE,
                10,
                False,
            ),
            (
                "Tỷ lệ thôn đạt chuẩn nông thôn mới, nông thôn mới kiểu mẫu",
                ValueType.PERCENT,
                20,
                True,
            ),
            ("Số tiêu chí nông thôn mới tăng thêm trong năm", ValueType.NUMBER, 15, True),
            (
                "Kinh phí huy động từ cộng đồng và xã hội hóa cho xây dựng nông thôn mới",
                ValueType.MONEY,
                10,
                True,
            ),
        ],
    ),
    TargetGroup.VILLAGES: (
        "Tiêu chí thi đua đối với các thôn",
        [
            (
                "Đạt chuẩn thôn nông thôn mới kiểu mẫu theo tiêu chí do UBND tỉnh quy định",
                ValueType.YES_NO,
                50,
                True,
            ),
            (
                "Dẫn đầu phong trào xây dựng nông thôn mới so với các thôn trong xã",
                ValueType.SCORE,
                50,
                False,
            ),
        ],
    ),
    TargetGroup.ENTERPRISES: (
        "Tiêu chí thi đua đối với doanh nghiệp, hợp tác xã",
        [
            (
                "Có đóng góp cụ thể, thiết thực trong xây dựng nông thôn mới, được cấp có thẩm quyền "
                "ghi nhận",
                ValueType.MONEY,
                25,
                True,
            ),
            (
                "Có liên kết sản xuất theo chuỗi giá trị; bảo tồn, phát triển ngành nghề truyền thống",
                ValueType.YES_NO,
                20,
                False,
            ),
            ("Số sản phẩm OCOP được xếp hạng từ 3 sao trở lên", ValueType.NUMBER, 25, True),
            ("Số lao động nông thôn được giải quyết việc làm", ValueType.NUMBER, 30, False),
        ],
    ),
    TargetGroup.INDIVIDUALS: (
        "Tiêu chí thi đua đối với cá nhân",
        [
            (
                "Cán bộ, công chức, viên chức: có sáng kiến, giải pháp hữu ích trong tham mưu, tổ chức "
                "thực hiện, tháo gỡ khó khăn cho cơ sở",
                ValueType.TEXT,
                50,
                True,
            ),
            (
                "Người lao động, thành viên hợp tác xã: việc làm thiết thực (hiến kế, đóng góp tiền "
                "của, công sức, đất đai), mô hình hay, cách làm sáng tạo",
                ValueType.TEXT,
                50,
                True,
            ),
        ],
    ),
    TargetGroup.OTHERS: (
        "Tiêu chí thi đua đối với các đối tượng khác",
        [
            (
                "Đóng góp công sức, trí tuệ, vật chất xây dựng nông thôn mới (tổ chức quốc tế, doanh "
                "nhân, trí thức, người Việt Nam ở nước ngoài...)",
                ValueType.MONEY,
                60,
                True,
            ),
            (
                "Sản xuất, kinh doanh giỏi, giúp đỡ cộng đồng trong xây dựng nông thôn mới ở địa "
                "phương",
                ValueType.TEXT,
                40,
                False,
            ),
        ],
    ),
}

# Sample NTM results: criteria met per commune per year (Phổ An's advanced level for 2022 is
# real, docs/data.md "Demo data"; every other figure is sample).
SAMPLE_NTM = {
    "XA-PHO-AN": [(19, "ntm"), (19, "advanced"), (19, "advanced"), (19, "advanced"), (19, "model")],
    "XA-PHO-THUAN": [(14, "none"), (16, "none"), (17, "none"), (19, "ntm"), (19, "ntm")],
    "XA-PHO-PHONG": [(15, "none"), (16, "none"), (18, "none"), (19, "ntm"), (19, "advanced")],
    "XA-PHO-NHON": [(13, "none"), (14, "none"), (15, "none"), (16, "none"), (18, "none")],
    "XA-PHO-CHAU": [(16, "none"), (17, "none"), (19, "ntm"), (19, "ntm"), (19, "advanced")],
    "XA-PHO-CUONG": [(12, "none"), (13, "none"), (15, "none"), (16, "none"), (17, "none")],
    "XA-PHO-KHANH": [(15, "none"), (15, "none"), (16, "none"), (17, "none"), (19, "ntm")],
}


def _ntm_criteria() -> NtmCriterionSet:
    """The demo campaign's national criteria: the reference set `migrate` installed."""
    return ensure_ntm_criteria()[QD318_CODE]


def _campaign(ntm_set: NtmCriterionSet) -> Campaign:
    campaign, _ = upsert(
        Campaign,
        {"code": CAMPAIGN_CODE},
        {
            "title": "Phong trào thi đua “Đức Phổ chung sức xây dựng nông thôn mới” giai đoạn 2021-2025",
            "issuing_body": "Ủy ban nhân dân thị xã Đức Phổ",
            "authority": load_authorities(),
            "plan_number": "…/KH-UBND",  # the seed leaves the number blank
            # The plan's date line reads "ngày … tháng 7 năm 2022": no day, so no date.
            "plan_date": None,
            "plan_date_text": "tháng 7 năm 2022",
            "legal_bases": "\n".join(LEGAL_BASES),
            "start_year": 2021,
            "end_year": 2025,
            "preliminary_review_year": 2023,
            "final_review_year": 2025,
            # Closed: its final review was signed (reports/demo.py); the campaign running
            # today is phường Đức Phổ's 2026–2030 one (campaigns/demo_successor.py).
            "status": CampaignStatus.CLOSED,
            "ntm_criterion_set": ntm_set,
        },
    )
    targets = [
        (
            "Có từ 02 - 04 xã đạt chuẩn nông thôn mới nâng cao",
            TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
            2,
            4,
        ),
        (
            "Trong đó từ 01 - 02 xã đạt chuẩn nông thôn mới kiểu mẫu",
            TargetMetric.COMMUNES_MODEL,
            1,
            2,
        ),
        (
            "Tất cả các tiêu chí nông thôn mới đã đạt được tiếp tục giữ vững và nâng cao chất lượng",
            TargetMetric.CRITERIA_KEPT,
            None,
            None,
        ),
    ]
    for order, (title, metric, low, high) in enumerate(targets, start=1):
        upsert(
            Target,
            {"campaign": campaign, "metric": metric},
            {"title": title, "min_value": low, "max_value": high, "by_year": 2025, "order": order},
        )
    milestones = [
        (
            MilestoneKind.DEPLOYMENT,
            "Triển khai Kế hoạch tổ chức thực hiện Phong trào thi đua",
            None,
            datetime.date(2022, 7, 31),
        ),
        (
            MilestoneKind.PRELIMINARY_REVIEW,
            "Sơ kết, đánh giá, rút kinh nghiệm Phong trào thi đua",
            2023,
            datetime.date(2023, 12, 31),
        ),
        (
            MilestoneKind.FINAL_REVIEW,
            "Tổng kết Phong trào thi đua giai đoạn 2021-2025",
            2025,
            datetime.date(2025, 12, 31),
        ),
    ]
    for year in campaign.years:
        # The plan says "hàng năm"; the dates are the demo's (sample) choice.
        milestones.append(
            (
                MilestoneKind.REGISTRATION,
                f"Hạn đăng ký thi đua năm {year}",
                year,
                datetime.date(year, 3, 31),
            )
        )
        milestones.append(
            (
                MilestoneKind.YEARLY_REPORT,
                f"Hạn báo cáo kết quả Phong trào thi đua năm {year}",
                year,
                datetime.date(year, 11, 30),
            )
        )
    for kind, title, year, due in milestones:
        upsert(
            Milestone,
            {"campaign": campaign, "kind": kind, "year": year},
            {"title": title, "due_date": due},
        )
    for group, (name, criteria) in PLAN_CRITERIA.items():
        criteria_set, _ = CriteriaSet.objects.get_or_create(
            campaign=campaign,
            target_group=group,
            version=1,
            defaults={
                "name": name,
                "legal_basis": "Kế hoạch tổ chức thực hiện Phong trào thi đua “Đức Phổ chung sức xây "
                "dựng nông thôn mới” giai đoạn 2021-2025, mục IV.1",
                "valid_from": datetime.date(2022, 7, 1),
            },
        )
        for number, (text, value_type, points, evidence) in enumerate(criteria, start=1):
            Criterion.objects.get_or_create(
                criteria_set=criteria_set,
                number=number,
                defaults={
                    "text": text,
                    "value_type": value_type,
                    "max_points": Decimal(points),
                    "evidence_required": evidence,
                },
            )
    return campaign


def _sample_results(campaign: Campaign, ntm_set: NtmCriterionSet) -> None:
    rng = random.Random(2021)  # fixed seed: the demo is the same on every machine
    criteria = list(ntm_set.criteria.order_by("number"))
    for code, rows in SAMPLE_NTM.items():
        commune = Unit.objects.get(code=code)
        for year, (met, level) in zip(campaign.years, rows, strict=True):
            status, created = NtmStatus.objects.get_or_create(
                unit=commune,
                year=year,
                defaults={"level": level, "criteria_met_count": met, "is_sample": True},
            )
            if created:
                # Keep the criteria met from one year to the next; add new ones in order.
                status.criteria_met.set(criteria[:met])
                if level != NtmLevel.NONE:
                    status.recognition_decision = "Quyết định công nhận (mẫu)"
                    status.save(update_fields=["recognition_decision"])
        refresh_ntm_derived([commune.pk])
        villages = list(commune.children.filter(kind=UnitKind.VILLAGE).order_by("code"))
        for year in campaign.years:
            share = min(1.0, 0.2 + 0.2 * (year - campaign.start_year) + rng.random() * 0.2)
            at_standard = round(share * len(villages))
            for i, village in enumerate(villages):
                level = NtmLevel.NONE
                if i < at_standard:
                    level = NtmLevel.MODEL if (i == 0 and year >= 2024) else NtmLevel.NTM
                NtmStatus.objects.get_or_create(
                    unit=village, year=year, defaults={"level": level, "is_sample": True}
                )
        for year in campaign.years:
            if Contribution.objects.filter(commune=commune, year=year, is_sample=True).exists():
                continue
            Contribution.objects.create(
                campaign=campaign,
                year=year,
                commune=commune,
                is_sample=True,
                contributor=f"Nhân dân {commune.name.removeprefix('Xã ')}",
                contributor_kind=ContributorKind.PEOPLE,
                money_vnd=Decimal(rng.randrange(800, 4000) * 1_000_000),
                work_days=Decimal(rng.randrange(300, 2500)),
                land_m2=Decimal(rng.randrange(200, 3000)),
                note="Số liệu mẫu",
            )
            Contribution.objects.create(
                campaign=campaign,
                year=year,
                commune=commune,
                is_sample=True,
                contributor="Doanh nghiệp, nhà hảo tâm trên địa bàn (mẫu)",
                contributor_kind=ContributorKind.ENTERPRISE,
                money_vnd=Decimal(rng.randrange(200, 1500) * 1_000_000),
                note="Số liệu mẫu",
            )


def _sponsorships(campaign: Campaign) -> None:
    pairs = [
        ("DP-PKT", "XA-PHO-NHON"),
        ("DP-PVHTT", "XA-PHO-THUAN"),
        ("DP-TCNV", "XA-PHO-AN"),
        ("DP-TTTT-VHTT", "XA-PHO-PHONG"),
        ("DP-PTCKH", "XA-PHO-CHAU"),
        ("DP-PTNMT", "XA-PHO-CUONG"),
        ("DP-PQLDT", "XA-PHO-KHANH"),
    ]
    for sponsor, commune in pairs:
        Sponsorship.objects.get_or_create(
            campaign=campaign,
            sponsor=Unit.objects.get(code=sponsor),
            commune=Unit.objects.get(code=commune),
            defaults={
                "commitment": "Hỗ trợ xã rà soát, hoàn thiện hồ sơ các tiêu chí còn thiếu (mẫu)."
            },
        )


def _confirm_past_ntm(campaign: Campaign) -> None:
    """The closed campaign's NTM results were confirmed by the economic office early in the
    following year (through the model's save, so each confirmation is in the history)."""
    from portal.models import User

    confirmer = User.objects.filter(username="kinhte").first()
    pending = NtmStatus.objects.filter(
        is_sample=True, year__lte=campaign.end_year, confirmed_at__isnull=True
    )
    for status in pending:
        status.confirmed_at = datetime.datetime(
            status.year + 1, 1, 20, 9, 0, tzinfo=timezone.get_current_timezone()
        )
        status.confirmed_by = confirmer
        status.save(update_fields=["confirmed_at", "confirmed_by"])


@transaction.atomic
def load() -> dict[str, int]:
    ntm_set = _ntm_criteria()
    demo_successor.load_units()  # bodies of phường Đức Phổ, expected from 01/07/2025
    campaign = _campaign(ntm_set)
    _sample_results(campaign, ntm_set)
    _sponsorships(campaign)
    oversight_demo.load(campaign)
    cycle_demo.load(campaign)  # registrations, self-assessments, extensions (campaigns/cycle)
    _confirm_past_ntm(campaign)
    successor = demo_successor.load()  # the 2026–2030 campaign, dated from today
    return {
        "campaigns": Campaign.objects.count(),
        "ntm_statuses": NtmStatus.objects.count(),
        "contributions": Contribution.objects.count(),
        "current_year": successor["year"],
    }
