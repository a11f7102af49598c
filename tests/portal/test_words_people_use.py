"""Words people use (issue 17, item 5): names instead of codes, Vietnamese numbers, markers
explained, empty tables that say why."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from campaigns.models import (
    BudgetLine,
    CriteriaSet,
    Criterion,
    NtmLevel,
    Target,
    TargetGroup,
    TargetMetric,
    ValueType,
)
from campaigns.rankings.ranking import RankedRow
from tests.campaigns import cycle_world
from tests.campaigns.rankings_helpers import cluster, commune, status
from tests.factories import CAMPAIGN_CODE as CODE
from tests.portal.test_login_names import visible_text

pytestmark = pytest.mark.django_db


def test_breadcrumbs_name_the_campaign_not_its_code(world, users, client_as):
    campaign = world.campaign
    for url in (
        campaign.get_absolute_url(),
        reverse("campaigns:criteriaset-list", args=[campaign.code]),
    ):
        page = client_as("secretariat").get(url).content.decode()
        crumbs = visible_text(re.search(r'<ol class="breadcrumb">.*?</ol>', page, re.S).group(0))
        assert campaign.code not in crumbs, url
        assert campaign.short_title in crumbs, url
    assert campaign.short_title == "Thử nghiệm chung sức xây dựng nông thôn mới 2021-2025"


def test_import_pages_name_columns_in_words_beside_the_header_of_the_contract(
    world, users, client_as
):
    client = client_as("secretariat")
    index = visible_text(client.get(reverse("import-index")).content.decode())
    assert "Tiền (đồng) money_vnd" in index  # the contract's header stays, named in words
    assert "Mã đơn vị cấp trên parent_code" in index
    upload = visible_text(
        client.get(reverse("import-upload", args=["contributions"])).content.decode()
    )
    assert "Tiền (đồng): cột money_vnd" in upload
    ntm = visible_text(
        client_as("economic_office")
        .get(reverse("campaigns:ntm-list", args=[CODE]))
        .content.decode()
    )
    assert "ntm_status" not in ntm
    assert "Xuất tệp theo mẫu nhập" in ntm


def test_the_budget_form_shows_the_amount_with_thousands_dots(world, users, client_as):
    line = BudgetLine.objects.create(
        campaign=world.campaign,
        year=2025,
        kind="awards",
        description="Tiền thưởng",
        amount_vnd=Decimal(120_000_000),
        proposed_by=users["secretariat"],
        proposing_unit="Văn phòng",
    )
    page = client_as("secretariat").get(reverse("campaigns:oversight:budget-edit", args=[line.pk]))
    html = page.content.decode()
    assert 'value="120.000.000"' in html
    assert "120000000" not in html


def test_a_count_criterion_prints_as_a_whole_number(world, users, client_as):
    cs = CriteriaSet.objects.create(
        campaign=world.campaign, target_group=TargetGroup.COMMUNES, version=1, name="Thử"
    )
    Criterion.objects.create(
        criteria_set=cs,
        number=1,
        text="Số hộ thoát nghèo",
        value_type=ValueType.NUMBER,
        max_points=Decimal(10),
    )
    a = cycle_world.assessment(world.commune_a, world.campaign)
    a.items.update(value_number=Decimal(3))
    text = visible_text(client_as("secretariat").get(a.get_absolute_url()).content.decode())
    assert "Số hộ thoát nghèo" in text
    assert "3,00" not in text
    assert "Tối đa 10 điểm" in text


def test_a_rank_kept_says_so_and_the_page_explains_the_markers(world, users, client_as):
    cl = cluster()
    for year in (2023, 2024):
        for name, met in (("Xã Nhất", 19), ("Xã Nhì", 15)):
            unit = commune(cl, name)[0] if year == 2023 else _unit(name)
            status(world.campaign, unit, year, NtmLevel.NTM if met == 19 else NtmLevel.NONE, met)
    page = client_as("secretariat").get(
        reverse("rankings:ranking", args=[world.campaign.code]), {"year": 2024}
    )
    text = visible_text(page.content.decode())
    assert "= giữ hạng" in text
    assert "= – giữ nguyên hạng" in text
    assert "▲ n – tăng n bậc" in text


def _unit(name):
    from units.models import Unit

    return Unit.objects.get(name=name)


def test_movement_in_words():
    def row(rank, previous):
        return RankedRow(rank, None, "", 1, "X", "Xã", 2024, {}, previous_rank=previous)

    assert "giữ hạng" in str(row(2, 2).movement_html)
    assert "tăng 1 bậc" in str(row(1, 2).movement_html)
    assert "mới xếp hạng" in str(row(1, None).movement_html)


def test_a_target_without_a_value_draws_no_bar_and_says_so(world, users, client_as):
    Target.objects.create(
        campaign=world.campaign,
        title="Xã đạt chuẩn nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        by_year=2025,
    )
    page = (
        client_as("secretariat")
        .get(reverse("rankings:targets", args=[world.campaign.code]), {"year": 2025})
        .content.decode()
    )
    assert "<progress" not in page
    assert "Chưa đặt chỉ tiêu" in visible_text(page)


def test_an_all_zero_statistics_year_says_why(world, users, client_as):
    page = client_as("secretariat").get(reverse("awards:statistics"), {"year": 2025})
    text = visible_text(page.content.decode())
    assert "Chưa có số liệu khen thưởng năm 2025" in text
    assert "không có nghĩa là không có ai được khen thưởng" in text


def test_no_template_names_a_region_or_control_in_english_for_screen_readers():
    """A screen reader reads aria-label, title and placeholder aloud: "breadcrumb" was read to
    every user of a screen reader on 39 pages. Text without a single Vietnamese letter is
    allowed only when it is a name (Excel, PDF, QR, NTM, a code)."""
    from pathlib import Path

    names = {"Excel", "PDF", "QR", "NTM", "OCOP", "CSV", "URL", "yyyy"}  # yyyy: a date hint
    attribute = re.compile(r'\b(aria-label|title|placeholder)="([^"{}]*)"')
    offenders = []
    for path in sorted(Path("templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for name, text in attribute.findall(line):
                words = re.findall(r"[A-Za-z]{3,}", text)
                if words and text.isascii() and not set(words) <= names:
                    offenders.append(f"{path}:{number}: {name}={text!r}")
    assert not offenders, "\n".join(offenders)
