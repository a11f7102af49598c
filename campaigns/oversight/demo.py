"""Labelled sample oversight data: inspections with findings, difficulties with replies, budget
lines, news items and sponsorship results. Idempotent (matched by title / subject / year)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from campaigns.models import Campaign
from portal.models import User
from units.models import Sponsorship, Unit

from .models import (
    BudgetKind,
    BudgetLine,
    BudgetStatus,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    Finding,
    Inspection,
    InspectionKind,
    NewsItem,
    Recommendation,
    RecommendationStatus,
    SponsorshipResult,
)

INSPECTIONS = [
    (
        2023,
        InspectionKind.INSPECTION,
        "Kiểm tra việc triển khai phong trào năm 2023 (mẫu)",
        (datetime.date(2023, 10, 9), datetime.date(2023, 10, 13)),
        ["XA-PHO-AN", "XA-PHO-NHON"],
        True,
    ),
    (
        2024,
        InspectionKind.SUPERVISION,
        "Giám sát duy trì tiêu chí NTM năm 2024 (mẫu)",
        (datetime.date(2024, 9, 16), datetime.date(2024, 9, 20)),
        ["XA-PHO-AN", "XA-PHO-THUAN"],
        False,
    ),
]
FINDINGS = {
    ("XA-PHO-AN", 2023): (
        "Xã triển khai phong trào kịp thời; hồ sơ minh chứng tiêu chí 17 (Môi trường) chưa đầy "
        "đủ, một số thôn chưa cập nhật số hộ phân loại rác tại nguồn.",
        [
            (
                "Bổ sung hồ sơ minh chứng tiêu chí 17 trước ngày 30/11/2023.",
                RecommendationStatus.DONE,
                "Đã bổ sung biên bản kiểm tra và danh sách hộ phân loại rác của 6/6 thôn.",
            ),
            (
                "Phân công cán bộ theo dõi phong trào ở từng thôn.",
                RecommendationStatus.ANSWERED,
                "UBND xã đã ban hành quyết định phân công, đang triển khai.",
            ),
        ],
    ),
    ("XA-PHO-NHON", 2023): (
        "Tỷ lệ hộ sử dụng nước sạch còn thấp so với chỉ tiêu nâng cao.",
        [
            (
                "Xây dựng lộ trình nâng tỷ lệ hộ dùng nước sạch, báo cáo trong quý I/2024.",
                RecommendationStatus.OPEN,
                "",
            )
        ],
    ),
    ("XA-PHO-AN", 2024): (
        "Xã duy trì 19/19 tiêu chí; cần đẩy mạnh tuyên truyền mô hình khu dân cư kiểu mẫu.",
        [
            (
                "Nhân rộng mô hình khu dân cư kiểu mẫu ra ít nhất 2 thôn.",
                RecommendationStatus.OPEN,
                "",
            )
        ],
    ),
}
FEEDBACK = [
    (
        "XA-PHO-AN",
        2024,
        FeedbackKind.ADJUSTMENT,
        "Đề nghị lùi thời hạn hoàn thành tiêu chí Giao thông nâng cao sang năm 2025 (mẫu)",
        "Do mưa lũ cuối năm 2023 làm hư hỏng 1,2 km đường trục thôn, xã đề nghị điều chỉnh thời "
        "hạn hoàn thành tiêu chí Giao thông nâng cao sang quý II/2025.",
        "Cơ quan thường trực thống nhất, đã tham mưu UBND thị xã điều chỉnh lộ trình của xã "
        "Phổ An trong kế hoạch năm 2025.",
        True,
        "Điều chỉnh lộ trình tiêu chí Giao thông nâng cao của xã Phổ An sang quý II/2025.",
    ),
    (
        "XA-PHO-AN",
        2025,
        FeedbackKind.DIFFICULTY,
        "Khó khăn về kinh phí đối ứng xây dựng nhà văn hóa thôn (mẫu)",
        "Thôn Vĩnh Xuân chưa huy động đủ kinh phí đối ứng để hoàn thiện nhà văn hóa.",
        "",
        False,
        "",
    ),
    (
        "XA-PHO-NHON",
        2024,
        FeedbackKind.OBSTACLE,
        "Vướng mắc hướng dẫn chấm điểm tiêu chí Thu nhập (mẫu)",
        "Đề nghị hướng dẫn cách xác định thu nhập bình quân đầu người khi chưa có số liệu điều tra.",
        "Xã sử dụng số liệu của Chi cục Thống kê khu vực; Cơ quan thường trực đã gửi văn bản "
        "hướng dẫn kèm theo.",
        False,
        "",
    ),
]
BUDGET = [
    (
        2024,
        BudgetKind.INSPECTION,
        "Kiểm tra việc thực hiện phong trào tại 10 xã, phường",
        Decimal(45_000_000),
        BudgetStatus.APPROVED,
        Decimal(40_000_000),
    ),
    (
        2024,
        BudgetKind.AWARDS,
        "Tiền thưởng tập thể, cá nhân tiêu biểu năm 2024",
        Decimal(120_000_000),
        BudgetStatus.SUBMITTED,
        None,
    ),
    (
        2025,
        BudgetKind.FINAL_REVIEW,
        "Hội nghị tổng kết phong trào giai đoạn 2021–2025",
        Decimal(85_000_000),
        BudgetStatus.PROPOSED,
        None,
    ),
    (
        2025,
        BudgetKind.SUPERVISION,
        "Giám sát duy trì tiêu chí tại các xã đã đạt chuẩn",
        Decimal(30_000_000),
        BudgetStatus.PROPOSED,
        None,
    ),
]
NEWS = [
    (
        "Phổ An ra quân làm đường giao thông nông thôn (mẫu)",
        "Hơn 300 đoàn viên, hội viên và nhân dân xã Phổ An đã tham gia ngày công làm đường bê tông "
        "thôn Vĩnh Xuân, góp phần hoàn thiện tiêu chí Giao thông.",
        True,
    ),
    (
        "Hội nghị sơ kết phong trào giai đoạn 2021–2023 (mẫu)",
        "UBND thị xã tổ chức sơ kết, biểu dương 12 tập thể và 20 cá nhân có thành tích tiêu biểu.",
        True,
    ),
    ("Bản nháp: kế hoạch tổng kết năm 2025 (mẫu)", "Nội dung đang soạn, chưa công bố.", False),
]


def _inspections(campaign: Campaign, secretary: User | None) -> None:
    for year, kind, title, (start, end), unit_codes, done in INSPECTIONS:
        units = list(Unit.objects.filter(code__in=unit_codes))
        if not units:
            continue
        inspection, _ = Inspection.objects.update_or_create(
            campaign=campaign,
            title=title,
            defaults={
                "year": year,
                "kind": kind,
                "start_date": start,
                "end_date": end,
                "leader": "Phó Chủ tịch UBND thị xã, Phó Chủ tịch Hội đồng TĐ-KT (mẫu)",
                "other_members": "Đại diện Phòng Kinh tế\nĐại diện Ủy ban MTTQ Việt Nam thị xã",
                "with_ntm_appraisal": kind == InspectionKind.INSPECTION,
                "appraisal_reference": "Đợt thẩm định NTM nâng cao năm 2023 (mẫu)"
                if kind == InspectionKind.INSPECTION
                else "",
                "is_done": done,
                "is_sample": True,
            },
        )
        inspection.units.set(units)
        if secretary:
            inspection.members.add(secretary)
        for unit in units:
            data = FINDINGS.get((unit.code, year))
            if not data or inspection.findings.filter(unit=unit).exists():
                continue
            content, recs = data
            finding = Finding.objects.create(
                inspection=inspection, unit=unit, content=content, created_by=secretary
            )
            for text, status, response in recs:
                Recommendation.objects.create(
                    finding=finding,
                    content=text,
                    status=status,
                    response=response,
                    due_date=datetime.date(year, 12, 31),
                )


def _feedback(campaign: Campaign, secretary: User | None) -> None:
    from django.utils import timezone

    for code, year, kind, subject, body, answer, adjusted, note in FEEDBACK:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or Feedback.objects.filter(campaign=campaign, subject=subject).exists():
            continue
        sender = unit.officers.first()
        Feedback.objects.create(
            campaign=campaign,
            unit=unit,
            year=year,
            kind=kind,
            subject=subject,
            body=body,
            sent_by=sender,
            status=FeedbackStatus.ANSWERED if answer else FeedbackStatus.NEW,
            assignee=secretary if answer else None,
            answer=answer,
            answered_by=secretary if answer else None,
            answered_at=timezone.now() if answer else None,
            led_to_adjustment=adjusted,
            adjustment_note=note,
            is_sample=True,
        )


def _budget(campaign: Campaign, secretary: User | None) -> None:
    from django.utils import timezone

    for year, kind, description, amount, status, approved in BUDGET:
        BudgetLine.objects.update_or_create(
            campaign=campaign,
            year=year,
            description=description,
            defaults={
                "kind": kind,
                "amount_vnd": amount,
                "status": status,
                "approved_amount_vnd": approved,
                "approval_reference": "Thông báo thẩm định của Phòng Tài chính – Kế hoạch (mẫu)"
                if approved
                else "",
                "approved_at": timezone.now() if approved else None,
                "submitted_at": timezone.now() if status != BudgetStatus.PROPOSED else None,
                "proposing_unit": "Cơ quan Tổ chức – Nội vụ",
                "proposed_by": secretary,
                "is_sample": True,
            },
        )


def _news(campaign: Campaign, secretary: User | None) -> None:
    from django.utils import timezone

    for title, body, published in NEWS:
        NewsItem.objects.get_or_create(
            campaign=campaign,
            title=title,
            defaults={
                "body": body,
                "published_at": timezone.now() if published else None,
                "created_by": secretary,
                "is_sample": True,
            },
        )


def _sponsorship_results(campaign: Campaign) -> None:
    for index, pair in enumerate(
        Sponsorship.objects.filter(campaign=campaign).select_related("sponsor", "commune")
    ):
        for year in (2023, 2024):
            SponsorshipResult.objects.get_or_create(
                sponsorship=pair,
                year=year,
                defaults={
                    "commitment": f"Hỗ trợ {pair.commune.name} hoàn thiện hồ sơ tiêu chí (mẫu)",
                    "support": "Cử cán bộ hướng dẫn hồ sơ; tặng sách, thiết bị cho nhà văn hóa thôn",
                    "amount_vnd": Decimal(
                        5_000_000 + 2_500_000 * index + 1_000_000 * (year - 2023)
                    ),
                    "is_sample": True,
                },
            )


@transaction.atomic
def load(campaign: Campaign) -> dict[str, int]:
    if not User.objects.filter(username="thuongtruc").exists():
        # load_demo creates the demo users after the data; the samples need their senders.
        from portal.demo import load_users

        load_users()
    secretary = User.objects.filter(username="thuongtruc").first()
    _inspections(campaign, secretary)
    _feedback(campaign, secretary)
    _budget(campaign, secretary)
    _news(campaign, secretary)
    _sponsorship_results(campaign)
    return {
        "inspections": Inspection.objects.filter(campaign=campaign).count(),
        "feedback": Feedback.objects.filter(campaign=campaign).count(),
        "budget_lines": BudgetLine.objects.filter(campaign=campaign).count(),
    }
