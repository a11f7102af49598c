"""`generate_dataset`, the synthetic data set of the benchmarks (docs/performance.md): what it
makes, and that a seed is made once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Assessment, Campaign, Contribution, NtmStatus
from campaigns.results.derived import refresh_ntm_derived
from units.models import Cluster, ClusterKind, Unit, UnitKind

pytestmark = pytest.mark.django_db


def generate(**options) -> str:
    out = io.StringIO()
    defaults = {
        "communes": 12,
        "villages_per_commune": 2,
        "organisations": 3,
        "people": 5,
        "years": "2024-2025",
        "seed": 7,
    }
    call_command("generate_dataset", **{**defaults, **options}, stdout=out)
    return out.getvalue()


def test_it_makes_communes_in_clusters_of_ten_with_villages_figures_and_assessments():
    generate()
    communes = Unit.objects.filter(kind=UnitKind.COMMUNE)
    assert communes.count() == 12
    clusters = Cluster.objects.filter(kind=ClusterKind.CLUSTER).order_by("code")
    assert [c.units.count() for c in clusters] == [10, 2]
    assert Unit.objects.filter(kind=UnitKind.VILLAGE).count() == 24
    # every commune and village has its NTM status for both years
    assert NtmStatus.objects.count() == (12 + 24) * 2
    campaign = Campaign.objects.get(code="gen-7")
    assert (campaign.start_year, campaign.end_year) == (2024, 2025)
    # communes and organisations assess themselves every year; three contributions a year
    assert Assessment.objects.filter(campaign=campaign).count() == (12 + 3) * 2
    assert Contribution.objects.filter(campaign=campaign).count() == 12 * 2 * 3
    assert not Unit.objects.filter(is_sample=False).exists()


def test_the_same_seed_is_made_once_and_another_seed_adds_a_second_set():
    generate()
    again = generate()
    assert "đã có" in again
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 12
    generate(seed=8, communes=3)
    assert Unit.objects.filter(kind=UnitKind.COMMUNE).count() == 15


def test_a_malformed_year_range_is_refused():
    with pytest.raises(CommandError, match="--years"):
        generate(years="2025-2021")
    assert not Campaign.objects.exists()


def test_its_ntm_rows_carry_the_lost_criteria_a_save_would_store():
    generate(communes=40, years="2021-2025")
    lost = NtmStatus.objects.exclude(criteria_lost=[])
    assert lost.exists()  # now and then a commune loses a criterion
    # Recomputing from the criteria changes nothing: the rows were made as a save makes them.
    assert refresh_ntm_derived() == 0
