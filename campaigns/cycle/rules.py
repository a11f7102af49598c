"""Small facts of the yearly cycle that are data, not workflow: which criteria set a unit is
assessed against, the deadline of a year."""

from __future__ import annotations

import datetime

from django.db.models import Q

from portal.numbers import format_vn_number
from units.models import UnitKind

from ..models import (
    Campaign,
    CriteriaSet,
    Milestone,
    MilestoneKind,
    TargetGroup,
)

#: Unit kind → target group of the plan's section IV.1. Kinds not listed compete as "others".
KIND_TO_GROUP: dict[str, str] = {
    UnitKind.DEPARTMENT: TargetGroup.ORGANISATIONS,
    UnitKind.FATHERLAND_FRONT: TargetGroup.ORGANISATIONS,
    UnitKind.MASS_ORGANISATION: TargetGroup.ORGANISATIONS,
    UnitKind.COMMUNE: TargetGroup.COMMUNES,
    UnitKind.VILLAGE: TargetGroup.VILLAGES,
    UnitKind.ENTERPRISE: TargetGroup.ENTERPRISES,
    UnitKind.COOPERATIVE: TargetGroup.ENTERPRISES,
}


def pts(value) -> str:
    """Points and bounds the Vietnamese way: 20, 12,5."""
    return format_vn_number(value)


def target_group_for(kind: str) -> str:
    return KIND_TO_GROUP.get(kind, TargetGroup.OTHERS)


def criteria_set_for(*, campaign: Campaign, kind: str, year: int) -> CriteriaSet | None:
    """The latest version of the unit's group valid in `year`. A set whose `valid_from` is later
    than the year still applies when no version is valid yet (the plan's first set covers the
    campaign's first years, issued mid-way)."""
    group = target_group_for(kind)
    sets = CriteriaSet.objects.filter(campaign=campaign, target_group=group)
    valid = sets.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=datetime.date(year, 12, 31)),
        Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)),
    )
    return valid.order_by("-version").first() or sets.order_by("version").first()


def yearly_deadline(*, campaign: Campaign, year: int) -> datetime.date | None:
    """The campaign's milestone date for the year (not a unit's deadline: that is
    campaigns/deadlines.py, which adds the unit's extensions)."""
    milestone = Milestone.objects.filter(
        campaign=campaign, kind=MilestoneKind.YEARLY_REPORT, year=year
    ).first()
    return milestone.due_date if milestone else None
