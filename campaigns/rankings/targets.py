"""Target progress for the dashboard.

INTEGRATION: to be swapped for `campaigns.targets` (helper "results"), which owns target
progress per TargetMetric. This module computes the same thing in one query per call so the
dashboard works on its own; keep the return shape (`TargetProgress`) or adapt
`portal.dashboard` at merge time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from units.models import UnitKind

from ..models import Campaign, NtmLevel, NtmStatus, Target, TargetMetric

_LEVELS = {
    TargetMetric.COMMUNES_ADVANCED_OR_BETTER: (
        UnitKind.COMMUNE,
        (NtmLevel.ADVANCED, NtmLevel.MODEL),
    ),
    TargetMetric.COMMUNES_MODEL: (UnitKind.COMMUNE, (NtmLevel.MODEL,)),
    TargetMetric.COMMUNES_NTM_OR_BETTER: (
        UnitKind.COMMUNE,
        (NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL),
    ),
    TargetMetric.VILLAGES_NTM_OR_BETTER: (
        UnitKind.VILLAGE,
        (NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL),
    ),
    TargetMetric.VILLAGES_MODEL: (UnitKind.VILLAGE, (NtmLevel.MODEL,)),
}


@dataclass
class TargetProgress:
    target: Target
    year: int
    value: int
    met: bool
    units: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def range_text(self) -> str:
        lo, hi = self.target.min_value, self.target.max_value
        if lo is not None and hi is not None and lo != hi:
            return f"{lo}–{hi}"
        if lo is not None:
            return f"≥ {lo}" if hi is None else str(lo)
        return f"≤ {hi}" if hi is not None else "—"

    @property
    def percent(self) -> int:
        goal = self.target.min_value or self.target.max_value or 0
        if not goal:
            return 100 if self.met else 0
        return min(100, round(100 * self.value / goal))


def target_progress(campaign: Campaign, year: int) -> list[TargetProgress]:
    """Every target of `campaign` with its value in `year`, computed from NTM status rows."""
    targets = list(campaign.targets.all())
    rows = list(
        NtmStatus.objects.filter(year=year, unit__kind__in=(UnitKind.COMMUNE, UnitKind.VILLAGE))
        .values_list("unit__kind", "level", "unit__name")
        .order_by("unit__name")
    )
    kept, lost = _criteria_kept(campaign, year)
    result = []
    for target in targets:
        if target.metric == TargetMetric.CRITERIA_KEPT:
            units = kept
            met = not lost if target.min_value is None else len(kept) >= target.min_value
        else:
            kind, levels = _LEVELS[target.metric]
            units = [name for k, level, name in rows if k == kind and level in levels]
            met = len(units) >= (target.min_value if target.min_value is not None else 1)
        result.append(
            TargetProgress(
                target=target, year=year, value=len(units), met=met, units=units, lost=lost
            )
        )
    return result


def _criteria_kept(campaign: Campaign, year: int) -> tuple[list[str], list[str]]:
    """(communes that kept every criterion met the year before, communes that lost one)."""
    current = NtmStatus.objects.filter(year=year, unit__kind=UnitKind.COMMUNE)
    through = NtmStatus.criteria_met.through
    lost_ids = set(
        through.objects.filter(ntmstatus__year=year - 1, ntmstatus__unit__kind=UnitKind.COMMUNE)
        .filter(ntmstatus__unit__in=current.values("unit"))
        .exclude(
            Exists(
                through.objects.filter(
                    ntmstatus__unit=OuterRef("ntmstatus__unit"),
                    ntmstatus__year=year,
                    ntmcriterion=OuterRef("ntmcriterion"),
                )
            )
        )
        .values_list("ntmstatus__unit", flat=True)
        .distinct()
    )
    kept, lost = [], []
    for unit_id, name in current.order_by("unit__name").values_list("unit_id", "unit__name"):
        (lost if unit_id in lost_ids else kept).append(name)
    return kept, lost
