"""Browser exports of oversight tables (.xlsx, Vietnamese headers, frozen header row), both
through the web toolkit's one download (portal.web.xlsx_download)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone

from portal.dataexchange import Column
from portal.web import xlsx_download

from .models import BudgetLine, Feedback

VND = "#,##0"
DATE = "dd/mm/yyyy"


def _local_date(value):
    return timezone.localtime(value).date() if value else None


def feedback_xlsx_response(queryset: QuerySet[Feedback]) -> HttpResponseBase:
    columns = [
        Column("Số", width=6),
        Column("Ngày gửi", DATE, 12),
        Column("Năm", width=7),
        Column("Đơn vị gửi", width=30),
        Column("Loại", width=18),
        Column("Tiêu đề", width=45),
        Column("Nội dung", width=60),
        Column("Trạng thái", width=14),
        Column("Người xử lý", width=24),
        Column("Trả lời", width=60),
        Column("Ngày trả lời", DATE, 12),
        Column("Dẫn đến điều chỉnh kế hoạch", width=14),
        Column("Nội dung điều chỉnh", width=40),
    ]
    rows = (
        [
            fb.pk,
            _local_date(fb.sent_at),
            fb.year,
            fb.unit.name,
            fb.get_kind_display(),
            fb.subject,
            fb.body,
            fb.get_status_display(),
            fb.assignee.display_name if fb.assignee else "",
            fb.answer,
            _local_date(fb.answered_at),
            "Có" if fb.led_to_adjustment else "",
            fb.adjustment_note,
        ]
        for fb in queryset.select_related("unit", "assignee")
    )
    return xlsx_download(
        "kho-khan-de-xuat.xlsx",
        columns,
        rows,
        sheet_title="Khó khăn, đề xuất",
        title="DANH SÁCH KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT",
    )


def budget_xlsx_response(
    queryset: QuerySet[BudgetLine], *, year: int | None = None
) -> HttpResponseBase:
    columns = [
        Column("Năm", width=7),
        Column("Nội dung chi", width=16),
        Column("Diễn giải", width=50),
        Column("Đơn vị đề xuất", width=30),
        Column("Người lập", width=24),
        Column("Trạng thái", width=24),
        Column("Số tiền đề xuất (đồng)", VND, 20),
        Column("Số tiền được duyệt (đồng)", VND, 20),
        Column("Văn bản duyệt", width=30),
    ]
    lines = sorted(queryset, key=lambda line: line.year)  # stable: keeps the heading order
    rows: list[list] = [
        [
            line.year,
            line.get_kind_display(),
            line.description,
            line.proposing_unit,
            line.proposed_by.display_name if line.proposed_by else "",
            line.get_status_display(),
            int(line.amount_vnd),
            int(line.approved_amount_vnd) if line.approved_amount_vnd is not None else None,
            line.approval_reference,
        ]
        for line in lines
    ]
    # One total row per year, then a grand total: what the coordination office reads first.
    years = sorted({line.year for line in lines})
    for y in years:
        in_year = [line for line in lines if line.year == y]
        rows.append(
            [
                y,
                "Cộng năm",
                "",
                "",
                "",
                "",
                int(sum(line.amount_vnd for line in in_year)),
                int(sum(line.approved_amount_vnd or 0 for line in in_year)),
                "",
            ]
        )
    title = f"NHU CẦU KINH PHÍ NĂM {year}" if year else "NHU CẦU KINH PHÍ THEO NĂM"
    name = f"nhu-cau-kinh-phi-{year}.xlsx" if year else "nhu-cau-kinh-phi.xlsx"
    return xlsx_download(name, columns, rows, sheet_title="Kinh phí", title=title)
