"""A plan whose date line leaves the day blank ("ngày … tháng 7 năm 2022") is cited with the
month and year it gives, never with an invented day: in the reports (pdftotext), on the
campaign's page and on its public page; and the form keeps the two ways apart."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from campaigns.results.forms import CampaignForm
from reports import rendering
from reports.models import Report
from tests.campaigns.test_results_services import _campaign_data

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_only(world):
    campaign = world.campaign
    campaign.plan_number = "…/KH-UBND"
    campaign.plan_date = None
    campaign.plan_date_text = "tháng 7 năm 2022"
    campaign.save()
    return campaign


def test_the_report_cites_the_plan_by_month_and_year(month_only, report_data, tmp_path):
    report = Report(
        campaign=month_only, kind="annual", year=2024, issue_date=datetime.date(2026, 2, 5)
    )
    flat = " ".join(pdf_text(rendering.render_report(report).content, tmp_path).split())
    assert "Kế hoạch số …/KH-UBND tháng 7 năm 2022" in flat
    assert "01/07/2022" not in flat


def test_the_pages_cite_the_plan_by_month_and_year(month_only, client_as):
    for client, url in (
        (client_as("secretariat"), reverse("campaigns:campaign-detail", args=[month_only.code])),
        (client_as("anonymous"), reverse("public-campaign", args=[month_only.code])),
    ):
        page = client.get(url).content.decode()
        assert "tháng 7 năm 2022" in page, url
        assert "01/07/2022" not in page, url


def test_a_plan_with_its_day_is_cited_with_the_day(month_only):
    month_only.plan_date = datetime.date(2022, 7, 15)
    month_only.plan_date_text = ""
    assert month_only.plan_issued == "ngày 15/07/2022"


def test_the_form_keeps_a_date_or_the_plans_words_not_both(world):
    both = CampaignForm(_campaign_data(plan_date="15/01/2026", plan_date_text="tháng 1 năm 2026"))
    assert not both.is_valid()
    assert "chỉ ghi thời điểm khi kế hoạch không ghi ngày" in both.errors["plan_date_text"][0]
    loose = CampaignForm(_campaign_data(plan_date="", plan_date_text="khoảng giữa năm"))
    assert not loose.is_valid()
    assert "tháng 7 năm 2022" in loose.errors["plan_date_text"][0]
    month = CampaignForm(_campaign_data(plan_date="", plan_date_text="tháng 1 năm 2026"))
    assert month.is_valid(), month.errors
    assert month.cleaned_data["plan_date"] is None


def test_deadlines_before_the_plans_month_are_not_printed_as_its_milestones(month_only, tmp_path):
    from campaigns.models import Milestone

    for kind, title, due in (
        ("registration", "Hạn đăng ký thi đua năm 2022", datetime.date(2022, 3, 31)),
        ("yearly_report", "Hạn báo cáo kết quả năm 2022", datetime.date(2022, 11, 30)),
    ):
        Milestone.objects.update_or_create(
            campaign=month_only, kind=kind, year=2022, defaults={"title": title, "due_date": due}
        )
    assert month_only.plan_earliest_date == datetime.date(2022, 7, 1)
    report = Report(
        campaign=month_only, kind="annual", year=2022, issue_date=datetime.date(2023, 1, 5)
    )
    flat = " ".join(pdf_text(rendering.render_report(report).content, tmp_path).split())
    assert "Hạn báo cáo kết quả năm 2022" in flat
    assert "Hạn đăng ký thi đua năm 2022" not in flat
    assert "(từ khi ban hành Kế hoạch, tháng 7 năm 2022)" in flat
