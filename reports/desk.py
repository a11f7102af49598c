"""What waits on each person's desk in reports (portal.desk).

Chairman: documents waiting for his signature. Secretariat: documents he returned (with his
comment) and documents whose rendering failed.
"""

from __future__ import annotations

from django.urls import reverse

from campaigns.context import campaign_url
from portal.desk import DeskItem, DeskSource, register_desk

from .models import Report, ReportStatus
from .selectors import LIST_DEFERRED, with_object_labels

REPORTS = "Báo cáo"


def _reports_page(report) -> str:
    """The reports of the campaign `report` belongs to (campaigns.context)."""
    return campaign_url("reports:report-list", report.campaign)


def _with(status: str):
    return with_object_labels(Report.objects.filter(status=status).defer(*LIST_DEFERRED))


def _to_sign(user) -> list[DeskItem]:
    waiting = _with(ReportStatus.READY)
    n = waiting.count()
    if not n:
        return []
    first = waiting.order_by("requested_at").first()
    url = first.get_absolute_url() if n == 1 else reverse("reports:signoff-queue")
    return [
        DeskItem(
            "Văn bản chờ ông/bà ký duyệt",
            n,
            url,
            REPORTS,
            f"{first.title}, tạo ngày {first.finished_at or first.requested_at:%d/%m/%Y}",
            urgent=True,
            unit="văn bản",
        )
    ]


def _returned_or_failed(user) -> list[DeskItem]:
    items = []
    returned = _with(ReportStatus.RETURNED)
    for report in returned.order_by("-pk")[:3]:
        comment = " ".join(report.return_comment.split())
        items.append(
            DeskItem(
                f"Văn bản bị trả lại để chỉnh sửa: {report.title}",
                1,
                report.get_absolute_url(),
                REPORTS,
                f"Ý kiến: {comment[:160]}" if comment else "",
                urgent=True,
            )
        )
    failed = _with(ReportStatus.FAILED)
    n = failed.count()
    if n:
        first = failed.order_by("-pk").first()
        items.append(
            DeskItem(
                "Văn bản tạo tệp không thành công",
                n,
                first.get_absolute_url() if n == 1 else _reports_page(first),
                REPORTS,
                "Mở văn bản để xem lỗi và tạo lại",
                urgent=True,
                unit="văn bản",
            )
        )
    return items


def register() -> None:
    register_desk(
        DeskSource("reports.to_sign", "report.sign", _to_sign, 50),
        DeskSource("reports.returned", "report.request", _returned_or_failed, 51),
    )
