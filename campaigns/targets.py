"""Campaign targets: progress computed from NTM status data, never typed in.

Pure read module (no request code), reused by the campaign page, rankings and reports:

    target_progress(target, year) -> TargetProgress(value, met, units, lost)

`value` is the number of units counting toward the target in `year`; `met` says whether the
target's minimum is reached (for "criteria kept": no commune lost a criterion it had met in an
earlier year of the campaign); `units` are the communes or villages counting; `lost` lists, for
"criteria kept", each commune that lost criteria with the numbers it lost.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Count, Min, Q

from units.models import Unit, UnitKind

from .models import NtmLevel, NtmStatus, Target, TargetMetric

#: metric -> (unit kind, levels that count)
_LEVEL_METRICS: dict[str, tuple[str, frozenset[str]]] = {
    TargetMetric.COMMUNES_NTM_OR_BETTER: (
        UnitKind.COMMUNE,
        frozenset({NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL}),
    ),
    TargetMetric.COMMUNES_ADVANCED_OR_BETTER: (
        UnitKind.COMMUNE,
        frozenset({NtmLevel.ADVANCED, NtmLevel.MODEL}),
    ),
    TargetMetric.COMMUNES_MODEL: (UnitKind.COMMUNE, frozenset({NtmLevel.MODEL})),
    TargetMetric.VILLAGES_NTM_OR_BETTER: (
        UnitKind.VILLAGE,
        frozenset({NtmLevel.NTM, NtmLevel.MODEL}),
    ),
    TargetMetric.VILLAGES_MODEL: (UnitKind.VILLAGE, frozenset({NtmLevel.MODEL})),
}


@dataclass(frozen=True)
class LostCriteria:
    """A commune that no longer meets criteria it met in an earlier year."""

    unit: Unit
    numbers: tuple[int, ...]  # criteria numbers lost
    since_year: int  # the earliest year in which the lost criteria had been met

    def __str__(self) -> str:
        numbers = ", ".join(str(n) for n in self.numbers)
        return f"{self.unit.name} (tiêu chí {numbers}, đạt từ năm {self.since_year})"


@dataclass
class TargetProgress:
    target: Target
    year: int
    value: int
    met: bool
    units: list[Unit] = field(default_factory=list)
    lost: list[LostCriteria] = field(default_factory=list)

    @property
    def unit_word(self) -> str:
        """What `value` counts, for sentences: "xã" or "thôn"."""
        return "thôn" if self.target.metric.startswith("villages") else "xã"

    @property
    def has_goal(self) -> bool:
        """Does the target say how many (a minimum or a maximum)? Without one the pages draw no
        bar and no "Đạt": they say "chưa đặt chỉ tiêu"."""
        return bool(self.target.min_value or self.target.max_value)

    @property
    def percent(self) -> int:
        """Progress toward the minimum, 0–100, for progress bars (0 without a goal)."""
        goal = self.target.min_value or self.target.max_value or 0
        if not goal:
            return 0
        return min(100, round(100 * self.value / goal))

    @property
    def range_text(self) -> str:
        low, high = self.target.min_value, self.target.max_value
        if low is not None and high is not None and low != high:
            return f"{low}–{high}"
        if low is not None:
            return f"≥ {low}"
        if high is not None:
            return f"≤ {high}"
        return ""


def target_progress(target: Target, year: int) -> TargetProgress:
    """Progress of `target` from the NTM status recorded for `year`."""
    return _progress_in_year([target], year)[target.pk]


def _progress_in_year(targets: list[Target], year: int) -> dict[int, TargetProgress]:
    """Progress of several targets in one year (target pk → progress), in a fixed number of
    queries whatever the number of targets: one for the level metrics, two for "criteria
    kept"."""
    result: dict[int, TargetProgress] = {}
    level_targets = [t for t in targets if t.metric != TargetMetric.CRITERIA_KEPT]
    if level_targets:
        wanted = [_LEVEL_METRICS[t.metric] for t in level_targets]
        statuses = list(
            NtmStatus.objects.filter(
                year=year,
                unit__kind__in={kind for kind, _ in wanted},
                level__in=set().union(*(levels for _, levels in wanted)),
            )
            .select_related("unit")
            .order_by("unit__name")
        )
        for target, (kind, levels) in zip(level_targets, wanted, strict=True):
            units = [s.unit for s in statuses if s.unit.kind == kind and s.level in levels]
            value = len(units)
            met = value >= (target.min_value or 0) if target.min_value is not None else value > 0
            result[target.pk] = TargetProgress(
                target=target, year=year, value=value, met=met, units=units
            )
    kept: dict[int, TargetProgress] = {}  # campaign start year → the shared figures
    for target in targets:
        if target.metric == TargetMetric.CRITERIA_KEPT:
            first = target.campaign.start_year
            if first not in kept:
                kept[first] = _criteria_kept(target, year)
            result[target.pk] = replace(kept[first], target=target)
    return result


def _criteria_kept(target: Target, year: int) -> TargetProgress:
    """Communes whose criteria met in `year` include every criterion met in an earlier year of
    the campaign (a commune with no row for `year` is not judged for that year). The database
    finds the lost criteria: per commune and criterion, the first earlier year it was met, kept
    only when it is not met in `year` — a few rows instead of every criterion of every year."""
    first = target.campaign.start_year
    through = NtmStatus.criteria_met.through
    gone_rows = (
        through.objects.filter(
            ntmstatus__year__gte=first,
            ntmstatus__year__lte=year,
            ntmstatus__unit__kind=UnitKind.COMMUNE,
        )
        .values("ntmstatus__unit_id", "ntmcriterion__number")
        .annotate(
            since=Min("ntmstatus__year", filter=Q(ntmstatus__year__lt=year)),
            now=Count("pk", filter=Q(ntmstatus__year=year)),
        )
        .filter(since__isnull=False, now=0)
        .order_by()
    )
    gone: dict[int, set[int]] = defaultdict(set)  # commune → the numbers it lost
    since: dict[int, int] = {}  # commune → the first year it met any of them
    for row in gone_rows:
        unit_id = row["ntmstatus__unit_id"]
        gone[unit_id].add(row["ntmcriterion__number"])
        since[unit_id] = min(since.get(unit_id, year), row["since"])
    judged = Unit.objects.filter(
        pk__in=NtmStatus.objects.filter(year=year, unit__kind=UnitKind.COMMUNE).values("unit_id")
    ).order_by("name")
    kept: list[Unit] = []
    lost: list[LostCriteria] = []
    for unit in judged:
        if unit.pk in gone:
            lost.append(LostCriteria(unit, tuple(sorted(gone[unit.pk])), since[unit.pk]))
        else:
            kept.append(unit)
    return TargetProgress(
        target=target, year=year, value=len(kept), met=not lost, units=kept, lost=lost
    )


def targets_progress(campaign, year: int) -> list[TargetProgress]:
    """Every target of `campaign` with its progress in `year`."""
    targets = list(campaign.targets.select_related("campaign"))
    progress = _progress_in_year(targets, year)
    return [progress[t.pk] for t in targets]


def campaign_target_progress(
    campaign, today_year: int | None = None
) -> list[tuple[Target, TargetProgress | None]]:
    """Every target of a campaign with its progress at its latest year with data (None when
    there is no NTM data yet). One query for the years with data, then one batch per year."""
    import datetime

    today_year = today_year or datetime.date.today().year  # noqa: DTZ011 (a calendar year)
    targets = list(campaign.targets.select_related("campaign"))
    data_years = set(
        NtmStatus.objects.filter(year__gte=campaign.start_year, year__lte=campaign.end_year)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    year_of: dict[int, int | None] = {}
    for target in targets:
        last = min(target.by_year, today_year, campaign.end_year)
        year_of[target.pk] = max((y for y in data_years if y <= last), default=None)
    progress: dict[int, TargetProgress] = {}
    for year in {y for y in year_of.values() if y is not None}:
        progress |= _progress_in_year([t for t in targets if year_of[t.pk] == year], year)
    return [(t, progress.get(t.pk)) for t in targets]
