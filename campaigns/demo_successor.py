"""The demo's campaign that runs today: phường Đức Phổ's 2026–2030 campaign (labelled sample).

After 01/07/2025 the town is gone (docs/authorities.md); phường Đức Phổ, which took over its
seat, runs its own campaign for the bodies of its area. Everything here is dated from the day
`load_demo` runs (`timezone.localdate()`): the campaign's current year is today's year held
within 2026–2030, earlier years of the campaign are complete, and in the current year the
registration is done, the yearly report is due after today and the units are at every stage —
one drafting, one returned with a reason, one submitted for review, one approved, one that has
asked for more time. The plan has targets for 2030 and the two communes formed from the
town's communes have their NTM results for every year so far (the current year's waiting for the
economic office), so the chairman's dashboard reads the campaign's progress. Idempotent: rows
are matched by code or by (campaign, unit, year).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.utils import upsert
from units.models import Authority, Gender, Person, PersonKind, Unit, UnitKind

from .cycle.demo import _value, sample_evidence
from .models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Campaign,
    CampaignStatus,
    Contribution,
    ContributorKind,
    CriteriaSet,
    CriteriaSetStatus,
    Criterion,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneKind,
    NtmLevel,
    NtmStatus,
    Registration,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from .reference import QD318_CODE, ensure_ntm_criteria
from .results.derived import refresh_ntm_derived

CAMPAIGN_CODE = "phuongducpho-ntm-2026-2030"
START_YEAR, END_YEAR = 2026, 2030
WARD = "P2025-DUC-PHO"
AUTHORITY = "UBND-P-DUC-PHO"
# The ward's bodies that take part (sample: the ward's own organisation chart is not in the
# sources). Each row: code, name, kind, the stage of the current year's self-assessment.
UNITS = [
    ("PDP-VP", "Văn phòng HĐND và UBND phường Đức Phổ", UnitKind.DEPARTMENT, "draft"),
    (
        "PDP-PKT",
        "Phòng Kinh tế, Hạ tầng và Đô thị phường Đức Phổ",
        UnitKind.DEPARTMENT,
        "returned",
    ),
    ("PDP-PVHXH", "Phòng Văn hóa – Xã hội phường Đức Phổ", UnitKind.DEPARTMENT, "submitted"),
    (
        "PDP-TTHCC",
        "Trung tâm Phục vụ hành chính công phường Đức Phổ",
        UnitKind.DEPARTMENT,
        "extension",
    ),
    (
        "PDP-MTTQ",
        "Ủy ban Mặt trận Tổ quốc Việt Nam phường Đức Phổ",
        UnitKind.FATHERLAND_FRONT,
        "approved",
    ),
    ("PDP-DTN", "Đoàn Thanh niên phường Đức Phổ", UnitKind.MASS_ORGANISATION, "none"),
]
#: The demo officer answers for these two (one drafting, one returned to him).
OFFICER_UNITS = ["PDP-VP", "PDP-PKT"]
PEOPLE = [
    (
        "CN-MAU-101",
        "Nguyễn Thị Thanh Thủy",
        Gender.FEMALE,
        1986,
        "Phó Trưởng phòng Văn hóa – Xã hội",
        "PDP-PVHXH",
    ),
    ("CN-MAU-102", "Lê Văn Trung", Gender.MALE, 1981, "Trưởng phòng Kinh tế", "PDP-PKT"),
    ("CN-MAU-103", "Phạm Thị Kiều Oanh", Gender.FEMALE, 1990, "Bí thư Đoàn phường", "PDP-DTN"),
]
CRITERIA = (
    "Tiêu chí thi đua đối với các cơ quan, đơn vị, Mặt trận Tổ quốc và các đoàn thể phường (mẫu)",
    [
        (
            "Hoàn thành đúng tiến độ các nhiệm vụ được phân công trong kế hoạch thực hiện phong "
            "trào của phường",
            ValueType.SCORE,
            40,
            True,
        ),
        (
            "Có mô hình, cách làm hay trong xây dựng khu dân cư văn minh, chỉnh trang đô thị",
            ValueType.SCORE,
            30,
            True,
        ),
        (
            "Tuyên truyền, vận động nhân dân tham gia phong trào (số buổi, số lượt người)",
            ValueType.NUMBER,
            15,
            False,
        ),
        ("Kinh phí vận động xã hội hóa cho phong trào", ValueType.MONEY, 15, True),
    ],
)
#: The plan's targets for 2030 (sample), computed from the NTM records like the town's were:
#: (title, metric, minimum, maximum).
TARGETS = [
    (
        "100% xã trên địa bàn đạt chuẩn nông thôn mới (mẫu)",
        TargetMetric.COMMUNES_NTM_OR_BETTER,
        2,
        None,
    ),
    (
        "Có ít nhất 01 xã đạt chuẩn nông thôn mới nâng cao (mẫu)",
        TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        1,
        None,
    ),
    (
        "Các tiêu chí nông thôn mới đã đạt được tiếp tục giữ vững và nâng cao chất lượng",
        TargetMetric.CRITERIA_KEPT,
        None,
        None,
    ),
]
#: The NTM results of the two communes formed on 01/07/2025 from the town's communes, from the
#: campaign's first year: code → [(level, criteria met)] for 2026, 2027, … (sample). Each year's
#: criteria met are the first n of the national set, so a commune keeps what it met before.
NTM_RESULTS = {
    "X2025-NGUYEN-NGHIEM": [
        (NtmLevel.NTM, 19),
        (NtmLevel.ADVANCED, 19),
        (NtmLevel.ADVANCED, 19),
        (NtmLevel.ADVANCED, 19),
        (NtmLevel.MODEL, 19),
    ],
    "X2025-KHANH-CUONG": [
        (NtmLevel.NONE, 17),
        (NtmLevel.NONE, 18),
        (NtmLevel.NTM, 19),
        (NtmLevel.NTM, 19),
        (NtmLevel.ADVANCED, 19),
    ],
}
RETURN_REASON = (
    "Tiêu chí 4 chưa có bảng tổng hợp kinh phí vận động có xác nhận của đơn vị tiếp nhận; "
    "đề nghị bổ sung và nộp lại trước hạn (mẫu)."
)


def current_year(today: datetime.date | None = None) -> int:
    """The campaign's year the demo shows as current: today's, held within 2026–2030."""
    today = today or timezone.localdate()
    return min(max(today.year, START_YEAR), END_YEAR)


def results_year(today: datetime.date | None = None) -> int:
    """The year whose results are reported and rewarded now: the current year from October (the
    year-end reports and awards), the year before until then (never before 2026)."""
    today = today or timezone.localdate()
    year = current_year(today)
    if today.year == year and today.month < 10 and year > START_YEAR:
        return year - 1
    return year


def report_due(year: int, today: datetime.date) -> datetime.date:
    """The yearly report's deadline: 15 December, and for the current year never less than ten
    days after today, so the drafts are due and nobody is late yet."""
    due = datetime.date(year, 12, 15)
    if year == current_year(today):
        due = max(due, today + datetime.timedelta(days=10))
    return due


def _moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, 0), tzinfo=timezone.get_current_timezone()
    )


def load_units() -> dict[str, Unit]:
    """The ward's bodies (formed on 01/07/2025, so they also report for the second half of the
    town's plan in 2025) and their sample people."""
    ward = Unit.objects.get(code=WARD)
    units = {}
    for code, name, kind, _ in UNITS:
        units[code], _ = upsert(
            Unit,
            {"code": code},
            {
                "name": name,
                "kind": kind,
                "parent": ward,
                "valid_from": ward.valid_from,
                "is_sample": True,
                "note": "Cơ quan, đơn vị của phường Đức Phổ (dữ liệu mẫu).",
            },
        )
    for code, name, gender, year, position, unit_code in PEOPLE:
        upsert(
            Person,
            {"code": code},
            {
                "full_name": name,
                "gender": gender,
                "birth_year": year,
                "position": position,
                "affiliation": units[unit_code],
                "kind": PersonKind.OFFICIAL,
                "is_sample": True,
            },
        )
    return units


def _campaign(today: datetime.date) -> Campaign:
    authority = Authority.objects.get(code=AUTHORITY)
    plan_day = min(datetime.date(2026, 1, 20), today)
    campaign, _ = upsert(
        Campaign,
        {"code": CAMPAIGN_CODE},
        {
            "title": "Phong trào thi đua “Phường Đức Phổ chung sức xây dựng nông thôn mới, đô "
            "thị văn minh” giai đoạn 2026-2030 (mẫu)",
            "issuing_body": authority.body,
            "authority": authority,
            "plan_number": "15/KH-UBND",
            "plan_date": plan_day,
            "legal_bases": "\n".join(
                [
                    "Luật Tổ chức chính quyền địa phương số 72/2025/QH15",
                    "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15/6/2022",
                    "Kế hoạch của UBND tỉnh Quảng Ngãi về phong trào thi đua giai đoạn "
                    "2026-2030 (mẫu)",
                ]
            ),
            "start_year": START_YEAR,
            "end_year": END_YEAR,
            "preliminary_review_year": 2028,
            "final_review_year": END_YEAR,
            "status": CampaignStatus.ACTIVE,
            "is_sample": True,
            # The national criteria the communes are measured against (the reference set).
            "ntm_criterion_set": ensure_ntm_criteria()[QD318_CODE],
        },
    )
    for order, (title, metric, low, high) in enumerate(TARGETS, start=1):
        upsert(
            Target,
            {"campaign": campaign, "metric": metric},
            {
                "title": title,
                "min_value": low,
                "max_value": high,
                "by_year": END_YEAR,
                "order": order,
            },
        )
    milestones = [
        (
            MilestoneKind.DEPLOYMENT,
            "Triển khai Kế hoạch tổ chức thực hiện Phong trào thi đua",
            None,
            plan_day + datetime.timedelta(days=40),
        ),
        (
            MilestoneKind.PRELIMINARY_REVIEW,
            "Sơ kết Phong trào thi đua",
            2028,
            datetime.date(2028, 12, 31),
        ),
        (
            MilestoneKind.FINAL_REVIEW,
            "Tổng kết Phong trào thi đua giai đoạn 2026-2030",
            END_YEAR,
            datetime.date(END_YEAR, 12, 31),
        ),
    ]
    for year in campaign.years:
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
                report_due(year, today),
            )
        )
    for kind, title, year, due in milestones:
        upsert(
            Milestone,
            {"campaign": campaign, "kind": kind, "year": year},
            {"title": title, "due_date": due},
        )
    name, criteria = CRITERIA
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        campaign=campaign,
        target_group=TargetGroup.ORGANISATIONS,
        version=1,
        defaults={
            "name": name,
            "legal_basis": "Kế hoạch tổ chức thực hiện Phong trào thi đua của UBND phường Đức Phổ "
            "giai đoạn 2026-2030, mục III (mẫu)",
            "valid_from": datetime.date(START_YEAR, 1, 1),
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


def _registration(campaign, unit, year, officer, day: datetime.date) -> None:
    registration, created = Registration.objects.get_or_create(
        campaign=campaign,
        unit=unit,
        year=year,
        defaults={
            "commitments": f"Năm {year}, {unit.name} đăng ký hoàn thành xuất sắc nhiệm vụ được "
            "giao, có ít nhất một mô hình xây dựng khu dân cư văn minh (mẫu).",
            "submitted_by": officer if unit.code in OFFICER_UNITS else None,
            "is_sample": True,
        },
    )
    if created:  # registered on `day` (auto_now_add stamps today); the creation is audited
        registration.submitted_at = _moment(day, 8)
        registration.save(update_fields=["submitted_at"])


def _assessment(
    campaign, unit, year, stage, *, submitted_on, officer, reviewer, rng
) -> Assessment | None:
    if Assessment.objects.filter(campaign=campaign, unit=unit, year=year).exists():
        return None
    criteria_set = campaign.criteria_sets.get(target_group=TargetGroup.ORGANISATIONS, version=1)
    assessment = Assessment.objects.create(
        campaign=campaign,
        unit=unit,
        year=year,
        criteria_set=criteria_set,
        is_sample=True,
        summary=f"{unit.name} triển khai các nhiệm vụ của phong trào năm {year}; số liệu là "
        "mẫu minh họa.",
    )
    if criteria_set.status == CriteriaSetStatus.EDITABLE:
        criteria_set.status = CriteriaSetStatus.IN_USE
        criteria_set.save(update_fields=["status"])
    share = 0.7 + rng.random() * 0.25
    for criterion in criteria_set.criteria.order_by("number"):
        item = AssessmentItem(assessment=assessment, criterion=criterion)
        _value(item, rng, share)
        item.save()
        # The returned file lacks the last criterion's evidence: that is why it came back.
        lacking = stage == AssessmentStatus.RETURNED and criterion.number == 4
        if criterion.evidence_required and item.self_score and not lacking:
            sample_evidence(item, year=year, officer=officer)
        if stage == AssessmentStatus.APPROVED:
            item.reviewer_score = item.self_score
            item.save(update_fields=["reviewer_score"])
        if lacking:
            item.returned = True
            item.reviewer_comment = "Đề nghị bổ sung bảng tổng hợp kinh phí có xác nhận (mẫu)."
            item.return_snapshot = {
                "value": "",
                "self_score": str(item.self_score),
                "note": item.note,
                "evidence": [],
            }
            item.save(update_fields=["returned", "reviewer_comment", "return_snapshot"])
    if stage == AssessmentStatus.DRAFT:
        return assessment
    assessment.status = stage
    assessment.submitted_at = _moment(submitted_on, 10)
    assessment.submitted_by = officer
    fields = ["status", "submitted_at", "submitted_by"]
    if stage == AssessmentStatus.APPROVED:
        assessment.approved_at = _moment(submitted_on + datetime.timedelta(days=5), 15)
        assessment.approved_by = reviewer
        fields += ["approved_at", "approved_by"]
    if stage == AssessmentStatus.RETURNED:
        assessment.return_reason = RETURN_REASON
        fields.append("return_reason")
    assessment.save(update_fields=fields)
    return assessment


def _ntm_records(campaign: Campaign, year: int, rng: random.Random) -> None:
    """The two communes formed from the town's communes have their NTM results from the
    campaign's first year to the current one, with the criteria met and what their people and
    businesses gave. The past years were confirmed by the economic office early in the next
    year; the current year's results are entered and wait for its confirmation."""
    from portal.models import User

    confirmer = User.objects.filter(username="kinhte").first()
    criteria = list(campaign.ntm_criterion_set.criteria.order_by("number"))
    for code, rows in NTM_RESULTS.items():
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            continue
        for y, (level, met) in zip(campaign.years, rows, strict=True):
            if y > year:
                break
            status, created = NtmStatus.objects.get_or_create(
                unit=unit,
                year=y,
                defaults={"level": level, "criteria_met_count": met, "is_sample": True},
            )
            if created:
                status.criteria_met.set(criteria[:met])
                fields = []
                if level != NtmLevel.NONE:
                    status.recognition_decision = "Quyết định công nhận (mẫu)"
                    fields.append("recognition_decision")
                if y < year:
                    status.confirmed_at = _moment(datetime.date(y + 1, 1, 20))
                    status.confirmed_by = confirmer
                    fields += ["confirmed_at", "confirmed_by"]
                if fields:
                    status.save(update_fields=fields)
            if not Contribution.objects.filter(
                campaign=campaign, commune=unit, year=y, is_sample=True
            ).exists():
                Contribution.objects.create(
                    campaign=campaign,
                    year=y,
                    commune=unit,
                    is_sample=True,
                    contributor=f"Nhân dân {unit.name.removeprefix('Xã ')}",
                    contributor_kind=ContributorKind.PEOPLE,
                    money_vnd=Decimal(rng.randrange(800, 4000) * 1_000_000),
                    work_days=Decimal(rng.randrange(300, 2500)),
                    land_m2=Decimal(rng.randrange(200, 3000)),
                    note="Số liệu mẫu",
                )
        refresh_ntm_derived([unit.pk])


@transaction.atomic
def load() -> dict[str, int]:
    from portal.demo import load_users
    from portal.models import User

    if not User.objects.filter(username="canbo.phoan").exists():
        load_users()
    today = timezone.localdate()
    year = current_year(today)
    officer = User.objects.get(username="canbo.phoan")
    reviewer = User.objects.get(username="thuongtruc")
    units = load_units()
    officer.units.add(*(units[c] for c in OFFICER_UNITS))
    campaign = _campaign(today)
    rng = random.Random(2026)
    for y in campaign.years:
        if y > year:
            break
        # Registered in the first weeks of the year (the current year's before today).
        registered = min(datetime.date(y, 3, 10), today - datetime.timedelta(days=1))
        registered = max(registered, datetime.date(y, 1, 2))
        for code, _name, _kind, stage in UNITS:
            _registration(campaign, units[code], y, officer, min(registered, today))
            if y < year:  # a past year of the campaign: every unit reported and was approved
                due = report_due(y, today)
                day = due - datetime.timedelta(days=rng.randrange(3, 20))
                _assessment(
                    campaign,
                    units[code],
                    y,
                    AssessmentStatus.APPROVED,
                    submitted_on=day,
                    officer=officer,
                    reviewer=reviewer,
                    rng=rng,
                )
                continue
            if stage in ("none", "extension"):
                continue
            sent = max(today - datetime.timedelta(days=rng.randrange(3, 12)), registered)
            _assessment(
                campaign,
                units[code],
                y,
                AssessmentStatus(stage),
                submitted_on=sent,
                officer=officer,
                reviewer=reviewer,
                rng=rng,
            )
    ExtensionRequest.objects.get_or_create(
        campaign=campaign,
        unit=units["PDP-TTHCC"],
        year=year,
        defaults={
            "reason": "Trung tâm đang kiện toàn nhân sự sau sắp xếp, số liệu tiếp nhận hồ sơ "
            "quý IV chưa tổng hợp xong; đề nghị gia hạn nộp báo cáo thêm 15 ngày (mẫu).",
            "status": ExtensionStatus.PENDING,
            "is_sample": True,
        },
    )
    _ntm_records(campaign, year, rng)
    from .cycle.risk import refresh_all

    refresh_all(Assessment.objects.filter(campaign=campaign))  # the review queue's signals
    return {
        "campaign": 1,
        "year": year,
        "assessments": Assessment.objects.filter(campaign=campaign).count(),
    }
