"""Target progress for the chairman's figure release.

TEMPORARY: a small local computation, to be swapped for `campaigns/targets.py` (written in
another branch) when the branches are merged — replace `target_figures` with a call to its
progress function and keep the same output shape.
"""

from __future__ import annotations

from django.db.models import Q

from campaigns.models import Campaign, NtmLevel, NtmStatus, TargetMetric
from units.models import UnitKind

_COMMUNE_KINDS = (UnitKind.COMMUNE, UnitKind.WARD)


def _count(year: int, kinds, levels) -> int:
    return (
        NtmStatus.objects.filter(year=year, unit__kind__in=kinds, level__in=levels)
        .values("unit")
        .distinct()
        .count()
    )


def _criteria_kept(campaign: Campaign, year: int) -> int:
    """Communes whose criteria count in `year` is not below the campaign's first year."""
    first = dict(
        NtmStatus.objects.filter(
            year=campaign.start_year, unit__kind__in=_COMMUNE_KINDS
        ).values_list("unit_id", "criteria_met_count")
    )
    now = NtmStatus.objects.filter(Q(unit_id__in=first.keys()), year=year).values_list(
        "unit_id", "criteria_met_count"
    )
    return sum(1 for unit_id, count in now if count >= first.get(unit_id, 0))


def target_value(campaign: Campaign, metric: str, year: int) -> int:
    advanced = (NtmLevel.ADVANCED, NtmLevel.MODEL)
    if metric == TargetMetric.COMMUNES_ADVANCED_OR_BETTER:
        return _count(year, _COMMUNE_KINDS, advanced)
    if metric == TargetMetric.COMMUNES_MODEL:
        return _count(year, _COMMUNE_KINDS, (NtmLevel.MODEL,))
    if metric == TargetMetric.COMMUNES_NTM_OR_BETTER:
        return _count(year, _COMMUNE_KINDS, (NtmLevel.NTM, *advanced))
    if metric == TargetMetric.VILLAGES_NTM_OR_BETTER:
        return _count(year, (UnitKind.VILLAGE,), (NtmLevel.NTM, NtmLevel.MODEL))
    if metric == TargetMetric.VILLAGES_MODEL:
        return _count(year, (UnitKind.VILLAGE,), (NtmLevel.MODEL,))
    if metric == TargetMetric.CRITERIA_KEPT:
        return _criteria_kept(campaign, year)
    return 0


def target_figures(campaign: Campaign, year: int) -> list[dict]:
    """[{"title", "value", "min", "max", "by_year"}] for every target of the campaign."""
    return [
        {
            "title": target.title,
            "value": target_value(campaign, target.metric, year),
            "min": target.min_value,
            "max": target.max_value,
            "by_year": target.by_year,
        }
        for target in campaign.targets.all()
    ]
