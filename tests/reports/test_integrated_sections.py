"""The annual and final reports carry the awards section (with the recipients' names) and the
oversight section (inspection counts matching the database); absent data leaves them out."""

from __future__ import annotations

import datetime

import pytest

from awards.models import Award, NominationStatus
from campaigns.oversight.models import Finding, Inspection, Recommendation
from reports import rendering
from reports.models import Report
from tests.awards.conftest import add_documents, make_nomination, tiers  # noqa: F401
from tests.factories import PersonFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db
PERSON = "Huỳnh Thị Ngọc Ánh"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _render(campaign, kind, year):
    report = Report(campaign=campaign, kind=kind, year=year, issue_date=datetime.date(2026, 2, 5))
    return rendering.render_report(report)


@pytest.fixture
def oversight_data(world):
    done = Inspection.objects.create(
        campaign=world.campaign,
        year=2024,
        kind="inspection",
        title="Kiểm tra tiến độ xây dựng nông thôn mới",
        start_date=datetime.date(2024, 5, 6),
        end_date=datetime.date(2024, 5, 10),
        is_done=True,
    )
    done.units.set([world.commune_a, world.commune_b])
    Inspection.objects.create(
        campaign=world.campaign,
        year=2024,
        kind="supervision",
        title="Giám sát công tác thi đua cuối năm",
        start_date=datetime.date(2024, 11, 4),
        end_date=datetime.date(2024, 11, 8),
        is_done=False,
    )
    finding = Finding.objects.create(
        inspection=done, unit=world.commune_a, content="Hồ sơ minh chứng chưa đầy đủ."
    )
    Recommendation.objects.create(
        finding=finding, content="Bổ sung hồ sơ minh chứng tiêu chí 17.", status="done"
    )
    return done


@pytest.fixture
def award_rows(world, users, tiers):  # noqa: F811
    person = PersonFactory(full_name=PERSON, gender="female")
    tier = tiers["giay-khen-chu-tich-thi-xa"]
    Award.objects.create(
        person=person,
        tier=tier,
        year=2024,
        decision_number="88/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
        campaign=world.campaign,
        source="decision",
    )
    Award.objects.create(
        unit=world.commune_b,
        tier=tier,
        year=2024,
        decision_number="88/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 20),
        campaign=world.campaign,
        source="decision",
    )
    # Outside 2024: not in the annual report.
    Award.objects.create(
        unit=world.commune_a,
        tier=tier,
        year=2022,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2023, 1, 10),
        campaign=world.campaign,
        source="decision",
    )
    return tier


def test_annual_report_has_awards_and_oversight(
    world, report_data, oversight_data, award_rows, tmp_path
):
    flat = _flat(pdf_text(_render(world.campaign, "annual", 2024).content, tmp_path))
    assert "CÔNG TÁC KHEN THƯỞNG" in flat
    assert PERSON in flat
    assert world.commune_b.name in flat
    assert "12/QĐ-UBND" not in flat  # decided in 2023
    assert "khen thưởng 2 lượt tập thể, cá nhân" in flat
    assert award_rows.name in flat
    held = Inspection.objects.filter(campaign=world.campaign, year=2024, is_done=True).count()
    planned = Inspection.objects.filter(campaign=world.campaign, year=2024).count()
    assert f"đã tổ chức {held} cuộc kiểm tra, giám sát (kế hoạch {planned} cuộc)" in flat
    assert "đã kiến nghị 1 nội dung; đến nay 1 kiến nghị đã được khắc phục" in flat


def test_final_review_lists_the_final_proposals(
    world,
    users,
    report_data,
    award_rows,
    make_nomination,  # noqa: F811
    tmp_path,
):
    n = make_nomination(NominationStatus.SUBMITTED, unit=world.commune_b)
    n.period_kind = "final"
    n.period_year = 2025
    n.save()
    flat = _flat(pdf_text(_render(world.campaign, "final_review", 2025).content, tmp_path))
    assert "Đề nghị khen thưởng tổng kết phong trào" in flat
    assert "đề nghị khen thưởng 1 tập thể, cá nhân" in flat
    assert PERSON in flat  # awards over 2021–2025
    total = Award.objects.filter(campaign=world.campaign).count()
    assert f"khen thưởng {total} lượt tập thể, cá nhân" in flat


def test_sections_left_out_without_data(world, report_data, tmp_path):
    flat = _flat(pdf_text(_render(world.campaign, "annual", 2024).content, tmp_path))
    assert "CÔNG TÁC KHEN THƯỞNG" not in flat
    assert "Sản phẩm OCOP" not in flat
    # The plan requires yearly inspections (V.4): without data the review says so plainly.
    assert "đã tổ chức" not in flat
    assert (
        "Chưa có số liệu trên hệ thống về các cuộc kiểm tra, giám sát việc thực hiện phong trào "
        "trong năm 2024." in flat
    )
    assert "Năm 2024: chưa có số liệu trên hệ thống về việc tổ chức kiểm tra, giám sát." in flat


def test_ocop_products_and_jobs_from_approved_assessments(world, report_data, tmp_path):
    from campaigns.models import (
        Assessment,
        AssessmentItem,
        CriteriaSet,
        Criterion,
        TargetGroup,
        ValueType,
    )
    from tests.factories import UnitFactory
    from units.models import UnitKind

    cs = CriteriaSet.objects.create(
        campaign=world.campaign, target_group=TargetGroup.ENTERPRISES, name="Bộ tiêu chí d"
    )
    ocop = Criterion.objects.create(
        criteria_set=cs,
        number=1,
        text="Số sản phẩm OCOP được xếp hạng từ 3 sao trở lên",
        value_type=ValueType.NUMBER,
        max_points=25,
    )
    jobs = Criterion.objects.create(
        criteria_set=cs,
        number=2,
        text="Số lao động nông thôn được giải quyết việc làm",
        value_type=ValueType.NUMBER,
        max_points=30,
    )
    values = {
        "HTX Nông nghiệp Phổ Thạnh": ("approved", 3, 45),
        "Công ty Muối Sa Huỳnh": ("draft", 9, 900),
    }
    for name, (status, n_ocop, n_jobs) in values.items():
        unit = UnitFactory(name=name, kind=UnitKind.COOPERATIVE)
        a = Assessment.objects.create(
            campaign=world.campaign, unit=unit, year=2024, criteria_set=cs, status=status
        )
        AssessmentItem.objects.create(assessment=a, criterion=ocop, value_number=n_ocop)
        AssessmentItem.objects.create(assessment=a, criterion=jobs, value_number=n_jobs)
    flat = _flat(pdf_text(_render(world.campaign, "annual", 2024).content, tmp_path))
    assert "Sản phẩm OCOP và giải quyết việc làm" in flat
    # Only the approved assessment counts.
    assert "1 doanh nghiệp, hợp tác xã có 3 sản phẩm OCOP" in flat
    assert "giải quyết việc làm cho 45 lao động nông thôn" in flat
    assert "Công ty Muối Sa Huỳnh" not in flat.split("Sản phẩm OCOP và giải quyết việc làm")[1]
