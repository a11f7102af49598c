"""The ranking says which communes' NTM data is not yet confirmed, and publishing it then asks
for that fact to be acknowledged or is refused, as the campaign's setting says (issue #14,
item 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Campaign,
    NtmLevel,
    NtmStatus,
    RankingPublication,
    UnconfirmedPublishing,
)
from tests.campaigns.rankings_helpers import status, village_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(world):
    """2024: commune A and its village confirmed; commune B's own row unconfirmed."""
    campaign = world.campaign
    status(campaign, world.commune_a, 2024, NtmLevel.ADVANCED, 19)
    status(campaign, world.commune_b, 2024, NtmLevel.NTM, 19)
    village_levels([world.village_a], 2024, [NtmLevel.NTM])
    NtmStatus.objects.filter(unit__in=[world.commune_a, world.village_a]).update(
        confirmed_at=timezone.now()
    )
    return campaign


def _page(client, campaign):
    url = f"{reverse('rankings:ranking', args=[campaign.code])}?year=2024&kind=commune"
    return client.get(url).content.decode()


def _publish(client, campaign, **extra):
    return client.post(
        reverse("rankings:publish", args=[campaign.code]),
        {"year": "2024", "kind": "commune", **extra},
        follow=True,
    ).content.decode()


def test_the_ranking_counts_lists_and_marks_the_unconfirmed_communes(ranked, world, client_as):
    html = _page(client_as("chairman"), ranked)
    assert "1 xã chưa được Phòng Kinh tế xác nhận số liệu năm 2024" in html
    assert "Xã Phổ Thử B (số liệu của xã)" in html
    assert html.count("data-unconfirmed") == 1
    # An unconfirmed village makes its commune's figures unconfirmed too.
    NtmStatus.objects.filter(unit=world.village_a).update(confirmed_at=None)
    html = _page(client_as("chairman"), ranked)
    assert "2 xã chưa được Phòng Kinh tế xác nhận số liệu năm 2024" in html
    assert "Xã Phổ Thử A (1 thôn)" in html


def test_publishing_asks_to_acknowledge_the_unconfirmed_communes(ranked, client_as):
    client = client_as("secretariat")
    assert "Tôi biết 1 xã chưa được xác nhận số liệu" in _page(client, ranked)
    html = _publish(client, ranked)
    assert "Còn 1 xã chưa được xác nhận số liệu năm 2024" in html
    assert not RankingPublication.objects.exists()
    # A count other than the one on the page (the data moved since) is not an acknowledgement.
    _publish(client, ranked, acknowledge_unconfirmed=2)
    assert not RankingPublication.objects.exists()
    _publish(client, ranked, acknowledge_unconfirmed=1)
    pub = RankingPublication.objects.get()
    assert "Khi công bố còn 1 xã chưa được xác nhận số liệu: Xã Phổ Thử B" in pub.note


def test_publishing_is_refused_while_data_is_unconfirmed_when_the_campaign_says_so(
    ranked, client_as
):
    Campaign.objects.filter(pk=ranked.pk).update(
        unconfirmed_publishing=UnconfirmedPublishing.REFUSE
    )
    client = client_as("secretariat")
    page = _page(client, ranked)
    assert "chỉ công bố khi mọi số liệu đã được xác nhận" in page
    assert "/xep-hang/cong-bo/" not in page
    assert "Công bố bảng xếp hạng năm" not in page
    html = _publish(client, ranked, acknowledge_unconfirmed=1)
    assert "Chưa công bố được: còn 1 xã chưa được Phòng Kinh tế xác nhận" in html
    assert not RankingPublication.objects.exists()
    NtmStatus.objects.update(confirmed_at=timezone.now())
    # A raw update, with no audit event: the figures still see it (their tables changed).
    assert "chưa được Phòng Kinh tế xác nhận" not in _page(client, ranked)
    _publish(client, ranked)
    assert RankingPublication.objects.get().note == ""


def test_the_secretariat_chooses_the_setting_in_the_campaign_form(world, client_as):
    client = client_as("secretariat")
    url = reverse("campaigns:campaign-edit", args=[world.campaign.code])
    assert 'name="unconfirmed_publishing"' in client.get(url).content.decode()
