"""The home page's dashboard, by role. The site shell may look upward (import-linter allows
`portal.dashboard -> **`): it shows the figures every app computes.

- Overview (secretariat, chairman, observer and the other town-wide roles): target progress,
  the communes × criteria heatmap with the change since the year before, criteria met over the
  years, cluster rankings with their leading units, completeness of the year's assessments,
  contributions mobilised per year. Every chart has its numbers in a table.
- Officer: their unit's status, the coming deadlines, what was returned to them, their rank.

The number of queries does not grow with the number of communes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Avg
from django.http import HttpRequest
from django.urls import NoReverseMatch

from campaigns import deadlines
from campaigns.context import current_campaign, year_in
from campaigns.models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    Milestone,
    MilestoneKind,
    NtmStatus,
)
from campaigns.rankings import charts
from campaigns.rankings.ranking import bloc_ranking, commune_ranking
from campaigns.rankings.selectors import shown_year, year_choices
from campaigns.results.selectors import STAGE_LABELS, Stage, completeness
from campaigns.targets import targets_progress as target_progress
from units.models import Unit, UnitKind

from .access import bound_to_units, sees_all
from .web import AuthedRequest

#: Above this many communes the line chart shows cluster averages (the table keeps every one).
MAX_LINES = 20


def _completeness_summary(campaign: Campaign | None, year: int) -> dict[str, Any]:
    """The year's completeness (campaigns.results.selectors.completeness): how many expected
    units have not started, are in draft, submitted, returned, approved; and how many are late.
    Shape: {rows: [{status, label, n}], total, late}."""
    if campaign is None:
        return {"rows": [], "total": 0, "late": 0}
    totals = completeness(campaign, year).totals
    stages = [Stage.NOT_STARTED, Stage.DRAFT, Stage.SUBMITTED, Stage.RETURNED, Stage.APPROVED]
    rows = [{"status": s, "label": STAGE_LABELS[s], "n": getattr(totals, s)} for s in stages]
    return {"rows": rows, "total": totals.total, "late": totals.late}


def _criteria_chart(
    unit_ids: Iterable[int] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Lines per commune, or per cluster average above MAX_LINES communes (two queries
    either way, so the page's query count does not depend on the number of communes)."""
    over = charts.criteria_over_years(unit_ids)
    rows = list(
        NtmStatus.objects.filter(unit__kind=UnitKind.COMMUNE)
        .values_list("unit__cluster__name", "year")
        .annotate(avg=Avg("criteria_met_count"))
        .order_by("unit__cluster__name", "year")
    )
    if len(over["lines"]) <= MAX_LINES:
        spec = {"labels": over["years"], "datasets": over["lines"], "by_cluster": False}
    else:
        lines: dict[str, dict[int, Any]] = {}
        for cluster, year, avg in rows:
            lines.setdefault(cluster or "Chưa xếp cụm", {})[year] = round(avg, 1)
        spec = {
            "labels": over["years"],
            "datasets": [
                {"label": f"{name} (bình quân)", "data": [v.get(y) for y in over["years"]]}
                for name, v in lines.items()
            ],
            "by_cluster": True,
        }
    spec.update(y_title="Số tiêu chí đạt", y_max=19)
    return spec, over


def overview_context(request: HttpRequest) -> dict[str, Any]:
    campaign = current_campaign()
    year = shown_year(year_in(campaign, request.GET.get("year")), campaign)
    ctx: dict[str, Any] = {
        "campaign": campaign,
        "year": year,
        "years": year_choices(campaign, year),
        "legend": [(s, charts.CELL_SYMBOL[s], charts.CELL_LABEL[s]) for s in charts.CELL_LABEL],
    }
    if campaign is None:
        return ctx
    criteria_spec, over = _criteria_chart()
    contributions = charts.contributions_by_year()
    ranking = commune_ranking(year, campaign=campaign)
    blocs = bloc_ranking(year, campaign=campaign)
    completeness = _completeness_summary(campaign, year)
    ctx.update(
        progress=target_progress(campaign, year),
        heatmap=charts.heatmap(year, campaign=campaign),
        criteria_spec=criteria_spec,
        criteria_table=over,
        contributions=contributions,
        contributions_spec={
            "labels": [c["year"] for c in contributions],
            "datasets": [
                {
                    "label": "Tiền huy động (triệu đồng)",
                    "data": [round(float(c["money"] or 0) / 1_000_000, 1) for c in contributions],
                }
            ],
            "y_title": "Triệu đồng",
        },
        clusters=ranking.clusters(),
        bloc_clusters=blocs.clusters(),
        ranking=ranking,
        completeness=completeness,
        completeness_spec={
            "labels": [r["label"] for r in completeness["rows"]],
            "datasets": [{"label": "Số đơn vị", "data": [r["n"] for r in completeness["rows"]]}],
            "y_title": "Số đơn vị",
        },
    )
    return ctx


def officer_context(request: AuthedRequest) -> dict[str, Any]:
    user = request.user
    campaign = current_campaign()
    year = shown_year(year_in(campaign, request.GET.get("year")), campaign)
    own = list(user.units.select_related("cluster").order_by("name"))
    today = deadlines.today()
    ctx: dict[str, Any] = {"campaign": campaign, "year": year, "own": own}
    if campaign is None:
        return ctx
    statuses = {
        s.unit_id: s
        for s in NtmStatus.objects.filter(unit__in=own, year__in=[year - 1, year]).order_by("year")
    }
    ranks: dict[int | None, list[Any]] = {}
    communes = [u for u in own if u.kind == UnitKind.COMMUNE]
    clusters = {u.cluster_id for u in communes}
    if communes:
        ranking = commune_ranking(year, campaign=campaign)
        for row in ranking.rows:
            if row.cluster_id in clusters:
                ranks.setdefault(row.cluster_id, []).append(row)
    bloc_units = [u for u in own if u.kind != UnitKind.COMMUNE and u.cluster_id]
    bloc_rows: list[Any] = []
    if bloc_units:
        ids = {u.pk for u in bloc_units}
        bloc_rows = [r for r in bloc_ranking(year, campaign=campaign).rows if r.unit_id in ids]
    units = []
    for u in own:
        cluster_rows = ranks.get(u.cluster_id, []) if u.kind == UnitKind.COMMUNE else []
        mine = next((r for r in cluster_rows if r.unit_id == u.pk), None)
        if mine is None:
            mine = next((r for r in bloc_rows if r.unit_id == u.pk), None)
        units.append(
            {
                "unit": u,
                "status": statuses.get(u.pk),
                "rank": mine,
                "cluster_size": len(cluster_rows) or None,
            }
        )
    assessments = list(
        Assessment.objects.filter(unit__in=own, campaign=campaign)
        .select_related("unit")
        .order_by("-year", "unit__name")[:10]
    )
    for a in assessments:
        a.url = _url_or_none(a)  # type: ignore[attr-defined]  # for the template
    ctx.update(
        units=units,
        deadlines=upcoming_deadlines(campaign, own, today),
        returned=[a for a in assessments if a.status == AssessmentStatus.RETURNED],
        assessments=assessments,
        today=today,
    )
    return ctx


def upcoming_deadlines(
    campaign: Campaign, own: Sequence[Unit], today: datetime.date, limit: int = 5
) -> list[dict[str, Any]]:
    """The campaign's coming milestones as the officer's units see them: a yearly report
    milestone becomes each unit's own deadline (campaigns/deadlines.py), so a unit inside its
    granted extension sees that date, still coming, not the milestone that has passed.
    Three queries whatever the number of units and years."""
    milestones = list(Milestone.objects.filter(campaign=campaign).order_by("due_date"))
    years = [m.year for m in milestones if m.kind == MilestoneKind.YEARLY_REPORT and m.year]
    table = deadlines.deadlines_by_year(campaign, years, [u.pk for u in own]) if years else None
    out: list[dict[str, Any]] = []
    for m in milestones:
        if table is not None and m.kind == MilestoneKind.YEARLY_REPORT and m.year and own:
            for unit in own:
                if not unit.is_active_on(datetime.date(m.year, 12, 31)):
                    continue  # the body ended before the year did: its successor reports
                deadline = table.get(unit.pk, m.year)
                if deadline.effective is None or deadline.effective < today:
                    continue
                title = m.title if len(own) == 1 else f"{m.title} – {unit.name}"
                if deadline.effective != m.due_date:
                    title += f" (được gia hạn, hạn chung {m.due_date:%d/%m/%Y})"
                out.append({"title": title, "due_date": deadline.effective})
        elif m.due_date >= today:
            out.append({"title": m.title, "due_date": m.due_date})
    out.sort(key=lambda d: d["due_date"])
    return out[:limit]


def _url_or_none(obj: Any) -> str | None:
    """The object's page, or None while the app that serves it is not installed (the
    assessment pages belong to the yearly-cycle work)."""
    try:
        url: str = obj.get_absolute_url()
        return url
    except NoReverseMatch:
        return None


def dashboard_context(request: AuthedRequest) -> dict[str, Any]:
    """Which dashboard the user sees, and its context."""
    user = request.user
    if sees_all(user):
        return {"dashboard": "overview", **overview_context(request)}
    if bound_to_units(user):
        return {"dashboard": "officer", **officer_context(request)}
    return {"dashboard": None}
