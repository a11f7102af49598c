"""Plain helpers that build the yearly cycle's rows for tests and access rows (no fixtures, so
both `tests/campaigns/access_rows_cycle.py` and the cycle tests can use them)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from campaigns.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    Evidence,
    ExtensionRequest,
    Milestone,
    MilestoneKind,
    Registration,
    TargetGroup,
    ValueType,
)
from portal.numbers import format_vn_number

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)

#: (text, value type, max points, evidence required) — one criterion of each kind that matters.
COMMUNE_CRITERIA = [
    ("Đạt chuẩn xã nông thôn mới nâng cao theo kế hoạch", ValueType.YES_NO, 20, True),
    ("Tỷ lệ thôn đạt chuẩn nông thôn mới", ValueType.PERCENT, 20, False),
    ("Kinh phí huy động từ cộng đồng và xã hội hóa", ValueType.MONEY, 10, False),
    ("Mô hình kinh tế nông nghiệp thích ứng biến đổi khí hậu", ValueType.SCORE, 15, False),
    ("Sáng kiến, cách làm hay trong năm", ValueType.TEXT, 5, False),
]


def criteria_set(campaign, group=TargetGroup.COMMUNES, version=1, **fields) -> CriteriaSet:
    cs, created = CriteriaSet.objects.get_or_create(
        campaign=campaign,
        target_group=group,
        version=version,
        defaults={"name": f"Tiêu chí thi đua nhóm {group} (thử)", **fields},
    )
    if created:
        for number, (text, vt, points, evidence) in enumerate(COMMUNE_CRITERIA, start=1):
            Criterion.objects.create(
                criteria_set=cs,
                number=number,
                text=text,
                value_type=vt,
                max_points=Decimal(points),
                evidence_required=evidence,
            )
    return cs


def assessment(unit, campaign, year=2025, status=None, group=TargetGroup.COMMUNES) -> Assessment:
    """The unit's assessment for the year (created through the service), optionally forced to a
    status for tests that start mid-way."""
    from campaigns.cycle.services import assessment_start

    criteria_set(campaign, group)
    a = assessment_start(campaign=campaign, unit=unit, year=year, by=None)
    if status is not None and a.status != status:
        Assessment.objects.filter(pk=a.pk).update(status=status)
        a.refresh_from_db()
    return a


def evidence(item, name="bien-ban.pdf") -> Evidence:
    e = Evidence(
        item=item,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    e.file.save("thu.pdf", ContentFile(PDF))
    return e


def registration(unit, campaign, year=2025) -> Registration:
    return Registration.objects.get_or_create(
        campaign=campaign, unit=unit, year=year, defaults={"commitments": "Giữ vững tiêu chí"}
    )[0]


def extension(unit, campaign, year=2025) -> ExtensionRequest:
    return ExtensionRequest.objects.get_or_create(
        campaign=campaign, unit=unit, year=year, defaults={"reason": "Chờ số liệu"}
    )[0]


def deadline(campaign, year: int, due: datetime.date) -> Milestone:
    return Milestone.objects.update_or_create(
        campaign=campaign,
        kind=MilestoneKind.YEARLY_REPORT,
        year=year,
        defaults={"title": f"Hạn báo cáo năm {year}", "due_date": due},
    )[0]


def filled_post(a: Assessment, **overrides) -> dict:
    """A valid save POST for every item of `a` (claims points; the yes/no item needs evidence)."""
    data = {"revision": a.revision, "summary": "Hoàn thành kế hoạch năm"}
    for item in a.items.select_related("criterion"):
        vt = item.criterion.value_type
        value = {
            ValueType.YES_NO: "1",
            ValueType.PERCENT: "80,5",
            ValueType.MONEY: "1.500.000.000",
            ValueType.SCORE: "12",
            ValueType.TEXT: "Mô hình tổ dân vận khéo",
        }.get(vt, "3")
        data[f"i{item.pk}_value"] = value
        data[f"i{item.pk}_score"] = format_vn_number(item.criterion.max_points - 2)
        data[f"i{item.pk}_note"] = ""
    data.update(overrides)
    return data


def item_no(a: Assessment, number: int):
    return a.items.select_related("criterion").get(criterion__number=number)
