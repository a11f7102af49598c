"""A commune's yearly figures (docs/rankings.md, "Rules and decisions"), computed in the database.

For every commune with an NTM status row in a year:

- ``criteria_met`` — national criteria met (``NtmStatus.criteria_met_count``);
- ``level`` and ``level_rank`` (model 3 > advanced 2 > NTM 1 > none 0);
- ``villages_total`` / ``villages_ntm`` — its villages in existence during that year, and those
  at NTM or better that year; ``share_permille`` is the share in tenths of a percent, rounded
  half up with integer arithmetic so that both PostgreSQL and SQLite give the same value and
  communes that *print* the same share tie. A commune with no villages has ``share_permille``
  NULL: the page shows "—" and the ranking counts it as 0 (it is not pushed below a commune
  whose villages are all below standard — a commune without villages is not worse than one
  with 0 % of them at standard; decision recorded in docs/rankings.md);
- ``growth`` — average annual growth of criteria met, (met in Y − met in the first year) /
  (Y − first year). The first year is the campaign's start year; a commune with no row that
  year (e.g. created later) starts at its earliest year on record after it. With no campaign the
  first year is the commune's earliest year on record. In the first year itself growth is NULL
  ("—"), and ranks as 0.

A merged commune (``valid_to`` set, successors linked) keeps its rows: it appears in every year
it has data, and not afterwards.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from portal.numbers import format_vn_number
from units.models import Cluster, Unit, UnitKind

from ..models import (
    Campaign,
    NtmLevel,
    NtmStatus,
    RankingMethod,
    RankingWeight,
)

#: Levels that count as "NTM or better" for a village.
NTM_OR_BETTER = (NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL)

# One statement, portable between PostgreSQL and SQLite ≥ 3.25: common table expressions for
# the figures, then RANK() over (year, cluster). Written as SQL rather than ORM annotations
# because Django repeats an annotation's subquery at every reference (the village count alone
# would run six times per row); here each figure is computed once, with GROUP BY and joins.
_SQL = """
WITH yrs(year, first_day, last_day) AS (VALUES {years_values}),
base AS (
  SELECT s.id AS status_id, s.unit_id, s.year, s.level, s.criteria_met_count AS met,
         u.cluster_id, c.name AS cluster_name, c.kind AS cluster_kind, u.name AS unit_name,
         CASE s.level WHEN 'model' THEN 3 WHEN 'advanced' THEN 2 WHEN 'ntm' THEN 1 ELSE 0 END
           AS level_rank
  FROM {status} s
  JOIN {unit} u ON u.id = s.unit_id
  LEFT JOIN {cluster} c ON c.id = u.cluster_id
  WHERE s.unit_kind = %s AND s.year IN (SELECT year FROM yrs) {cluster_filter}
),
vt AS (
  SELECT v.parent_id AS unit_id, y.year, COUNT(*) AS n
  FROM {unit} v JOIN yrs y
    ON (v.valid_from IS NULL OR v.valid_from <= y.last_day)
   AND (v.valid_to IS NULL OR v.valid_to >= y.first_day)
  WHERE v.kind = %s AND v.parent_id IN (SELECT unit_id FROM base)
  GROUP BY v.parent_id, y.year
),
vn AS (
  SELECT v.parent_id AS unit_id, s.year, COUNT(*) AS n
  FROM {status} s JOIN {unit} v ON v.id = s.unit_id
  WHERE s.unit_kind = %s AND s.level IN (%s, %s, %s) AND s.year IN (SELECT year FROM yrs)
    AND v.parent_id IN (SELECT unit_id FROM base)
  GROUP BY v.parent_id, s.year
),
fy AS (
  SELECT unit_id, MIN(year) AS first_year FROM {status}
  WHERE unit_id IN (SELECT unit_id FROM base) AND year >= %s
  GROUP BY unit_id
),
fm AS (
  SELECT fy.unit_id, fy.first_year, s.criteria_met_count AS first_met
  FROM fy JOIN {status} s ON s.unit_id = fy.unit_id AND s.year = fy.first_year
),
pw AS (
  SELECT t.ntmstatus_id AS status_id, SUM(w.points) AS pts, COUNT(*) AS n
  FROM {through} t JOIN {weight} w ON w.criterion_id = t.ntmcriterion_id AND w.campaign_id = %s
  WHERE t.ntmstatus_id IN (SELECT status_id FROM base)
  GROUP BY t.ntmstatus_id
),
fig AS (
  SELECT b.*, COALESCE(vt.n, 0) AS villages_total, COALESCE(vn.n, 0) AS villages_ntm,
         fm.first_year, fm.first_met,
         CASE WHEN COALESCE(vt.n, 0) = 0 THEN NULL
              ELSE (COALESCE(vn.n, 0) * 2000 + vt.n) / (vt.n * 2) END AS share_permille,
         CASE WHEN fm.first_year < b.year
              THEN CAST(b.met - fm.first_met AS DOUBLE PRECISION) / (b.year - fm.first_year)
         END AS growth,
         COALESCE(pw.pts, 0) + (b.met - COALESCE(pw.n, 0)) AS points
  FROM base b
  LEFT JOIN vt ON vt.unit_id = b.unit_id AND vt.year = b.year
  LEFT JOIN vn ON vn.unit_id = b.unit_id AND vn.year = b.year
  LEFT JOIN fm ON fm.unit_id = b.unit_id
  LEFT JOIN pw ON pw.status_id = b.status_id
)
SELECT status_id, unit_id, year, level, met, level_rank, villages_total, villages_ntm,
       share_permille, first_year, growth, points,
       RANK() OVER (PARTITION BY year, cluster_id ORDER BY {order}) AS rnk
FROM fig
ORDER BY CASE WHEN cluster_id IS NULL THEN 1 ELSE 0 END, cluster_kind, cluster_name, cluster_id,
         year, rnk, unit_name, unit_id
"""

_LEXICOGRAPHIC_ORDER = (
    "level_rank DESC, met DESC, COALESCE(share_permille, 0) DESC, COALESCE(growth, 0) DESC"
)


@dataclass
class Row:
    """What the statement returns for one commune and year."""

    status_id: int
    unit_id: int
    year: int
    level: str
    met: int
    level_rank: int
    villages_total: int
    villages_ntm: int
    share_permille: int | None
    first_year: int | None
    growth: float | None
    points: object
    rank: int


def ranked_commune_rows(
    years: Iterable[int],
    *,
    campaign: Campaign | None = None,
    cluster: Cluster | None = None,
    unclustered: bool = False,
    cluster_ids: Iterable[int] | None = None,
    weighted: bool | None = None,
) -> list[Row]:
    """Every commune with an NTM status row in `years`, with its figures and its rank within
    its cluster for that year (RANK(): ties share a rank, 1, 2, 2, 4). One query.

    The rank is within a cluster, so `cluster=` (or `unclustered=True`: the communes not yet in
    a cluster) computes only that cluster's rows: the work is the cluster's, not the town's;
    `cluster_ids=` a batch of clusters."""
    years = sorted(set(years))
    if not years:
        return []
    if weighted is None:
        weighted = campaign is not None and campaign.ranking_method == RankingMethod.WEIGHTED
    order = ("points DESC, " if weighted else "") + _LEXICOGRAPHIC_ORDER
    q = connection.ops.quote_name
    through = NtmStatus.criteria_met.through
    ids = sorted(set(cluster_ids)) if cluster_ids is not None else None
    if ids == []:
        return []
    sql = _SQL.format(
        years_values=", ".join(["(%s, %s, %s)"] * len(years)),
        status=q(NtmStatus._meta.db_table),
        unit=q(Unit._meta.db_table),
        cluster=q(Cluster._meta.db_table),
        through=q(through._meta.db_table),
        weight=q(RankingWeight._meta.db_table),
        cluster_filter=(
            "AND u.cluster_id = %s"
            if cluster is not None
            else "AND u.cluster_id IS NULL"
            if unclustered
            else f"AND u.cluster_id IN ({', '.join(['%s'] * len(ids))})"
            if ids is not None
            else ""
        ),
        order=order,
    )
    params: list = []
    for y in years:
        params += [y, datetime.date(y, 1, 1), datetime.date(y, 12, 31)]
    params.append(UnitKind.COMMUNE.value)
    if cluster is not None:
        params.append(cluster.pk)
    elif ids is not None and not unclustered:
        params += ids
    params += [UnitKind.VILLAGE.value, UnitKind.VILLAGE.value, *[lv.value for lv in NTM_OR_BETTER]]
    params.append(campaign.start_year if campaign else 0)
    params.append(campaign.pk if campaign else 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Row(
            status_id=r[0],
            unit_id=r[1],
            year=int(r[2]),
            level=r[3],
            met=int(r[4]),
            level_rank=int(r[5]),
            villages_total=int(r[6]),
            villages_ntm=int(r[7]),
            share_permille=None if r[8] is None else int(r[8]),
            first_year=None if r[9] is None else int(r[9]),
            growth=None if r[10] is None else float(r[10]),
            points=r[11],
            rank=int(r[12]),
        )
        for r in rows
    ]


@dataclass
class Figures:
    """One commune's figures for one year, ready for display and export."""

    unit_id: int
    unit_code: str
    unit_name: str
    unit_valid_to: object
    cluster_id: int | None
    cluster_name: str
    year: int
    level: str
    level_label: str
    level_rank: int
    criteria_met: int
    villages_total: int
    villages_ntm: int
    share_pct: float | None
    growth: float | None
    first_year: int | None
    is_sample: bool = False

    @property
    def share_text(self) -> str:
        """ "66,7%" (Vietnamese decimal comma); "—" for a commune with no villages."""
        return "—" if self.share_pct is None else f"{format_vn_number(self.share_pct, 1)}%"

    @property
    def growth_text(self) -> str:
        return "—" if self.growth is None else format_vn_number(self.growth, 2)

    @classmethod
    def from_row(cls, row: Row, unit: Unit) -> Figures:
        share = row.share_permille
        return cls(
            unit_id=row.unit_id,
            unit_code=unit.code,
            unit_name=unit.name,
            unit_valid_to=unit.valid_to,
            cluster_id=unit.cluster_id,
            cluster_name=unit.cluster.name if unit.cluster_id else "",
            year=row.year,
            level=row.level,
            level_label=NtmLevel(row.level).label,
            level_rank=row.level_rank,
            criteria_met=row.met,
            villages_total=row.villages_total,
            villages_ntm=row.villages_ntm,
            share_pct=None if share is None else share / 10,
            growth=None if row.growth is None else round(row.growth, 2),
            first_year=row.first_year,
            is_sample=unit.is_sample,
        )
