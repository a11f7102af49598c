"""A commune's yearly figures (DESIGN.md "Rankings and targets"), computed in the database.

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

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from units.models import UnitKind

from ..models import Campaign, NtmLevel, NtmStatus

#: Levels that count as "NTM or better" for a village.
NTM_OR_BETTER = (NtmLevel.NTM, NtmLevel.ADVANCED, NtmLevel.MODEL)

LEVEL_RANK_EXPR = Case(
    When(level=NtmLevel.MODEL, then=Value(3)),
    When(level=NtmLevel.ADVANCED, then=Value(2)),
    When(level=NtmLevel.NTM, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def _count(qs: QuerySet, group: str) -> Subquery:
    return Coalesce(
        Subquery(qs.values(group).annotate(c=Count("pk")).values("c")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def commune_figures(
    years: Iterable[int], *, campaign: Campaign | None = None
) -> QuerySet[NtmStatus]:
    """NtmStatus rows of communes for `years`, annotated with every figure (one query).

    Filter further (cluster, unit) *after* ranking, not before: see `ranking.py`."""
    years = list(years)
    start = campaign.start_year if campaign else None
    first_qs = NtmStatus.objects.filter(unit=OuterRef("unit")).order_by("year")
    if start is not None:
        first_qs = first_qs.filter(year__gte=start)
    villages = _count(
        NtmStatus.unit.field.related_model.objects.filter(
            parent=OuterRef("unit"), kind=UnitKind.VILLAGE
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__year__lte=OuterRef("year")))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__year__gte=OuterRef("year"))),
        "parent",
    )
    villages_ntm = _count(
        NtmStatus.objects.filter(
            unit__parent=OuterRef("unit"),
            unit__kind=UnitKind.VILLAGE,
            year=OuterRef("year"),
            level__in=NTM_OR_BETTER,
        ),
        "unit__parent",
    )
    return (
        NtmStatus.objects.filter(year__in=years, unit__kind=UnitKind.COMMUNE)
        .annotate(
            level_rank=LEVEL_RANK_EXPR,
            villages_total=villages,
            villages_ntm=villages_ntm,
            first_year=Subquery(first_qs.values("year")[:1]),
            first_met=Subquery(first_qs.values("criteria_met_count")[:1]),
        )
        .annotate(
            share_permille=Case(
                When(villages_total=0, then=Value(None)),
                default=(F("villages_ntm") * 2000 + F("villages_total"))
                / (F("villages_total") * 2),
                output_field=IntegerField(),
            ),
            growth=Case(
                When(
                    first_year__lt=F("year"),
                    then=Cast(F("criteria_met_count") - F("first_met"), FloatField())
                    / Cast(F("year") - F("first_year"), FloatField()),
                ),
                default=Value(None),
                output_field=FloatField(),
            ),
        )
    )


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

    @classmethod
    def from_row(cls, row: NtmStatus) -> Figures:
        share = row.share_permille
        return cls(
            unit_id=row.unit_id,
            unit_code=row.unit.code,
            unit_name=row.unit.name,
            unit_valid_to=row.unit.valid_to,
            cluster_id=row.unit.cluster_id,
            cluster_name=row.unit.cluster.name if row.unit.cluster_id else "",
            year=row.year,
            level=row.level,
            level_label=NtmLevel(row.level).label,
            level_rank=row.level_rank,
            criteria_met=row.criteria_met_count,
            villages_total=row.villages_total,
            villages_ntm=row.villages_ntm,
            share_pct=None if share is None else share / 10,
            growth=None if row.growth is None else round(row.growth, 2),
            first_year=row.first_year,
            is_sample=row.is_sample or row.unit.is_sample,
        )
