"""Building blocks for the ranking tests: communes, villages and NTM status rows by hand."""

from __future__ import annotations

import datetime

from campaigns.models import NtmCriterion, NtmLevel, NtmStatus
from campaigns.results.derived import refresh_ntm_derived
from tests.factories import ClusterFactory, UnitFactory, VillageFactory


def criteria(campaign) -> list[NtmCriterion]:
    return list(
        NtmCriterion.objects.filter(criterion_set=campaign.ntm_criterion_set).order_by("number")
    )


def status(campaign, unit, year: int, level=NtmLevel.NONE, met: int | list[int] = 0) -> NtmStatus:
    """An NTM status row; `met` is a count (criteria 1..n) or the list of criterion numbers."""
    numbers = list(range(1, met + 1)) if isinstance(met, int) else list(met)
    row = NtmStatus.objects.create(
        unit=unit, year=year, level=level, criteria_met_count=len(numbers)
    )
    row.criteria_met.set([c for c in criteria(campaign) if c.number in numbers])
    refresh_ntm_derived([unit.pk])  # as the save service does
    return row


def commune(cluster, name: str, *, villages: int = 0, **kw):
    unit = UnitFactory(name=name, cluster=cluster, **kw)
    vs = [VillageFactory(parent=unit, name=f"Thôn {i} của {name}") for i in range(villages)]
    return unit, vs


def village_levels(villages, year: int, levels) -> None:
    for v, level in zip(villages, levels, strict=True):
        NtmStatus.objects.create(unit=v, year=year, level=level)


def cluster(name: str = "Cụm kiểm thử"):
    return ClusterFactory(name=name)


DAY = datetime.date
