"""A review over more communes than REPORTS_SUMMARY_THRESHOLD presents them by cluster, names the
top and bottom communes and those that need mention, and puts every commune's row in an Excel
annex stored with the PDF, whose SHA-256 the PDF (and so the signed PDF) prints. At or below
the threshold the document lists every commune as before (test_rendering.py)."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import NtmLevel, Registration
from reports import rendering, services
from reports.models import Report, ReportStatus

from .conftest import FULL_NARRATIVE, pdf_text, set_status

pytestmark = pytest.mark.django_db

CLUSTER_TABLE = "Kết quả xây dựng nông thôn mới theo cụm thi đua năm 2025"
PER_COMMUNE_TABLE = "Kết quả xây dựng nông thôn mới của các xã năm 2025"
MATRIX = "Kết quả thực hiện 19 tiêu chí quốc gia về xã nông thôn mới năm 2025"
ANNEX = "Phụ lục chi tiết từng xã (tệp Excel kèm theo)"
COMMUNES = ("Xã Phổ Thử A", "Xã Phổ Thử B", "Xã Phổ Cường Thử", "Xã Phổ Mới Hợp Nhất")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _report(world, kind="final_review", year=2025):
    report = Report(campaign=world.campaign, kind=kind, year=year)
    report.strengths = "Phong trào được các tầng lớp nhân dân hưởng ứng tích cực."
    return report


def _sheet_rows(content: bytes, title: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return list(workbook[title].iter_rows(values_only=True))


@pytest.fixture
def small_threshold(settings):
    """Four communes take part: above a threshold of 2 the review summarises."""
    settings.REPORTS_SUMMARY_THRESHOLD = 2


def test_a_review_over_the_threshold_prints_clusters_and_annexes_every_commune(
    world, report_data, small_threshold, tmp_path
):
    rendered = rendering.render_report(_report(world))
    flat = _flat(pdf_text(rendered.content, tmp_path))
    # The PDF: the communes by cluster, the count per national criterion, the annex named with
    # its SHA-256 — and no table with one row per commune.
    assert CLUSTER_TABLE in flat
    assert world.commune_a.cluster.name in flat
    assert "Toàn địa bàn" in flat
    assert "Số xã đạt từng tiêu chí quốc gia về xã nông thôn mới năm 2025" in flat
    assert ANNEX in flat
    body, annex_page = flat.split("PHỤ LỤC CHI TIẾT TỪNG XÃ")
    for title in (
        PER_COMMUNE_TABLE,
        MATRIX,
        "Nguồn lực huy động theo xã",
        "Kết quả xây dựng thôn nông thôn mới năm 2025",
        "Xếp hạng các xã trong cụm thi đua năm 2025",
    ):
        assert title not in body
        assert title in annex_page  # the annex page lists its sheets
    annex = rendered.annex
    assert annex is not None
    assert annex.sha256 == hashlib.sha256(annex.content).hexdigest()
    assert annex.sha256 in flat
    # The annex: the per-commune tables, every commune in them, Vietnamese headers.
    names = load_workbook(io.BytesIO(annex.content), read_only=True).sheetnames
    assert names[:2] == ["Kết quả từng xã", "19 tiêu chí từng xã"]
    rows = _sheet_rows(annex.content, "Kết quả từng xã")
    assert rows[0][0] == PER_COMMUNE_TABLE
    assert rows[3][:3] == ("STT", "Xã", "Cụm thi đua")
    listed = " ".join(str(r[1]) for r in rows[4:])
    for name in COMMUNES:
        assert name in listed
    matrix = _sheet_rows(annex.content, "19 tiêu chí từng xã")
    assert len([r for r in matrix[4:] if r and isinstance(r[0], int)]) == len(COMMUNES)


def test_the_annex_is_the_same_bytes_when_made_again(world, report_data, small_threshold):
    report = _report(world)
    first = rendering.render_report(report).annex
    again = rendering.render_report(report).annex
    assert first.sha256 == again.sha256


def test_at_or_below_the_threshold_the_review_lists_every_commune_without_an_annex(
    world, report_data, tmp_path
):
    rendered = rendering.render_report(_report(world))
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert rendered.annex is None
    assert PER_COMMUNE_TABLE in flat
    assert CLUSTER_TABLE not in flat
    assert ANNEX not in flat


def test_the_communes_that_need_mention_are_named(world, report_data, small_threshold, tmp_path):
    criteria_set = world.campaign.ntm_criterion_set
    # Xã Phổ Thử B met 15 criteria in 2024 and falls to 13 in 2025.
    set_status(world.commune_b, 2025, NtmLevel.NTM, 13, criteria_set=criteria_set)
    # Xã Phổ Thử A registered to reach the model level in 2025 and reached "nâng cao".
    Registration.objects.create(
        campaign=world.campaign,
        unit=world.commune_a,
        year=2025,
        commitments="Phấn đấu đạt chuẩn nông thôn mới kiểu mẫu.",
        target_level=NtmLevel.MODEL,
    )
    rendered = rendering.render_report(_report(world))
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert "1 xã giảm mức đạt chuẩn hoặc số tiêu chí đạt so với năm 2024" in flat
    falling = flat.split("Các xã giảm mức đạt chuẩn hoặc số tiêu chí đạt so với năm 2024")[-1]
    assert "Xã Phổ Thử B" in falling[:400]
    assert "1/1 xã đăng ký mức đạt chuẩn năm 2025 chưa đạt mức đã đăng ký" in flat
    below = flat.split("Các xã chưa đạt mức đăng ký thi đua năm 2025")[-1]
    assert "Xã Phổ Thử A" in below[:400]
    assert "Kiểu mẫu" in below[:400]
    assert "Các xã dẫn đầu về số tiêu chí đạt năm 2025" in flat
    assert "Các xã có số tiêu chí đạt thấp nhất năm 2025" in flat


def test_a_long_list_of_communes_to_mention_is_cut_in_the_pdf_and_whole_in_the_annex(
    world, report_data, small_threshold, monkeypatch, tmp_path
):
    from reports import aggregates

    monkeypatch.setattr(aggregates, "TOP", 1)
    monkeypatch.setattr(aggregates, "MENTION_LIMIT", 1)
    criteria_set = world.campaign.ntm_criterion_set
    set_status(world.commune_a, 2025, NtmLevel.NTM, 17, criteria_set=criteria_set)
    set_status(world.commune_b, 2025, NtmLevel.NTM, 13, criteria_set=criteria_set)
    rendered = rendering.render_report(_report(world))
    flat = _flat(pdf_text(rendered.content, tmp_path))
    assert "(1 trong số 2 xã)" in flat
    assert "Danh sách đầy đủ 2 xã tại biểu “Xã giảm so với năm 2024”" in flat
    rows = _sheet_rows(rendered.annex.content, "Xã giảm so với năm 2024")
    named = {r[1] for r in rows[4:] if r and isinstance(r[0], int)}
    assert named == {"Xã Phổ Thử A", "Xã Phổ Thử B"}


def test_the_annex_keeps_formula_like_names_as_text(world, report_data, small_threshold):
    world.commune_b.name = '=HYPERLINK("http://x.example","Bấm")'
    world.commune_b.save()
    annex = rendering.render_report(_report(world)).annex
    workbook = load_workbook(io.BytesIO(annex.content))
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert [c for c in cells if c.data_type == "f"] == []
    poisoned = [c for c in cells if c.value == world.commune_b.name]
    assert poisoned
    assert all(c.quotePrefix for c in poisoned)


def test_the_annex_is_stored_downloadable_and_bound_by_the_signature(
    world, users, report_data, small_threshold, signing_cert, client_as, tmp_path
):
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(
            campaign=world.campaign,
            kind="final_review",
            year=2025,
            by=users["secretariat"],
            narrative=FULL_NARRATIVE,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    stored = report.annex.read()
    assert report.annex_sha256 == hashlib.sha256(stored).hexdigest()
    secretariat = client_as("secretariat")
    page = secretariat.get(report.get_absolute_url()).content.decode()
    assert "Phụ lục chi tiết từng xã (.xlsx)" in page
    download = secretariat.get(reverse("reports:report-annex", args=[report.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored
    signoff = services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    signed = _flat(pdf_text(signoff.signed_file.read(), tmp_path, "signed.pdf"))
    report.refresh_from_db()
    assert report.annex_sha256 in signed
    assert f"(Tệp Excel kèm theo Báo cáo số {report.number} ngày" in signed


def test_signing_refuses_when_the_annex_is_not_the_one_read(
    world, users, report_data, small_threshold, signing_cert
):
    from django.core.exceptions import ValidationError

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = services.report_request(
            campaign=world.campaign,
            kind="final_review",
            year=2025,
            by=users["secretariat"],
            narrative=FULL_NARRATIVE,
        )
    report.refresh_from_db()
    Report.objects.filter(pk=report.pk).update(annex_sha256="0" * 64)
    report.refresh_from_db()
    with pytest.raises(ValidationError):
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY  # nothing signed, no number used up
    assert report.number == ""
