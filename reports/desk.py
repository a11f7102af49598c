"""What waits on each person's desk in reports (portal.desk).

Chairman: documents waiting for his signature. Secretariat: documents he returned (with his
comment) and documents whose rendering failed.

The counts are read with the rest of the desk in one query (`_counts`, portal.desk.counted); the
documents an item names are read only when something waits.
"""

from __future__ import annotations

from django.urls import reverse

from campaigns.context import campaign_url
from portal.access import has_capability
from portal.desk import DeskItem, DeskSource, counted, register_desk

from .models import Report, ReportStatus
from .selectors import LIST_DEFERRED, with_object_labels

REPORTS = "Báo cáo"


def _reports_page(report) -> str:
    """The reports of the campaign `report` belongs to (campaigns.context)."""
    return campaign_url("reports:report-list", report.campaign)


def _with(status: str):
    return with_object_labels(Report.objects.filter(status=status).defer(*LIST_DEFERRED))


def _counts(user) -> dict:
    """What the reports' sources count, for the capabilities the user holds."""
    counts = {}
    if has_capability(user, "report.sign"):
        counts["ready"] = Report.objects.filter(status=ReportStatus.READY)
    if has_capability(user, "report.request"):
        counts["returned"] = Report.objects.filter(status=ReportStatus.RETURNED)
        counts["failed"] = Report.objects.filter(status=ReportStatus.FAILED)
    return counts


def _to_sign(user) -> list[DeskItem]:
    n = counted(user, _counts)["ready"]
    if not n:
        return []
    first = _with(ReportStatus.READY).order_by("requested_at").first()
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
    counts = counted(user, _counts)
    items = []
    returned = _with(ReportStatus.RETURNED) if counts["returned"] else Report.objects.none()
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
    n = counts["failed"]
    if n:
        first = _with(ReportStatus.FAILED).order_by("-pk").first()
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
        DeskSource("reports.to_sign", "report.sign", _to_sign, 50, _counts),
        DeskSource("reports.returned", "report.request", _returned_or_failed, 51, _counts),
    )
