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
from dataclasses import dataclass, field

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
    def percent(self) -> int:
        """Progress toward the minimum, 0–100, for progress bars."""
        goal = self.target.min_value or self.target.max_value or 0
        if not goal:
            return 100 if self.met else 0
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
    if target.metric == TargetMetric.CRITERIA_KEPT:
        return _criteria_kept(target, year)
    kind, levels = _LEVEL_METRICS[target.metric]
    statuses = (
        NtmStatus.objects.filter(year=year, unit__kind=kind, level__in=levels)
        .select_related("unit")
        .order_by("unit__name")
    )
    units = [s.unit for s in statuses]
    value = len(units)
    met = value >= (target.min_value or 0) if target.min_value is not None else value > 0
    return TargetProgress(target=target, year=year, value=value, met=met, units=units)


def _criteria_kept(target: Target, year: int) -> TargetProgress:
    """Communes whose criteria met in `year` include every criterion met in an earlier year of
    the campaign (a commune with no row for `year` is not judged for that year)."""
    first = target.campaign.start_year
    through = NtmStatus.criteria_met.through
    rows = (
        through.objects.filter(
            ntmstatus__year__gte=first,
            ntmstatus__year__lte=year,
            ntmstatus__unit__kind=UnitKind.COMMUNE,
        )
        .values_list("ntmstatus__unit_id", "ntmstatus__year", "ntmcriterion__number")
        .order_by()
    )
    met: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for unit_id, row_year, number in rows:
        met[unit_id][row_year].add(number)
    judged_ids = set(
        NtmStatus.objects.filter(year=year, unit__kind=UnitKind.COMMUNE).values_list(
            "unit_id", flat=True
        )
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=judged_ids)}
    kept: list[Unit] = []
    lost: list[LostCriteria] = []
    for unit_id in sorted(judged_ids, key=lambda pk: units[pk].name):
        by_year = met.get(unit_id, {})
        now = by_year.get(year, set())
        earlier = [y for y in sorted(by_year) if y < year]
        gone: set[int] = set()
        since = year
        for y in earlier:
            missing = by_year[y] - now
            if missing:
                since = min(since, y)
                gone |= missing
        if gone:
            lost.append(LostCriteria(units[unit_id], tuple(sorted(gone)), since))
        else:
            kept.append(units[unit_id])
    return TargetProgress(
        target=target, year=year, value=len(kept), met=not lost, units=kept, lost=lost
    )


def targets_progress(campaign, year: int) -> list[TargetProgress]:
    """Every target of `campaign` with its progress in `year`."""
    return [target_progress(t, year) for t in campaign.targets.select_related("campaign")]


def latest_year_with_data(target: Target, today_year: int) -> int | None:
    """The year to show progress for: the last year up to the target's year (and today) that
    has NTM status rows; None when there are none."""
    last = min(target.by_year, today_year, target.campaign.end_year)
    years = (
        NtmStatus.objects.filter(year__gte=target.campaign.start_year, year__lte=last)
        .order_by("-year")
        .values_list("year", flat=True)[:1]
    )
    return years[0] if years else None


def campaign_target_progress(
    campaign, today_year: int | None = None
) -> list[tuple[Target, TargetProgress | None]]:
    """Every target of a campaign with its progress at its latest year with data (None when
    there is no NTM data yet)."""
    import datetime

    today_year = today_year or datetime.date.today().year  # noqa: DTZ011 (a calendar year)
    result: list[tuple[Target, TargetProgress | None]] = []
    for target in campaign.targets.select_related("campaign"):
        year = latest_year_with_data(target, today_year)
        result.append((target, target_progress(target, year) if year is not None else None))
    return result
