"""Ranking pages, publication, target progress, exports and the dashboard."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import (
    Milestone,
    MilestoneKind,
    NtmLevel,
    NtmStatus,
    RankingPublication,
    Target,
    TargetMetric,
)
from campaigns.targets import targets_progress as target_progress
from portal import figures_cache

from .rankings_helpers import cluster, commune, status, village_levels

pytestmark = pytest.mark.django_db
N, A, M, X = NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL, NtmLevel.NONE


@pytest.fixture
def ranked(world):
    """Commune A (advanced, 19) leads commune B (NTM, 19) in the test cluster in 2024."""
    campaign = world.campaign
    status(campaign, world.commune_a, 2023, N, 19)
    status(campaign, world.commune_b, 2023, N, 19)
    status(campaign, world.commune_a, 2024, A, 19)
    status(campaign, world.commune_b, 2024, N, 19)
    village_levels([world.village_a], 2024, [N])
    village_levels([world.village_b], 2024, [X])
    return campaign


def _url(name, campaign, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse(name, args=[campaign.code])}?{query}"


def test_ranking_page_explains_itself(ranked, client_as):
    html = client_as("chairman").get(_url("rankings:ranking", ranked, year=2024)).content.decode()
    assert "Cách xếp hạng:" in html
    assert "1) mức đạt chuẩn" in html
    assert "4) mức tăng tiêu chí bình quân năm" in html
    assert "sau Xã Phổ Thử A: mức đạt chuẩn đạt chuẩn &lt; nâng cao" in html
    assert "▼ 1" in html  # B was tied first in 2023, second now
    assert "100,0%" in html
    assert "(1/1)" in html
    assert "chưa được công bố" in html


def test_publish_freezes_rows_and_the_page_says_when_live_data_moved(ranked, client_as):
    client = client_as("secretariat")
    response = client.post(
        reverse("rankings:publish", args=[ranked.code]),
        {"year": "2024", "kind": "commune", "acknowledge_unconfirmed": 2},
    )
    assert response.status_code == 302
    pub = RankingPublication.objects.get()
    assert [(r["unit_code"], r["rank"]) for r in pub.rows] == [("XA-A", 1), ("XA-B", 2)]
    html = client.get(_url("rankings:ranking", ranked, year=2024)).content.decode()
    assert "trùng khớp với bảng đã công bố" in html
    # Live data changes after publication: B reaches model level and would lead.
    NtmStatus.objects.filter(unit__code="XA-B", year=2024).update(level=M)
    # A raw update, with no audit event: the figures still see it (their tables changed).
    html = client.get(_url("rankings:ranking", ranked, year=2024)).content.decode()
    assert "Số liệu đã thay đổi sau khi công bố" in html
    pub.refresh_from_db()
    assert pub.rows[0]["unit_code"] == "XA-A"  # the published table is unchanged
    page = client.get(reverse("rankings:publication", args=[pub.pk])).content.decode()
    assert "khớp với các dòng lưu" in page
    client.post(
        reverse("rankings:publish", args=[ranked.code]),
        {"year": "2024", "kind": "commune", "acknowledge_unconfirmed": 2},
    )
    assert RankingPublication.objects.order_by("-version").first().rows[0]["unit_code"] == "XA-B"


def test_publishing_a_year_without_data_is_refused_in_vietnamese(ranked, client_as):
    client = client_as("secretariat")
    response = client.post(
        reverse("rankings:publish", args=[ranked.code]),
        {"year": "2021", "kind": "commune"},
        follow=True,
    )
    assert "Chưa có số liệu năm 2021" in response.content.decode()
    assert not RankingPublication.objects.exists()


def test_target_progress_counts_from_data(world):
    campaign = world.campaign
    t_adv = Target.objects.create(
        campaign=campaign,
        title="Xã nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        min_value=2,
        max_value=4,
        by_year=2025,
    )
    t_model = Target.objects.create(
        campaign=campaign,
        title="Xã kiểu mẫu",
        metric=TargetMetric.COMMUNES_MODEL,
        min_value=1,
        max_value=2,
        by_year=2025,
    )
    t_kept = Target.objects.create(
        campaign=campaign,
        title="Giữ vững tiêu chí",
        metric=TargetMetric.CRITERIA_KEPT,
        by_year=2025,
    )
    t_vill = Target.objects.create(
        campaign=campaign,
        title="Thôn NTM",
        metric=TargetMetric.VILLAGES_NTM_OR_BETTER,
        min_value=2,
        by_year=2025,
    )
    status(campaign, world.commune_a, 2024, A, 19)
    status(campaign, world.commune_b, 2024, N, 19)
    status(campaign, world.commune_a, 2025, M, 19)
    status(campaign, world.commune_b, 2025, N, 18)  # lost a criterion
    village_levels([world.village_a, world.village_b], 2025, [N, M])
    progress = {p.target.pk: p for p in target_progress(campaign, 2025)}
    assert (progress[t_adv.pk].value, progress[t_adv.pk].met) == (1, False)
    assert [u.name for u in progress[t_adv.pk].units] == ["Xã Phổ Thử A"]
    assert progress[t_adv.pk].range_text == "2–4"
    assert (progress[t_model.pk].value, progress[t_model.pk].met) == (1, True)
    assert (progress[t_kept.pk].value, progress[t_kept.pk].met) == (1, False)
    assert [lost.unit.name for lost in progress[t_kept.pk].lost] == ["Xã Phổ Thử B"]
    assert (progress[t_vill.pk].value, progress[t_vill.pk].met) == (2, True)
    assert target_progress(campaign, 2024)[0].value == 1


def test_ranking_excel_cell_by_cell(ranked, client_as):
    response = client_as("observer").get(_url("rankings:ranking", ranked, year=2024, format="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.streaming  # sent from a temporary file in chunks, not held in memory
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.freeze_panes == "A4"
    header = [c.value for c in sheet[3]]
    assert header[:7] == [
        "Cụm thi đua",
        "Hạng",
        "Mã đơn vị",
        "Tên đơn vị",
        "Năm",
        "Mức đạt chuẩn",
        "Số tiêu chí đạt",
    ]
    assert header[9:11] == ["Tỷ lệ thôn đạt chuẩn (%)", "Mức tăng tiêu chí bình quân/năm"]
    a = [c.value for c in sheet[4]]
    b = [c.value for c in sheet[5]]
    assert a[:11] == [
        "Cụm thi đua thử nghiệm",
        1,
        "XA-A",
        "Xã Phổ Thử A",
        2024,
        "Đạt chuẩn NTM nâng cao",
        19,
        1,
        1,
        100.0,
        0.0,
    ]
    assert b[:11] == [
        "Cụm thi đua thử nghiệm",
        2,
        "XA-B",
        "Xã Phổ Thử B",
        2024,
        "Đạt chuẩn NTM",
        19,
        1,
        0,
        0.0,
        0.0,
    ]
    assert b[11:13] == [1, "▼ 1"]
    assert sheet.cell(row=4, column=10).number_format == "0.0"
    assert sheet.cell(row=4, column=11).number_format == "0.00"
    assert sheet.cell(row=4, column=2).number_format == "0"


def test_heatmap_excel_has_symbols(ranked, client_as):
    response = client_as("chairman").get(_url("rankings:heatmap", ranked, year=2024, format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [c.value for c in sheet[3]][:4] == [
        "Cụm thi đua",
        "Xã",
        "Số tiêu chí đạt",
        "TC 1. Quy hoạch",
    ]
    assert [c.value for c in sheet[4]][:5] == [
        "Cụm thi đua thử nghiệm",
        "Xã Phổ Thử A",
        19,
        "✓",
        "✓",
    ]


def test_export_data_commune_results_columns_and_ranks(ranked, tmp_path):
    other, _ = commune(cluster("Cụm thứ hai"), "Xã Không Thôn Nào")
    status(ranked, other, 2024, X, 12)
    out = tmp_path / "results.csv"
    call_command(
        "export_data", "commune_results", str(out), "--year", "2024", "--campaign", ranked.code
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == [
        "cluster",
        "rank",
        "unit_code",
        "unit_name",
        "year",
        "level",
        "criteria_met_count",
        "village_share_pct",
        "avg_annual_growth",
    ]
    assert rows[1:] == [
        [
            "Cụm thi đua thử nghiệm",
            "1",
            "XA-A",
            "Xã Phổ Thử A",
            "2024",
            "advanced",
            "19",
            "100",
            "0",
        ],
        ["Cụm thi đua thử nghiệm", "2", "XA-B", "Xã Phổ Thử B", "2024", "ntm", "19", "0", "0"],
        ["Cụm thứ hai", "1", other.code, "Xã Không Thôn Nào", "2024", "none", "12", "", ""],
    ] or rows[1:] == [
        ["Cụm thứ hai", "1", other.code, "Xã Không Thôn Nào", "2024", "none", "12", "", ""],
        [
            "Cụm thi đua thử nghiệm",
            "1",
            "XA-A",
            "Xã Phổ Thử A",
            "2024",
            "advanced",
            "19",
            "100",
            "0",
        ],
        ["Cụm thi đua thử nghiệm", "2", "XA-B", "Xã Phổ Thử B", "2024", "ntm", "19", "0", "0"],
    ]
    xlsx = tmp_path / "results.xlsx"
    call_command("export_data", "commune_results", str(xlsx), "--year", "2024")
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][:3] == ["cluster", "rank", "unit_code"]


def test_commune_and_cluster_panels_show_years(ranked, client_as, world):
    html = (
        client_as("officer_a")
        .get(reverse("rankings:commune-panel", args=[world.commune_a.pk]))
        .content.decode()
    )
    assert "Đạt chuẩn NTM nâng cao" in html
    assert "1/2" in html
    assert "commune-chart-" in html
    html = (
        client_as("chairman")
        .get(reverse("rankings:cluster-panel", args=[world.commune_a.cluster_id]))
        .content.decode()
    )
    assert "hạng 1" in html
    assert "Xã Phổ Thử B" in html


def test_chairman_dashboard_shows_targets_clusters_and_leading_communes(ranked, client_as):
    Target.objects.create(
        campaign=ranked,
        title="Có từ 02 - 04 xã đạt chuẩn NTM nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        min_value=2,
        max_value=4,
        by_year=2025,
    )
    html = client_as("chairman").get("/?year=2024").content.decode()
    assert "Tiến độ chỉ tiêu" in html
    assert "Có từ 02 - 04 xã" in html
    assert "Số xã đạt từng tiêu chí NTM năm 2024 so với năm 2023" in html
    assert "Tổng hợp theo cụm thi đua năm 2024" in html
    assert ">Cụm thi đua thử nghiệm</a>" in html  # links to the cluster's ranking
    top = html.split('id="h-top"')[1].split("</section>")[0]
    assert top.index("Xã Phổ Thử A") < top.index("Xã Phổ Thử B")  # advanced before NTM
    for source in ("criteria-data", "contributions-data", "completeness-data", "levels-data"):
        assert f'id="{source}"' in html
        assert f'data-source="{source}"' in html


def test_officer_dashboard_shows_status_deadlines_rank(ranked, client_as, world):
    import datetime

    Milestone.objects.create(
        campaign=ranked,
        kind=MilestoneKind.YEARLY_REPORT,
        title="Hạn báo cáo kết quả năm",
        year=2099,
        due_date=datetime.date(2099, 11, 30),
    )
    html = client_as("officer_a").get("/?year=2024").content.decode()
    assert "Xã Phổ Thử A" in html
    assert "Hạn báo cáo kết quả năm" in html
    assert "30/11/2099" in html
    assert "Đạt chuẩn NTM nâng cao" in html
    assert 'fs-5 fw-bold">1</span>/2' in html
    assert "Xã Phổ Thử B" not in html


def _grow(n: int, campaign) -> None:
    cl = cluster(f"Cụm {n}")
    for i in range(n):
        unit, vs = commune(cl, f"Xã Tăng {n}-{i}", villages=2)
        for year in (2023, 2024):
            status(campaign, unit, year, X, 10 + (i % 5) + (year - 2023))
            village_levels(vs, year, [N, X])


@pytest.mark.parametrize(
    "page",
    ["/?year=2024", "rankings:ranking", "rankings:heatmap", "rankings:targets", "bloc"],
)
def test_query_count_does_not_grow_with_communes(world, client_as, page):
    """Counted on the first request after a write (figures computed afresh) and on the next one
    (figures from the cache): the ranking pages show the largest cluster (Cụm 45 sorts first)."""
    campaign = world.campaign
    client = client_as("secretariat")
    if page == "bloc":
        url = _url("rankings:ranking", campaign, year=2024, kind="bloc")
    elif page.startswith("/"):
        url = page
    else:
        url = _url(page, campaign, year=2024)

    def count(*, cold: bool) -> int:
        if cold:
            figures_cache.reset()  # every figure afresh, as after a write of every table
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _grow(5, campaign)
    count(cold=True)  # warm-up: the first request loads per-process caches (content types, session)
    small = (count(cold=True), count(cold=False))
    _grow(45, campaign)
    assert (count(cold=True), count(cold=False)) == small


def test_officer_sees_what_was_returned_to_them(ranked, client_as, world):
    from campaigns.models import Assessment, AssessmentStatus, CriteriaSet, TargetGroup

    cs = CriteriaSet.objects.create(campaign=ranked, target_group=TargetGroup.COMMUNES, name="Bộ b")
    Assessment.objects.create(
        campaign=ranked,
        unit=world.commune_a,
        year=2024,
        criteria_set=cs,
        status=AssessmentStatus.RETURNED,
        return_reason="Thiếu minh chứng tiêu chí 17",
    )
    Assessment.objects.create(
        campaign=ranked,
        unit=world.commune_b,
        year=2024,
        criteria_set=cs,
        status=AssessmentStatus.RETURNED,
    )
    html = client_as("officer_a").get("/?year=2024").content.decode()
    assert "Hồ sơ bị trả lại để bổ sung" in html
    assert "Thiếu minh chứng tiêu chí 17" in html
    assert "Xã Phổ Thử B" not in html
