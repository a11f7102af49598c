"""The ranking and the criteria table show one cluster at a time — a picker, a search by a
commune's name, pages within a large cluster — and their Excel files keep every cluster."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import NtmLevel
from campaigns.results.services import ntm_status_save

from .rankings_helpers import cluster, commune, status, village_levels

pytestmark = pytest.mark.django_db
N, A, X = NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.NONE
PAGES = ["rankings:ranking", "rankings:heatmap"]


@pytest.fixture
def two_clusters(world):
    """The test cluster (communes A and B) and "Cụm An Bình" (Xã Đông Hòa), which sorts first."""
    campaign = world.campaign
    other = cluster("Cụm An Bình")
    dong_hoa, villages = commune(other, "Xã Đông Hòa", villages=1)
    for year in (2023, 2024):
        status(campaign, world.commune_a, year, A, 19)
        status(campaign, world.commune_b, year, N, 19)
        status(campaign, dong_hoa, year, X, 12)
    village_levels(villages, 2024, [N])
    return campaign, other, dong_hoa


def _get(client, name, campaign, **params):
    return client.get(reverse(name, args=[campaign.code]), {"year": 2024, **params})


def _html(client, name, campaign, **params) -> str:
    response = _get(client, name, campaign, **params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_the_page_shows_only_the_chosen_clusters_communes(two_clusters, world, client_as, page):
    campaign, other, _ = two_clusters
    client = client_as("chairman")
    html = _html(client, page, campaign, cluster=world.commune_a.cluster_id)
    assert "Xã Phổ Thử A" in html
    assert "Xã Phổ Thử B" in html
    assert "Xã Đông Hòa" not in html
    html = _html(client, page, campaign, cluster=other.pk)
    assert "Xã Đông Hòa" in html
    assert "Xã Phổ Thử A" not in html


@pytest.mark.parametrize("page", PAGES)
def test_the_picker_lists_every_cluster_with_its_number_of_communes(
    two_clusters, world, client_as, page
):
    campaign, other, _ = two_clusters
    html = _html(client_as("chairman"), page, campaign)
    assert '<label class="form-label small mb-0" for="f-cluster">' in html
    assert f'<option value="{other.pk}" selected>Cụm An Bình (1 xã)</option>' in html
    test_cluster = world.commune_a.cluster_id
    assert f'<option value="{test_cluster}">Cụm thi đua thử nghiệm (2 xã)</option>' in html
    # By default a town-wide reader sees the first cluster.
    assert "Xã Đông Hòa" in html
    assert "Xã Phổ Thử A" not in html


def test_an_officer_sees_their_own_communes_cluster_first(two_clusters, client_as):
    campaign, _, _ = two_clusters
    html = _html(client_as("officer_a"), "rankings:ranking", campaign)
    assert "Xã Phổ Thử A" in html
    assert "Xã Đông Hòa" not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_search_by_name_finds_a_commune_in_another_cluster(two_clusters, world, client_as, page):
    campaign, _, dong_hoa = two_clusters
    client = client_as("officer_a")  # whose own cluster is the test cluster
    html = _html(client, page, campaign, q="dong hoa")  # typed without its marks
    assert "<strong>Xã Đông Hòa</strong> thuộc <strong>Cụm An Bình</strong>" in html
    assert f'id="u-{dong_hoa.pk}" class="table-warning' in html
    assert "Xã Phổ Thử A" not in html.split('id="search-result"')[1]


def test_a_search_matching_several_communes_links_each_to_its_cluster(
    two_clusters, world, client_as
):
    campaign, _, _ = two_clusters
    html = _html(client_as("chairman"), "rankings:ranking", campaign, q="Phổ Thử")
    assert "Tìm thấy 2 xã có tên chứa “Phổ Thử”" in html
    test_cluster = world.commune_a.cluster_id
    assert f"cluster={test_cluster}#u-{world.commune_b.pk}" in html
    html = _html(client_as("chairman"), "rankings:ranking", campaign, q="Không Có Xã Này")
    assert "Không tìm thấy xã nào có tên chứa “Không Có Xã Này” trong số liệu năm 2024" in html


def test_a_cluster_that_is_not_in_the_list_is_named_and_the_first_cluster_shown(
    two_clusters, client_as
):
    campaign, _, _ = two_clusters
    html = _html(client_as("chairman"), "rankings:ranking", campaign, cluster="abc")
    assert "Đã bỏ qua điều kiện lọc không hợp lệ" in html
    assert "Xã Đông Hòa" in html


def test_communes_without_a_cluster_have_their_own_entry(two_clusters, client_as):
    campaign, _, _ = two_clusters
    loner, _ = commune(None, "Xã Lẻ Loi")
    status(campaign, loner, 2024, X, 5)
    client = client_as("chairman")
    assert '<option value="0">Chưa xếp khối, cụm (1 xã)</option>' in _html(
        client, "rankings:ranking", campaign
    )
    for page in PAGES:
        html = _html(client, page, campaign, cluster=0)
        assert "Xã Lẻ Loi" in html
        assert "Xã Đông Hòa" not in html


@pytest.mark.parametrize("page", PAGES)
def test_a_large_cluster_pages_and_a_search_opens_the_page_of_the_commune(
    two_clusters, world, client_as, monkeypatch, page
):
    campaign, _, _ = two_clusters
    monkeypatch.setattr("campaigns.rankings.views.ROWS_PER_PAGE", 1)
    client = client_as("chairman")
    test_cluster = world.commune_a.cluster_id
    html = _html(client, page, campaign, cluster=test_cluster)
    assert "Trang 1/2" in html
    assert f'id="u-{world.commune_b.pk}"' not in html
    assert f"cluster={test_cluster}&amp;page=2" in html
    html = _html(client, page, campaign, q="Phổ Thử B")
    assert "Trang 2/2" in html
    assert f'id="u-{world.commune_b.pk}" class="table-warning' in html


@pytest.mark.parametrize("page", PAGES)
def test_the_excel_file_has_every_clusters_communes(two_clusters, client_as, page):
    campaign, _, _ = two_clusters
    response = _get(client_as("chairman"), page, campaign, format="xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    names = {
        row[1 if page == "rankings:heatmap" else 3] for row in sheet.iter_rows(values_only=True)
    }
    assert {"Xã Phổ Thử A", "Xã Phổ Thử B", "Xã Đông Hòa"} <= names


def test_a_result_saved_through_the_service_shows_on_the_next_request(
    two_clusters, world, users, client_as
):
    campaign, other, dong_hoa = two_clusters
    client = client_as("chairman")
    for page in PAGES:  # read once: the figures are now cached
        assert "Xã Đông Hòa" in _html(client, page, campaign, cluster=other.pk)
    assert '<td class="num">12</td>' in _html(client, "rankings:ranking", campaign)
    ntm_status_save(
        unit=dong_hoa,
        year=2024,
        level=X,
        numbers=range(1, 16),
        campaign=campaign,
        by=users["secretariat"],
    )
    html = _html(client, "rankings:ranking", campaign, cluster=other.pk)
    assert '<td class="num">15</td>' in html
    assert '<td class="num">12</td>' not in html
    html = _html(client, "rankings:heatmap", campaign, cluster=other.pk)
    assert '<td class="num">15</td><td class="num">+3</td>' in html


def test_the_publish_form_counts_the_unconfirmed_communes_of_every_cluster(
    two_clusters, world, client_as
):
    campaign, _, _ = two_clusters
    html = _html(
        client_as("secretariat"), "rankings:ranking", campaign, cluster=world.commune_a.cluster_id
    )
    assert (
        "2 xã chưa được Phòng Kinh tế xác nhận số liệu năm 2024</strong> trong Cụm thi đua" in html
    )
    assert "Xã Đông Hòa (số liệu của xã, 1 thôn)" not in html  # its cluster is not shown
    assert 'name="acknowledge_unconfirmed" value="3"' in html  # but the ranking publishes it
    assert "Tôi biết 3 xã chưa được xác nhận số liệu" in html


def test_the_whole_ranking_ranked_in_batches_of_clusters_is_the_whole_ranking(
    two_clusters, monkeypatch
):
    from campaigns.rankings.ranking import commune_ranking, commune_ranking_in_batches

    campaign, _, _ = two_clusters
    loner, _ = commune(None, "Xã Lẻ Loi")
    status(campaign, loner, 2024, X, 5)
    monkeypatch.setattr("campaigns.rankings.ranking.CLUSTERS_PER_BATCH", 1)

    def lines(rows):
        return [(r.cluster_name, r.unit_code, r.rank, r.previous_rank, r.decided_by) for r in rows]

    whole = commune_ranking(2024, campaign=campaign)
    assert len(whole.rows) == 4
    assert lines(commune_ranking_in_batches(2024, campaign=campaign).rows) == lines(whole.rows)
