"""The award history import (issue #14, item 20): an award is found again by its decision
number written any usual way, an import never blanks what its file did not bring, and the
preview says what each row changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards.models import Award
from portal.dataexchange import run_import

HEADER = (
    "recipient_kind,recipient_code_or_name,tier_code,decision_number,decision_date,campaign_code"
)
GIAY_KHEN = "unit,XA-A,giay-khen-chu-tich-thi-xa"
CSTD = "person,Trương Thị Ánh Nguyệt,chien-si-thi-dua-co-so"


def _file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def imported(world, tiers):
    """Two awards already imported: a unit's giấy khen in the campaign, a person's title."""
    plan = run_import(
        "awards",
        _file(
            f"{GIAY_KHEN},125/QĐ-UBND,2023-12-20,test-ntm-2021-2025",
            f"{CSTD},12/QĐ-UBND,2024-02-01,",
        ),
        "khen-thuong.csv",
    )
    assert plan.errors == []
    assert plan.created == 2
    return {a.tier.code: a for a in Award.objects.select_related("tier", "campaign")}


def _state():
    return sorted(
        (a.tier.code, a.decision_number, a.decision_date, a.year, a.campaign_id)
        for a in Award.objects.select_related("tier")
    )


def test_reimporting_an_award_with_an_empty_campaign_keeps_its_campaign_and_year(imported):
    before = _state()
    plan = run_import("awards", _file(f"{GIAY_KHEN},125/QĐ-UBND,2023-12-20,"), "lai.csv")
    assert plan.errors == []
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 1)
    assert _state() == before
    award = Award.objects.get(tier__code="giay-khen-chu-tich-thi-xa")
    assert award.campaign is not None
    assert award.campaign.code == "test-ntm-2021-2025"


@pytest.mark.parametrize("number", ["125/QD-UBND", "125/qđ-ubnd", "125 / QĐ-UBND", "125/QĐ–UBND"])
def test_a_decision_number_written_another_way_finds_the_same_award(imported, number):
    plan = run_import("awards", _file(f"{GIAY_KHEN},{number},2023-12-20,"), "lai.csv")
    assert plan.errors == []
    assert (plan.created, plan.updated, plan.unchanged) == (0, 0, 1)
    assert Award.objects.filter(tier__code="giay-khen-chu-tich-thi-xa").count() == 1
    assert Award.objects.get(tier__code="giay-khen-chu-tich-thi-xa").decision_number == (
        "125/QĐ-UBND"
    )


def test_a_changed_date_changes_only_the_date(imported):
    title = imported["chien-si-thi-dua-co-so"]
    plan = run_import("awards", _file(f"{CSTD},12/QD-UBND,2024-02-05,"), "lai.csv")
    assert plan.errors == []
    assert (plan.created, plan.updated) == (0, 1)
    title.refresh_from_db()
    assert title.decision_date == datetime.date(2024, 2, 5)
    assert (title.year, title.decision_number) == (2023, "12/QĐ-UBND")  # kept


def test_an_empty_date_keeps_the_stored_date_and_a_new_award_needs_one(imported):
    plan = run_import(
        "awards",
        _file(f"{GIAY_KHEN},125/QĐ-UBND,,", f"{GIAY_KHEN},126/QĐ-UBND,,"),
        "lai.csv",
    )
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (3, "decision_date", "Thiếu ngày quyết định.")
    ]
    plan = run_import("awards", _file(f"{GIAY_KHEN},125/QĐ-UBND,,"), "lai.csv")
    assert (plan.errors, plan.updated, plan.unchanged) == ([], 0, 1)
    award = Award.objects.get(tier__code="giay-khen-chu-tich-thi-xa")
    assert award.decision_date == datetime.date(2023, 12, 20)


def test_the_preview_lists_what_each_row_changes(imported, client_as, campaign_2026):
    client = client_as("secretariat")
    data = _file(
        f"{GIAY_KHEN},125/QD-UBND,2023-12-22,{campaign_2026.code}",
        f"{CSTD},12/QĐ-UBND,2024-02-01,",
        f"{GIAY_KHEN},130/QĐ-UBND,2024-12-20,",
    )
    response = client.post(
        reverse("import-upload", args=["awards"]),
        {"file": SimpleUploadedFile("khen-thuong.csv", data)},
        follow=True,
    )
    assert response.status_code == 200
    table = response.content.decode()
    assert "ngày quyết định: 20/12/2023 → 22/12/2023" in table
    assert f"phong trào: test-ntm-2021-2025 → {campaign_2026.code}" in table
    assert "130/QĐ-UBND" in table  # the new one is listed too
    assert "12/QĐ-UBND" not in table  # unchanged rows are only counted
    changes = response.context["changes"]
    assert [(c.line, c.action) for c in changes] == [(2, "update"), (4, "create")]


@pytest.fixture
def campaign_2026(world):
    from tests.factories import CampaignFactory

    return CampaignFactory(code="test-ntm-2026-2030", start_year=2026, end_year=2030)
