"""Criteria kept stays right after each save: the lost criteria each NTM status stores are
renewed by the save service, for the year saved and every later year of the commune."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Target, TargetMetric
from campaigns.results.services import ntm_status_save

pytestmark = pytest.mark.django_db


def _kept_target(campaign):
    return Target.objects.create(
        campaign=campaign,
        title="Giữ vững tiêu chí đã đạt",
        metric=TargetMetric.CRITERIA_KEPT,
        by_year=2025,
    )


def _save(world, year, numbers):
    ntm_status_save(
        unit=world.commune_a, year=year, level="none", numbers=numbers, campaign=world.campaign
    )


def _targets_page(client, campaign, year=2025) -> str:
    url = f"{reverse('rankings:targets', args=[campaign.code])}?year={year}"
    return client.get(url).content.decode()


def test_a_commune_that_loses_a_criterion_shows_as_lost_on_the_next_request(world, client_as):
    _kept_target(world.campaign)
    client = client_as("chairman")
    _save(world, 2024, [1, 2, 3])
    _save(world, 2025, [1, 2, 3])
    assert "Không giữ được tiêu chí" not in _targets_page(client, world.campaign)

    _save(world, 2025, [1, 3])

    html = _targets_page(client, world.campaign)
    assert "Không giữ được tiêu chí (1 xã): Xã Phổ Thử A (tiêu chí 2, đạt từ năm 2024)" in html


def test_editing_an_earlier_year_renews_the_later_years_lost_criteria(world, client_as):
    _kept_target(world.campaign)
    client = client_as("chairman")
    _save(world, 2023, [1, 2])
    _save(world, 2024, [1, 2, 5])
    _save(world, 2025, [1, 2, 5])
    assert "Không giữ được tiêu chí" not in _targets_page(client, world.campaign)

    _save(world, 2023, [1, 2, 7])  # 2023 corrected: criterion 7 was met then, never since

    html = _targets_page(client, world.campaign)
    assert "Xã Phổ Thử A (tiêu chí 7, đạt từ năm 2023)" in html

    _save(world, 2023, [1, 2])  # and corrected back

    assert "Không giữ được tiêu chí" not in _targets_page(client, world.campaign)
