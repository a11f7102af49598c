"""The town-wide dashboard summarises: one row per cluster (a page at a time), a few communes at
each end, the units needing attention — never one row per commune — and every commune is two
clicks away (cluster → its ranking → the commune). Its figures are cached per data version, so
a write shows on the very next request."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import ContributorKind, NtmLevel, NtmStatus
from campaigns.results.services import contribution_save, ntm_status_save
from portal import dashboard
from tests.campaigns.rankings_helpers import cluster, commune, status
from tests.factories import ClusterFactory

pytestmark = pytest.mark.django_db
N, X = NtmLevel.NTM, NtmLevel.NONE
COMMUNE_LINK = re.compile(r'href="/don-vi/(\d+)/"')


@pytest.fixture
def thirty(world):
    """30 communes in 3 clusters of 10; in each cluster the last commune lost two criteria."""
    clusters, communes = [], []
    for c in range(3):
        cl = ClusterFactory(code=f"A-TH-{c + 1}", name=f"Cụm tổng hợp {c + 1}")
        clusters.append(cl)
        for i in range(10):
            unit, _ = commune(cl, f"Xã Tổng Hợp {c + 1}-{i:02d}", code=f"TH-{c}-{i:02d}")
            communes.append(unit)
            before = 10 + i
            status(world.campaign, unit, 2023, X, before)
            status(world.campaign, unit, 2024, N if i > 7 else X, before - 2 if i == 9 else before)
    return clusters, communes


def _html(client, url="/?year=2024") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_lists_clusters_a_page_at_a_time_and_names_only_a_few_communes(
    thirty, client_as, monkeypatch
):
    monkeypatch.setattr(dashboard, "CLUSTERS_PER_PAGE", 2)
    _clusters, communes = thirty
    client = client_as("chairman")
    html = _html(client)
    table = html.split('data-testid="cluster-table"')[1].split("</table>")[0]
    assert "Cụm tổng hợp 1" in table
    assert "Cụm tổng hợp 2" in table
    assert "Cụm tổng hợp 3" not in table  # on the next page
    assert "Trang 1/2" in html
    assert "Toàn bộ" in table  # the totals row counts every cluster, not only this page's
    named = {name for name in (u.name for u in communes) if name in html}
    # 5 leading, 5 trailing, the 3 that lost criteria (attention): never all 30.
    assert len(named) <= 13
    assert {"Xã Tổng Hợp 1-09", "Xã Tổng Hợp 2-09", "Xã Tổng Hợp 3-09"} <= named
    assert "giảm 2 tiêu chí so với năm trước" in html
    page2 = _html(client, "/?year=2024&page=2")
    assert "Cụm tổng hợp 3" in page2.split('data-testid="cluster-table"')[1].split("</table>")[0]


def test_every_commune_is_two_clicks_away_cluster_then_its_ranking(thirty, client_as, world):
    clusters, communes = thirty
    client = client_as("chairman")
    html = _html(client)
    ranking = reverse("rankings:ranking", args=[world.campaign.code])
    reached: set[int] = set()
    for cl in clusters:
        link = f"{ranking}?year=2024&amp;cluster={cl.pk}"
        assert f'href="{link}"' in html, cl.name
        reached |= {
            int(pk) for pk in COMMUNE_LINK.findall(_html(client, link.replace("&amp;", "&")))
        }
    assert {u.pk for u in communes} <= reached


def test_the_clusters_can_be_sorted_worst_first(thirty, client_as):
    _clusters, communes = thirty
    # Cluster 1: 6 of 10 communes at NTM; clusters 2 and 3: 2 of 10.
    NtmStatus.objects.filter(unit__in=communes[:4], year=2024).update(level=N)
    client = client_as("secretariat")

    def order(sort: str) -> list[str]:
        table = _html(client, f"/?year=2024&sort={sort}").split('data-testid="cluster-table"')[1]
        return re.findall(r">(Cụm tổng hợp \d)<", table.split("<tfoot>")[0])

    assert order("ma") == ["Cụm tổng hợp 1", "Cụm tổng hợp 2", "Cụm tổng hợp 3"]
    assert order("ntm-thap") == ["Cụm tổng hợp 2", "Cụm tổng hợp 3", "Cụm tổng hợp 1"]
    assert order("ntm-cao")[0] == "Cụm tổng hợp 1"


def test_a_write_shows_on_the_next_request(thirty, client_as, world):
    _clusters, communes = thirty
    client = client_as("chairman")
    html = _html(client)
    assert "Xã Tổng Hợp 1-05" not in html.split('id="h-attention"')[1].split("</section>")[0]
    _html(client)  # read from the cache
    ntm_status_save(
        unit=communes[5],
        year=2024,
        level=X,
        numbers=range(1, 4),  # 15 criteria in 2023, 3 now
        campaign=world.campaign,
    )
    attention = _html(client).split('id="h-attention"')[1].split("</section>")[0]
    assert "Xã Tổng Hợp 1-05" in attention
    assert "giảm 12 tiêu chí so với năm trước" in attention


def test_a_contribution_saved_shows_in_the_yearly_totals_on_the_next_request(
    thirty, client_as, world, users
):
    """The totals are cached with the other figures: a contribution saved through the service
    is in them on the very next request."""
    client = client_as("chairman")

    def totals() -> dict:
        response = client.get("/?year=2024")
        return {c["year"]: (c["money"], c["n"]) for c in response.context["contributions"]}

    before = totals()
    assert totals() == before  # from the cache
    contribution_save(
        contribution=None,
        commune=world.commune_a,
        campaign=world.campaign,
        year=2024,
        contributor="Nhân dân thôn Một",
        contributor_kind=ContributorKind.PEOPLE,
        money_vnd=Decimal(25_000_000),
        work_days=Decimal(0),
        land_m2=Decimal(0),
        in_kind="",
        note="",
        by=users["secretariat"],
    )
    money, n = before.get(2024, (Decimal(0), 0))
    assert totals()[2024] == (money + Decimal(25_000_000), n + 1)


def test_the_full_list_of_units_needing_attention_pages(thirty, client_as, world):
    html = _html(
        client_as("observer"),
        reverse("rankings:attention", args=[world.campaign.code]) + "?year=2024",
    )
    for c in (1, 2, 3):
        assert f"Xã Tổng Hợp {c}-09" in html
    assert "giảm 2 tiêu chí so với năm trước (còn 17/19)" in html


def test_the_dashboard_runs_the_same_queries_for_30_and_300_communes(thirty, client_as, world):
    client = client_as("chairman")

    def count(cold: bool) -> int:
        if cold:
            from portal import figures_cache

            figures_cache.reset()  # every figure afresh
        with CaptureQueriesContext(connection) as ctx:
            _html(client)
        return len(ctx.captured_queries)

    count(True)
    small = (count(True), count(False))
    more = cluster("Cụm tổng hợp lớn")
    for i in range(270):
        unit, _ = commune(more, f"Xã Thêm {i:03d}", code=f"TT-{i:03d}")
        status(world.campaign, unit, 2023, X, 12)
        status(world.campaign, unit, 2024, X, 11)
    assert (count(True), count(False)) == small
    assert small[1] < small[0]  # the cached figures save the aggregates' queries


def test_the_overview_figures_take_a_fixed_small_number_of_queries(
    thirty, world, django_assert_max_num_queries
):
    """Computed afresh (the first request after a write), whatever the number of communes: the
    year's communes are read once for the clusters, the fallen and the two ends of the list."""
    from portal import figures_cache

    figures_cache.reset()
    with django_assert_max_num_queries(21):
        figures = dashboard.overview_figures(world.campaign, 2024, datetime.date(2024, 12, 1))
    assert figures["attention_fell"] == 3  # the last commune of each cluster


def test_the_officers_dashboard_ranks_only_their_own_cluster(thirty, client_as, world):
    with CaptureQueriesContext(connection) as ctx:
        html = _html(client_as("officer_a"), "/?year=2024")
    assert "Xã Phổ Thử A" in html
    ranking_sql = [q["sql"] for q in ctx.captured_queries if "RANK() OVER" in q["sql"]]
    assert ranking_sql
    assert all("u.cluster_id = " in sql for sql in ranking_sql)
