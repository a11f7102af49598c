"""The reviews review the plan (issue 15, section 3): the evaluation is required before signing
and the page offers facts from the data beside it; every target group of the plan's IV.1, the
exemplars, publicity, the Front's campaign and the yearly inspections are reported (or said to
have no data); the figures: milestones from the plan's date, the growth in annual reports,
awards of every level by year of achievement, statuses in administrative words."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards.models import Award, Exemplar, ForwardingLetter, NominationStatus
from campaigns.models import (
    Assessment,
    AssessmentItem,
    Contribution,
    ContributorKind,
    CriteriaSet,
    Criterion,
    Milestone,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from campaigns.oversight.models import Inspection, NewsItem
from reports import content, rendering, services
from reports.evaluation import evaluation_gaps
from reports.models import Report, ReportStatus
from tests.awards.conftest import add_documents, make_nomination, tiers  # noqa: F401
from tests.factories import PersonFactory, UnitFactory
from units.models import PersonKind, UnitKind

from .conftest import FULL_NARRATIVE, pdf_text
from .test_services import _request, fast_render  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

OFFICIAL = "Lê Thị Minh Thư"
WORKER = "Nguyễn Văn Cần"
HOUSEHOLD = "Hộ ông Trần Văn Lành"
DONOR = "Hội đồng hương Đức Phổ tại TP. Hồ Chí Minh"
FRONT = "Ủy ban MTTQ Việt Nam thị xã Thử Nghiệm"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _report(campaign, kind, year, **narrative) -> Report:
    return Report(
        campaign=campaign, kind=kind, year=year, issue_date=datetime.date(2026, 2, 5), **narrative
    )


def _inspections(campaign):
    done = Inspection.objects.create(
        campaign=campaign,
        year=2023,
        kind="inspection",
        title="Kiểm tra việc triển khai phong trào năm 2023",
        start_date=datetime.date(2023, 10, 9),
        end_date=datetime.date(2023, 10, 13),
        is_done=True,
    )
    Inspection.objects.create(
        campaign=campaign,
        year=2024,
        kind="supervision",
        title="Giám sát duy trì tiêu chí năm 2024",
        start_date=datetime.date(2024, 9, 16),
        end_date=datetime.date(2024, 9, 20),
        is_done=False,
    )
    return done


def _assessment(campaign, group, unit, year, score):
    cs, _ = CriteriaSet.objects.get_or_create(
        campaign=campaign, target_group=group, version=1, defaults={"name": f"Bộ tiêu chí {group}"}
    )
    criterion, _ = Criterion.objects.get_or_create(
        criteria_set=cs,
        number=1,
        defaults={"text": "Tiêu chí chung", "value_type": ValueType.SCORE, "max_points": 100},
    )
    a = Assessment.objects.create(
        campaign=campaign, unit=unit, year=year, criteria_set=cs, status="approved"
    )
    AssessmentItem.objects.create(
        assessment=a, criterion=criterion, self_score=Decimal(score), reviewer_score=score
    )


@pytest.fixture
def plan_data(world, users, report_data, tiers, make_nomination):  # noqa: F811
    campaign = world.campaign
    campaign.plan_number = "45/KH-UBND"
    campaign.plan_date = datetime.date(2022, 7, 1)
    campaign.save()
    for kind, title, day, year in [
        ("registration", "Hạn đăng ký thi đua năm 2021", datetime.date(2021, 3, 31), 2021),
        ("registration", "Hạn đăng ký thi đua năm 2022", datetime.date(2022, 3, 31), 2022),
        ("deployment", "Triển khai Kế hoạch", datetime.date(2022, 7, 31), 2022),
        ("registration", "Hạn đăng ký thi đua năm 2023", datetime.date(2023, 3, 31), 2023),
    ]:
        Milestone.objects.create(campaign=campaign, kind=kind, title=title, due_date=day, year=year)
    _inspections(campaign)
    official = PersonFactory(
        full_name=OFFICIAL, kind=PersonKind.OFFICIAL, position="Chuyên viên", affiliation=None
    )
    worker = PersonFactory(full_name=WORKER, kind=PersonKind.WORKER, affiliation=None)
    Exemplar.objects.create(
        campaign=campaign,
        person=official,
        kind="initiative",
        title="Sáng kiến số hóa sổ theo dõi tiêu chí nông thôn mới",
        year=2024,
        summary="Theo dõi tiêu chí trên bảng tính dùng chung.",
        is_published=True,
    )
    Exemplar.objects.create(
        campaign=campaign,
        unit=world.commune_a,
        kind="practice",
        title="Mô hình “Mỗi hội viên góp một ngày công”",
        year=2023,
        summary="Hội viên góp ngày công làm đường.",
    )
    Contribution.objects.create(
        campaign=campaign,
        year=2023,
        commune=world.commune_a,
        contributor=WORKER,
        contributor_kind=ContributorKind.PERSON,
        money_vnd=Decimal(5_000_000),
        work_days=Decimal(12),
    )
    Contribution.objects.create(
        campaign=campaign,
        year=2024,
        commune=world.commune_b,
        contributor=DONOR,
        contributor_kind=ContributorKind.OUTSIDE_DONOR,
        money_vnd=Decimal(200_000_000),
    )
    household = UnitFactory(name=HOUSEHOLD, kind=UnitKind.HOUSEHOLD)
    _assessment(campaign, TargetGroup.OTHERS, household, 2025, 80)
    front = UnitFactory(name=FRONT, kind=UnitKind.FATHERLAND_FRONT)
    _assessment(campaign, TargetGroup.ORGANISATIONS, front, 2024, 88)
    NewsItem.objects.create(
        campaign=campaign,
        title="Thị xã ra quân làm đường giao thông nông thôn",
        body="…",
        published_at=datetime.datetime(2024, 5, 10, 8, 0, tzinfo=datetime.UTC),
    )
    # Awards: a province award decided in 2026 for 2025 achievements (counted), a town award of
    # 2020 achievements decided in 2021 (not counted: achievement before the period).
    in_council = make_nomination(NominationStatus.SUBMITTED, unit=world.commune_a)
    awarded = make_nomination(NominationStatus.SUBMITTED, unit=world.commune_b)
    forwarded = make_nomination(NominationStatus.SUBMITTED, person=world.person_a)
    letter = ForwardingLetter.objects.create(
        campaign=campaign,
        number="07/TTr-UBND",
        sent_date=datetime.date(2026, 1, 10),
        recipient="Chủ tịch UBND tỉnh",
        created_by=users["secretariat"],
    )
    for n, status in ((in_council, "in_council"), (awarded, "awarded"), (forwarded, "forwarded")):
        n.period_kind, n.period_year, n.status = "final", 2025, status
        n.forwarding = letter if status == "forwarded" else None
        n.save()
    Award.objects.create(
        person=worker,
        tier=tiers["bang-khen-chu-tich-tinh"],
        year=2025,
        decision_number="150/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 20),
        campaign=campaign,
        source="upper",
    )
    Award.objects.create(
        unit=world.commune_b,
        tier=tiers["giay-khen-chu-tich-thi-xa"],
        year=2025,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2026, 1, 5),
        campaign=campaign,
        nomination=awarded,
        source="decision",
    )
    Award.objects.create(
        unit=world.commune_a,
        tier=tiers["giay-khen-chu-tich-thi-xa"],
        year=2020,
        decision_number="9/QĐ-UBND",
        decision_date=datetime.date(2021, 1, 10),
        campaign=campaign,
        source="decision",
    )
    return campaign


def test_final_review_reviews_every_point_of_the_plan(world, plan_data, tmp_path):
    rendered = rendering.render_report(
        _report(world.campaign, "final_review", 2025, **FULL_NARRATIVE)
    )
    flat = _flat(pdf_text(rendered.content, tmp_path))
    # IV.1.đ individuals: the official's initiative, the worker's contribution and award.
    assert "Đối với cá nhân" in flat
    assert (
        "1 sáng kiến, giải pháp của 1 cán bộ, công chức, viên chức được ghi nhận: Sáng kiến số "
        f"hóa sổ theo dõi tiêu chí nông thôn mới ({OFFICIAL}, năm 2024)" in flat
    )
    assert "1 lượt cá nhân đóng góp 5.000.000 đ, 12 ngày công" in flat
    assert "Cá nhân được khen thưởng trong phong trào: 1 lượt" in flat
    # IV.1.e others: the household's criteria result and the outside donor.
    assert "Đối với các đối tượng khác" in flat
    assert "Năm 2025, 1 tổ chức, hộ gia đình tự đánh giá theo bộ tiêu chí thi đua" in flat
    assert HOUSEHOLD in flat
    assert "Nhà tài trợ ngoài địa bàn: 1 lượt, 200.000.000 đ" in flat
    # I.2 exemplars, III.2 publicity, II.3/VI.3 the Front's campaign.
    assert "đã phát hiện, ghi nhận 2 điển hình, sáng kiến, mô hình" in flat
    assert "đã đăng 1 tin, bài (năm 2024: 1)" in flat
    assert "Chưa có số liệu trên hệ thống về chuyên trang, chuyên mục" in flat
    assert "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh" in flat
    assert FRONT in flat
    assert (
        "đã lập kế hoạch 1 cuộc giám sát việc thực hiện xây dựng nông thôn mới, đã thực hiện 0"
        in (flat)
    )
    # V.4: each year from the plan's year, a year with nothing done said to be not done.
    assert "Năm 2022: chưa có số liệu trên hệ thống về việc tổ chức kiểm tra, giám sát." in flat
    assert "Năm 2023: thực hiện 1/1 cuộc kiểm tra, giám sát theo kế hoạch." in flat
    assert (
        "Năm 2024: không thực hiện cuộc kiểm tra, giám sát nào theo kế hoạch (thực hiện 0/1 "
        "cuộc); chưa hoàn thành yêu cầu kiểm tra, giám sát hằng năm." in flat
    )
    assert "Năm 2021: " not in flat.split("mục V.4 của Kế hoạch")[1][:400]
    # Milestones: nothing dated before the plan (01/07/2022) is printed as its deadline.
    assert "Các mốc thực hiện theo Kế hoạch (từ ngày ban hành Kế hoạch 01/07/2022)" in flat
    assert "31/03/2021" not in flat
    assert "31/03/2022" not in flat
    assert "Hạn đăng ký thi đua năm 2023 (thời hạn 31/03/2023)" in flat
    # Awards by year of achievement, every level: 2025 achievements decided in 2026 count; the
    # award for 2020 decided in 2021 does not.
    assert "các cấp đã khen thưởng 2 lượt" in flat
    assert "cấp tỉnh: 1; cấp thị xã: 1" in flat
    assert "Số 150/QĐ-UBND ngày 20/01/2026" in flat
    assert "9/QĐ-UBND" not in flat
    assert "Đã trình cấp trên khen thưởng 1 trường hợp (Tờ trình số 07/TTr-UBND)" in flat
    # Nomination statuses in administrative words, never the workflow's.
    assert "1 trường hợp đã trình Hội đồng Thi đua – Khen thưởng xét" in flat
    cells = {
        row[1]: row[4]
        for t in rendered.tables
        if t["title"].startswith("Danh sách tập thể, cá nhân đề nghị khen thưởng tổng kết")
        for row in t["rows"]
    }
    assert cells[world.commune_a.name] == "Đã trình Hội đồng Thi đua – Khen thưởng xét"
    assert cells[world.commune_b.name] == (
        "Đã được khen thưởng theo Quyết định số 12/QĐ-UBND ngày 05/01/2026"
    )
    assert cells[world.person_a.full_name + f", {world.commune_a.name}"] == (
        "Đã trình cấp trên khen thưởng (Tờ trình số 07/TTr-UBND ngày 10/01/2026), chờ quyết định"
    )
    # The annex prints the cells (read across the table's line breaks).
    assert "Đã được khen thưởng theo Quyết định số" in flat
    assert "Đang trình Hội đồng" not in flat
    assert "Đưa vào dự thảo" not in flat


def test_annual_report_prints_the_growth(world, report_data):
    tables = content.build_annual(_report(world.campaign, "annual", 2024))["parts"]
    communes = next(s for p in tables for s in p.sections if s.key == "communes").tables[0]
    column = communes.columns.index("Mức tăng bình quân (tiêu chí/năm)")
    growth = {row[1]: row[column] for row in communes.rows}
    # Xã Phổ Thử A: 14 criteria in 2021, 19 in 2024 → (19 − 14) / 3 = 1,7 per year.
    assert growth["Xã Phổ Thử A"] == 1.7
    assert growth["Xã Phổ Thử B"] == 1.0  # 12 → 15
    # The campaign's first year has no growth yet: a dash, as on the ranking page.
    first = content.build_annual(_report(world.campaign, "annual", 2021))["parts"]
    communes = next(s for p in first for s in p.sections if s.key == "communes").tables[0]
    assert {row[column] for row in communes.rows} == {"—"}


def test_signing_refused_while_the_evaluation_is_empty(world, users, fast_render, signing_cert):  # noqa: F811
    report = _request(world, users, kind="annual", year=2024, narrative={})
    report.refresh_from_db()
    assert evaluation_gaps(report) == [
        "Ưu điểm",
        "Hạn chế",
        "Nguyên nhân",
        "Phương hướng, nhiệm vụ",
    ]
    with pytest.raises(ValidationError, match="còn thiếu: Ưu điểm; Hạn chế; Nguyên nhân"):
        services.report_sign(report=report, by=users["chairman"], read_sha256=report.sha256)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert not hasattr(report, "signoff")


def test_a_review_needs_lessons_and_proposals_too(world, users):
    report = _report(
        world.campaign,
        "final_review",
        2025,
        **{k: v for k, v in FULL_NARRATIVE.items() if k not in ("lessons", "proposals")},
    )
    assert evaluation_gaps(report) == ["Bài học kinh nghiệm", "Đề xuất, kiến nghị"]
    annual = _report(world.campaign, "annual", 2024, strengths="x", limits="x", causes="x")
    annual.next_steps = "x"
    assert evaluation_gaps(annual) == []


def test_report_page_lists_the_gaps_before_the_sign_button(
    world,
    users,
    fast_render,  # noqa: F811
    client_as,
):
    report = _request(world, users, kind="annual", year=2024, narrative={"strengths": "Tốt."})
    chairman = client_as("chairman")
    html = chairman.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    gaps = html.index('data-testid="evaluation-gaps"')
    button = html.index('data-testid="sign-button"')
    assert gaps < button
    block = html[gaps:button]
    for part in ("Hạn chế", "Nguyên nhân", "Phương hướng, nhiệm vụ"):
        assert f"<li>{part}</li>" in block
    assert "<li>Ưu điểm</li>" not in block
    assert "disabled" in html[button : html.index(">", button)]
    response = chairman.post(
        reverse("reports:report-sign", args=[report.pk]), {"sha256": report.sha256}, follow=True
    )
    assert "Chưa thể ký: báo cáo chưa có phần đánh giá đầy đủ" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_narrative_form_offers_facts_from_the_data(
    world,
    users,
    report_data,
    fast_render,  # noqa: F811
    client_as,
):
    _inspections(world.campaign)
    Target.objects.create(
        campaign=world.campaign,
        title="Có 05 xã đạt chuẩn nông thôn mới",
        metric=TargetMetric.COMMUNES_NTM_OR_BETTER,
        min_value=5,
        by_year=2024,
        order=2,
    )
    report = _request(world, users, kind="final_review", year=2025, narrative={})
    html = client_as("secretariat").get(reverse("reports:report-detail", args=[report.pk]))
    html = html.content.decode()
    limits = html[html.index('data-testid="prompts-limits"') :]
    limits = limits[: limits.index("</ul>")]
    assert (
        "Năm 2024: không thực hiện cuộc kiểm tra, giám sát nào theo kế hoạch (thực hiện 0/1 "
        "cuộc)" in limits
    )
    assert "Chỉ tiêu 2 “Có 05 xã đạt chuẩn nông thôn mới”: chưa đạt (đạt 3/5 xã" in limits
    strengths = html[html.index('data-testid="prompts-strengths"') :]
    strengths = strengths[: strengths.index("</ul>")]
    assert "Năm 2023: thực hiện 1/1 cuộc kiểm tra, giám sát theo kế hoạch." in strengths
    # Facts are shown beside the field, never written into it.
    assert re.search(r'<textarea[^>]*name="limits"[^>]*>\s*</textarea>', html)
    # The edit guard stays on the form.
    assert 'name="seen"' in html


def test_awards_counted_by_year_of_achievement_on_the_statistics_page_and_in_the_review(
    world, plan_data, client_as
):
    """One rule: the 2026 decision for 2025 achievements is a 2025 award on both."""
    html = client_as("secretariat").get(reverse("awards:statistics") + "?year=2025")
    html = html.content.decode()
    assert "tính theo năm thành tích (năm của đề nghị khen thưởng)" in html
    table = html[html.index('data-testid="statistics"') :]
    row = table[table.index("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh") :]
    assert re.search(r'<td class="text-end">1</td>', row[: row.index("</tr>")])
    parts = content.build_final(_report(world.campaign, "final_review", 2025))["parts"]
    awards = next(s for p in parts for s in p.sections if s.key == "awards")
    assert awards.data["total"] == Award.objects.filter(year__in=range(2021, 2026)).count() == 2


def test_preliminary_review_lists_its_proposals_in_administrative_words(
    world,
    report_data,
    make_nomination,  # noqa: F811
):
    n = make_nomination(NominationStatus.SUBMITTED, unit=world.commune_b)
    n.period_kind, n.period_year, n.status = "preliminary", 2023, "checked"
    n.save()
    parts = content.build_preliminary(_report(world.campaign, "preliminary_review", 2023))["parts"]
    section = next(s for p in parts for s in p.sections if s.key == "final_nominations")
    assert section.heading == "Đề nghị khen thưởng sơ kết phong trào"
    assert (
        "1 trường hợp đã thẩm định hồ sơ, chờ trình Hội đồng Thi đua – Khen thưởng"
        in section.data["paragraphs"][0]
    )
    assert section.tables[0].rows[0][4] == (
        "Đã thẩm định hồ sơ, chờ trình Hội đồng Thi đua – Khen thưởng"
    )
    # The final review does not list the preliminary review's proposals.
    parts = content.build_final(_report(world.campaign, "final_review", 2025))["parts"]
    assert not [s for p in parts for s in p.sections if s.key == "final_nominations"]
