"""The town-wide summary the dashboard shows: aggregates computed in the database, a bounded
number of named communes.

At 3,300 communes nobody reads one row per commune on a dashboard, and building those rows costs
seconds. Everything here is a GROUP BY or an ORDER BY … LIMIT, so the work and the page stay the
same size as communes grow:

- `cluster_rows(campaign, year)` — one row per cụm: communes with figures, how many reached NTM
  (and advanced, model), the average number of criteria met and its change since the year before,
  how many lost criteria, and the yearly self-assessment's completeness (expected, submitted,
  approved, late). Two GROUP BY queries and the completeness read below.
- `extremes(year)` — the communes leading and trailing the whole list (level reached, then
  criteria met, then the gain since the year before), a few each.
- `attention(campaign, year)` — the units that need a look: criteria or level lost since the year
  before, self-assessment late. The dashboard shows the first few; the list page shows them all,
  a page at a time.
- `criteria_counts(year, campaign)` — per national criterion, how many communes met it this year
  and the year before (summing the bits each status stores of the numbers it met).
- `years_summary()` — per year: communes with figures, average criteria met, NTM, advanced, model.

Completeness uses the same definitions as `campaigns.results.selectors.completeness` (expected
units, stages, lateness from `campaigns.deadlines`) but reads plain tuples instead of model
instances: three small queries and one pass in Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum

from units.models import Cluster, ClusterKind, Unit, UnitKind

from .. import deadlines
from ..models import (
    Campaign,
    CriteriaSet,
    ExtensionRequest,
    ExtensionStatus,
    Milestone,
    MilestoneKind,
    NtmLevel,
    NtmStatus,
)
from ..results.derived import MAX_BIT
from ..results.selectors import TARGET_GROUP_KINDS, Stage
from .charts import criteria_of
from .figures import NTM_OR_BETTER

#: Communes named at each end of the list on the dashboard.
EXTREMES = 5
#: Units needing attention named on the dashboard (the list page has them all).
ATTENTION_SHOWN = 10
NO_CLUSTER = "Chưa xếp cụm"

ADVANCED_OR_BETTER = (NtmLevel.ADVANCED, NtmLevel.MODEL)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class ClusterRow:
    """One cụm's figures for the year (plain values: cached and pickled as they are)."""

    id: int | None
    code: str
    name: str
    kind: str = ClusterKind.CLUSTER
    communes: int = 0
    ntm: int = 0
    advanced: int = 0
    model: int = 0
    met_sum: int = 0
    prev_communes: int = 0
    prev_met_sum: int = 0
    fell: int = 0
    expected: int = 0
    submitted: int = 0  # submitted or approved
    approved: int = 0
    late: int = 0

    @property
    def ntm_pct(self) -> float | None:
        return _pct(self.ntm, self.communes)

    @property
    def avg_met(self) -> float | None:
        return round(self.met_sum / self.communes, 1) if self.communes else None

    @property
    def avg_change(self) -> float | None:
        if not self.communes or not self.prev_communes:
            return None
        return round(self.met_sum / self.communes - self.prev_met_sum / self.prev_communes, 1)

    @property
    def submitted_pct(self) -> float | None:
        return _pct(self.submitted, self.expected)

    def add(self, other: ClusterRow) -> None:
        for name in (
            "communes",
            "ntm",
            "advanced",
            "model",
            "met_sum",
            "prev_communes",
            "prev_met_sum",
            "fell",
            "expected",
            "submitted",
            "approved",
            "late",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


#: How the cluster table can be sorted: key → (label, sort key, reverse). Communes missing a
#: figure (None) sort last either way.
CLUSTER_SORTS: dict[str, tuple[str, str, bool]] = {
    "ma": ("Mã cụm", "code", False),
    "ntm-thap": ("Tỷ lệ xã đạt chuẩn NTM thấp trước", "ntm_pct", False),
    "ntm-cao": ("Tỷ lệ xã đạt chuẩn NTM cao trước", "ntm_pct", True),
    "tieu-chi-thap": ("Bình quân tiêu chí thấp trước", "avg_met", False),
    "giam": ("Nhiều xã giảm tiêu chí trước", "fell", True),
    "tre-han": ("Nhiều đơn vị trễ hạn trước", "late", True),
    "chua-nop": ("Tỷ lệ đã nộp tự đánh giá thấp trước", "submitted_pct", False),
}


def sort_clusters(rows: list[ClusterRow], key: str) -> list[ClusterRow]:
    _label, attr, reverse = CLUSTER_SORTS.get(key, CLUSTER_SORTS["ma"])
    present = [r for r in rows if getattr(r, attr) is not None]
    missing = [r for r in rows if getattr(r, attr) is None]
    # Ties keep the order the rows came in (by cluster code): sort() is stable.
    present.sort(key=lambda r: -getattr(r, attr) if reverse else getattr(r, attr))
    return present + missing


@dataclass
class UnitCompleteness:
    """Completeness of the year's self-assessments, counted by cluster in the database."""

    totals: dict[str, int] = field(default_factory=dict)  # stage → units
    expected: int = 0
    late: int = 0
    by_cluster: dict[int | None, dict[str, int]] = field(default_factory=dict)
    late_ids: frozenset[int] = frozenset()
    #: The late units' query (names on demand: the first few, or all for the list page).
    #: (typed Any: it carries a FilteredRelation alias, "a", that the type checker cannot see)
    late_units: Any = None

    def __getstate__(self) -> dict[str, Any]:
        """Kept in the cache (portal.figures_cache) with the late units' query, not its rows:
        pickling a queryset would read every late unit (1,800 rows at 3,300 communes)."""
        state = dict(self.__dict__)
        if self.late_units is not None:
            state["late_units"] = self.late_units.query
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        query = state.get("late_units")
        if query is not None and not isinstance(query, QuerySet):
            units = Unit.objects.all()
            units.query = query
            state = {**state, "late_units": units}
        self.__dict__.update(state)

    def late_named(self, limit: int | None = None) -> list[dict]:
        """The late units by name (the first `limit`), as attention rows. One query."""
        if self.late_units is None:
            return []
        qs = self.late_units.order_by("name", "pk")
        if limit is not None:
            qs = qs[:limit]
        return [
            {
                "unit_id": pk,
                "name": name,
                "kind": kind,
                "cluster_id": cluster_id,
                "cluster": cluster_name or NO_CLUSTER,
                "stage": status or Stage.NOT_STARTED,
                "is_sample": is_sample,
            }
            for pk, name, kind, cluster_id, cluster_name, is_sample, status in qs.values_list(
                "pk", "name", "kind", "cluster_id", "cluster__name", "is_sample", "a__status"
            )
        ]


_SUBMITTED = [Stage.SUBMITTED, Stage.APPROVED]
_STAGES = [Stage.NOT_STARTED, Stage.DRAFT, Stage.SUBMITTED, Stage.RETURNED, Stage.APPROVED]


def unit_completeness(
    campaign: Campaign, year: int, *, today: datetime.date | None = None
) -> UnitCompleteness:
    """The counts `campaigns.results.selectors.completeness` gives — the same expected units,
    stages and lateness (`campaigns.deadlines`: submitted or approved → late as recorded at
    submission; otherwise late once today is past the milestone and every extension, granted
    or recorded on the assessment) — counted per cluster by the database, with the ids of the
    late units. Four queries (criteria sets, the milestone, the counts, the late ids)."""
    today = today or deadlines.today()
    groups = set(
        CriteriaSet.objects.filter(campaign=campaign)
        .order_by()
        .values_list("target_group", flat=True)
    )
    kinds = [k for g in groups for k in TARGET_GROUP_KINDS.get(g, ())]
    day, first = datetime.date(year, 12, 31), datetime.date(year, 1, 1)
    due = (
        Milestone.objects.filter(campaign=campaign, kind=MilestoneKind.YEARLY_REPORT, year=year)
        .values_list("due_date", flat=True)
        .first()
    )
    units = (
        Unit.objects.filter(kind__in=kinds)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .annotate(
            a=FilteredRelation(
                "assessments", condition=Q(assessments__campaign=campaign, assessments__year=year)
            )
        )
    )
    not_submitted = Q(a__status__isnull=True) | Q(a__status__in=[Stage.DRAFT, Stage.RETURNED])
    late = Q(a__status__in=_SUBMITTED, a__is_late=True)
    if due is not None and today > due:
        extended = ExtensionRequest.objects.filter(
            campaign=campaign, year=year, status=ExtensionStatus.GRANTED, until__gte=today
        ).values("unit_id")
        late |= (
            not_submitted
            & (Q(a__extension_until__isnull=True) | Q(a__extension_until__lt=today))
            & ~Q(pk__in=extended)
        )
    stage_filters = {
        Stage.NOT_STARTED: Q(a__status__isnull=True),
        **{s: Q(a__status=s) for s in _STAGES if s != Stage.NOT_STARTED},
    }
    counts = units.values("cluster_id").annotate(
        expected=Count("pk"),
        late=Count("pk", filter=late),
        **{f"n_{s}": Count("pk", filter=f) for s, f in stage_filters.items()},
    )
    out = UnitCompleteness(totals=dict.fromkeys(_STAGES, 0))
    for row in counts.order_by():
        out.expected += row["expected"]
        out.late += row["late"]
        for s in _STAGES:
            out.totals[s] += row[f"n_{s}"]
        out.by_cluster[row["cluster_id"]] = {
            "expected": row["expected"],
            "submitted": row[f"n_{Stage.SUBMITTED}"] + row[f"n_{Stage.APPROVED}"],
            "approved": row[f"n_{Stage.APPROVED}"],
            "late": row["late"],
        }
    out.late_units = units.filter(late)
    out.late_ids = frozenset(out.late_units.order_by().values_list("pk", flat=True))
    return out


#: Level → rank, as the rankings order levels (model 3 > advanced 2 > NTM 1 > none 0).
LEVEL_RANK = {NtmLevel.MODEL: 3, NtmLevel.ADVANCED: 2, NtmLevel.NTM: 1}

# The year's communes, each with last year's level and criteria beside it (a LEFT JOIN on the same
# table by unit), in name order (the database's collation, as the pages sort names); then the
# communes with a row last year and none this year (their cluster's figures for last year count
# them). Both halves read the communes' partial index (NtmStatus.unit_kind), never the villages'
# rows.
_COMMUNE_YEAR_SQL = """
SELECT s.unit_id, s.level, s.criteria_met_count, p.level, p.criteria_met_count,
       u.name, u.cluster_id, c.name, u.is_sample
FROM {status} s
JOIN {unit} u ON u.id = s.unit_id AND u.kind = %s
LEFT JOIN {cluster} c ON c.id = u.cluster_id
LEFT JOIN {status} p ON p.unit_id = s.unit_id AND p.year = %s AND p.unit_kind = %s
WHERE s.year = %s AND s.unit_kind = %s
ORDER BY u.name, s.unit_id
"""
_PREVIOUS_ONLY_SQL = """
SELECT p.unit_id, p.level, p.criteria_met_count
FROM {status} p
WHERE p.year = %s AND p.unit_kind = %s
  AND NOT EXISTS (
    SELECT 1 FROM {status} s WHERE s.unit_id = p.unit_id AND s.year = %s AND s.unit_kind = %s
  )
"""


@dataclass
class CommuneYear:
    """The year's communes with last year's figures, read once (`commune_year`): the fallen
    communes, the two ends of the list and the clusters' figures are computed from it in
    Python, instead of a query each over the statuses."""

    year: int
    #: One tuple per commune of the year, in name order: (unit_id, level, level_rank, met,
    #: prev_met or None, prev_rank or None, gain, name, cluster_id, cluster name, is_sample).
    rows: list[tuple]
    #: (cluster_id, year) → [communes, NTM or better, advanced or better, model, criteria met].
    by_cluster: dict[tuple[int | None, int], list[int]]


def commune_year(year: int) -> CommuneYear:
    """The year's communes with last year's figures beside them (see CommuneYear). Two queries
    over the communes' rows of the two years (an index on NtmStatus.unit_kind): the year's,
    joined to last year's, and last year's that have no row this year (a third reads those
    communes' clusters, when there are any)."""
    q = connection.ops.quote_name
    tables = {
        "status": q(NtmStatus._meta.db_table),
        "unit": q(Unit._meta.db_table),
        "cluster": q(Cluster._meta.db_table),
    }
    commune = UnitKind.COMMUNE.value
    with connection.cursor() as cursor:
        cursor.execute(
            _COMMUNE_YEAR_SQL.format(**tables), [commune, year - 1, commune, year, commune]
        )
        raw = cursor.fetchall()
        cursor.execute(_PREVIOUS_ONLY_SQL.format(**tables), [year - 1, commune, year, commune])
        previous_only = cursor.fetchall()
    if previous_only:  # rare: a commune with no row this year (merged away, not yet entered)
        clusters = dict(
            Unit.objects.filter(pk__in=[r[0] for r in previous_only]).values_list(
                "pk", "cluster_id"
            )
        )
        previous_only = [(clusters[pk], level, met) for pk, level, met in previous_only]
    rows = []
    by_cluster: dict[tuple[int | None, int], list[int]] = {}

    def count(cluster_id: int | None, y: int, rank: int, met: int) -> None:
        figures = by_cluster.get((cluster_id, y))
        if figures is None:
            figures = by_cluster[(cluster_id, y)] = [0, 0, 0, 0, 0]
        figures[0] += 1
        figures[1] += rank >= 1
        figures[2] += rank >= 2
        figures[3] += rank == 3
        figures[4] += met

    for unit_id, level, met, prev_level, prev_met, name, cluster_id, cluster, sample in raw:
        rank = LEVEL_RANK.get(level, 0)
        count(cluster_id, year, rank, met)
        prev_rank = None
        if prev_level is not None:
            prev_rank = LEVEL_RANK.get(prev_level, 0)
            count(cluster_id, year - 1, prev_rank, prev_met)
        gain = met - prev_met if prev_met is not None else 0
        rows.append(
            (
                unit_id,
                level,
                rank,
                met,
                prev_met,
                prev_rank,
                gain,
                name,
                cluster_id,
                cluster,
                sample,
            )
        )
    for cluster_id, prev_level, prev_met in previous_only:
        count(cluster_id, year - 1, LEVEL_RANK.get(prev_level, 0), prev_met)
    return CommuneYear(year=year, rows=rows, by_cluster=by_cluster)


def _as_dict(row: tuple) -> dict:
    unit_id, level, _rank, met, prev, _prev_rank, gain, name, cluster_id, cluster, sample = row
    return {
        "unit_id": unit_id,
        "name": name,
        "cluster_id": cluster_id,
        "cluster": cluster or NO_CLUSTER,
        "level": level,
        "level_label": NtmLevel(level).label,
        "met": met,
        "prev_met": prev,
        "gain": gain if prev is not None else None,
        "is_sample": bool(sample),  # SQLite returns 0 or 1
    }


def extremes(year: int, limit: int = EXTREMES, *, data: CommuneYear | None = None) -> dict:
    """The first and last `limit` communes of the whole list: level reached, then criteria met,
    then criteria gained since the year before, then name (`data`, or `commune_year(year)`;
    the rows come in name order and Python's sort keeps it among equals)."""
    rows = (data or commune_year(year)).rows
    top = sorted(rows, key=lambda r: (-r[2], -r[3], -r[6]))[:limit]
    bottom = sorted(rows, key=lambda r: (r[2], r[3], r[6]))[:limit]
    return {"top": [_as_dict(r) for r in top], "bottom": [_as_dict(r) for r in bottom]}


def fallen(year: int, *, data: CommuneYear | None = None) -> list[dict]:
    """Communes with fewer criteria met, or a lower level, than the year before (most criteria
    lost first, then by name), from `data` or `commune_year(year)`."""
    rows = [
        r
        for r in (data or commune_year(year)).rows
        if (r[4] is not None and r[4] > r[3]) or (r[5] is not None and r[5] > r[2])
    ]
    rows.sort(key=lambda r: r[6])  # stable: equal gains stay in name order
    out = []
    for row in rows:
        item = _as_dict(row)
        item["level_fell"] = row[5] is not None and row[5] > row[2]
        out.append(item)
    return out


def cluster_rows(
    campaign: Campaign,
    year: int,
    done: UnitCompleteness,
    fell: list[dict],
    *,
    data: CommuneYear | None = None,
) -> list[ClusterRow]:
    """One row per cụm (communes' clusters), ordered by code: the clusters (one query), their
    figures counted from `data` (or `commune_year(year)`), the completeness and the fallen
    communes the caller already read."""
    rows: dict[int | None, ClusterRow] = {
        c["pk"]: ClusterRow(id=c["pk"], code=c["code"], name=c["name"], kind=c["kind"])
        for c in Cluster.objects.filter(kind=ClusterKind.CLUSTER)
        .order_by("code")
        .values("pk", "code", "name", "kind")
    }
    loose = ClusterRow(id=None, code="~", name=NO_CLUSTER)
    for (cluster_id, y), (n, ntm, advanced, model, met) in (
        data or commune_year(year)
    ).by_cluster.items():
        row = rows.get(cluster_id, loose)
        if y == year:
            row.communes, row.ntm, row.advanced, row.model, row.met_sum = (
                n,
                ntm,
                advanced,
                model,
                met,
            )
        else:
            row.prev_communes, row.prev_met_sum = n, met
    for item in fell:
        rows.get(item["cluster_id"], loose).fell += 1
    for cluster_id, counts in done.by_cluster.items():
        own = rows.get(cluster_id) if cluster_id is not None else None
        if own is None:
            continue  # a khối's departments: the clusters table is about communes
        row = own
        row.expected = counts["expected"]
        row.submitted, row.approved, row.late = (
            counts["submitted"],
            counts["approved"],
            counts["late"],
        )
    out = [r for r in rows.values() if r.communes or r.expected]
    if loose.communes:
        out.append(loose)
    return out


def attention(
    done: UnitCompleteness, fell: list[dict], *, limit: int | None = None
) -> tuple[list[dict], int]:
    """The units that need a look, each once with all its reasons — criteria lost (most first),
    level lost, self-assessment late — and how many there are. With `limit`, only the first
    `limit` are built (the late ones' names read with LIMIT, and not at all when the units that
    lost criteria or level fill the `limit`); without, all of them (the list page). Plain dicts,
    ready to cache."""
    by_unit: dict[int, dict] = {}
    for item in fell:
        by_unit[item["unit_id"]] = {
            **item,
            "late": item["unit_id"] in done.late_ids,
            "kind": UnitKind.COMMUNE,
        }
    total = len(by_unit) + len(done.late_ids - by_unit.keys())
    wanted = None if limit is None else limit + len(by_unit)
    # The communes that lost criteria or level come before every unit that is only late (see
    # the sort below): with `limit` of them already, no late unit's name is needed.
    late = done.late_named(wanted) if limit is None or len(by_unit) < limit else []
    for item in late:
        if item["unit_id"] in by_unit:
            continue
        by_unit[item["unit_id"]] = {
            **item,
            "met": None,
            "prev_met": None,
            "gain": None,
            "level_fell": False,
            "late": True,
        }
    for entry in by_unit.values():
        lost = -(entry.get("gain") or 0)
        entry["lost"] = lost if lost > 0 else 0
        entry["reasons"] = _reasons(entry)
    rows = sorted(
        by_unit.values(),
        key=lambda e: (-e["lost"], not e.get("level_fell"), not e["late"], e["name"]),
    )
    return (rows if limit is None else rows[:limit]), total


def _reasons(entry: dict) -> list[str]:
    out = []
    if entry["lost"]:
        out.append(
            f"giảm {entry['lost']} tiêu chí so với năm trước "
            f"(còn {entry['met']}/{entry['prev_met']})"
        )
    if entry.get("level_fell"):
        out.append(f"xuống mức {entry['level_label'].lower()}")
    if entry["late"]:
        out.append("trễ hạn nộp tự đánh giá")
    return out


def criteria_counts(year: int, campaign: Campaign | None) -> list[dict]:
    """Per national criterion: communes meeting it in `year` and in the year before (by
    criterion number, as the heatmap compares years). One query over one row per commune and
    year: each status keeps the numbers it met as bits (`NtmStatus.criteria_met_bits`,
    campaigns.results.derived); numbers too large for a bit are counted from the links."""
    criteria = criteria_of(campaign)
    numbers = sorted({c.number for c in criteria})
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if all(0 <= n <= MAX_BIT for n in numbers):
        bit_sums = {
            f"n{n}": Sum(F("criteria_met_bits").bitand(1 << n).bitrightshift(n)) for n in numbers
        }
        rows = (
            # Only communes record criteria: the rows with bits (a partial index) are theirs.
            NtmStatus.objects.filter(year__in=[year - 1, year], criteria_met_bits__gt=0)
            .values("year")
            .annotate(**bit_sums)
            .order_by()
        )
        for row in rows:
            for n in numbers:
                counts[(row["year"], n)] += row[f"n{n}"] or 0
    else:
        through = NtmStatus.criteria_met.through
        for y, number, n in (
            # Only communes record criteria (a village records its level alone): no join to units.
            through.objects.filter(ntmstatus__year__in=[year - 1, year])
            .values_list("ntmstatus__year", "ntmcriterion__number")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            counts[(y, number)] += n
    return [
        {
            "number": c.number,
            "name": c.name,
            "met": counts[(year, c.number)],
            "before": counts[(year - 1, c.number)],
            "change": counts[(year, c.number)] - counts[(year - 1, c.number)],
        }
        for c in criteria
    ]


def years_summary() -> list[dict]:
    """Per year with figures: communes, average criteria met, NTM or better, advanced or better,
    model. One GROUP BY over the communes' index alone (it holds year, level and criteria met:
    counted by level, never by id, so PostgreSQL need not visit the rows)."""
    rows = (
        NtmStatus.objects.filter(unit_kind=UnitKind.COMMUNE)
        .values("year")
        .annotate(
            n=Count("level"),
            met=Sum("criteria_met_count"),
            ntm=Count("level", filter=Q(level__in=NTM_OR_BETTER)),
            advanced=Count("level", filter=Q(level__in=ADVANCED_OR_BETTER)),
            model=Count("level", filter=Q(level=NtmLevel.MODEL)),
        )
        .order_by("year")
    )
    return [
        {
            "year": r["year"],
            "communes": r["n"],
            "avg_met": round((r["met"] or 0) / r["n"], 1) if r["n"] else None,
            "ntm": r["ntm"],
            "advanced": r["advanced"],
            "model": r["model"],
        }
        for r in rows
    ]
