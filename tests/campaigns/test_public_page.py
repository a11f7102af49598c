"""The public campaign page: published news and released figures only; nothing unpublished,
no personal data beyond names and titles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import FigureRelease, NtmLevel, NtmStatus, Target, TargetMetric
from campaigns.oversight.services import figures_release
from tests.factories import CAMPAIGN_CODE as CODE

from .oversight_helpers import (
    make_budget_line,
    make_feedback,
    make_news,
    make_recommendation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_world(world, users):
    Target.objects.create(
        campaign=world.campaign,
        title="Số xã đạt chuẩn NTM nâng cao",
        metric=TargetMetric.COMMUNES_ADVANCED_OR_BETTER,
        min_value=2,
        max_value=4,
        by_year=2025,
    )
    NtmStatus.objects.create(unit=world.commune_a, year=2024, level=NtmLevel.ADVANCED)
    users["officer_a"].email = "canbo.rieng@example.vn"
    users["officer_a"].phone = "0905123456"
    users["officer_a"].save()
    make_news(world, title="Tin đã đăng về ngày ra quân", published=True)
    make_news(world, title="BẢN NHÁP KHÔNG ĐƯỢC LỘ")
    make_feedback(
        world,
        subject="KHÓ KHĂN NỘI BỘ",
        sent_by=users["officer_a"],
        answer="TRẢ LỜI NỘI BỘ",
        status="answered",
    )
    make_recommendation(world, text="KIẾN NGHỊ NỘI BỘ")
    make_budget_line(world, description="DÒNG KINH PHÍ NỘI BỘ")
    return world


def _page(client, world) -> str:
    response = client.get(reverse("public-campaign", args=[world.campaign.code]))
    assert response.status_code == 200
    return response.content.decode()


SECRETS = [
    "BẢN NHÁP KHÔNG ĐƯỢC LỘ",
    "KHÓ KHĂN NỘI BỘ",
    "TRẢ LỜI NỘI BỘ",
    "KIẾN NGHỊ NỘI BỘ",
    "Kết luận kiểm tra tại",
    "DÒNG KINH PHÍ NỘI BỘ",
    "45.000.000",
    "canbo.rieng@example.vn",
    "0905123456",
    "officer_a",
]


def test_anonymous_visitor_sees_published_news_and_nothing_unpublished(client, public_world):
    html = _page(client, public_world)
    assert "Tin đã đăng về ngày ra quân" in html
    assert "Chưa có số liệu được công bố." in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert 'href="dien-hinh/"' in html
    assert 'href="lay-y-kien/"' in html
    assert "/dang-xuat/" not in html  # no signed-in shell for visitors


def test_only_figures_the_chairman_released_are_shown_and_they_stay_frozen(
    client, public_world, users
):
    world = public_world
    # Live data before any release is not public.
    assert "Số xã đạt chuẩn NTM nâng cao" not in _page(client, world)

    release = figures_release(campaign=world.campaign, year=2024, by=users["chairman"])
    assert release.figures == [
        {"title": "Số xã đạt chuẩn NTM nâng cao", "value": 1, "min": 2, "max": 4, "by_year": 2025}
    ]
    html = _page(client, world)
    assert "Số xã đạt chuẩn NTM nâng cao" in html
    assert "Số liệu năm 2024" in html

    # New data after the release does not reach the public page until the next release.
    NtmStatus.objects.create(unit=world.commune_b, year=2024, level=NtmLevel.MODEL)
    html = _page(client, world)
    figures = html.split('data-testid="public-figures"')[1].split("</table>")[0]
    assert '<td class="text-end fw-semibold">1</td>' in figures
    assert '<td class="text-end fw-semibold">2</td>' not in figures
    for secret in SECRETS:
        assert secret not in html, secret


def test_the_chairman_releases_figures_through_the_page(client_as, public_world):
    client = client_as("chairman")
    response = client.post(reverse("campaigns:oversight:release-list", args=[CODE]), {"year": 2024})
    assert response.status_code == 302
    assert FigureRelease.objects.get().released_by.username == "chairman"
    refused = client_as("secretariat").post(
        reverse("campaigns:oversight:release-list", args=[CODE]), {"year": 2024}
    )
    assert refused.status_code == 403
    assert FigureRelease.objects.count() == 1


def test_an_unpublished_item_disappears_when_withdrawn(client, client_as, public_world):
    from campaigns.models import NewsItem

    item = NewsItem.objects.get(title="Tin đã đăng về ngày ra quân")
    client_as("secretariat").post(
        reverse("campaigns:oversight:news-publish", args=[item.pk]), {"action": "unpublish"}
    )
    assert "Tin đã đăng về ngày ra quân" not in _page(client, public_world)
