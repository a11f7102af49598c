"""Small builders for the results tests (campaign with criteria sets, NTM rows)."""

from __future__ import annotations

import datetime

from campaigns.models import (
    CriteriaSet,
    Criterion,
    Milestone,
    MilestoneKind,
    NtmCriterion,
    NtmStatus,
    TargetGroup,
    ValueType,
)
from campaigns.results.derived import refresh_ntm_derived


def with_criteria_sets(campaign, groups=(TargetGroup.COMMUNES, TargetGroup.VILLAGES)):
    sets = {}
    for group in groups:
        s, _ = CriteriaSet.objects.get_or_create(
            campaign=campaign, target_group=group, version=1, defaults={"name": f"Bộ {group}"}
        )
        Criterion.objects.get_or_create(
            criteria_set=s,
            number=1,
            defaults={"text": "Tiêu chí một", "value_type": ValueType.SCORE, "max_points": 10},
        )
        sets[group] = s
    return sets


def deadline(campaign, year, due):
    Milestone.objects.update_or_create(
        campaign=campaign,
        kind=MilestoneKind.YEARLY_REPORT,
        year=year,
        defaults={"title": f"Hạn báo cáo {year}", "due_date": due},
    )


def ntm(unit, year, level="none", numbers=(), criterion_set=None):
    status, _ = NtmStatus.objects.update_or_create(unit=unit, year=year, defaults={"level": level})
    crit = NtmCriterion.objects.filter(criterion_set=criterion_set, number__in=numbers)
    status.criteria_met.set(crit)
    status.criteria_met_count = len(numbers)
    status.save()
    refresh_ntm_derived([unit.pk])  # as the save service does
    return status


TODAY = datetime.date(2024, 11, 20)
