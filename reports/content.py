"""What a campaign report says: one gatherer per section.

Each gatherer takes a `Scope` (campaign, the year or period) and returns a `Section` or None
when its data source is absent (no fake numbers: an absent section is left out). A section names
the partial template that prints it and carries its tables, which the .xlsx export reuses.

Sections fed by other apps (awards by tier and the lists, the final review's proposals,
inspections and their follow-up, difficulties, sponsorships, budget, OCOP products and jobs) live in
`reports.integrated_sections` and plug in through `register_section`. Target progress comes
from `campaigns.targets` and cluster ranks from
`campaigns.rankings`, so the report prints the same figures as the pages.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from campaigns import targets as campaign_targets
from campaigns.models import (
    Assessment,
    AssessmentItem,
    AssessmentStatus,
    Contribution,
    ContributorKind,
    Milestone,
    NtmLevel,
    NtmStatus,
    Registration,
    Target,
)
from units.models import BLOC_KINDS, Unit, UnitKind

from . import aggregates, charts

if TYPE_CHECKING:
    from campaigns.models import Campaign

    from .models import Report

LEVEL_RANK = {NtmLevel.NONE: 0, NtmLevel.NTM: 1, NtmLevel.ADVANCED: 2, NtmLevel.MODEL: 3}
LEVEL_LABEL = dict(NtmLevel.choices)
LEVEL_SHORT = {"none": "Chưa đạt", "ntm": "NTM", "advanced": "NTM nâng cao", "model": "Kiểu mẫu"}
#: Assessment statuses in administrative words (the workflow labels are for the pages).
ASSESSMENT_WORDS = {
    AssessmentStatus.DRAFT: "Chưa nộp báo cáo",
    AssessmentStatus.SUBMITTED: "Đã nộp, chờ thẩm định",
    AssessmentStatus.RETURNED: "Đang bổ sung hồ sơ theo yêu cầu thẩm định",
    AssessmentStatus.APPROVED: "Đã thẩm định",
}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    landscape: bool = False
    annex: bool = False
    note: str = ""
    center: tuple[int, ...] = ()  # columns printed centred (levels, years, verdicts)
    #: One row per commune (or a list longer than the PDF prints): in a large review it is not
    #: printed but goes to the Excel annex, as the sheet `sheet` (docs/reports.md).
    detail: bool = False
    sheet: str = ""
    css: str = ""  # a class of its own (column widths) for the tables of a large review

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "total": self.total,
            "landscape": self.landscape,
            "annex": self.annex,
            "note": self.note,
            "center": list(self.center),
            "detail": self.detail,
            "sheet": self.sheet,
            "css": self.css,
        }


@dataclass
class Section:
    key: str
    heading: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    chart: str = ""


@dataclass
class Part:
    heading: str
    sections: list[Section]


@dataclass
class Scope:
    """The campaign and the years a report covers (one year, or first year..year)."""

    campaign: Campaign
    year: int
    first_year: int
    report: Report | None = None
    sample_rows: int = 0
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.year + 1))

    @property
    def is_period(self) -> bool:
        return self.first_year != self.year

    @property
    def period_start(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def period_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def summarised(self) -> bool:
        """More communes than a readable document lists one by one: present them by cluster, with
        the per-commune detail in the Excel annex (reports.aggregates)."""
        return len(_communes(self)) > aggregates.summary_threshold()

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


def _int(value: Any) -> int:
    return int(value or 0)


def _num(value: Any) -> float | int:
    """Decimal → int when whole, else float (JSON-safe, for tables)."""
    if value is None:
        return 0
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


# --- Data shared by several sections -------------------------------------------------------------


def _communes(scope: Scope) -> list[Unit]:
    """Communes taking part over the period: active during it, or with results recorded in it.
    A merged commune and its successor both appear (history stays with the old unit)."""

    def compute():
        with_results = NtmStatus.objects.filter(
            year__in=scope.years, unit__kind=UnitKind.COMMUNE
        ).values("unit_id")
        active = Q(valid_from__isnull=True) | Q(valid_from__lte=scope.period_end)
        active &= Q(valid_to__isnull=True) | Q(valid_to__gte=scope.period_start)
        units = (
            Unit.objects.filter(kind=UnitKind.COMMUNE)
            .filter(active | Q(pk__in=with_results))
            .select_related("cluster")
            .prefetch_related("successors", "predecessors")
            .order_by("cluster__name", "name")
        )
        return list(units)

    return scope.cached("communes", compute)


def _merger_note(unit: Unit, scope: Scope) -> str:
    notes = []
    if unit.valid_to and unit.valid_to <= scope.period_end:
        successors = ", ".join(s.name for s in unit.successors.all())
        when = unit.valid_to.strftime("%d/%m/%Y")
        notes.append(f"đến {when}" + (f", nay thuộc {successors}" if successors else ""))
    predecessors = list(unit.predecessors.all())
    if predecessors:
        notes.append("hình thành từ " + ", ".join(p.name for p in predecessors))
    return "; ".join(notes)


def _unit_label(unit: Unit, scope: Scope) -> str:
    note = _merger_note(unit, scope)
    return f"{unit.name} ({note})" if note else unit.name


def _statuses(scope: Scope) -> dict[tuple[int, int], dict[str, Any]]:
    """(unit_id, year) → {level, count, is_sample, met: set of criterion numbers}."""

    def compute():
        ids = [u.pk for u in _communes(scope)]
        rows = NtmStatus.objects.filter(unit_id__in=ids, year__in=scope.years).values(
            "pk", "unit_id", "year", "level", "criteria_met_count", "is_sample"
        )
        result: dict[tuple[int, int], dict[str, Any]] = {}
        by_pk = {}
        for row in rows:
            entry = {
                "level": row["level"],
                "count": row["criteria_met_count"],
                "is_sample": row["is_sample"],
                "met": set(),
            }
            result[(row["unit_id"], row["year"])] = entry
            by_pk[row["pk"]] = entry
            scope.sample_rows += row["is_sample"]
        through = NtmStatus.criteria_met.through.objects.filter(
            ntmstatus__unit_id__in=ids, ntmstatus__year__in=scope.years
        ).values_list("ntmstatus_id", "ntmcriterion__number")
        for status_id, number in through.iterator(chunk_size=5000):
            by_pk[status_id]["met"].add(number)
        return result

    return scope.cached("statuses", compute)


def _village_levels(scope: Scope) -> dict[int, dict[int, list[str]]]:
    """commune id → year → the level of each of its villages (villages without a status count
    as not reaching the standard)."""

    def compute():
        ids = [u.pk for u in _communes(scope)]
        villages = dict(
            Unit.objects.filter(kind=UnitKind.VILLAGE, parent_id__in=ids).values_list(
                "pk", "parent_id"
            )
        )
        levels: dict[tuple[int, int], str] = {}
        for unit_id, year, level, is_sample in NtmStatus.objects.filter(
            unit_id__in=list(villages), year__in=scope.years
        ).values_list("unit_id", "year", "level", "is_sample"):
            levels[(unit_id, year)] = level
            scope.sample_rows += is_sample
        result: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for village_id, commune_id in villages.items():
            for year in scope.years:
                result[commune_id][year].append(levels.get((village_id, year), NtmLevel.NONE))
        return result

    return scope.cached("villages", compute)


def _first_counts(scope: Scope) -> dict[int, tuple[int, int]]:
    """commune id → (first year, criteria met that year): the campaign's start year, or the
    commune's earliest year on record after it — the rankings' rule (campaigns.rankings.figures),
    so "Mức tăng bình quân" is the ranking page's figure, in the annual reports too (whose own
    years hold only the report year)."""

    def compute():
        ids = [u.pk for u in _communes(scope)]
        result: dict[int, tuple[int, int]] = {}
        rows = (
            NtmStatus.objects.filter(
                unit_id__in=ids, year__gte=scope.campaign.start_year, year__lte=scope.year
            )
            .order_by("unit_id", "year")
            .values_list("unit_id", "year", "criteria_met_count")
        )
        for unit_id, year, count in rows:
            result.setdefault(unit_id, (year, count))
        return result

    return scope.cached("first_counts", compute)


@dataclass
class CommuneFigures:
    unit: Unit
    label: str
    cluster: str
    level: str
    count: int | None
    village_share: float | None
    growth: float | None
    met: set[int]
    first_count: int | None
    as_of: int


def commune_figures(scope: Scope, year: int) -> list[CommuneFigures]:
    """Each commune's figures for a report, with the rules of docs/rankings.md ("Rules and
    decisions"), over the report's scope: a commune merged away during a review's period
    reports its last year on record (marked "[số liệu năm …]"), which the ranking pages, about
    one year, never do. Computed once per scope and year (several sections read them)."""
    return scope.cached(f"figures:{year}", lambda: _commune_figures(scope, year))


def _commune_figures(scope: Scope, year: int) -> list[CommuneFigures]:
    statuses = _statuses(scope)
    villages = _village_levels(scope)
    first = scope.campaign.start_year
    result = []
    for unit in _communes(scope):
        as_of = year
        status = statuses.get((unit.pk, year))
        if status is None and scope.is_period:
            # A commune merged away during the period: its last year on record.
            earlier = [y for y in scope.years if y < year and (unit.pk, y) in statuses]
            if earlier:
                as_of = earlier[-1]
                status = statuses[(unit.pk, as_of)]
        if status is None:
            continue
        levels = villages.get(unit.pk, {}).get(as_of, [])
        share = (
            round(100 * sum(lv in (NtmLevel.NTM, NtmLevel.MODEL) for lv in levels) / len(levels), 1)
            if levels
            else None
        )
        first_status = statuses.get((unit.pk, first))
        start = _first_counts(scope).get(unit.pk)
        growth = None
        if start is not None and as_of > start[0]:
            growth = round((status["count"] - start[1]) / (as_of - start[0]), 1)
        label = _unit_label(unit, scope)
        if as_of != year:
            label = f"{label} [số liệu năm {as_of}]"
        result.append(
            CommuneFigures(
                unit=unit,
                label=label,
                cluster=unit.cluster.name if unit.cluster else "Chưa xếp cụm",
                level=status["level"],
                count=status["count"],
                village_share=share,
                growth=growth,
                met=status["met"],
                first_count=first_status["count"] if first_status else None,
                as_of=as_of,
            )
        )
    return result


def rank_within_clusters(
    scope: Scope, figures: list[CommuneFigures]
) -> list[tuple[str, int, CommuneFigures]]:
    """Ranks from the rankings app (campaigns.rankings), so a report prints exactly the ranks of
    the ranking page. Units merged away before the year are listed but not ranked."""
    year = max((f.as_of for f in figures), default=0)
    return scope.cached(f"ranked:{year}", lambda: _rank_within_clusters(scope, figures, year))


def _rank_within_clusters(
    scope: Scope, figures: list[CommuneFigures], year: int
) -> list[tuple[str, int, CommuneFigures]]:
    from campaigns.rankings.ranking import commune_ranking

    current = [f for f in figures if f.as_of == year]
    if not current:
        return []
    ranks = {r.unit_id: r.rank for r in commune_ranking(year, campaign=scope.campaign).rows}
    ranked = [(f.cluster, ranks[f.unit.pk], f) for f in current if f.unit.pk in ranks]
    return sorted(ranked, key=lambda item: (item[0], item[1], item[2].unit.name))


def target_progress(scope: Scope, target: Target, year: int) -> int | None:
    """The target's value in `year` (campaigns.targets); None when no NTM status is recorded
    for that year yet."""
    if not NtmStatus.objects.filter(year=year).exists():
        return None
    return campaign_targets.target_progress(target, year).value


# --- Sections ------------------------------------------------------------------------------------

P = "reports/pdf/sections/"


def section_deployment(scope: Scope) -> Section | None:
    campaign = scope.campaign
    milestones = Milestone.objects.filter(campaign=campaign, due_date__lte=scope.period_end)
    if campaign.plan_earliest_date:
        # A deadline cannot fall before the plan that set it: the plan (dated mid-2022) covers
        # 2021–2025, but a "registration deadline 31/03/2021" never existed. Such rows (made
        # from the yearly cycle) are not printed as the plan's milestones (docs/reports.md).
        milestones = milestones.filter(due_date__gte=campaign.plan_earliest_date)
    milestone_rows = list(milestones.order_by("due_date"))
    registrations = list(
        Registration.objects.filter(campaign=campaign, year__in=scope.years)
        .values("year", "unit__kind")
        .annotate(n=Count("pk"), samples=Count("pk", filter=Q(is_sample=True)))
        .order_by("year", "unit__kind")
    )
    scope.sample_rows += sum(r["samples"] for r in registrations)
    kinds = dict(UnitKind.choices)
    by_year: dict[int, dict[str, int]] = defaultdict(dict)
    for row in registrations:
        by_year[row["year"]][row["unit__kind"]] = row["n"]
    tables = []
    if registrations:
        used = sorted({r["unit__kind"] for r in registrations})
        rows = [
            [str(y)] + [by_year[y].get(k, 0) for k in used] + [sum(by_year[y].values())]
            for y in scope.years
            if y in by_year
        ]
        tables.append(
            Table(
                "Số đơn vị đăng ký thi đua",
                ["Năm"] + [kinds.get(k, k) for k in used] + ["Tổng số"],
                rows,
                center=(0,),
            )
        )
    return Section(
        key="deployment",
        heading="Ban hành kế hoạch, hướng dẫn triển khai",
        template=P + "deployment.html",
        data={
            "plan_number": campaign.plan_number,
            "plan_issued": campaign.plan_issued,
            "plan_date": campaign.plan_date,
            "milestones": [
                {"title": m.title, "date": m.due_date, "kind": m.get_kind_display()}
                for m in milestone_rows
            ],
            "registered": sum(r["n"] for r in registrations if r["year"] == scope.year),
        },
        tables=tables,
    )


def _assessment_scores(scope: Scope, kinds) -> list[dict[str, Any]]:
    found = (
        Assessment.objects.filter(campaign=scope.campaign, year=scope.year, unit__kind__in=kinds)
        .values("pk", "unit__name", "unit__kind", "status", "is_sample", "unit__cluster__name")
        .annotate(
            score=Sum(Coalesce("items__reviewer_score", "items__self_score")),
        )
        .order_by("unit__cluster__name", "-score", "unit__name")
    )
    rows: list[dict[str, Any]] = list(found)
    maxima = dict(
        AssessmentItem.objects.filter(assessment_id__in=[r["pk"] for r in rows])
        .values("assessment_id")
        .annotate(m=Sum("criterion__max_points"))
        .values_list("assessment_id", "m")
    )
    for row in rows:
        row["max"] = maxima.get(row["pk"])
        scope.sample_rows += row["is_sample"]
    return rows


def _score_section(scope: Scope, key: str, heading: str, kinds) -> Section | None:
    rows = _assessment_scores(scope, kinds)
    if not rows:
        return None
    status_label = ASSESSMENT_WORDS
    table_rows = []
    for i, r in enumerate(rows, start=1):
        table_rows.append(
            [
                i,
                r["unit__name"],
                r["unit__cluster__name"] or "",
                _num(r["score"]),
                _num(r["max"]),
                status_label.get(r["status"], r["status"]),
            ]
        )
    return Section(
        key=key,
        heading=heading,
        template=P + "scores.html",
        data={
            "count": len(rows),
            "approved": sum(r["status"] == "approved" for r in rows),
            "year": scope.year,
        },
        tables=[
            Table(
                f"Kết quả chấm điểm thi đua năm {scope.year}",
                ["STT", "Đơn vị", "Khối, cụm", "Điểm đạt", "Điểm tối đa", "Kết quả thẩm định"],
                table_rows,
                center=(5,),
            )
        ],
    )


def section_organisations(scope: Scope) -> Section | None:
    return _score_section(
        scope,
        "organisations",
        "Đối với các phòng, ban, ngành, Mặt trận Tổ quốc và các đoàn thể",
        BLOC_KINDS,
    )


def section_enterprises(scope: Scope) -> Section | None:
    return _score_section(
        scope,
        "enterprises",
        "Đối với doanh nghiệp, hợp tác xã",
        (UnitKind.ENTERPRISE, UnitKind.COOPERATIVE),
    )


def section_communes(scope: Scope) -> Section | None:
    figures = commune_figures(scope, scope.year)
    if not figures:
        return None
    rows = []
    for i, f in enumerate(figures, start=1):
        row = [i, f.label, f.cluster]
        if scope.is_period:
            row.append(f.first_count if f.first_count is not None else "")
        row += [
            f.count,
            LEVEL_SHORT.get(f.level, f.level),
            f.village_share if f.village_share is not None else "",
            f.growth if f.growth is not None else "—",
        ]
        rows.append(row)
    columns = ["STT", "Xã", "Cụm thi đua"]
    if scope.is_period:
        columns.append(f"Số tiêu chí đạt năm {scope.campaign.start_year}")
    columns += [
        f"Số tiêu chí đạt năm {scope.year}",
        "Mức đạt chuẩn",
        "Tỷ lệ thôn đạt chuẩn (%)",
        "Mức tăng bình quân (tiêu chí/năm)",
    ]
    levels: defaultdict[str, int] = defaultdict(int)
    for f in figures:
        levels[f.level] += 1
    avg = round(sum(f.count or 0 for f in figures) / len(figures), 1)
    # Annex: the 19-criteria table, one column per national criterion.
    numbers = list(
        scope.campaign.ntm_criterion_set.criteria.values_list("number", flat=True)
        if scope.campaign.ntm_criterion_set
        else range(1, 20)
    )
    matrix = [
        [i, f.label, *["x" if n in f.met else "" for n in numbers], f.count]
        for i, f in enumerate(figures, start=1)
    ]
    matrix_total = ["", "Tổng số xã đạt"] + [sum(n in f.met for f in figures) for n in numbers]
    matrix_total.append("")
    summary_tables = []
    if scope.summarised:
        ranked = rank_within_clusters(scope, figures)
        cluster_rows, cluster_total = aggregates.cluster_rows(scope, figures, ranked)
        summary_tables = [
            Table(
                f"Kết quả xây dựng nông thôn mới theo cụm thi đua năm {scope.year}",
                aggregates.CLUSTER_COLUMNS,
                cluster_rows,
                total=cluster_total,
                note="Cột (4): các xã đạt chuẩn nông thôn mới, nông thôn mới nâng cao và nông "
                "thôn mới kiểu mẫu. Cột (10): xã xếp thứ nhất trong cụm.",
                sheet="Theo cụm thi đua",
                css="clusters",
            ),
            Table(
                f"Số xã đạt từng tiêu chí quốc gia về xã nông thôn mới năm {scope.year}",
                ["Tiêu chí số", "Tên tiêu chí", "Số xã đạt", "Tỷ lệ (%)"],
                aggregates.criteria_rows(scope, figures),
                center=(0,),
                sheet="Số xã đạt từng tiêu chí",
                css="criteria",
            ),
        ]
    return Section(
        key="communes",
        heading="Đối với các xã",
        template=P + "communes.html",
        data={
            "count": len(figures),
            "levels": [
                {"label": LEVEL_LABEL[lv], "n": levels.get(lv, 0)}
                for lv in (NtmLevel.MODEL, NtmLevel.ADVANCED, NtmLevel.NTM, NtmLevel.NONE)
            ],
            "average": avg,
            "year": scope.year,
            "summarised": scope.summarised,
            "clusters": len(summary_tables[0].rows) if summary_tables else 0,
            "annex_name": aggregates.ANNEX_NAME,
        },
        tables=[
            *summary_tables,
            Table(
                f"Kết quả xây dựng nông thôn mới của các xã năm {scope.year}",
                columns,
                rows,
                center=(5 if scope.is_period else 4,),
                detail=True,
                sheet="Kết quả từng xã",
            ),
            Table(
                f"Kết quả thực hiện 19 tiêu chí quốc gia về xã nông thôn mới năm {scope.year}",
                ["STT", "Xã"] + [str(n) for n in numbers] + ["Tổng số tiêu chí đạt"],
                matrix,
                total=matrix_total,
                landscape=True,
                annex=True,
                note="Ký hiệu “x”: tiêu chí đạt chuẩn theo Bộ tiêu chí quốc gia.",
                detail=True,
                sheet="19 tiêu chí từng xã",
            ),
        ],
    )


def section_commune_mentions(scope: Scope) -> Section | None:
    """A large review names the communes a reader needs to see: the top and bottom ones, those
    that fell back, those below their registered level, those without results (every row of the
    longer lists is in the Excel annex)."""
    if not scope.summarised:
        return None
    figures = commune_figures(scope, scope.year)
    if not figures:
        return None
    limit = aggregates.MENTION_LIMIT
    tables = []
    sentences = []
    for mention in aggregates.mentions(scope, figures):
        if mention.sentence:
            sentences.append(mention.sentence)
        if not mention.rows:
            continue
        shown = mention.rows[:limit]
        longer = len(mention.rows) > limit
        title = mention.title
        note = ""
        if longer:
            title += f" ({limit} trong số {len(mention.rows)} xã)"
            note = (
                f"Danh sách đầy đủ {len(mention.rows)} xã tại biểu “{mention.sheet}” của "
                f"{aggregates.ANNEX_NAME}."
            )
        tables.append(
            Table(title, mention.columns, shown, center=mention.center, note=note, css="mentions")
        )
        if longer:
            tables.append(
                Table(
                    mention.title,
                    mention.columns,
                    mention.rows,
                    center=mention.center,
                    detail=True,
                    sheet=mention.sheet,
                )
            )
    return Section(
        key="commune_mentions",
        heading="Các xã dẫn đầu, các xã cần quan tâm chỉ đạo",
        template=P + "commune_mentions.html",
        data={"sentences": sentences, "year": scope.year, "annex_name": aggregates.ANNEX_NAME},
        tables=tables,
    )


def section_villages(scope: Scope) -> Section | None:
    villages = _village_levels(scope)
    if not villages:
        return None
    by_commune = {u.pk: u for u in _communes(scope)}
    rows: list[list[Any]] = []
    totals = [0, 0, 0]
    for commune_id, by_year in villages.items():
        levels = by_year.get(scope.year, [])
        ntm = sum(lv == NtmLevel.NTM for lv in levels)
        model = sum(lv == NtmLevel.MODEL for lv in levels)
        rows.append([by_commune[commune_id].name, len(levels), ntm, model])
        totals = [totals[0] + len(levels), totals[1] + ntm, totals[2] + model]
    rows.sort(key=lambda r: r[0])
    rows = [[i, *r] for i, r in enumerate(rows, start=1)]
    return Section(
        key="villages",
        heading="Đối với các thôn",
        template=P + "villages.html",
        data={
            "total": totals[0],
            "ntm": totals[1],
            "model": totals[2],
            "year": scope.year,
            "summarised": scope.summarised,
            "annex_name": aggregates.ANNEX_NAME,
        },
        tables=[
            Table(
                f"Kết quả xây dựng thôn nông thôn mới năm {scope.year}",
                ["STT", "Xã", "Số thôn", "Thôn đạt chuẩn NTM", "Thôn NTM kiểu mẫu"],
                rows,
                total=["", "Tổng cộng", *totals],
                detail=True,
                sheet="Thôn theo từng xã",
            )
        ],
    )


def section_contributions(scope: Scope) -> Section | None:
    base = Contribution.objects.filter(year__in=scope.years).filter(
        Q(campaign=scope.campaign) | Q(campaign__isnull=True)
    )
    by_kind = list(
        base.values("contributor_kind")
        .annotate(
            money=Sum("money_vnd"),
            days=Sum("work_days"),
            land=Sum("land_m2"),
            n=Count("pk"),
            samples=Count("pk", filter=Q(is_sample=True)),
        )
        .order_by("contributor_kind")
    )
    if not by_kind:
        return None
    scope.sample_rows += sum(r["samples"] for r in by_kind)
    labels = dict(ContributorKind.choices)
    kind_rows = [
        [
            i,
            labels.get(r["contributor_kind"], r["contributor_kind"]),
            r["n"],
            _num(r["money"]),
            _num(r["days"]),
            _num(r["land"]),
        ]
        for i, r in enumerate(by_kind, start=1)
    ]
    total = {
        "money": _num(sum((r["money"] or 0) for r in by_kind)),
        "days": _num(sum((r["days"] or 0) for r in by_kind)),
        "land": _num(sum((r["land"] or 0) for r in by_kind)),
        "n": sum(r["n"] for r in by_kind),
    }
    by_commune = list(
        base.values("commune__name")
        .annotate(money=Sum("money_vnd"), days=Sum("work_days"), land=Sum("land_m2"))
        .order_by("commune__name")
    )
    commune_rows = [
        [i, r["commune__name"], _num(r["money"]), _num(r["days"]), _num(r["land"])]
        for i, r in enumerate(by_commune, start=1)
    ]
    columns = ["Tiền (đồng)", "Ngày công", "Đất hiến (m²)"]
    period = f"năm {scope.year}" if not scope.is_period else f"{scope.first_year}–{scope.year}"
    return Section(
        key="contributions",
        heading="Huy động nguồn lực xã hội",
        template=P + "contributions.html",
        data={
            "total": total,
            "period": period,
            "summarised": scope.summarised,
            "annex_name": aggregates.ANNEX_NAME,
        },
        tables=[
            Table(
                f"Nguồn lực huy động theo đối tượng đóng góp ({period})",
                ["STT", "Đối tượng", "Lượt đóng góp", *columns],
                kind_rows,
                total=["", "Tổng cộng", total["n"], total["money"], total["days"], total["land"]],
            ),
            Table(
                f"Nguồn lực huy động theo xã ({period})",
                ["STT", "Xã", *columns],
                commune_rows,
                total=["", "Tổng cộng", total["money"], total["days"], total["land"]],
                annex=True,
                detail=True,
                sheet="Nguồn lực theo từng xã",
            ),
        ],
    )


def section_targets(scope: Scope) -> Section | None:
    targets = list(Target.objects.filter(campaign=scope.campaign).order_by("order", "pk"))
    if not targets:
        return None
    rows = []
    for i, target in enumerate(targets, start=1):
        value = target_progress(scope, target, scope.year)
        if target.min_value is not None and target.max_value is not None:
            wanted = f"{target.min_value}–{target.max_value}"
        else:
            wanted = str(target.min_value or target.max_value or "")
        if value is None:
            verdict = "Chưa có số liệu"
        elif target.min_value is None or value >= target.min_value:
            verdict = "Đạt"
        elif scope.year < target.by_year:
            verdict = "Đang thực hiện"
        else:
            verdict = "Không đạt"
        rows.append(
            [i, target.title, wanted, str(target.by_year), "" if value is None else value, verdict]
        )
    return Section(
        key="targets",
        heading="Kết quả thực hiện các chỉ tiêu của phong trào",
        template=P + "targets.html",
        data={"reached": sum(r[5] == "Đạt" for r in rows), "count": len(rows)},
        tables=[
            Table(
                f"Tiến độ thực hiện chỉ tiêu đến năm {scope.year}",
                ["STT", "Chỉ tiêu", "Mục tiêu", "Đến năm", f"Kết quả năm {scope.year}", "Đánh giá"],
                rows,
                center=(2, 3, 5),
            )
        ],
    )


def section_rankings(scope: Scope) -> Section | None:
    ranked = rank_within_clusters(scope, commune_figures(scope, scope.year))
    if not ranked:
        return None
    rows = [
        [
            cluster,
            rank,
            f.unit.name,
            LEVEL_SHORT.get(f.level, f.level),
            f.count,
            f.village_share if f.village_share is not None else "",
            f.growth if f.growth is not None else "—",
        ]
        for cluster, rank, f in ranked
    ]
    leaders = [{"cluster": c, "name": f.unit.name} for c, rank, f in ranked if rank == 1]
    if scope.summarised:
        leaders = []  # one per cluster: the cluster table's last column
    return Section(
        key="rankings",
        heading="Xếp hạng trong các cụm thi đua và đơn vị dẫn đầu",
        template=P + "rankings.html",
        data={
            "leaders": leaders,
            "method": scope.campaign.get_ranking_method_display(),
            "summarised": scope.summarised,
            "annex_name": aggregates.ANNEX_NAME,
        },
        tables=[
            Table(
                f"Xếp hạng các xã trong cụm thi đua năm {scope.year}",
                [
                    "Cụm thi đua",
                    "Hạng",
                    "Xã",
                    "Mức đạt chuẩn",
                    "Số tiêu chí",
                    "Tỷ lệ thôn đạt chuẩn (%)",
                    "Mức tăng bình quân",
                ],
                rows,
                center=(3,),
                detail=True,
                sheet="Xếp hạng trong cụm",
            )
        ],
    )


def section_trends(scope: Scope) -> Section | None:
    """The period's trend, year by year, with charts (final and preliminary reviews)."""
    if not scope.is_period:
        return None
    statuses = _statuses(scope)
    if not statuses:
        return None
    money = dict(
        Contribution.objects.filter(year__in=scope.years)
        .filter(Q(campaign=scope.campaign) | Q(campaign__isnull=True))
        .values("year")
        .annotate(m=Sum("money_vnd"))
        .values_list("year", "m")
    )
    rows = []
    series: dict[str, list[Any]] = {"ntm": [], "advanced": [], "model": []}
    for year in scope.years:
        in_year = [s for (uid, y), s in statuses.items() if y == year]
        ntm = sum(s["level"] == NtmLevel.NTM for s in in_year)
        adv = sum(s["level"] == NtmLevel.ADVANCED for s in in_year)
        model = sum(s["level"] == NtmLevel.MODEL for s in in_year)
        avg = round(sum(s["count"] for s in in_year) / len(in_year), 1) if in_year else ""
        villages = sum(
            sum(lv in (NtmLevel.NTM, NtmLevel.MODEL) for lv in by_year.get(year, []))
            for by_year in _village_levels(scope).values()
        )
        rows.append(
            [str(year), len(in_year), ntm, adv, model, avg, villages, _num(money.get(year))]
        )
        series["ntm"].append(ntm)
        series["advanced"].append(adv)
        series["model"].append(model)
    labels = [str(y) for y in scope.years]
    chart = charts.bar_chart(
        labels,
        [
            ("Đạt chuẩn NTM", series["ntm"]),
            ("NTM nâng cao", series["advanced"]),
            ("NTM kiểu mẫu", series["model"]),
        ],
        unit="Số xã",
    )
    return Section(
        key="trends",
        heading=f"Kết quả qua các năm {scope.first_year}–{scope.year}",
        template=P + "trends.html",
        data={"first": rows[0], "last": rows[-1]},
        tables=[
            Table(
                f"Kết quả xây dựng nông thôn mới qua các năm {scope.first_year}–{scope.year}",
                [
                    "Năm",
                    "Số xã có số liệu",
                    "Xã đạt chuẩn NTM",
                    "Xã NTM nâng cao",
                    "Xã NTM kiểu mẫu",
                    "Số tiêu chí bình quân/xã",
                    "Thôn đạt chuẩn",
                    "Nguồn lực huy động (đồng)",
                ],
                rows,
                center=(0,),
            )
        ],
        chart=chart,
    )


# --- Plugged-in sections from other apps (integration) ------------------------------------------
#: Sections other apps add at integration: (part key, gatherer). A gatherer returning None is
#: left out. e.g. awards adds ("results", awards.report_sections.awards_by_tier).
EXTRA_SECTIONS: list[tuple[str, Callable[[Scope], Section | None]]] = []


def register_section(part: str, gatherer: Callable[[Scope], Section | None]) -> None:
    """part: "results", "progress", "oversight" or "awards"."""
    if (part, gatherer) not in EXTRA_SECTIONS:
        EXTRA_SECTIONS.append((part, gatherer))


# --- Whole reports -------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _narrative_part(report: Report, kind: str, scope: Scope) -> list[Part]:
    items = [
        ("strengths", "Ưu điểm"),
        ("limits", "Hạn chế"),
        ("causes", "Nguyên nhân"),
        ("lessons", "Bài học kinh nghiệm"),
    ]
    assessment = [
        Section(
            key=k,
            heading=h,
            template=P + "narrative.html",
            data={"paragraphs": _paragraphs(getattr(report, k))},
        )
        for k, h in items
        if getattr(report, k).strip()
    ]
    parts = []
    if assessment:
        parts.append(Part("Đánh giá chung", assessment))
    end = scope.campaign.end_year
    if kind == "preliminary_review" and scope.year < end:
        heading = f"Phương hướng, nhiệm vụ giai đoạn {scope.year + 1}–{end}"
    elif kind == "final_review":
        heading = "Phương hướng, nhiệm vụ giai đoạn tiếp theo"
    else:
        heading = f"Phương hướng, nhiệm vụ năm {scope.year + 1}"
    if report.next_steps.strip():
        parts.append(
            Part(
                heading,
                [
                    Section(
                        "next_steps",
                        "",
                        P + "narrative.html",
                        {"paragraphs": _paragraphs(report.next_steps)},
                    )
                ],
            )
        )
    if report.proposals.strip():
        parts.append(
            Part(
                "Đề xuất, kiến nghị",
                [
                    Section(
                        "proposals",
                        "",
                        P + "narrative.html",
                        {"paragraphs": _paragraphs(report.proposals)},
                    )
                ],
            )
        )
    return parts


def build(report: Report, *, first_year: int, kind: str) -> dict[str, Any]:
    from . import plan_sections as plan

    scope = Scope(campaign=report.campaign, year=report.year, first_year=first_year, report=report)
    # Section IV.1 of the plan, groups a–e in its order, then what the plan asks to review.
    results = [
        section_organisations(scope),
        plan.section_front_campaign(scope),
        section_communes(scope),
        section_commune_mentions(scope),
        section_villages(scope),
        section_enterprises(scope),
        plan.section_individuals(scope),
        plan.section_others(scope),
        section_contributions(scope),
        plan.section_exemplars(scope),
    ]
    extra: dict[str, list[Section]] = defaultdict(list)
    for part_key, gatherer in EXTRA_SECTIONS:
        section = gatherer(scope)
        if section is not None:
            extra[part_key].append(section)
    results += extra["results"]
    progress = [section_trends(scope), section_targets(scope), section_rankings(scope)]
    progress += extra["progress"]
    parts = [
        Part(
            "Công tác triển khai, tổ chức thực hiện",
            [s for s in [section_deployment(scope), plan.section_publicity(scope)] if s],
        ),
        Part("Kết quả thực hiện phong trào", [s for s in results if s]),
        Part(
            "Tiến độ thực hiện mục tiêu, chỉ tiêu và kết quả xếp hạng", [s for s in progress if s]
        ),
    ]
    parts += [
        Part("Công tác kiểm tra, giám sát và hỗ trợ cơ sở", extra["oversight"]),
        Part("Công tác khen thưởng", extra["awards"]),
    ]
    parts = [p for p in parts if p.sections]
    parts += _narrative_part(report, kind, scope)
    summarised = scope.summarised
    if summarised:
        # Any other list too long to read in the PDF goes to the annex as well.
        limit = aggregates.pdf_max_rows()
        for part in parts:
            for section in part.sections:
                for table in section.tables:
                    if len(table.rows) > limit and not table.detail:
                        table.detail = True
                        table.sheet = table.sheet or table.title
                        table.note = (
                            f"{len(table.rows)} dòng, tại biểu “{table.sheet}” của "
                            f"{aggregates.ANNEX_NAME}."
                        )
    tables = [t for p in parts for s in p.sections for t in s.tables]
    if kind == "annual":
        summary = f"Kết quả thực hiện phong trào thi đua năm {report.year}"
    elif kind == "preliminary_review":
        years = report.year - first_year + 1
        summary = f"Sơ kết {years} năm thực hiện phong trào thi đua ({first_year}–{report.year})"
    else:
        summary = f"Tổng kết phong trào thi đua giai đoạn {first_year}–{report.year}"
    return {
        "summary": summary,
        "campaign_title": report.campaign.title,
        "parts": parts,
        "annex_tables": [t for t in tables if t.annex and not (summarised and t.detail)],
        "summarised": summarised,
        "detail_tables": [t for t in tables if t.detail] if summarised else [],
        "has_sample": scope.sample_rows > 0 or report.campaign.is_sample,
        "period": (first_year, report.year),
    }


def build_annual(report: Report) -> dict[str, Any]:
    return build(report, first_year=report.year, kind="annual")


def build_preliminary(report: Report) -> dict[str, Any]:
    return build(report, first_year=report.campaign.start_year, kind="preliminary_review")


def build_final(report: Report) -> dict[str, Any]:
    return build(report, first_year=report.campaign.start_year, kind="final_review")
