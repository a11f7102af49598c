"""Data behind the dashboard's and the commune / cluster pages' charts and tables.

Each function is a fixed number of queries whatever the number of communes; Python only
shapes the rows for the template and for Chart.js (passed with ``json_script``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Sum
from django.utils.safestring import mark_safe

from units.models import UnitKind

from ..models import (
    Campaign,
    Contribution,
    NtmCriterion,
    NtmStatus,
)

KEPT, NEW, LOST, NOT_MET = "kept", "new", "lost", "no"
CELL_SYMBOL = {KEPT: "✓", NEW: "+", LOST: "−", NOT_MET: "·"}
#: The cells are constants (no user data), so the 3,800 cells of a province render in one join.
CELL_HTML = {
    state: f'<td class="cell cell-{state}">{symbol}</td>'
    for state, symbol in {KEPT: "✓", NEW: "+", LOST: "−", NOT_MET: "·"}.items()
}
CELL_LABEL = {
    KEPT: "đạt (đã đạt năm trước)",
    NEW: "mới đạt so với năm trước",
    LOST: "không còn đạt so với năm trước",
    NOT_MET: "chưa đạt",
}


def criteria_of(campaign: Campaign | None) -> list[NtmCriterion]:
    qs = NtmCriterion.objects.order_by("number")
    if campaign is not None and campaign.ntm_criterion_set_id:
        qs = qs.filter(criterion_set_id=campaign.ntm_criterion_set_id)
    else:
        first = NtmCriterion.objects.order_by("criterion_set_id").values("criterion_set_id")[:1]
        qs = qs.filter(criterion_set_id__in=first)
    return list(qs)


def heatmap(
    year: int,
    *,
    campaign: Campaign | None,
    unit_ids: Iterable[int] | None = None,
    cluster_id: int | None = None,
) -> dict:
    """Communes × national criteria for `year`, each cell compared with the year before:
    ✓ met both years, + newly met, − lost, · not met. Three queries.

    `cluster_id` keeps one cluster's communes (0: those not in any cluster)."""
    criteria = criteria_of(campaign)
    statuses = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE)
    if unit_ids is not None:
        statuses = statuses.filter(unit_id__in=list(unit_ids))
    if cluster_id is not None:
        statuses = statuses.filter(
            **({"unit__cluster_id": cluster_id} if cluster_id else {"unit__cluster__isnull": True})
        )
    communes = list(
        statuses.order_by("unit__cluster__name", "unit__name").values_list(
            "unit_id", "unit__name", "unit__cluster__name", "criteria_met_count", "unit__is_sample"
        )
    )
    through = NtmStatus.criteria_met.through
    pairs = through.objects.filter(
        ntmstatus__year__in=[year - 1, year],
        ntmstatus__unit_id__in=statuses.values("unit_id"),
    ).values_list("ntmstatus__unit_id", "ntmstatus__year", "ntmcriterion__number")
    # By number: two years may be stored against two versions of the set (QĐ 318, as amended).
    met: dict[tuple[int, int], set[int]] = defaultdict(set)
    for unit_id, y, number in pairs:
        met[(unit_id, y)].add(number)
    rows = []
    totals = {c.pk: {KEPT: 0, NEW: 0, LOST: 0} for c in criteria}
    for unit_id, name, cluster, count, sample in communes:
        now, before = met[(unit_id, year)], met[(unit_id, year - 1)]
        cells = []
        for c in criteria:
            state = _state(c.number in now, c.number in before)
            if state != NOT_MET:
                totals[c.pk][state] += 1
            cells.append({"state": state, "symbol": CELL_SYMBOL[state], "criterion": c})
        rows.append(
            {
                "cells_html": mark_safe("".join(CELL_HTML[x["state"]] for x in cells)),
                "unit_id": unit_id,
                "name": name,
                "cluster": cluster or "",
                "count": count,
                "gained": sum(1 for x in cells if x["state"] == NEW),
                "lost": sum(1 for x in cells if x["state"] == LOST),
                "cells": cells,
                "is_sample": sample,
            }
        )
    footer = [
        {"criterion": c, "met": totals[c.pk][KEPT] + totals[c.pk][NEW], **totals[c.pk]}
        for c in criteria
    ]
    return {"year": year, "criteria": criteria, "rows": rows, "footer": footer}


def _state(met: bool, met_before: bool) -> str:
    if met:
        return KEPT if met_before else NEW
    return LOST if met_before else NOT_MET


def heatmap_for_export(year: int, *, campaign: Campaign | None) -> dict:
    """`heatmap()` of every commune for the Excel file, its rows a generator read from the
    database as they are written: each commune's criteria met are kept as one bit mask per year,
    so memory stays flat as communes grow. Two queries."""
    criteria = criteria_of(campaign)
    statuses = NtmStatus.objects.filter(year=year, unit_kind=UnitKind.COMMUNE)
    through = NtmStatus.criteria_met.through
    pairs = through.objects.filter(
        ntmstatus__year__in=[year - 1, year],
        ntmstatus__unit_id__in=statuses.values("unit_id"),
    ).values_list("ntmstatus__unit_id", "ntmstatus__year", "ntmcriterion__number")
    masks: dict[tuple[int, int], int] = defaultdict(int)
    for unit_id, y, number in pairs.iterator(chunk_size=5000):
        masks[(unit_id, y)] |= 1 << number

    def rows():
        communes = statuses.order_by("unit__cluster__name", "unit__name").values_list(
            "unit_id", "unit__name", "unit__cluster__name", "criteria_met_count"
        )
        for unit_id, name, cluster, count in communes.iterator(chunk_size=2000):
            now, before = masks.get((unit_id, year), 0), masks.get((unit_id, year - 1), 0)
            states = [
                _state(bool(now >> c.number & 1), bool(before >> c.number & 1)) for c in criteria
            ]
            yield {
                "cluster": cluster or "",
                "name": name,
                "count": count,
                "cells": [{"symbol": CELL_SYMBOL[state]} for state in states],
                "gained": states.count(NEW),
                "lost": states.count(LOST),
            }

    return {"year": year, "criteria": criteria, "rows": rows()}


def criteria_over_years(unit_ids: Iterable[int] | None = None) -> dict:
    """Criteria met per commune per year (line chart + table). One query."""
    qs = NtmStatus.objects.filter(unit_kind=UnitKind.COMMUNE)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    data = list(
        qs.order_by("unit__cluster__name", "unit__name", "year").values_list(
            "unit_id", "unit__name", "year", "criteria_met_count"
        )
    )
    years = sorted({y for _, _, y, _ in data})
    series: dict[int, dict] = {}
    for unit_id, name, year, count in data:
        series.setdefault(unit_id, {"label": name, "values": dict.fromkeys(years)})
        series[unit_id]["values"][year] = count
    lines = [
        {"label": s["label"], "data": [s["values"][y] for y in years]} for s in series.values()
    ]
    return {"years": years, "lines": lines}


def contributions_by_year(unit_ids: Iterable[int] | None = None) -> list[dict]:
    qs = Contribution.objects.all()
    if unit_ids is not None:
        qs = qs.filter(commune_id__in=list(unit_ids))
    return list(
        qs.values("year")
        .annotate(money=Sum("money_vnd"), days=Sum("work_days"), land=Sum("land_m2"), n=Count("pk"))
        .order_by("year")
    )
