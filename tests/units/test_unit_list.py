"""The unit list: filters, scope, constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ClusterFactory, UnitFactory, VillageFactory
from units.models import UnitKind


def _count_list_queries(client, django_assert_max_num_queries, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("units:unit-list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_unit_list_runs_constant_queries_whatever_the_number_of_units(
    client_as, world, django_assert_num_queries
):
    client = client_as("secretariat")
    client.get(reverse("units:unit-list"))  # warm the session
    small = _count_list_queries(client, None, 0)
    for i in range(60):
        commune = UnitFactory(name=f"Xã Mở Rộng {i}")
        VillageFactory(parent=commune)
    client.get(reverse("units:unit-list"))  # writes renewed the desk (portal.desk)
    large = _count_list_queries(client, None, 0)
    assert small == large
    # session, user, roles, count, page of units (with parent and cluster), filter choices (2)
    with django_assert_num_queries(small):
        client.get(reverse("units:unit-list"))


def test_officer_sees_only_own_commune_and_its_villages(client_as, world):
    response = client_as("officer_a").get(reverse("units:unit-list"))
    names = [u.name for u in response.context["page"]]
    assert sorted(names) == sorted([world.commune_a.name, world.village_a.name])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Phổ Thử A"}, ["Xã Phổ Thử A"]),
        ({"q": "xa-b-t1"}, ["Thôn An Thạch Thử"]),
        ({"kind": UnitKind.DEPARTMENT}, ["Phòng Kinh tế thử"]),
    ],
)
def test_unit_list_filters(client_as, world, params, expected):
    response = client_as("secretariat").get(reverse("units:unit-list"), params)
    assert [u.name for u in response.context["page"]] == expected


def test_unit_list_filters_by_parent_and_cluster(client_as, world):
    client = client_as("secretariat")
    by_parent = client.get(reverse("units:unit-list"), {"parent": "phổ thử a"})
    assert [u.name for u in by_parent.context["page"]] == [world.village_a.name]
    by_code = client.get(reverse("units:unit-list"), {"parent": world.commune_a.code})
    assert [u.name for u in by_code.context["page"]] == [world.village_a.name]
    by_cluster = client.get(reverse("units:unit-list"), {"cluster": world.commune_a.cluster_id})
    assert {u.name for u in by_cluster.context["page"]} == {"Xã Phổ Thử A", "Xã Phổ Thử B"}


def test_unit_list_filter_offers_no_list_of_every_commune(client_as, world):
    """With the country's 3,300 communes a drop-down of them all would outweigh the page: the
    commune a unit belongs to is typed (name or code), and the options do not grow with the
    communes."""
    client = client_as("secretariat")
    before = client.get(reverse("units:unit-list")).content.decode().count("<option")
    for i in range(60):
        UnitFactory(name=f"Xã Mở Rộng {i}", cluster=world.commune_a.cluster)
    html = client.get(reverse("units:unit-list")).content.decode()
    assert html.count("<option") == before
    assert "Xã Mở Rộng 1<" not in html.split('data-testid="unit-table"')[0]
    assert 'name="parent"' in html


def test_officer_is_offered_only_the_clusters_of_units_they_see(client_as, world):
    UnitFactory(name="Xã Ngoài Phạm Vi", cluster=ClusterFactory(name="Cụm Ngoài Phạm Vi"))
    html = client_as("officer_a").get(reverse("units:unit-list")).content.decode()
    form = html.split('data-testid="unit-table"')[0]
    assert world.commune_a.cluster.name in form
    assert "Cụm Ngoài Phạm Vi" not in form
    secretariat = client_as("secretariat").get(reverse("units:unit-list")).content.decode()
    assert "Cụm Ngoài Phạm Vi" in secretariat


def test_commune_page_shows_villages_cluster_and_successor(client_as, world):
    new = UnitFactory(code="XA-MOI", name="Xã Khánh Cường Thử")
    world.commune_a.successors.add(new)
    page = client_as("secretariat").get(reverse("units:unit-detail", args=[world.commune_a.pk]))
    html = page.content.decode()
    assert world.village_a.name in html
    assert "Cụm thi đua thử nghiệm" in html
    assert "Xã Khánh Cường Thử" in html
    successor_page = client_as("secretariat").get(reverse("units:unit-detail", args=[new.pk]))
    assert "Xã Phổ Thử A" in successor_page.content.decode()


def test_secretariat_creates_a_village_and_a_bad_one_is_refused_in_vietnamese(client_as, world):
    client = client_as("secretariat")
    ok = client.post(
        reverse("units:unit-create"),
        {"code": "XA-A-T2", "name": "Thôn Mới", "kind": "village", "parent": world.commune_a.pk},
    )
    assert ok.status_code == 302
    bad = client.post(
        reverse("units:unit-create"), {"code": "XA-A-T3", "name": "Thôn Lạc", "kind": "village"}
    )
    assert bad.status_code == 200
    assert "Thôn, tổ dân phố phải thuộc một xã hoặc phường." in bad.content.decode()


def test_officer_sees_sponsor_name_without_a_link_to_a_page_outside_scope(client_as, world):
    from units.models import Sponsorship

    Sponsorship.objects.create(
        campaign=world.campaign, sponsor=world.department, commune=world.commune_a
    )
    html = (
        client_as("officer_a")
        .get(reverse("units:unit-detail", args=[world.commune_a.pk]))
        .content.decode()
    )
    assert world.department.name in html
    assert world.department.get_absolute_url() not in html
    html = (
        client_as("secretariat")
        .get(reverse("units:unit-detail", args=[world.commune_a.pk]))
        .content.decode()
    )
    assert world.department.get_absolute_url() in html


def _listed(client, **params) -> list[str]:
    response = client.get(reverse("units:unit-list"), params)
    assert response.status_code == 200
    return [u.code for u in response.context["page"]]


def test_unit_list_pages_run_across_kinds_in_kind_parent_and_name_order(client_as, world, users):
    """Each page reads only the kinds it spans; read one after another, the pages are the whole
    list in its order: kinds as KIND_ORDER says (the other kinds last), then the parent's name,
    then the name."""
    from units.selectors import units_for_list

    for i in range(40):
        commune = UnitFactory(code=f"XA-L{i:02}", name=f"Xã Lượt {39 - i:02}")
        VillageFactory(code=f"TH-L{i:02}", name=f"Thôn Lượt {i % 3}", parent=commune)
    UnitFactory(code="HO-L", name="Hộ Lượt", kind=UnitKind.HOUSEHOLD)
    client = client_as("secretariat")
    pages = [*_listed(client), *_listed(client, page=2)]
    everything = [u.code for u in units_for_list(users["secretariat"])]
    assert pages == everything
    assert pages[-1] == "HO-L"
    assert client.get(reverse("units:unit-list")).context["page"].paginator.count == len(pages)


def test_a_unit_saved_shows_in_the_next_lists_count(client_as, world, users):
    """The count is cached until the next write: a unit added through the service is counted on
    the next request."""
    from units.services import unit_save

    client = client_as("secretariat")
    before = client.get(reverse("units:unit-list")).context["page"].paginator.count
    unit_save(
        unit=None,
        values={"code": "PB-MOI", "name": "Phòng Văn hóa mới", "kind": UnitKind.DEPARTMENT},
        by=users["secretariat"],
    )
    response = client.get(reverse("units:unit-list"))
    assert response.context["page"].paginator.count == before + 1
    assert "Phòng Văn hóa mới" in response.content.decode()
