"""Small builders of oversight rows for tests and the access table."""

from __future__ import annotations

import datetime
from decimal import Decimal

from campaigns.models import (
    BudgetLine,
    Feedback,
    FeedbackAttachment,
    FeedbackKind,
    Finding,
    Inspection,
    InspectionKind,
    NewsItem,
    Recommendation,
)
from units.models import Sponsorship

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_inspection(world, unit=None) -> Inspection:
    inspection, _ = Inspection.objects.get_or_create(
        campaign=world.campaign,
        title="Kiểm tra phong trào năm 2024 tại xã",
        defaults={
            "year": 2024,
            "kind": InspectionKind.INSPECTION,
            "start_date": datetime.date(2024, 10, 1),
            "end_date": datetime.date(2024, 10, 3),
        },
    )
    inspection.units.add(unit or world.commune_a)
    return inspection


def make_recommendation(world, unit=None, text="Bổ sung hồ sơ tiêu chí 17.") -> Recommendation:
    unit = unit or world.commune_a
    inspection = make_inspection(world, unit)
    finding = Finding.objects.create(
        inspection=inspection, unit=unit, content=f"Kết luận kiểm tra tại {unit.name}."
    )
    return Recommendation.objects.create(finding=finding, content=text)


def make_feedback(world, unit=None, subject="Khó khăn về kinh phí làm đường", **extra) -> Feedback:
    return Feedback.objects.create(
        campaign=world.campaign,
        unit=unit or world.commune_a,
        year=2024,
        kind=FeedbackKind.DIFFICULTY,
        subject=subject,
        body="Nội dung khó khăn chi tiết.",
        **extra,
    )


def make_attachment(feedback: Feedback) -> FeedbackAttachment:
    from django.core.files.base import ContentFile

    attachment = FeedbackAttachment(
        feedback=feedback,
        original_name="cong-van.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    attachment.file.save("x.bin", ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return attachment


def make_sponsorship(world) -> Sponsorship:
    pair, _ = Sponsorship.objects.get_or_create(
        campaign=world.campaign,
        sponsor=world.department,
        commune=world.commune_a,
        defaults={"commitment": "Hỗ trợ hồ sơ tiêu chí."},
    )
    return pair


def make_budget_line(world, **extra) -> BudgetLine:
    defaults = {
        "campaign": world.campaign,
        "year": 2024,
        "kind": "inspection",
        "description": "Kiểm tra phong trào tại các xã",
        "amount_vnd": Decimal(45_000_000),
        "proposing_unit": "Cơ quan Tổ chức – Nội vụ",
    }
    defaults.update(extra)
    return BudgetLine.objects.create(**defaults)


def make_news(world, title="Tin bản nháp", published=False) -> NewsItem:
    from django.utils import timezone

    return NewsItem.objects.create(
        campaign=world.campaign,
        title=title,
        body="Nội dung tin.",
        published_at=timezone.now() if published else None,
    )
