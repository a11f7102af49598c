"""Rankings within a cluster (cụm, communes) or bloc (khối, departments and organisations).

Ranks are computed in the database with ``RANK() OVER (PARTITION BY year, cluster ORDER BY …)``
(PostgreSQL, SQLite ≥ 3.25): equal keys share a rank and the next rank skips (1, 2, 2, 4). The
year before is ranked in the same query, so movement (▲ ▼) costs nothing extra. Python only
formats the rows (which key decided a place, the movement arrow).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils.html import format_html

from portal.numbers import format_vn_number
from units.models import BLOC_KINDS, Cluster, Unit, UnitKind

from ..models import Assessment, AssessmentStatus, Campaign, NtmStatus, RankingMethod
from .figures import Figures, ranked_commune_rows

COMMUNE = "commune"
BLOC = "bloc"

LEXICOGRAPHIC_KEYS = [
    ("level_rank", "mức đạt chuẩn (kiểu mẫu > nâng cao > đạt chuẩn > chưa đạt)"),
    ("criteria_met", "số tiêu chí đạt"),
    ("share", "tỷ lệ thôn đạt chuẩn NTM trở lên"),
    ("growth", "mức tăng tiêu chí bình quân năm"),
]
WEIGHTED_KEYS = [("points", "tổng điểm có trọng số của các tiêu chí đạt"), *LEXICOGRAPHIC_KEYS]
BLOC_KEYS = [("score", "tổng điểm được duyệt (điểm thẩm định, nếu chưa có thì điểm tự chấm)")]


def method_of(campaign: Campaign | None) -> str:
    return campaign.ranking_method if campaign else RankingMethod.LEXICOGRAPHIC


def method_text(kind: str, campaign: Campaign | None) -> str:
    """The sentence printed with every ranking."""
    if kind == BLOC:
        return (
            "Xếp hạng trong từng khối theo tổng điểm của bản tự đánh giá đã được duyệt "
            "(cộng điểm thẩm định từng tiêu chí; tiêu chí chưa có điểm thẩm định thì lấy điểm "
            "tự chấm). Bằng điểm thì đồng hạng."
        )
    keys = WEIGHTED_KEYS if method_of(campaign) == RankingMethod.WEIGHTED else LEXICOGRAPHIC_KEYS
    order = "; ".join(f"{i}) {label}" for i, (_, label) in enumerate(keys, start=1))
    head = (
        "Chấm điểm có trọng số theo tiêu chí (tiêu chí chưa được đặt trọng số tính 1 điểm)"
        if method_of(campaign) == RankingMethod.WEIGHTED
        else "Xếp theo thứ tự ưu tiên"
    )
    return (
        f"{head}. Xét lần lượt: {order}. Bằng nhau ở mọi tiêu chí xét thì đồng hạng "
        "(ví dụ 1, 2, 2, 4). Xã không có thôn được tính tỷ lệ 0; năm đầu chưa tính mức tăng "
        "(tính 0)."
    )


@dataclass
class RankedRow:
    rank: int
    cluster_id: int | None
    cluster_name: str
    unit_id: int
    unit_code: str
    unit_name: str
    year: int
    keys: dict
    figures: Figures | None = None
    score: Decimal | None = None
    items_scored: int = 0
    previous_rank: int | None = None
    decided_by: str = ""
    is_sample: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def movement_html(self) -> str:
        """▲ n / ▼ n / = / "mới xếp hạng", with the words for screen readers and a title; the
        pages that show it carry the legend (_movement_legend.html)."""
        m = self.movement
        if m is None:
            return format_html('<span class="text-muted small">{}</span>', "mới xếp hạng")
        if m > 0:
            return format_html(
                '<span class="move-up" title="Tăng {} bậc so với năm trước (hạng {})">▲ {}'
                '<span class="visually-hidden"> (tăng {} bậc)</span></span>',
                m,
                self.previous_rank,
                m,
                m,
            )
        if m < 0:
            return format_html(
                '<span class="move-down" title="Giảm {} bậc so với năm trước (hạng {})">'
                '▼ {}<span class="visually-hidden"> (giảm {} bậc)</span></span>',
                -m,
                self.previous_rank,
                -m,
                -m,
            )
        return format_html(
            '<span class="text-muted" title="Giữ nguyên hạng {}">= '
            '<span class="small">giữ hạng</span></span>',
            self.previous_rank,
        )

    @property
    def movement(self) -> int | None:
        """Places gained since the year before (positive = up); None if not ranked then."""
        if self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Ranking:
    kind: str
    year: int
    campaign: Campaign | None
    method: str
    method_text: str
    keys: list[tuple[str, str]]
    rows: list[RankedRow]

    @property
    def is_weighted(self) -> bool:
        return self.method == RankingMethod.WEIGHTED

    def clusters(self) -> list[dict]:
        """Rows grouped by cluster, in order, each with its leader(s)."""
        groups: dict = {}
        for row in self.rows:
            groups.setdefault((row.cluster_name, row.cluster_id), []).append(row)
        return [
            {
                "id": cid,
                "name": name or "Chưa xếp khối, cụm",
                "rows": rows,
                "leaders": [r for r in rows if r.rank == 1],
            }
            for (name, cid), rows in groups.items()
        ]

    def canonical_rows(self) -> list[dict]:
        return canonical_rows(self)

    @property
    def sha256(self) -> str:
        return rows_hash(canonical_rows(self))


SHORT = {
    "points": "điểm có trọng số",
    "level_rank": "mức đạt chuẩn",
    "criteria_met": "số tiêu chí đạt",
    "share": "tỷ lệ thôn đạt chuẩn",
    "growth": "mức tăng bình quân",
    "score": "tổng điểm",
}
LEVEL_NAMES = {3: "kiểu mẫu", 2: "nâng cao", 1: "đạt chuẩn", 0: "chưa đạt"}


def _show(key: str, value) -> str:
    if key == "level_rank":
        return LEVEL_NAMES.get(value, str(value))
    if key == "share":
        return f"{format_vn_number(value / 10, 1)}%"
    if key == "growth":
        return format_vn_number(value, 2)
    if isinstance(value, Decimal):
        return format_vn_number(value, max_decimals=2)  # 3 → "3", 3.5 → "3,5", never "3,00"
    return str(value)


def _explain(rows: list[RankedRow], keys: list[tuple[str, str]]) -> None:
    """Name, for each row, the first key that separates it from the row above (same cluster),
    with both values: "sau Xã A: số tiêu chí đạt 17 < 19"."""
    previous: RankedRow | None = None
    for row in rows:
        if previous is None or previous.cluster_id != row.cluster_id:
            row.decided_by = "đứng đầu" if row.rank == 1 else ""
        elif previous.rank == row.rank:
            row.decided_by = f"đồng hạng với {previous.unit_name}: bằng nhau ở mọi tiêu chí xét"
        else:
            for key, _label in keys:
                a, b = previous.keys.get(key), row.keys.get(key)
                if a != b:
                    row.decided_by = (
                        f"sau {previous.unit_name}: {SHORT[key]} {_show(key, b)} < {_show(key, a)}"
                    )
                    break
        previous = row


def _split(all_rows: list[RankedRow], year: int) -> list[RankedRow]:
    previous = {(r.unit_id, r.cluster_id): r.rank for r in all_rows if r.year == year - 1}
    rows = [r for r in all_rows if r.year == year]
    for row in rows:
        row.previous_rank = previous.get((row.unit_id, row.cluster_id))
    return rows


def commune_ranking(
    year: int,
    *,
    campaign: Campaign | None = None,
    cluster: Cluster | None = None,
    unclustered: bool = False,
    cluster_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> Ranking:
    """Communes ranked within their cluster for `year` (and the year before, for movement).

    `cluster=` (or `unclustered=True`) ranks that cluster only — the same ranks, since a rank is
    within its cluster. `years` ranks several years at once (commune and cluster pages); `rows`
    then hold them all.
    """
    wanted = list(years) if years else [year - 1, year]
    weighted = method_of(campaign) == RankingMethod.WEIGHTED
    keys = WEIGHTED_KEYS if weighted else LEXICOGRAPHIC_KEYS
    raw = ranked_commune_rows(
        wanted,
        campaign=campaign,
        cluster=cluster,
        unclustered=unclustered,
        cluster_ids=cluster_ids,
        weighted=weighted,
    )
    # One query whatever the number of communes (in_bulk() splits its ids into batches of 999
    # on SQLite).
    unit_rows = Unit.objects.select_related("cluster").filter(pk__in={r.unit_id for r in raw})
    units = {u.pk: u for u in unit_rows}
    all_rows = []
    for rec in raw:
        fig = Figures.from_row(rec, units[rec.unit_id])
        points = Decimal(str(rec.points)) if weighted else None
        all_rows.append(
            RankedRow(
                rank=rec.rank,
                cluster_id=fig.cluster_id,
                cluster_name=fig.cluster_name,
                unit_id=fig.unit_id,
                unit_code=fig.unit_code,
                unit_name=fig.unit_name,
                year=rec.year,
                keys={
                    "level_rank": fig.level_rank,
                    "criteria_met": fig.criteria_met,
                    "share": rec.share_permille or 0,
                    "growth": rec.growth or 0.0,
                    **({"points": points} if weighted else {}),
                },
                figures=fig,
                score=points,
                is_sample=fig.is_sample,
            )
        )
    rows = all_rows if years else _split(all_rows, year)
    if not years:
        _explain(rows, keys)
    return Ranking(
        kind=COMMUNE,
        year=year,
        campaign=campaign,
        method=method_of(campaign),
        method_text=method_text(COMMUNE, campaign),
        keys=keys,
        rows=rows,
    )


#: Clusters ranked per statement when the whole town's ranking is streamed (about 500 communes).
CLUSTERS_PER_BATCH = 50


def commune_ranking_in_batches(year: int, *, campaign: Campaign | None = None) -> Ranking:
    """The whole town's `commune_ranking`, its `rows` a generator that ranks CLUSTERS_PER_BATCH
    clusters at a time (then the communes not in a cluster), in the same order: for the Excel
    file, so memory holds one batch whatever the number of communes. The ranks are the same,
    since a rank is within its cluster."""
    found = (
        # The units' kind too (the same value): the join reads the communes by its index.
        NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE, unit__kind=UnitKind.COMMUNE)
        .order_by()
        .values_list("unit__cluster_id", "unit__cluster__kind", "unit__cluster__name")
        .distinct()
    )
    ordered = sorted(found, key=lambda c: (c[1] or "", c[2] or "", c[0] or 0))
    ids = [cid for cid, _, _ in ordered if cid is not None]
    head = commune_ranking(year, campaign=campaign, cluster_ids=[])

    def rows():
        for start in range(0, len(ids), CLUSTERS_PER_BATCH):
            batch = ids[start : start + CLUSTERS_PER_BATCH]
            yield from commune_ranking(year, campaign=campaign, cluster_ids=batch).rows
        if any(cid is None for cid, _, _ in ordered):
            yield from commune_ranking(year, campaign=campaign, unclustered=True).rows

    head.rows = rows()  # type: ignore[assignment]
    return head


def bloc_ranking(year: int, *, campaign: Campaign, cluster: Cluster | None = None) -> Ranking:
    """Departments, the Front and mass organisations ranked within their khối by the total of
    their approved assessment's scores (reviewer's score, else self-score)."""
    qs = (
        Assessment.objects.filter(
            campaign=campaign,
            year__in=[year - 1, year],
            status=AssessmentStatus.APPROVED,
            unit__kind__in=BLOC_KINDS,
            # The same units again, as a subquery: the plan starts from the few dozen bloc
            # units (by the kind's index) instead of every commune's approved assessment.
            unit_id__in=Unit.objects.filter(kind__in=BLOC_KINDS).values("pk"),
        )
        .annotate(
            score=Coalesce(
                Sum(Coalesce("items__reviewer_score", "items__self_score")),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=10, decimal_places=2),
            ),
            items_scored=Count("items", filter=Q(items__reviewer_score__isnull=False)),
        )
        .annotate(
            rank=Window(
                Rank(),
                partition_by=[F("year"), F("unit__cluster_id")],
                order_by=F("score").desc(),
            )
        )
        .select_related("unit", "unit__cluster")
        .order_by("unit__cluster__name", "year", "rank", "unit__name")
    )
    if cluster is not None:
        qs = qs.filter(unit__cluster=cluster)
    all_rows = [
        RankedRow(
            rank=a.rank,
            cluster_id=a.unit.cluster_id,
            cluster_name=a.unit.cluster.name if a.unit.cluster_id else "",
            unit_id=a.unit_id,
            unit_code=a.unit.code,
            unit_name=a.unit.name,
            year=a.year,
            keys={"score": a.score},
            score=a.score,
            items_scored=a.items_scored,
            is_sample=a.is_sample or a.unit.is_sample,
        )
        for a in qs
    ]
    rows = _split(all_rows, year)
    _explain(rows, BLOC_KEYS)
    return Ranking(
        kind=BLOC,
        year=year,
        campaign=campaign,
        method="score",
        method_text=method_text(BLOC, campaign),
        keys=BLOC_KEYS,
        rows=rows,
    )


# --- Canonical rows and their hash (publication) ------------------------------------------------


def _num(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def canonical_rows(ranking: Ranking) -> list[dict]:
    """The rows as plain JSON values: what a publication freezes and what its hash covers."""
    out = []
    for r in ranking.rows:
        row = {
            "cluster": r.cluster_name,
            "rank": r.rank,
            "unit_code": r.unit_code,
            "unit_name": r.unit_name,
            "year": r.year,
        }
        if r.figures is not None:
            f = r.figures
            row.update(
                level=f.level,
                criteria_met_count=f.criteria_met,
                village_share_pct=f.share_pct,
                avg_annual_growth=f.growth,
            )
        if r.score is not None:
            row["score"] = _num(r.score)
        out.append(row)
    return out


def rows_hash(rows: list[dict]) -> str:
    data = json.dumps(rows, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()
