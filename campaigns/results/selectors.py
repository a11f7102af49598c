"""Reads for campaign results: completeness of the yearly cycle, NTM grids, contributions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property

from portal.access import scope
from portal.figures_cache import figure, query_rows
from units.models import Unit, UnitKind
from units.selectors import spanned

from .. import deadlines
from ..deadlines import deadlines_for
from ..models import (
    AssessmentStatus,
    Campaign,
    Contribution,
    CriteriaSet,
    NtmCriterion,
    NtmCriterionSet,
    NtmLevel,
    NtmStatus,
    TargetGroup,
)
from .services import ntm_criterion_set_for

if TYPE_CHECKING:
    from portal.access import AnyUser

#: Which unit kinds compete in which target group of the plan (section IV.1).
TARGET_GROUP_KINDS: dict[str, tuple[str, ...]] = {
    TargetGroup.ORGANISATIONS: (
        UnitKind.DEPARTMENT,
        UnitKind.FATHERLAND_FRONT,
        UnitKind.MASS_ORGANISATION,
    ),
    TargetGroup.COMMUNES: (UnitKind.COMMUNE, UnitKind.WARD),
    TargetGroup.VILLAGES: (UnitKind.VILLAGE,),
    TargetGroup.ENTERPRISES: (UnitKind.ENTERPRISE, UnitKind.COOPERATIVE),
    TargetGroup.OTHERS: (UnitKind.OTHER_ORGANISATION, UnitKind.HOUSEHOLD),
}
KIND_TO_GROUP = {kind: group for group, kinds in TARGET_GROUP_KINDS.items() for kind in kinds}


# --- Completeness -----------------------------------------------------------------------------


class Stage:
    NOT_STARTED = "not_started"
    DRAFT = AssessmentStatus.DRAFT
    SUBMITTED = AssessmentStatus.SUBMITTED
    RETURNED = AssessmentStatus.RETURNED
    APPROVED = AssessmentStatus.APPROVED


STAGE_LABELS = {
    Stage.NOT_STARTED: "Chưa lập báo cáo",
    **dict(AssessmentStatus.choices),
}


@dataclass
class UnitProgress:
    unit: Unit
    target_group: str
    registered: bool
    stage: str
    late: bool
    deadline: datetime.date | None
    submitted_at: datetime.datetime | None = None

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def target_group_label(self) -> str:
        return TargetGroup(self.target_group).label


@dataclass
class Counts:
    total: int = 0
    registered: int = 0
    not_started: int = 0
    draft: int = 0
    submitted: int = 0
    returned: int = 0
    approved: int = 0
    late: int = 0


@dataclass
class CompletenessCounts:
    """The figures of a year's completeness: what the page's tiles and tables show."""

    deadline: datetime.date | None
    totals: Counts
    by_group: list[tuple[str, Counts]]
    by_cluster: list[tuple[str, Counts]]


#: The label of the units in no cluster, in the counts by cluster.
NO_CLUSTER = "Chưa xếp khối, cụm"


class Completeness:
    """A year's completeness: the counts (computed in the database, once per data version) and,
    when asked, every unit's row (`rows`: the export, the reminders and the demo read them; the
    page reads one page of `progress` instead)."""

    def __init__(
        self, campaign: Campaign, year: int, today: datetime.date, found: Progress | None = None
    ) -> None:
        self.campaign, self.year, self.today = campaign, year, today
        self._found = found
        counts = _kept_counts(campaign.pk, year, today)
        self.deadline = counts.deadline
        self.totals = counts.totals
        self.by_group = counts.by_group
        self.by_cluster = counts.by_cluster

    @property
    def progress(self) -> Progress:
        if self._found is None:
            self._found = progress(self.campaign, self.year, today=self.today)
        return self._found

    @cached_property
    def rows(self) -> list[UnitProgress]:
        return progress_rows(self.progress)


@figure
def _kept_counts(campaign_id: int, year: int, today: datetime.date) -> CompletenessCounts:
    """A year's completeness counts, kept and renewed by the worker after a write."""
    from ..context import campaign_by_id

    campaign = campaign_by_id(campaign_id)
    return completeness_counts(progress(campaign, year, today=today))


#: The clusters the completeness page lists by name; beyond, the ones that most need a reminder.
CLUSTERS_SHOWN = 15


def clusters_to_watch(
    by_cluster: list[tuple[str, Counts]], shown: int | None = None
) -> tuple[list[tuple[str, Counts]], int]:
    """The clusters the page shows and how many there are: all of them, in name order, up to
    `shown`; else the `shown` with the most units late, then the most not yet submitted (a
    province's or a country's 300 clusters are not read on one screen; the Excel lists every
    unit with its cluster)."""
    shown = CLUSTERS_SHOWN if shown is None else shown
    if len(by_cluster) <= shown:
        return by_cluster, len(by_cluster)

    def need(item: tuple[str, Counts]) -> tuple[int, int]:
        c = item[1]
        return (-c.late, -(c.total - c.submitted - c.approved))

    return sorted(by_cluster, key=need)[:shown], len(by_cluster)


def completeness(
    campaign: Campaign,
    year: int,
    *,
    today: datetime.date | None = None,
    found: Progress | None = None,
) -> Completeness:
    """Who has registered, submitted, been returned or approved for `year`, and who is late.

    The units expected are the active units of the kinds whose target group has a criteria set
    in the campaign (`progress`). The counts are a few grouped queries, cached until the next
    write; `rows` reads every unit's row on demand. `found`: `progress(campaign, year, today)`
    when the caller has it already (the page)."""
    return Completeness(campaign, year, today or deadlines.today(), found)


@dataclass(frozen=True)
class Progress:
    """The expected units of a year as a queryset annotated with their progress, and what a
    page needs to finish their rows (the deadlines)."""

    #: Units annotated with target_group, stage, late… (typed Any: annotations the type checker
    #: cannot see on Unit).
    units: Any
    table: deadlines.DeadlineTable
    year: int


def progress(campaign: Campaign, year: int, *, today: datetime.date) -> Progress:
    """Every expected unit of `year`, one row each, annotated in SQL: `stage` (the assessment's
    status, or "not_started"), `registered`, `late` (submitted late as recorded, or past its
    deadline without having submitted), `target_group`, `own_extension`, `submitted_at`; ordered
    by group, cluster (units in no cluster last) and name. Three queries to build (groups,
    milestone, granted extensions); the queryset is one more, whatever the number of units."""
    groups = set(
        CriteriaSet.objects.filter(campaign=campaign)
        .order_by()
        .values_list("target_group", flat=True)
    )
    kinds = [k for g in groups for k in TARGET_GROUP_KINDS.get(g, ())]
    day = datetime.date(year, 12, 31)
    first = datetime.date(year, 1, 1)
    # The milestone and the granted extensions (the assessments' own come with the rows).
    table = deadlines_for(campaign, None, year, assessment_extensions={})
    due = table.due.get(year)
    units = (
        Unit.objects.filter(kind__in=kinds)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .annotate(
            a=FilteredRelation(
                "assessments",
                condition=Q(assessments__campaign=campaign, assessments__year=year),
            ),
            r=FilteredRelation(
                "registrations",
                condition=Q(registrations__campaign=campaign, registrations__year=year),
            ),
        )
        .annotate(
            stage=Coalesce(F("a__status"), Value(Stage.NOT_STARTED)),
            registered=Case(
                When(r__id__isnull=False, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            late=Case(
                When(a__status__in=deadlines.SUBMITTED_STATUSES, then=F("a__is_late")),
                *_closed(table, due, year, today),
                default=Value(False),
                output_field=BooleanField(),
            ),
            target_group=Case(
                *[
                    When(kind__in=kinds_of, then=Value(group))
                    for group, kinds_of in TARGET_GROUP_KINDS.items()
                ],
                output_field=CharField(),
            ),
            group_order=Case(
                *[
                    When(kind__in=TARGET_GROUP_KINDS.get(group, ()), then=Value(i))
                    for i, group in enumerate(TargetGroup.values)
                ],
                default=Value(len(TargetGroup.values)),
                output_field=IntegerField(),
            ),
            own_extension=F("a__extension_until"),
            submitted_at=F("a__submitted_at"),
        )
        .select_related("cluster", "parent")
        .order_by("group_order", F("cluster__name").asc(nulls_last=True), "name", "pk")
    )
    return Progress(units=units, table=table, year=year)


def _closed(
    table: deadlines.DeadlineTable, due: datetime.date | None, year: int, today: datetime.date
) -> list[When]:
    """`late` for a unit that has not submitted: today is past the milestone, past any
    extension granted to it and past its assessment's own extension (Deadline.is_closed)."""
    if due is None or today <= due:
        return []
    extended = [u for (u, y), until in table.extensions.items() if y == year and until >= today]
    still_open = Q(a__extension_until__gte=today)
    if extended:
        still_open |= Q(pk__in=extended)
    return [When(~still_open, then=Value(True))]


def progress_rows(progress: Progress, units: Iterable[Any] | None = None) -> list[UnitProgress]:
    """The rows of `units` (a page of `progress.units`; all of them when None)."""
    due = progress.table.due.get(progress.year)
    rows = []
    for unit in progress.units if units is None else units:
        granted = progress.table.extensions.get((unit.pk, progress.year))
        until = max((d for d in (granted, unit.own_extension) if d), default=None)
        rows.append(
            UnitProgress(
                unit=unit,
                target_group=unit.target_group,
                registered=unit.registered,
                stage=unit.stage,
                late=unit.late,
                deadline=deadlines.Deadline(due=due, extension_until=until).effective,
                submitted_at=unit.submitted_at,
            )
        )
    return rows


def _count_columns() -> dict[str, Count]:
    return {
        "total": Count("pk"),
        "registered": Count("pk", filter=Q(registered=True)),
        "late": Count("pk", filter=Q(late=True)),
        **{
            stage: Count("pk", filter=Q(stage=stage))
            for stage in (
                Stage.NOT_STARTED,
                Stage.DRAFT,
                Stage.SUBMITTED,
                Stage.RETURNED,
                Stage.APPROVED,
            )
        },
    }


def completeness_counts(found: Progress) -> CompletenessCounts:
    """The counts of `found` (`progress(...)`): in all, by target group and by cluster (one
    query grouped by both, folded here)."""
    units = found.units.order_by()
    columns = _count_columns()
    by_group: dict[str, Counts] = {}
    clusters: dict[str, Counts] = {}
    for row in units.values("target_group", "cluster__name").annotate(**columns).order_by():
        group, cluster = row.pop("target_group"), row.pop("cluster__name") or NO_CLUSTER
        for counts in (
            by_group.setdefault(group, Counts()),
            clusters.setdefault(cluster, Counts()),
        ):
            for name, n in row.items():
                setattr(counts, name, getattr(counts, name) + n)
    by_cluster = sorted(clusters.items())
    totals = Counts()
    for counts in by_group.values():
        for name in Counts.__dataclass_fields__:
            setattr(totals, name, getattr(totals, name) + getattr(counts, name))
    return CompletenessCounts(
        deadline=found.table.due.get(found.year),
        totals=totals,
        by_group=[(TargetGroup(g).label, by_group[g]) for g in TargetGroup.values if g in by_group],
        by_cluster=by_cluster,
    )


class ProgressPages:
    """The expected units a completeness filter keeps (`units`: the filterset's queryset over
    `progress(...).units`), in the page's order (target group, cluster, name), as a sequence the
    paginator pages. The count and the count of each group come from the page's cached counts
    when the filter is one of theirs (a group, a stage, late), else from one grouped count,
    cached until the next write; a page is one query of only the groups it spans (the first
    page sorts the organisations, not every commune)."""

    def __init__(
        self, units: QuerySet[Any], data: Completeness, filters: dict[str, Any] | None = None
    ) -> None:
        self.units = units
        self.data = data
        self.filters = filters or {}
        self._groups: list[tuple[str, int]] | None = None

    def _from_counts(self) -> dict[str, int] | None:
        """The count of each group the filter keeps, read from the cached counts; None when
        the filter is not one they answer (a stage and late together)."""
        stage, late = self.filters.get("stage") or "", bool(self.filters.get("late"))
        if stage and late:
            return None
        labels = {TargetGroup(g).label: g for g in TargetGroup.values}
        kept: dict[str, int] = {}
        for label, counts in self.data.by_group:
            if late:
                n = counts.late
            elif stage == "unregistered":
                n = counts.total - counts.registered
            elif stage:
                n = getattr(counts, stage)
            else:
                n = counts.total
            kept[labels[label]] = n
        return kept

    def groups(self) -> list[tuple[str, int]]:
        if self._groups is None:
            counts = self._from_counts()
            if counts is None:
                per_group = (
                    self.units.order_by().values_list("target_group").annotate(n=Count("pk"))
                )
                counts = dict(query_rows(per_group))
            wanted = self.filters.get("group") or None
            self._groups = [
                (g, counts.get(g, 0)) for g in TargetGroup.values if wanted is None or g == wanted
            ]
        return self._groups

    def count(self) -> int:
        return sum(n for _, n in self.groups())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            raise TypeError("ProgressPages is read a page (a slice with an end) at a time")
        start, stop = index.start or 0, index.stop
        groups = [(list(TARGET_GROUP_KINDS.get(g, ())), n) for g, n in self.groups()]
        kinds, skip = spanned(groups, start, stop)
        if not kinds:
            return []
        return list(self.units.filter(kind__in=kinds)[skip : skip + stop - start])


def late_breakdown(campaign: Campaign, year: int, *, today: datetime.date) -> dict[str, int]:
    """Who has not submitted, as the office chases them (the desk): `not_started`, `started`
    (a draft or a returned file), `extended` (inside an extension past the milestone) and
    `late_submitted` (submitted after the deadline). One grouped query."""
    found = progress(campaign, year, today=today)
    due = found.table.due.get(year)
    submitted = Q(stage__in=deadlines.SUBMITTED_STATUSES)
    waiting = ~submitted
    columns = {}
    if due is not None:
        granted = [
            u
            for (u, y), until in found.table.extensions.items()
            if y == year and until > due and until >= today
        ]
        extended = Q(a__extension_until__gt=due, a__extension_until__gte=today)
        if granted:
            extended |= Q(pk__in=granted)
        columns["extended"] = Count("pk", filter=~submitted & extended)
        waiting &= ~extended
    counts = found.units.order_by().aggregate(
        not_started=Count("pk", filter=waiting & Q(stage=Stage.NOT_STARTED)),
        started=Count("pk", filter=waiting & ~Q(stage=Stage.NOT_STARTED)),
        late_submitted=Count("pk", filter=submitted & Q(late=True)),
        **columns,
    )
    counts.setdefault("extended", 0)
    return {name: int(value) for name, value in counts.items()}


# --- NTM status -------------------------------------------------------------------------------


def ntm_statuses_visible_to(user: AnyUser) -> QuerySet[NtmStatus]:
    return scope(user, NtmStatus.objects.all(), unit_field="unit")


def ntm_units_visible_to(user: AnyUser) -> QuerySet[Unit]:
    return scope(
        user, Unit.objects.filter(kind__in=[UnitKind.COMMUNE, UnitKind.VILLAGE]), unit_field="pk"
    )


#: Short level names for the narrow cells of the grid (the legend spells them out).
SHORT_LEVEL = {"none": "Chưa đạt", "ntm": "NTM", "advanced": "Nâng cao", "model": "Kiểu mẫu"}


@dataclass
class GridRow:
    criterion: NtmCriterion
    marks: list[bool]  # one per year


@dataclass
class NtmGrid:
    years: list[int]
    statuses: list[NtmStatus | None]  # one per year
    rows: list[GridRow]
    villages: list[tuple[Unit, list[tuple[int, NtmStatus | None, str]]]]
    village_totals: list[tuple[int, int]]  # (at NTM or better, total) per year
    year_cells: list[tuple[int, NtmStatus | None, str]] = field(default_factory=list)


def ntm_grid(commune: Unit, campaign: Campaign | None) -> NtmGrid:
    """The commune's 19 criteria × years, the level per year, and its villages' levels."""
    statuses = list(
        NtmStatus.objects.filter(unit=commune)
        .select_related("confirmed_by")
        .prefetch_related("criteria_met")
        .order_by("year")
    )
    years = list(campaign.years) if campaign is not None else sorted({s.year for s in statuses})
    by_year = {s.year: s for s in statuses}
    # The grid compares criteria by number, so the latest set names the rows of any year.
    criterion_set = (
        ntm_criterion_set_for(years[-1] if years else 2025, campaign)
        or NtmCriterionSet.objects.order_by("-valid_to", "-valid_from").first()
    )
    criteria = list(criterion_set.criteria.order_by("number")) if criterion_set else []
    met = {s.year: {c.number for c in s.criteria_met.all()} for s in statuses}
    rows = [GridRow(c, [c.number in met.get(y, set()) for y in years]) for c in criteria]
    villages = list(commune.children.filter(kind=UnitKind.VILLAGE).order_by("name"))
    village_status = {
        (s.unit_id, s.year): s
        for s in NtmStatus.objects.filter(unit__in=villages, year__in=years).select_related(
            "confirmed_by"
        )
    }
    village_rows = []
    for v in villages:
        cells = []
        for y in years:
            st = village_status.get((v.pk, y))
            cells.append((y, st, SHORT_LEVEL[st.level] if st else ""))
        village_rows.append((v, cells))
    totals = []
    for i, _y in enumerate(years):
        count = sum(
            1
            for _, cells in village_rows
            if (st := cells[i][1]) is not None and st.level != NtmLevel.NONE
        )
        totals.append((count, len(villages)))
    return NtmGrid(
        years=years,
        statuses=[by_year.get(y) for y in years],
        year_cells=[
            (y, by_year.get(y), SHORT_LEVEL[by_year[y].level] if y in by_year else "")
            for y in years
        ],
        rows=rows,
        villages=village_rows,
        village_totals=totals,
    )


def ntm_communes(user: AnyUser, *, q: str = "") -> QuerySet[Unit]:
    """The communes of the NTM list in the user's scope, by name; `q` part of a name or code."""
    communes = ntm_units_visible_to(user).filter(kind=UnitKind.COMMUNE)
    if q:
        communes = communes.filter(name__icontains=q) | communes.filter(code__icontains=q)
    return communes.select_related("cluster").order_by("name")


def ntm_status_of(unit: Unit, year: int) -> NtmStatus | None:
    """The unit's NTM status of a year, with the criteria it meets."""
    return unit.ntm_statuses.filter(year=year).prefetch_related("criteria_met").first()


def criteria_sets_of(campaign: Campaign) -> QuerySet[CriteriaSet]:
    """The campaign's criteria sets, each group's newest version first."""
    return (
        CriteriaSet.objects.filter(campaign=campaign)
        .select_related("previous")
        .prefetch_related("criteria")
        .order_by("target_group", "-version")
    )


def ntm_statuses_for_year(unit_ids: list[int], year: int) -> dict[int, NtmStatus]:
    """unit id → its status for `year` (one query for a page of units)."""
    return {
        s.unit_id: s
        for s in NtmStatus.objects.filter(unit_id__in=unit_ids, year=year).select_related(
            "confirmed_by"
        )
    }


# --- Contributions ----------------------------------------------------------------------------


def contributions_visible_to(user: AnyUser) -> QuerySet[Contribution]:
    return scope(user, Contribution.objects.all(), unit_field="commune").select_related("commune")


def contribution_totals(queryset: QuerySet[Contribution]) -> dict[str, Any]:
    return queryset.aggregate(
        money_vnd=Sum("money_vnd"),
        work_days=Sum("work_days"),
        land_m2=Sum("land_m2"),
        rows=Count("pk"),
    )


def communes_for_contributions(user: AnyUser) -> QuerySet[Unit]:
    return scope(user, Unit.objects.filter(kind=UnitKind.COMMUNE), unit_field="pk").order_by("name")


def group_choices() -> list[tuple[str, str]]:
    return list(TargetGroup.choices)
