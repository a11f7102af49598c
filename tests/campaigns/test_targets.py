"""campaigns.targets: target progress computed from NTM status data."""

from __future__ import annotations

import pytest

from campaigns.models import NtmLevel, Target, TargetMetric
from campaigns.targets import campaign_target_progress, target_progress
from tests.factories import UnitFactory, VillageFactory

from .results_helpers import ntm

pytestmark = pytest.mark.django_db


def _target(campaign, metric, low=None, high=None):
    return Target.objects.create(
        campaign=campaign,
        title="Chỉ tiêu",
        metric=metric,
        min_value=low,
        max_value=high,
        by_year=2025,
    )


def test_advanced_communes_count_advanced_and_model(world):
    c = world.campaign
    extra = UnitFactory(name="Xã Phổ Thử C")
    ntm(world.commune_a, 2025, NtmLevel.ADVANCED)
    ntm(world.commune_b, 2025, NtmLevel.MODEL)
    ntm(extra, 2025, NtmLevel.NTM)
    ntm(extra, 2024, NtmLevel.MODEL)  # another year does not count
    progress = target_progress(_target(c, TargetMetric.COMMUNES_ADVANCED_OR_BETTER, 2, 4), 2025)
    assert progress.value == 2
    assert progress.met
    assert {u.code for u in progress.units} == {"XA-A", "XA-B"}
    assert progress.range_text == "2–4"


def test_model_target_not_met_below_minimum(world):
    ntm(world.commune_a, 2025, NtmLevel.ADVANCED)
    progress = target_progress(_target(world.campaign, TargetMetric.COMMUNES_MODEL, 1, 2), 2025)
    assert progress.value == 0
    assert not progress.met


def test_village_targets_count_villages_only(world):
    VillageFactory(parent=world.commune_a)
    ntm(world.village_a, 2024, NtmLevel.MODEL)
    ntm(world.village_b, 2024, NtmLevel.NTM)
    ntm(world.commune_a, 2024, NtmLevel.MODEL)
    t = _target(world.campaign, TargetMetric.VILLAGES_NTM_OR_BETTER, 2)
    assert target_progress(t, 2024).value == 2
    t2 = _target(world.campaign, TargetMetric.VILLAGES_MODEL, 1)
    assert target_progress(t2, 2024).value == 1


def test_criteria_kept_lists_communes_that_lost_a_criterion(world):
    s = world.campaign.ntm_criterion_set
    ntm(world.commune_a, 2021, numbers=[1, 2, 3], criterion_set=s)
    ntm(world.commune_a, 2022, numbers=[1, 2, 3, 4], criterion_set=s)
    ntm(world.commune_a, 2023, numbers=[1, 2, 3, 4, 5], criterion_set=s)
    ntm(world.commune_b, 2021, numbers=[1, 2, 17], criterion_set=s)
    ntm(world.commune_b, 2022, numbers=[1, 2, 17, 18], criterion_set=s)
    ntm(world.commune_b, 2023, numbers=[1, 18], criterion_set=s)  # lost 2 and 17
    progress = target_progress(_target(world.campaign, TargetMetric.CRITERIA_KEPT), 2023)
    assert not progress.met
    assert progress.value == 1
    assert [u.code for u in progress.units] == ["XA-A"]
    assert len(progress.lost) == 1
    assert progress.lost[0].unit.code == "XA-B"
    assert progress.lost[0].numbers == (2, 17)
    assert progress.lost[0].since_year == 2021


def test_criteria_kept_dates_a_loss_from_the_first_year_and_judges_only_that_year(world):
    s = world.campaign.ntm_criterion_set
    extra = UnitFactory(name="Xã Phổ Thử C")
    late = UnitFactory(name="Xã Phổ Thử D")
    ntm(world.commune_a, 2022, numbers=[1, 4], criterion_set=s)
    ntm(world.commune_a, 2023, numbers=[1, 4, 6], criterion_set=s)
    ntm(world.commune_a, 2024, numbers=[1], criterion_set=s)  # lost 4 (since 2022) and 6
    ntm(world.commune_b, 2022, numbers=[3], criterion_set=s)
    ntm(world.commune_b, 2023, numbers=[], criterion_set=s)
    ntm(world.commune_b, 2024, numbers=[3], criterion_set=s)  # lost once, met again: kept
    ntm(extra, 2023, numbers=[5], criterion_set=s)  # no row for 2024: not judged
    ntm(late, 2024, numbers=[2], criterion_set=s)
    ntm(late, 2025, numbers=[], criterion_set=s)  # a later year does not count for 2024
    progress = target_progress(_target(world.campaign, TargetMetric.CRITERIA_KEPT), 2024)
    assert [u.code for u in progress.units] == [world.commune_b.code, late.code]
    assert [(x.unit.code, x.numbers, x.since_year) for x in progress.lost] == [
        ("XA-A", (4, 6), 2022)
    ]


def test_criteria_kept_met_when_nobody_lost(world):
    s = world.campaign.ntm_criterion_set
    ntm(world.commune_a, 2021, numbers=[1], criterion_set=s)
    ntm(world.commune_a, 2022, numbers=[1, 2], criterion_set=s)
    progress = target_progress(_target(world.campaign, TargetMetric.CRITERIA_KEPT), 2022)
    assert progress.met
    assert progress.lost == []


def test_campaign_progress_uses_latest_year_with_data(world):
    _target(world.campaign, TargetMetric.COMMUNES_NTM_OR_BETTER, 1)
    ntm(world.commune_a, 2022, NtmLevel.NTM)
    ntm(world.commune_a, 2023, NtmLevel.NTM)
    ntm(world.commune_b, 2023, NtmLevel.NTM)
    [(_target_row, progress)] = campaign_target_progress(world.campaign, today_year=2030)
    assert progress.year == 2023
    assert progress.value == 2
