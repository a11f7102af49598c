"""Inspections, sponsorship results, budget needs and news: the secretariat's year of oversight,
and the figures handed to the reports (`report_facts`)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import (
    BudgetLine,
    BudgetStatus,
    Finding,
    Inspection,
    NewsItem,
    Recommendation,
    RecommendationStatus,
    SponsorshipResult,
)
from campaigns.oversight.selectors import report_facts
from portal.concurrency import seen_token
from portal.roles import Role
from tests.factories import CAMPAIGN_CODE as CODE
from tests.factories import UserFactory
from tests.pageforms import form_data

from .oversight_helpers import (
    make_budget_line,
    make_feedback,
    make_inspection,
    make_recommendation,
    make_sponsorship,
)

pytestmark = pytest.mark.django_db
NS = "campaigns:oversight:"


def test_the_secretariat_plans_a_visit_records_findings_and_follows_up(client_as, world, users):
    secretariat = client_as("secretariat")
    response = secretariat.post(
        reverse(NS + "inspection-create", args=[CODE]),
        {
            "year": 2024,
            "kind": "inspection",
            "title": "Kiểm tra phong trào năm 2024",
            "start_date": "07/10/2024",
            "end_date": "09/10/2024",
            "leader": "Phó Chủ tịch UBND thị xã",
            "members": [users["council_member"].pk],
            "other_members": "Đại diện Phòng Kinh tế",
            "units": [world.commune_a.pk, world.commune_b.pk],
            "with_ntm_appraisal": "on",
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert set(inspection.units.all()) == {world.commune_a, world.commune_b}
    assert list(inspection.members.all()) == [users["council_member"]]

    for unit, text in ((world.commune_a, "Hồ sơ tiêu chí 17 thiếu"), (world.commune_b, "Tốt")):
        secretariat.post(
            reverse(NS + "finding-create", args=[inspection.pk]),
            {
                "unit": unit.pk,
                "content": f"{text} tại {unit.name}",
                "recommendations": f"Kiến nghị riêng cho {unit.name}\nKiến nghị thứ hai",
            },
        )
    assert Finding.objects.count() == 2
    assert Recommendation.objects.count() == 4

    # Each commune reads only the findings about itself.
    page_b = client_as("officer_b").get(inspection.get_absolute_url()).content.decode()
    assert "Kiến nghị riêng cho Xã Phổ Thử B" in page_b
    assert "Kiến nghị riêng cho Xã Phổ Thử A" not in page_b
    assert "Hồ sơ tiêu chí 17 thiếu" not in page_b

    rec = Recommendation.objects.get(content="Kiến nghị riêng cho Xã Phổ Thử A")
    officer_a = client_as("officer_a")
    officer_a.post(
        reverse(NS + "recommendation-answer", args=[rec.pk]),
        {"response": "Đã bổ sung hồ sơ ngày 15/10.", "seen": seen_token(rec)},
    )
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.ANSWERED
    assert rec.responded_by == users["officer_a"]
    # Officer B cannot answer (404) a recommendation about commune A.
    refused = client_as("officer_b").post(
        reverse(NS + "recommendation-answer", args=[rec.pk]), {"response": "Sửa bậy"}
    )
    assert refused.status_code == 404

    secretariat.post(
        reverse(NS + "recommendation-follow-up", args=[rec.pk]),
        {"status": "done", "note": "Đã kiểm tra lại hồ sơ.", "seen": seen_token(rec)},
    )
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.DONE
    # Once confirmed done, the unit's answer is locked.
    officer_a.post(
        reverse(NS + "recommendation-answer", args=[rec.pk]),
        {"response": "Khác", "seen": seen_token(rec)},
    )
    rec.refresh_from_db()
    assert rec.response == "Đã bổ sung hồ sơ ngày 15/10."


def test_a_finding_for_a_unit_not_visited_is_refused(client_as, world):
    inspection = make_inspection(world)
    response = client_as("secretariat").post(
        reverse(NS + "finding-create", args=[inspection.pk]),
        {"unit": world.commune_b.pk, "content": "Kết luận", "recommendations": ""},
    )
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_inspection_dates_in_the_wrong_order_are_refused(client_as, world):
    response = client_as("secretariat").post(
        reverse(NS + "inspection-create", args=[CODE]),
        {
            "year": 2024,
            "kind": "supervision",
            "title": "Giám sát",
            "start_date": "09/10/2024",
            "end_date": "01/10/2024",
            "units": [world.commune_a.pk],
        },
    )
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in response.content.decode()
    assert not Inspection.objects.exists()


def test_a_department_officer_reports_sponsorship_results_seen_on_both_units_pages(
    client, client_as, world
):
    pair = make_sponsorship(world)
    dept_officer = UserFactory(
        username="officer_dept", roles=[Role.UNIT_OFFICER], units=[world.department]
    )
    client.force_login(dept_officer)
    url = reverse(NS + "sponsorship-result-edit", args=[pair.pk])
    seen = form_data(client.get(url))["seen"]
    bad = client.post(
        url, {"year": 2024, "support": "Tặng thiết bị", "amount_vnd": "-5000", "seen": seen}
    )
    assert "Giá trị hỗ trợ không được âm." in bad.content.decode()
    absurd = client.post(
        url,
        {"year": 2024, "support": "Tặng thiết bị", "amount_vnd": "5000000000000000", "seen": seen},
    )
    assert "vượt quá 1.000 tỷ đồng" in absurd.content.decode()
    assert not SponsorshipResult.objects.exists()

    ok = client.post(
        url,
        {
            "year": 2024,
            "commitment": "Hỗ trợ nhà văn hóa",
            "support": "Tặng 50 bộ bàn ghế",
            "amount_vnd": "25000000",
            "seen": seen,
        },
    )
    assert ok.status_code == 302
    assert SponsorshipResult.objects.get().amount_vnd == Decimal(25_000_000)
    for unit in (world.department, world.commune_a):
        panel = client_as("secretariat").get(reverse(NS + "unit-sponsorship-panel", args=[unit.pk]))
        assert "Tặng 50 bộ bàn ghế" in panel.content.decode()
        assert "25.000.000" in panel.content.decode()
    # The commune's officer sees it but cannot report for the department (403).
    officer_a = client_as("officer_a")
    panel_a = officer_a.get(reverse(NS + "unit-sponsorship-panel", args=[world.commune_a.pk]))
    assert "Tặng 50 bộ bàn ghế" in panel_a.content.decode()
    assert officer_a.get(url).status_code == 403


def test_budget_lines_go_from_proposed_to_approved_with_totals_and_export(client_as, world):
    client = client_as("secretariat")
    create = reverse(NS + "budget-create", args=[CODE])
    base = {"year": 2024, "kind": "inspection", "proposing_unit": "Cơ quan Tổ chức – Nội vụ"}
    negative = client.post(create, {**base, "description": "Âm", "amount_vnd": "-1"})
    assert "Số tiền đề xuất không được âm." in negative.content.decode()
    absurd = client.post(create, {**base, "description": "Lớn", "amount_vnd": "9" * 16})
    assert "vượt quá 1.000 tỷ đồng" in absurd.content.decode()
    text = client.post(create, {**base, "description": "Chữ", "amount_vnd": "45 triệu"})
    assert "“45 triệu” không phải là một số" in text.content.decode()
    assert not BudgetLine.objects.exists()

    client.post(create, {**base, "description": "Kiểm tra 10 xã", "amount_vnd": "45000000"})
    client.post(
        create,
        {
            **base,
            "kind": "awards",
            "description": "Tiền thưởng năm 2024",
            "amount_vnd": "120000000",
        },
    )
    client.post(
        create,
        {
            **base,
            "year": 2025,
            "kind": "final_review",
            "description": "Tổng kết",
            "amount_vnd": "85000000",
        },
    )
    line = BudgetLine.objects.get(description="Kiểm tra 10 xã")
    client.post(reverse(NS + "budget-submit", args=[line.pk]), {"seen": seen_token(line)})
    line.refresh_from_db()
    client.post(
        reverse(NS + "budget-approve", args=[line.pk]),
        {
            "approved_amount_vnd": "40000000",
            "approval_reference": "TB 15/TCKH",
            "seen": seen_token(line),
        },
    )
    line.refresh_from_db()
    assert line.status == BudgetStatus.APPROVED
    assert line.approved_amount_vnd == Decimal(40_000_000)
    # An approved line is locked.
    client.post(
        reverse(NS + "budget-edit", args=[line.pk]),
        {**base, "description": "Sửa sau duyệt", "amount_vnd": "1", "seen": seen_token(line)},
    )
    line.refresh_from_db()
    assert line.description == "Kiểm tra 10 xã"

    page = client.get(reverse(NS + "budget-list", args=[CODE])).content.decode()
    assert "165.000.000" in page  # 2024 proposed: 45 + 120 million
    assert "40.000.000" in page

    response = client.get(reverse(NS + "budget-export", args=[CODE]), {"year": 2024})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "NHU CẦU KINH PHÍ NĂM 2024"
    headers = [c.value for c in sheet[3]]
    rows = [
        dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)
    ]
    assert [r["Diễn giải"] for r in rows[:2]] == ["Kiểm tra 10 xã", "Tiền thưởng năm 2024"]
    assert rows[0]["Số tiền đề xuất (đồng)"] == 45_000_000
    assert rows[0]["Số tiền được duyệt (đồng)"] == 40_000_000
    assert rows[0]["Trạng thái"] == "Đã được duyệt"
    assert rows[-1]["Nội dung chi"] == "Cộng năm"
    assert rows[-1]["Số tiền đề xuất (đồng)"] == 165_000_000
    assert sheet.cell(row=4, column=7).number_format == "#,##0"


def test_news_is_drafted_published_and_withdrawn(client_as, world):
    client = client_as("secretariat")
    client.post(
        reverse(NS + "news-create", args=[CODE]), {"title": "Ra quân làm đường", "body": "Nội dung"}
    )
    item = NewsItem.objects.get()
    assert not item.is_published
    client.post(reverse(NS + "news-publish", args=[item.pk]), {"seen": seen_token(item)})
    item.refresh_from_db()
    assert item.is_published
    client.post(reverse(NS + "news-publish", args=[item.pk]), {"action": "unpublish"})
    item.refresh_from_db()
    assert not item.is_published


def test_report_facts_counts_what_the_reports_need(world):
    inspection = make_inspection(world)
    inspection.is_done = True
    inspection.save()
    rec = make_recommendation(world)
    rec.status = RecommendationStatus.DONE
    rec.save()
    make_feedback(
        world, status="answered", answer="Đồng ý", led_to_adjustment=True, adjustment_note="Lùi hạn"
    )
    make_feedback(world, subject="Chưa trả lời")
    SponsorshipResult.objects.create(
        sponsorship=make_sponsorship(world), year=2024, support="Bàn ghế", amount_vnd=25_000_000
    )
    make_budget_line(world)
    make_budget_line(world, year=2026 - 1, description="Năm sau", amount_vnd=10)

    facts = report_facts(world.campaign, 2024, 2024)
    assert facts["inspections"]["held"] == 1
    assert facts["inspections"]["units_visited"] == 1
    assert facts["recommendations"]["by_status"]["done"] == 1
    assert facts["difficulties"]["raised"] == 2
    assert facts["difficulties"]["resolved"] == 1
    assert facts["difficulties"]["adjustments"] == [
        {
            "year": 2024,
            "unit": "Xã Phổ Thử A",
            "subject": "Khó khăn về kinh phí làm đường",
            "adjustment": "Lùi hạn",
        }
    ]
    assert facts["sponsorships"]["total_vnd"] == Decimal(25_000_000)
    assert facts["sponsorships"]["rows"][0]["sponsor"] == "Phòng Kinh tế thử"
    assert facts["budget"]["by_year"] == [
        {
            "year": 2024,
            "lines": 1,
            "proposed": Decimal(45_000_000),
            "submitted": Decimal(0),
            "approved": Decimal(0),
        }
    ]
