"""List pages of oversight cost the same number of queries for 2 rows or 12 (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import SponsorshipResult
from tests.factories import CAMPAIGN_CODE as CODE

from .oversight_helpers import (
    make_attachment,
    make_budget_line,
    make_feedback,
    make_recommendation,
    make_sponsorship,
)

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    for i in range(n):
        make_attachment(make_feedback(world, subject=f"Khó khăn số {i}"))
        make_budget_line(world, description=f"Dòng {i}")
        make_recommendation(world, text=f"Kiến nghị {i}")


@pytest.mark.parametrize(
    "url_name",
    ["feedback-list", "budget-list", "inspection-list", "sponsorship-list"],
)
def test_list_pages_do_not_grow_with_rows(client_as, world, url_name):
    client = client_as("secretariat")
    url = reverse("campaigns:oversight:" + url_name, args=[CODE])
    pair = make_sponsorship(world)
    SponsorshipResult.objects.create(sponsorship=pair, year=2023, support="a", amount_vnd=1)
    _grow(world, 2)
    _count(client, url)  # warm-up: session, user and per-process caches
    few = _count(client, url)
    _grow(world, 10)
    SponsorshipResult.objects.create(sponsorship=pair, year=2024, support="b", amount_vnd=2)
    _count(client, url)  # writes renewed the desk (portal.desk)
    assert _count(client, url) == few


def test_the_unit_panels_do_not_grow_with_rows(client_as, world):
    client = client_as("secretariat")
    url = reverse("campaigns:oversight:unit-oversight-panel", args=[world.commune_a.pk])
    _grow(world, 2)
    _count(client, url)  # warm-up: session, user and per-process caches
    few = _count(client, url)
    _grow(world, 10)
    _count(client, url)  # writes renewed the desk (portal.desk)
    assert _count(client, url) == few


@pytest.mark.parametrize(
    ("url_name", "field", "value", "label"),
    [
        ("inspection-list", "kind", "supervision", "Giám sát"),
        ("budget-list", "status", "submitted", "Đã trình cơ quan tổng hợp"),
    ],
)
def test_the_list_filters_offer_the_models_choices_and_keep_the_one_picked(
    client_as, world, url_name, field, value, label
):
    url = reverse(f"campaigns:oversight:{url_name}", args=[CODE])
    html = client_as("secretariat").get(url, {field: value}).content.decode()
    assert f'<option value="{value}" selected>{label}</option>' in html
    assert '<option value="">Tất cả</option>' in html
