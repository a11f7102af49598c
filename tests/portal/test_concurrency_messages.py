"""The edit guard's refusal reads like an office wrote it: amounts, dates and links as people
write them, not as the database stores them."""

from __future__ import annotations

from campaigns.models import NtmStatus
from campaigns.oversight.models import BudgetLine
from portal.concurrency import stale_message


def test_a_refusal_writes_money_dates_and_times_the_vietnamese_way(world):
    status = NtmStatus.objects.create(unit=world.commune_a, year=2024, level="none")
    text = stale_message(
        status,
        {
            "recognition_date": (None, "2025-12-20"),
            "confirmed_at": (None, "2026-12-07T06:10:00+00:00"),
            "level": ("none", "ntm"),
        },
    )
    assert "Ngày công nhận: (trống) → 20/12/2025" in text
    assert "→ 13:10 ngày 07/12/2026" in text  # Asia/Ho_Chi_Minh, not UTC
    assert "“Chưa đạt chuẩn” → “Đạt chuẩn NTM”" in text
    assert "Không lưu được:" in text


def test_an_amount_in_a_refusal_is_grouped_by_thousands_and_a_year_is_not(db):
    text = stale_message(
        BudgetLine(pk=1),
        {"amount_vnd": ("45000000", "50000000"), "year": (2025, 2026)},
        what="dòng kinh phí",
        endorsing=True,
    )
    assert "45.000.000 → 50.000.000" in text
    assert "2025 → 2026" in text
    assert text.startswith("Không thực hiện được: người khác đã sửa dòng kinh phí")
