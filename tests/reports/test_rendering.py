"""The PDF's text through pdftotext: layout elements, names with diacritics, totals that match
the database, the Nơi nhận block; and the renderer's isolation from the network."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from campaigns.models import Contribution, NtmStatus
from portal.templatetags.portal_tags import num
from reports import rendering
from reports.models import Report

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _render(campaign, kind, year):
    report = Report(campaign=campaign, kind=kind, year=year, issue_date=datetime.date(2026, 2, 5))
    report.strengths = "Phong trào được các tầng lớp nhân dân hưởng ứng tích cực."
    report.next_steps = "Tiếp tục duy trì, nâng chất các tiêu chí đã đạt."
    return rendering.render_report(report)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_final_review_text_matches_database(world, report_data, tmp_path):
    rendered = _render(world.campaign, "final_review", 2025)
    text = pdf_text(rendered.content, tmp_path)
    flat = _flat(text)
    # Header block, motto, place and date in words.
    assert "ỦY BAN NHÂN DÂN THỊ XÃ THỬ NGHIỆM" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Thử Nghiệm, ngày 05 tháng 02 năm 2026" in flat
    assert "/BC-UBND" in flat
    # Title.
    assert "BÁO CÁO" in text
    assert "Tổng kết phong trào thi đua giai đoạn 2021–2025" in flat
    # Every commune by name with diacritics; the merged commune and its successor both appear.
    for name in ("Xã Phổ Thử A", "Xã Phổ Thử B", "Xã Phổ Cường Thử", "Xã Phổ Mới Hợp Nhất"):
        assert name in flat
    assert "nay thuộc Xã Phổ Mới Hợp Nhất" in flat
    # Totals equal the database, with Vietnamese thousands separators.
    money = Contribution.objects.aggregate(m=Sum("money_vnd"))["m"]
    assert money == Decimal(5 * 1_234_567 + 50_000_000)
    assert f"{num(money)} đ" in flat
    assert num(money) == "56.172.835"
    days = Contribution.objects.aggregate(d=Sum("work_days"))["d"]
    assert num(days, 1) in flat  # 602,5 ngày công
    advanced_2025 = NtmStatus.objects.filter(year=2025, level="advanced", unit__kind="commune")
    assert f"Đạt chuẩn NTM nâng cao: {advanced_2025.count()} xã" in flat
    # Narrative typed by the secretariat, the ending mark, signature and Nơi nhận.
    assert "Phong trào được các tầng lớp nhân dân hưởng ứng tích cực." in flat
    assert "./." in flat
    assert "Nơi nhận:" in flat
    for line in (
        "- UBND tỉnh;",
        "- Sở Nội vụ;",
        "- Ban Thi đua-Khen thưởng tỉnh;",
        "- Lưu: VT, TCNV.",
    ):
        assert line in flat
    assert "TM. ỦY BAN NHÂN DÂN" in flat
    assert "CHỦ TỊCH" in flat
    assert "Lê Văn Chủ Tịch" in flat
    # Trend chart and annexes (19-criteria table in landscape), verification code.
    assert "Biểu đồ" in flat
    assert "PHỤ LỤC I" in flat
    assert rendered.pages >= 3
    assert "DỮ LIỆU MẪU" not in flat
    # The tables the .xlsx export reuses carry the same totals.
    totals = [
        t["total"] for t in rendered.tables if t["title"].startswith("Nguồn lực huy động theo xã")
    ]
    assert totals
    assert totals[0][2] == int(money)


def test_sample_rows_mark_the_document(world, report_data, tmp_path):
    NtmStatus.objects.filter(unit=world.commune_b, year=2024).update(is_sample=True)
    rendered = _render(world.campaign, "annual", 2024)
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert rendered.has_sample
    assert "DỮ LIỆU MẪU" in flat
    assert "Kết quả thực hiện phong trào thi đua năm 2024" in flat
    assert "Phương hướng, nhiệm vụ năm 2025".upper() in flat


def test_preliminary_review_looks_ahead_to_the_rest_of_the_period(world, report_data, tmp_path):
    rendered = _render(world.campaign, "preliminary_review", 2023)
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert "Sơ kết 3 năm thực hiện phong trào thi đua (2021–2023)" in flat
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ GIAI ĐOẠN 2024–2025" in flat
    # The successor formed in 2025 is not in a 2021–2023 report.
    assert "Xã Phổ Mới Hợp Nhất" not in flat.replace("nay thuộc Xã Phổ Mới Hợp Nhất", "")


def test_date_in_words_uses_leading_zeros():
    assert rendering.date_in_words("Đức Phổ", datetime.date(2025, 2, 5)) == (
        "Đức Phổ, ngày 05 tháng 02 năm 2025"
    )
    assert rendering.date_in_words("Đức Phổ", datetime.date(2025, 11, 30)) == (
        "Đức Phổ, ngày 30 tháng 11 năm 2025"
    )


@pytest.mark.parametrize(
    "url", ["http://example.com/font.ttf", "file:///etc/passwd", "ftp://example.com/x.css"]
)
def test_url_fetcher_only_reads_static(url):
    with pytest.raises(ValueError, match=r"(Không tải|disallowed)"):
        rendering.static_url_fetcher().fetch(url)


def test_url_fetcher_reads_the_vendored_fonts():
    response = rendering.static_url_fetcher().fetch(
        (rendering.STATIC_DIR / "fonts" / "LiberationSerif-Regular.ttf").as_uri()
    )
    assert response.read(4) == b"\x00\x01\x00\x00"
