"""Reads for campaign results: completeness of the yearly cycle, NTM grids, contributions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from portal.access import scope
from units.models import Unit, UnitKind

from .. import deadlines
from ..deadlines import deadlines_for
from ..models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    Contribution,
    CriteriaSet,
    NtmCriterion,
    NtmCriterionSet,
    NtmLevel,
    NtmStatus,
    Registration,
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

    def add(self, row: UnitProgress) -> None:
        self.total += 1
        self.registered += row.registered
        setattr(self, row.stage, getattr(self, row.stage) + 1)
        self.late += row.late


@dataclass
class Completeness:
    campaign: Campaign
    year: int
    deadline: datetime.date | None
    rows: list[UnitProgress]
    totals: Counts = field(default_factory=Counts)
    by_group: list[tuple[str, Counts]] = field(default_factory=list)
    by_cluster: list[tuple[str, Counts]] = field(default_factory=list)


def completeness(
    campaign: Campaign, year: int, *, today: datetime.date | None = None
) -> Completeness:
    """Who has registered, submitted, been returned or approved for `year`, and who is late.

    The units expected are the active units of the kinds whose target group has a criteria set
    in the campaign. Four queries whatever the number of units (groups, units, registrations,
    assessments) plus two for the units' deadlines (campaigns/deadlines.py: the milestone and
    the granted extensions; the assessments' own extensions come with the assessments)."""
    today = today or deadlines.today()
    groups = set(
        CriteriaSet.objects.filter(campaign=campaign)
        .order_by()
        .values_list("target_group", flat=True)
    )
    kinds = [k for g in groups for k in TARGET_GROUP_KINDS.get(g, ())]
    day = datetime.date(year, 12, 31)
    first = datetime.date(year, 1, 1)
    units = list(
        Unit.objects.filter(kind__in=kinds)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .select_related("cluster", "parent")
        .order_by("kind", "name")
    )
    registered = set(
        Registration.objects.filter(campaign=campaign, year=year)
        .order_by()
        .values_list("unit_id", flat=True)
    )
    assessments = {
        a["unit_id"]: a
        for a in Assessment.objects.filter(campaign=campaign, year=year)
        .order_by()
        .values("unit_id", "status", "is_late", "extension_until", "submitted_at")
    }
    table = deadlines_for(
        campaign,
        None,  # every granted extension of the year: no list of ids in the query
        year,
        assessment_extensions={u: a["extension_until"] for u, a in assessments.items()},
    )
    result = Completeness(campaign=campaign, year=year, deadline=table.due.get(year), rows=[])
    group_counts: dict[str, Counts] = defaultdict(Counts)
    cluster_counts: dict[str, Counts] = defaultdict(Counts)
    for unit in units:
        a = assessments.get(unit.pk)
        stage = a["status"] if a else Stage.NOT_STARTED
        deadline = table.get(unit.pk, year)
        row = UnitProgress(
            unit=unit,
            target_group=KIND_TO_GROUP[unit.kind],
            registered=unit.pk in registered,
            stage=stage,
            late=deadline.unit_is_late(
                status=a["status"] if a else None,
                recorded_late=bool(a and a["is_late"]),
                day=today,
            ),
            deadline=deadline.effective,
            submitted_at=a["submitted_at"] if a else None,
        )
        result.rows.append(row)
        result.totals.add(row)
        group_counts[row.target_group].add(row)
        cluster_counts[unit.cluster.name if unit.cluster else "Chưa xếp khối, cụm"].add(row)
    group_order = {g: i for i, g in enumerate(TargetGroup.values)}
    result.rows.sort(
        key=lambda r: (
            group_order[r.target_group],
            r.unit.cluster.name if r.unit.cluster else "~",
            r.unit.name,
        )
    )
    order = [g for g in TargetGroup.values if g in group_counts]
    result.by_group = [(TargetGroup(g).label, group_counts[g]) for g in order]
    result.by_cluster = sorted(cluster_counts.items())
    return result


def filter_completeness_rows(
    rows: list[UnitProgress], *, stage: str = "", group: str = "", late: bool = False
) -> list[UnitProgress]:
    out = rows
    if stage == "registered":
        out = [r for r in out if r.registered]
    elif stage == "unregistered":
        out = [r for r in out if not r.registered]
    elif stage:
        out = [r for r in out if r.stage == stage]
    if group:
        out = [r for r in out if r.target_group == group]
    if late:
        out = [r for r in out if r.late]
    return out


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
