"""Sample registrations and self-assessments 2021–2025 for the Đức Phổ units (labelled sample).

The campaign is closed: every year is approved, Phổ An's 2025 report came inside the extension it
was granted, and one enterprise never submitted its 2025 report (its extension was refused). The
stages of a year in progress (draft, returned, submitted) are shown by the 2026–2030 campaign
(campaigns/demo_successor.py). Idempotent: a (unit, year) that already has a row is left
alone. The rows are written directly rather than through the services because the services
apply today's deadlines, which the sample years are long past; the history still shows each
step (created, submitted, reviewed) with the sample reviewer.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from units.models import Unit, UnitKind

from ..deadlines import deadlines_for
from ..models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Campaign,
    CriteriaSetStatus,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    NtmLevel,
    Registration,
    ValueType,
)
from . import rules

# 2025 status per unit code (others: approved). The campaign is closed (its final review is
# signed): every unit reported and was approved, except one enterprise that never submitted.
STATUS_2025 = {"DN-MAU-01": AssessmentStatus.DRAFT}
# The units with sample results; the first ones were once listed with 2025 stages.
REPORTING_CODES = [
    "XA-PHO-AN",
    "XA-PHO-THUAN",
    "XA-PHO-PHONG",
    "XA-PHO-NHON",
    "XA-PHO-CHAU",
    "DP-PVHTT",
    "DP-MTTQ",
    "DN-MAU-01",
]
OTHER_CODES = [
    "XA-PHO-CUONG",
    "XA-PHO-KHANH",
    "DP-PKT",
    "DP-TCNV",
    "DP-HND",
    "DP-HLHPN",
    "HTX-MAU-01",
]

SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def sample_evidence(item: AssessmentItem, *, year: int, officer) -> Evidence:
    """A sample proof (a one-page PDF) attached to a demo assessment item."""
    number = item.criterion.number
    evidence = Evidence(
        item=item,
        original_name=f"Bao cao tieu chi {number} nam {year} (mau).pdf",
        content_type="application/pdf",
        size=len(SAMPLE_PDF),
        sha256="0" * 64,
        uploaded_by=officer,
    )
    evidence.file.save(f"mau-{item.assessment_id}-{number}.pdf", ContentFile(SAMPLE_PDF))
    return evidence


def _value(item: AssessmentItem, rng: random.Random, share: float) -> None:
    c = item.criterion
    vt = c.value_type
    if vt == ValueType.YES_NO:
        item.value_bool = share > 0.5
    elif vt == ValueType.PERCENT:
        item.value_number = Decimal(round(40 + 60 * share, 1)).quantize(Decimal("0.1"))
    elif vt == ValueType.MONEY:
        item.value_number = Decimal(rng.randrange(300, 3000) * 1_000_000)
    elif vt == ValueType.NUMBER:
        item.value_number = Decimal(rng.randrange(0, 6))
    elif vt == ValueType.SCORE:
        item.value_number = (c.max_points * Decimal(share)).quantize(Decimal("0.5"))
    else:
        item.value_text = "Có sáng kiến, mô hình được ghi nhận (mẫu)."
    item.self_score = (c.max_points * Decimal(share)).quantize(Decimal("0.5"))
    item.note = "Số liệu mẫu" if rng.random() < 0.3 else ""


def _assessment(campaign, unit, year, status, reviewer, officer, rng) -> Assessment | None:
    if Assessment.objects.filter(campaign=campaign, unit=unit, year=year).exists():
        return None
    criteria_set = rules.criteria_set_for(campaign=campaign, kind=unit.kind, year=year)
    if criteria_set is None:
        return None
    due = rules.yearly_deadline(campaign=campaign, year=year) or datetime.date(year, 11, 30)
    late = status != AssessmentStatus.DRAFT and rng.random() < 0.15
    submitted = datetime.datetime.combine(
        due + datetime.timedelta(days=rng.randrange(1, 6) if late else -rng.randrange(1, 20)),
        datetime.time(9, 30),
        tzinfo=timezone.get_current_timezone(),
    )
    assessment = Assessment.objects.create(
        campaign=campaign,
        unit=unit,
        year=year,
        criteria_set=criteria_set,
        is_sample=True,
        summary="Đơn vị triển khai Phong trào thi đua theo kế hoạch; số liệu là mẫu minh họa.",
    )
    if criteria_set.status == CriteriaSetStatus.EDITABLE:
        criteria_set.status = CriteriaSetStatus.IN_USE
        criteria_set.save(update_fields=["status"])
    base = 0.55 + 0.08 * (year - campaign.start_year) + rng.random() * 0.15
    for criterion in criteria_set.criteria.all():
        item = AssessmentItem(assessment=assessment, criterion=criterion)
        _value(item, rng, min(1.0, base + rng.uniform(-0.1, 0.1)))
        item.save()
        missing = status == AssessmentStatus.SUBMITTED and rng.random() < 0.3
        if criterion.evidence_required and item.self_score and not missing:
            sample_evidence(item, year=year, officer=officer)
        if status == AssessmentStatus.APPROVED:
            item.reviewer_score = item.self_score
            if rng.random() < 0.2 and item.self_score:
                item.reviewer_score = item.self_score - min(item.self_score, Decimal(2))
                item.reviewer_comment = "Minh chứng chưa thể hiện đầy đủ kết quả (mẫu)."
            item.save(update_fields=["reviewer_score", "reviewer_comment"])
    if status == AssessmentStatus.DRAFT:
        return assessment
    assessment.status = status
    assessment.submitted_at = submitted
    assessment.submitted_by = officer
    assessment.is_late = late
    fields = ["status", "submitted_at", "submitted_by", "is_late"]
    if status == AssessmentStatus.APPROVED:
        assessment.approved_at = submitted + datetime.timedelta(days=10)
        assessment.approved_by = reviewer
        fields += ["approved_at", "approved_by"]
    if status == AssessmentStatus.RETURNED:
        assessment.return_reason = "Bổ sung minh chứng về kinh phí huy động xã hội hóa (mẫu)."
        fields.append("return_reason")
        item = assessment.items.order_by("-criterion__number").first()
        item.returned = True
        item.reviewer_comment = "Đề nghị bổ sung bảng tổng hợp kinh phí có xác nhận (mẫu)."
        item.return_snapshot = {
            "value": "",
            "self_score": str(item.self_score),
            "note": item.note,
            "evidence": [],
        }
        item.save(update_fields=["returned", "reviewer_comment", "return_snapshot"])
    assessment.save(update_fields=fields)
    return assessment


def load(campaign: Campaign) -> dict[str, int]:
    from portal.models import User

    rng = random.Random(2025)
    reviewer = User.objects.filter(username="thuongtruc").first()
    officer = User.objects.filter(username="canbo.phoan").first()
    codes = [*REPORTING_CODES, *OTHER_CODES]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    villages = list(
        Unit.objects.filter(kind=UnitKind.VILLAGE, parent__code="XA-PHO-AN").order_by("code")[:2]
    )
    for year in campaign.years:
        for code in codes:
            unit = units.get(code)
            if unit is None:
                continue
            status = (
                STATUS_2025.get(code, AssessmentStatus.APPROVED)
                if year == campaign.end_year
                else AssessmentStatus.APPROVED
            )
            _assessment(campaign, unit, year, status, reviewer, officer, rng)
            _registration(campaign, unit, year, officer)
        for village in villages:
            _assessment(campaign, village, year, AssessmentStatus.APPROVED, reviewer, officer, rng)
    _every_unit_reported(campaign, reviewer, officer, rng)
    _extensions(campaign, units, officer, reviewer)
    _late_as_the_deadlines_say(campaign)
    from .risk import refresh_all

    refresh_all(Assessment.objects.filter(campaign=campaign))  # bulk-created: no signals
    return {
        "assessments": Assessment.objects.filter(is_sample=True).count(),
        "registrations": Registration.objects.filter(is_sample=True).count(),
    }


FILLED_IN = "Dữ liệu mẫu: báo cáo của các đơn vị trong phong trào đã tổng kết"


def _every_unit_reported(campaign, reviewer, officer, rng) -> None:
    """The campaign is closed: each year every unit it expected (the departments, wards,
    villages and enterprises, and in 2025 the units formed on 01/07/2025 too) registered and
    reported, and was approved; a submission is late only where the sample dates make it so.

    These few hundred reports beyond the sample above are written in bulk, with their history
    rows and one audit event per row (`record_bulk`), and carry no evidence files (each item's
    note says the unit keeps them), so the load stays fast."""
    from simple_history.utils import bulk_create_with_history

    from portal.audit import BulkChange, record_bulk

    from ..results.selectors import Stage, completeness

    tz = timezone.get_current_timezone()
    sets: dict = {}
    planned: list[tuple[Assessment, list[AssessmentItem]]] = []
    registrations: list[Registration] = []
    for year in campaign.years:
        due = rules.yearly_deadline(campaign=campaign, year=year) or datetime.date(year, 11, 30)
        report = completeness(campaign, year)
        for row in report.rows:
            if row.stage != Stage.NOT_STARTED or row.unit.code in STATUS_2025:
                continue
            key = (row.unit.kind, year)
            if key not in sets:
                chosen = rules.criteria_set_for(campaign=campaign, kind=row.unit.kind, year=year)
                sets[key] = (chosen, list(chosen.criteria.order_by("number")) if chosen else [])
            criteria_set, criteria = sets[key]
            if criteria_set is None:
                continue
            late = rng.random() < 0.03
            days = rng.randrange(1, 6) if late else -rng.randrange(1, 20)
            submitted = datetime.datetime.combine(
                due + datetime.timedelta(days=days), datetime.time(9, 30), tzinfo=tz
            )
            assessment = Assessment(
                campaign=campaign,
                unit=row.unit,
                year=year,
                criteria_set=criteria_set,
                is_sample=True,
                summary="Đơn vị triển khai Phong trào thi đua theo kế hoạch; số liệu là mẫu "
                "minh họa.",
                status=AssessmentStatus.APPROVED,
                submitted_at=submitted,
                submitted_by=officer,
                is_late=late,
                approved_at=submitted + datetime.timedelta(days=10),
                approved_by=reviewer,
            )
            base = 0.6 + 0.07 * (year - campaign.start_year) + rng.random() * 0.15
            items = []
            for criterion in criteria:
                item = AssessmentItem(criterion=criterion)
                _value(item, rng, min(1.0, base + rng.uniform(-0.1, 0.1)))
                item.reviewer_score = item.self_score
                if criterion.evidence_required:
                    item.note = "Minh chứng lưu tại đơn vị (mẫu)."
                items.append(item)
            planned.append((assessment, items))
            if not row.registered:
                registrations.append(
                    Registration(
                        campaign=campaign,
                        unit=row.unit,
                        year=year,
                        commitments=f"Năm {year}, {row.unit.name} đăng ký hoàn thành tốt nhiệm "
                        "vụ được giao trong Phong trào thi đua (mẫu).",
                        is_sample=True,
                    )
                )
    if not planned:
        return
    assessments = bulk_create_with_history(
        [a for a, _ in planned], Assessment, default_user=reviewer, default_change_reason=FILLED_IN
    )
    items = []
    for assessment, (_, its) in zip(assessments, planned, strict=True):
        for item in its:
            item.assessment = assessment
            items.append(item)
    items = bulk_create_with_history(
        items, AssessmentItem, default_user=reviewer, default_change_reason=FILLED_IN
    )
    registrations = bulk_create_with_history(
        registrations, Registration, default_user=officer, default_change_reason=FILLED_IN
    )
    # Registered in mid-March of their year (bulk creation stamped today).
    for year in {r.year for r in registrations}:
        Registration.objects.filter(pk__in=[r.pk for r in registrations if r.year == year]).update(
            submitted_at=datetime.datetime(year, 3, 15, 8, 0, tzinfo=tz)
        )
    record_bulk(
        Assessment,
        {
            a.pk: BulkChange(
                fields={"status": (None, a.status), "submitted_at": (None, a.submitted_at)},
                unit_id=a.unit_id,
                object_repr=str(a),
            )
            for a in assessments
        },
        actor=reviewer,
        reason=FILLED_IN,
    )
    record_bulk(
        AssessmentItem,
        {i.pk: {"self_score": (None, i.self_score)} for i in items},
        actor=reviewer,
        reason=FILLED_IN,
    )
    record_bulk(
        Registration,
        {
            r.pk: BulkChange(
                fields={"submitted_at": (None, datetime.datetime(r.year, 3, 15, 8, 0, tzinfo=tz))},
                unit_id=r.unit_id,
            )
            for r in registrations
        },
        actor=officer,
        reason=FILLED_IN,
    )


def _registration(campaign, unit, year, officer) -> None:
    commune = unit.kind == UnitKind.COMMUNE
    registration, created = Registration.objects.get_or_create(
        campaign=campaign,
        unit=unit,
        year=year,
        defaults={
            "commitments": (
                f"Năm {year}, {unit.name} đăng ký: giữ vững các tiêu chí nông thôn mới đã đạt; "
                "hoàn thành các chỉ tiêu được giao; tham gia đầy đủ các hoạt động của cụm thi đua "
                "(mẫu)."
                if commune
                else f"Năm {year}, {unit.name} đăng ký hoàn thành xuất sắc nhiệm vụ được giao "
                "và tích cực hỗ trợ xã theo địa chỉ (mẫu)."
            ),
            "target_level": NtmLevel.ADVANCED if commune and year >= 2023 else "",
            "villages_to_standard": 1 if commune else None,
            "submitted_by": officer if unit.code == "XA-PHO-AN" else None,
            "is_sample": True,
        },
    )
    if created:  # registered early in the year (auto_now_add stamps today)
        Registration.objects.filter(pk=registration.pk).update(
            submitted_at=datetime.datetime(
                year, 3, 15, 8, 0, tzinfo=timezone.get_current_timezone()
            )
        )


def _late_as_the_deadlines_say(campaign) -> None:
    """A sample submission is late only when it came after the unit's deadline, its granted
    extension included (campaigns/deadlines.py), as `assessment_submit` would have recorded."""
    submitted = list(
        Assessment.objects.filter(campaign=campaign, is_sample=True, submitted_at__isnull=False)
    )
    tables = {year: deadlines_for(campaign, None, year) for year in {a.year for a in submitted}}
    for a in submitted:
        deadline = tables[a.year].get(a.unit_id, a.year)
        late = deadline.is_late(timezone.localtime(a.submitted_at).date())
        if (a.is_late, a.extension_until) != (late, deadline.extension_until):
            Assessment.objects.filter(pk=a.pk).update(
                is_late=late, extension_until=deadline.extension_until
            )


def _extensions(campaign, units, officer, reviewer) -> None:
    year = campaign.end_year
    decided = datetime.datetime(year, 12, 5, 14, 0, tzinfo=timezone.get_current_timezone())
    if "XA-PHO-AN" in units:
        ExtensionRequest.objects.get_or_create(
            campaign=campaign,
            unit=units["XA-PHO-AN"],
            year=year,
            defaults={
                "reason": "Chờ số liệu thẩm định tiêu chí thu nhập của cấp tỉnh (mẫu).",
                "status": ExtensionStatus.GRANTED,
                "until": datetime.date(year, 12, 31),
                "decision_note": "Đồng ý gia hạn (mẫu).",
                "requested_by": officer,
                "decided_by": reviewer,
                "decided_at": decided,
                "is_sample": True,
            },
        )
    if "DN-MAU-01" in units:
        ExtensionRequest.objects.get_or_create(
            campaign=campaign,
            unit=units["DN-MAU-01"],
            year=year,
            defaults={
                "reason": "Doanh nghiệp đang quyết toán số liệu đóng góp (mẫu).",
                "status": ExtensionStatus.REFUSED,
                "decision_note": "Không gia hạn: số liệu năm được tổng hợp theo báo cáo đã có "
                "(mẫu).",
                "decided_by": reviewer,
                "decided_at": decided,
                "is_sample": True,
            },
        )
