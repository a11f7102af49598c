"""Campaign targets: progress computed from NTM status data, never typed in.

Pure read module (no request code), reused by the campaign page, rankings and reports:

    target_progress(target, year) -> TargetProgress(value, met, shown, units, lost, lost_count)

`value` is the number of units counting toward the target in `year`, counted in the database;
`met` says whether the target's minimum is reached (for "criteria kept": no commune lost a
criterion it had met in an earlier year of the campaign); `shown` names the first few units
counting and `units` all of them (read only when asked for: the Excel export); `lost` names, for
"criteria kept", the first few communes that lost criteria with the numbers they lost, and
`lost_count` how many did. A page built from `shown` and `lost` stays the same size whatever
the number of communes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from portal.figures_cache import figure
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


#: Names a page shows for each target; the count is exact and the Excel file lists them all.
SHOWN = 10


@dataclass
class TargetProgress:
    """A target's progress in a year. `value` is counted in the database; `shown` names the
    first SHOWN units counting (by name) and `lost` the first SHOWN communes that lost criteria
    (`lost_count` is all of them), so a page stays the same size at 3,300 communes. `units`,
    every unit counting, is read only when asked for (the Excel export, the tests)."""

    target: Target
    year: int
    value: int
    met: bool
    shown: list[str] = field(default_factory=list)
    lost: list[LostCriteria] = field(default_factory=list)
    lost_count: int = 0
    #: How to read `units` when asked: (kind, levels) for a level metric, or for "criteria
    #: kept" the campaign's first year (a loss of criteria met since then counts).
    _levels: tuple[str, frozenset[str]] | None = None
    _kept_from: int | None = None

    @cached_property
    def units(self) -> list[Unit]:
        """Every unit counting toward the target, by name (one query)."""
        if self._levels is not None:
            kind, levels = self._levels
            statuses = NtmStatus.objects.filter(year=self.year, unit_kind=kind, level__in=levels)
        else:
            statuses = NtmStatus.objects.filter(
                Q(criteria_lost_latest__isnull=True)
                | Q(criteria_lost_latest__lt=self._kept_from or 0),
                year=self.year,
                unit_kind=UnitKind.COMMUNE,
            )
        units = Unit.objects.filter(pk__in=statuses.values("unit_id")).order_by("name", "pk")
        return list(units)

    @property
    def more(self) -> int:
        """Units counting beyond the names shown."""
        return max(0, self.value - len(self.shown))

    @property
    def lost_more(self) -> int:
        return max(0, self.lost_count - len(self.lost))

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
    queries whatever the number of targets and units: two for the level metrics (the counts by
    kind and level, and the first SHOWN names of each with ROW_NUMBER()), three for "criteria
    kept" (over the stored lost criteria, one row per commune)."""
    result: dict[int, TargetProgress] = {}
    level_targets = [t for t in targets if t.metric != TargetMetric.CRITERIA_KEPT]
    if level_targets:
        wanted = [_LEVEL_METRICS[t.metric] for t in level_targets]
        statuses = NtmStatus.objects.filter(
            year=year,
            unit_kind__in={kind for kind, _ in wanted},
            level__in=set().union(*(levels for _, levels in wanted)),
        )
        counts = {
            (row["unit_kind"], row["level"]): row["n"]
            for row in statuses.values("unit_kind", "level").annotate(n=Count("pk")).order_by()
        }
        first_names: dict[tuple[str, str], list[str]] = defaultdict(list)
        kinds = {kind for kind, _ in wanted}
        for kind, level, name in (
            # The units' own kind too (the same value): the join then reads those units by
            # their kind's index, not every unit.
            statuses.filter(unit__kind__in=kinds)
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=[F("unit_kind"), F("level")],
                    order_by=[F("unit__name").asc(), F("unit_id").asc()],
                )
            )
            .filter(place__lte=SHOWN)
            .order_by("unit__name", "unit_id")
            .values_list("unit_kind", "level", "unit__name")
        ):
            first_names[(kind, level)].append(name)
        for target, (kind, levels) in zip(level_targets, wanted, strict=True):
            value = sum(counts.get((kind, level), 0) for level in levels)
            names = sorted(n for level in levels for n in first_names[(kind, level)])[:SHOWN]
            met = value >= (target.min_value or 0) if target.min_value is not None else value > 0
            result[target.pk] = TargetProgress(
                target=target,
                year=year,
                value=value,
                met=met,
                shown=names,
                _levels=(kind, levels),
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
    the campaign (a commune with no row for `year` is not judged for that year). Each row stores
    the criteria it lost and the earlier years they were met (`criteria_lost`, kept by
    campaigns.results.derived on every write), and the latest of those years
    (`criteria_lost_latest`): a commune lost criteria in this campaign when that year is not
    before the campaign's first. Three queries over one row per commune judged: the counts, the
    first SHOWN kept and the first SHOWN that lost criteria, by name."""
    first = target.campaign.start_year
    judged = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE)
    lost_here = Q(criteria_lost_latest__gte=first)
    # Counted by a column of the communes' index (not the id): PostgreSQL reads the index alone.
    counts = judged.aggregate(total=Count("year"), lost=Count("year", filter=lost_here))
    # Named by the units' order: the units' own kind too (the same value), so that the join
    # reads the communes by their kind's index instead of walking every unit by name.
    named = judged.filter(unit__kind=UnitKind.COMMUNE)
    shown = list(
        named.filter(~lost_here | Q(criteria_lost_latest__isnull=True))
        .order_by("unit__name", "unit_id")
        .values_list("unit__name", flat=True)[:SHOWN]
    )
    lost = []
    for status in (
        named.filter(lost_here).select_related("unit").order_by("unit__name", "unit_id")[:SHOWN]
    ):
        numbers, since = [], year
        for number, years in status.criteria_lost:
            in_campaign = [y for y in years if y >= first]
            if in_campaign:
                numbers.append(number)
                since = min(since, in_campaign[0])
        lost.append(LostCriteria(status.unit, tuple(sorted(numbers)), since))
    return TargetProgress(
        target=target,
        year=year,
        value=counts["total"] - counts["lost"],
        met=not counts["lost"],
        shown=shown,
        lost=lost,
        lost_count=counts["lost"],
        _kept_from=first,
    )


def targets_progress(campaign, year: int) -> list[TargetProgress]:
    """Every target of `campaign` with its progress in `year`, computed once per data version
    (portal.figures_cache: every audited write renews it); the first request after a write
    reads a bounded number of rows per target (one per commune at most)."""
    return _kept_progress(campaign.pk, year)


@figure
def _kept_progress(campaign_id: int, year: int) -> list[TargetProgress]:
    from .context import campaign_by_id

    return _targets_progress(campaign_by_id(campaign_id), year)


def _targets_progress(campaign, year: int) -> list[TargetProgress]:
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
