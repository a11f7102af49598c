"""A filter's select of clusters reads its options from the cache (the names kept until a table
they read is written): the same options, the choice kept, no query once kept, and an edit of a
cluster shown at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ClusterFactory, UnitFactory
from units.filters import UnitFilter
from units.models import Unit

pytestmark = pytest.mark.django_db


def _select(data: dict) -> str:
    return str(UnitFilter(data, queryset=Unit.objects.all()).form["cluster"])


def test_the_clusters_select_offers_the_clusters_of_the_units_and_keeps_the_choice(world):
    north = ClusterFactory(name="Cụm thi đua phía Bắc")
    UnitFactory(code="XA-BAC", cluster=north)
    ClusterFactory(name="Cụm không có đơn vị nào")
    html = _select({"cluster": str(north.pk)})
    assert f'<option value="{north.pk}" selected>Cụm thi đua phía Bắc</option>' in html
    assert '<option value="">Tất cả</option>' in html
    assert "Cụm không có đơn vị nào" not in html  # only the clusters of the units seen
    units = UnitFilter({"cluster": str(north.pk)}, queryset=Unit.objects.all()).qs
    assert [u.code for u in units] == ["XA-BAC"]


def test_once_kept_the_options_cost_no_query_and_an_edit_shows_at_once(world):
    north = ClusterFactory(name="Cụm thi đua phía Bắc")
    UnitFactory(code="XA-BAC", cluster=north)
    _select({})
    with CaptureQueriesContext(connection) as ctx:
        _select({})
    assert not ctx.captured_queries
    north.name = "Cụm thi đua số 1 phía Bắc"
    north.save()
    assert ">Cụm thi đua số 1 phía Bắc</option>" in _select({})
