"""The home page's dashboard, by role. The site shell may look upward (import-linter allows
`portal.dashboard -> **`): it shows the figures every app computes.

- Overview (secretariat, chairman, observer and the other town-wide roles): target progress;
  one row per cụm (communes, NTM reached, average criteria met and its change, communes that
  lost criteria, self-assessments submitted and late), sortable and a page at a time, each
  cluster linking to its ranking; the communes leading and trailing the list; the units that
  need attention (first ten, the rest on their own page); completeness of the year's
  self-assessments; communes meeting each national criterion this year and last; average
  criteria met over the years; the khối leaders; contributions per year. Every chart has its
  numbers in a table. Only aggregates and a bounded number of named units: the page is the same
  size at 200 and at 3,300 communes (docs/dashboard.md).
- Officer: their unit's status, the coming deadlines, what was returned to them, their rank in
  their own cluster (ranked alone, not with every commune).

The number of queries does not grow with the number of communes; the overview's figures are
computed once per data version (portal.figures_cache).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists
from django.http import HttpRequest
from django.urls import NoReverseMatch

from campaigns import deadlines
from campaigns.context import campaign_by_id, current_campaign, default_year, year_in
from campaigns.models import (
    Assessment,
    AssessmentStatus,
    Campaign,
    Milestone,
    MilestoneKind,
    NtmStatus,
)
from campaigns.rankings import charts, summary
from campaigns.rankings.ranking import BLOC, bloc_ranking, commune_ranking, method_text
from campaigns.rankings.selectors import shown_year, year_choices
from campaigns.results.selectors import STAGE_LABELS, Stage
from campaigns.targets import targets_progress
from units.models import Unit, UnitKind

from .access import bound_to_units, has_capability
from .figures_cache import cached_figure, figure
from .web import AuthedRequest, query_without_page

#: Clusters on one page of the dashboard's cluster table.
CLUSTERS_PER_PAGE = 15


def _completeness_summary(done: summary.UnitCompleteness) -> dict[str, Any]:
    """The year's completeness (counts by stage, late), from summary.unit_completeness.
    Shape: {rows: [{status, label, n}], total, late}."""
    stages = [Stage.NOT_STARTED, Stage.DRAFT, Stage.SUBMITTED, Stage.RETURNED, Stage.APPROVED]
    rows = [{"status": s, "label": STAGE_LABELS[s], "n": done.totals.get(s, 0)} for s in stages]
    return {"rows": rows, "total": done.expected, "late": done.late}


def _bloc_summary(campaign: Campaign, year: int) -> list[dict[str, Any]]:
    """Each khối with its leader(s) and places 2–3 (departments and organisations: a few dozen
    units whatever the number of communes)."""
    out: list[dict[str, Any]] = []
    for c in bloc_ranking(year, campaign=campaign).clusters():
        out.append(
            {
                "id": c["id"],
                "name": c["name"],
                "leaders": [{"name": r.unit_name, "score": r.score} for r in c["leaders"]],
                "next": [
                    {"rank": r.rank, "name": r.unit_name} for r in c["rows"] if 1 < r.rank <= 3
                ],
                "count": len(c["rows"]),
            }
        )
    return out


def overview_figures(campaign: Campaign, year: int, today: datetime.date) -> dict[str, Any]:
    """Everything the overview shows, as plain values: aggregates computed in the database
    (campaigns.rankings.summary) and a bounded number of named units. About fifteen queries
    whatever the number of communes.

    Each part is kept on its own (portal.figures_cache) until a table it read is written: an
    officer's self-assessment renews the completeness, the clusters' submitted counts and the
    khối leaders, while the NTM figures, the criteria counts and the contributions stay."""
    done = cached_figure(
        "overview-completeness",
        campaign.pk,
        year,
        today,
        compute=lambda: summary.unit_completeness(campaign, year, today=today),
    )
    communes = cached_figure("overview-communes", year, compute=lambda: summary.commune_year(year))
    fell = summary.fallen(year, data=communes)
    clusters = summary.cluster_rows(campaign, year, done, fell, data=communes)
    total = summary.ClusterRow(id=None, code="", name="Toàn bộ các cụm")
    for row in clusters:
        total.add(row)
    attention, attention_count = summary.attention(done, fell, limit=summary.ATTENTION_SHOWN)
    return {
        "progress": targets_progress(campaign, year),
        "clusters": clusters,
        "cluster_total": total,
        "extremes": summary.extremes(year, data=communes),
        "attention": attention,
        "attention_count": attention_count,
        "attention_late": done.late,
        "attention_fell": len(fell),
        "completeness": _completeness_summary(done),
        "criteria": cached_figure(
            "overview-criteria",
            year,
            campaign.pk,
            compute=lambda: summary.criteria_counts(year, campaign),
        ),
        "years_summary": cached_figure("overview-years", compute=summary.years_summary),
        "contributions": cached_figure(
            "overview-contributions", compute=charts.contributions_by_year
        ),
        "blocs": cached_figure(
            "overview-blocs", campaign.pk, year, compute=lambda: _bloc_summary(campaign, year)
        ),
        "method_text": method_text(BLOC, campaign),
    }


@figure
def overview(campaign_id: int, year: int, today: datetime.date) -> dict[str, Any]:
    """`overview_figures`, kept and renewed by the worker after a write (portal.figures_cache)."""
    return overview_figures(campaign_by_id(campaign_id), year, today)


def _specs(figures: dict[str, Any], year: int) -> dict[str, Any]:
    """Chart.js specs from the aggregates (a few numbers each, never one series per commune)."""
    years = figures["years_summary"]
    completeness = figures["completeness"]
    contributions = figures["contributions"]
    criteria = figures["criteria"]
    return {
        "criteria_spec": {
            "labels": [y["year"] for y in years],
            "datasets": [
                {"label": "Bình quân số tiêu chí đạt", "data": [y["avg_met"] for y in years]}
            ],
            "y_title": "Số tiêu chí đạt (bình quân mỗi xã)",
            "y_max": 19,
        },
        "levels_spec": {
            "labels": [f"TC {c['number']}" for c in criteria],
            "datasets": [
                {"label": f"Năm {year - 1}", "data": [c["before"] for c in criteria]},
                {"label": f"Năm {year}", "data": [c["met"] for c in criteria]},
            ],
            "y_title": "Số xã đạt",
        },
        "contributions_spec": {
            "labels": [c["year"] for c in contributions],
            "datasets": [
                {
                    "label": "Tiền huy động (triệu đồng)",
                    "data": [round(float(c["money"] or 0) / 1_000_000, 1) for c in contributions],
                }
            ],
            "y_title": "Triệu đồng",
        },
        "completeness_spec": {
            "labels": [r["label"] for r in completeness["rows"]],
            "datasets": [{"label": "Số đơn vị", "data": [r["n"] for r in completeness["rows"]]}],
            "y_title": "Số đơn vị",
        },
    }


def overview_context(request: HttpRequest) -> dict[str, Any]:
    campaign = current_campaign()
    year = shown_year(year_in(campaign, request.GET.get("year")), campaign)
    ctx: dict[str, Any] = {
        "campaign": campaign,
        "year": year,
        "years": year_choices(campaign, year),
    }
    if campaign is None:
        return ctx
    figures = overview(campaign.pk, year, deadlines.today())
    sort = request.GET.get("sort", "ma")
    if sort not in summary.CLUSTER_SORTS:
        sort = "ma"
    ordered = summary.sort_clusters(figures["clusters"], sort)
    page = Paginator(ordered, CLUSTERS_PER_PAGE).get_page(request.GET.get("page"))
    ctx.update(
        figures,
        **_specs(figures, year),
        cluster_page=page,
        cluster_query=query_without_page(request),
        sort=sort,
        sorts=[(key, label) for key, (label, _a, _r) in summary.CLUSTER_SORTS.items()],
    )
    return ctx


def officer_context(request: AuthedRequest) -> dict[str, Any]:
    """The officer's home page. What it shows of their units (status, rank in the cluster,
    assessments, coming deadlines) is computed once per data version, day and officer
    (portal.figures_cache; binding an officer to a unit is a write too): a page after no write
    reads none of it."""
    user = request.user
    campaign = current_campaign()
    asked = year_in(campaign, request.GET.get("year"))
    today = deadlines.today()
    if campaign is None:
        own = list(user.units.select_related("cluster").order_by("name"))
        return {"campaign": None, "year": shown_year(asked, None), "own": own}
    year = asked or cached_figure(
        "officer-year", campaign.pk, today.isoformat(), compute=lambda: _shown_year(campaign)
    )
    figures = officer_figures(campaign.pk, year, today, user.pk)
    # The home page's "own units" (shown to other roles) is this list: read once.
    return {
        "campaign": campaign,
        "year": year,
        "today": today,
        "own_units": figures["own"],
        **figures,
    }


def _shown_year(campaign: Campaign) -> int:
    """`shown_year(None, campaign)` (the latest of the campaign's years with a commune's NTM
    status, else `default_year`) in one query that stops at the first row of each year, where
    the maximum over the statuses reads every row."""
    communes = NtmStatus.objects.filter(unit__kind=UnitKind.COMMUNE)
    found = (
        Campaign.objects.filter(pk=campaign.pk)
        .values(**{f"y{y}": Exists(communes.filter(year=y)) for y in campaign.years})
        .first()
        or {}
    )
    years = [y for y in campaign.years if found.get(f"y{y}")]
    return max(years) if years else default_year(campaign)


def officer_figures(
    campaign_id: int, year: int, today: datetime.date, user_id: int
) -> dict[str, Any]:
    """What an officer's home page shows of their units, kept per officer and day. Not renewed
    by the worker: one per officer, thousands at national scale, would make every write cost
    the worker thousands of computations."""
    from .models import User

    return cached_figure(
        "officer-dashboard",
        campaign_id,
        year,
        today,
        user_id,
        compute=lambda: _officer_figures(
            campaign_by_id(campaign_id), year, User(pk=user_id), today
        ),
    )


def _officer_figures(
    campaign: Campaign, year: int, user: Any, today: datetime.date
) -> dict[str, Any]:
    own = list(user.units.select_related("cluster").order_by("name"))
    statuses = {
        s.unit_id: s
        for s in NtmStatus.objects.filter(unit__in=own, year__in=[year - 1, year]).order_by("year")
    }
    ranks: dict[int | None, list[Any]] = {}
    communes = [u for u in own if u.kind == UnitKind.COMMUNE]
    # Each of the officer's clusters ranked on its own (usually one): the work is the size of
    # the cluster, not of the province; kept for every officer of the cluster.
    clusters = {u.cluster_id: u.cluster for u in communes if u.cluster_id}
    for cluster_id, cluster in clusters.items():

        def rank_cluster(cluster: Any = cluster) -> list[Any]:
            return list(commune_ranking(year, campaign=campaign, cluster=cluster).rows)

        ranks[cluster_id] = cached_figure(
            "cluster-ranking-rows", campaign.pk, year, cluster_id, compute=rank_cluster
        )
    bloc_units = [u for u in own if u.kind != UnitKind.COMMUNE and u.cluster_id]
    bloc_rows = []
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
    # Every assessment of the units in the campaign (a few a year): the ten latest are listed,
    # and their recorded extensions feed the deadlines.
    every = list(
        Assessment.objects.filter(unit__in=own, campaign=campaign)
        .select_related("unit")
        .order_by("-year", "unit__name")
    )
    assessments = every[:10]
    for a in assessments:
        a.url = _url_or_none(a)  # type: ignore[attr-defined]  # for the template
    return {
        "own": own,
        "units": units,
        "deadlines": upcoming_deadlines(
            campaign,
            own,
            today,
            assessment_extensions={(a.unit_id, a.year): a.extension_until for a in every},
        ),
        "returned": [a for a in assessments if a.status == AssessmentStatus.RETURNED],
        "assessments": assessments,
    }


def upcoming_deadlines(
    campaign: Campaign,
    own: Sequence[Unit],
    today: datetime.date,
    limit: int = 5,
    *,
    assessment_extensions: dict[tuple[int, int], datetime.date | None] | None = None,
) -> list[dict[str, Any]]:
    """The campaign's coming milestones as the officer's units see them: a yearly report
    milestone becomes each unit's own deadline (campaigns/deadlines.py), so a unit inside its
    granted extension sees that date, still coming, not the milestone that has passed.
    Three queries whatever the number of units and years (two when the caller read the units'
    assessments' recorded extensions, keyed by (unit_id, year))."""
    milestones = list(Milestone.objects.filter(campaign=campaign).order_by("due_date"))
    yearly = {
        m.year: m.due_date for m in milestones if m.kind == MilestoneKind.YEARLY_REPORT and m.year
    }
    table = (
        deadlines.deadlines_by_year(
            campaign,
            list(yearly),
            [u.pk for u in own],
            assessment_extensions=assessment_extensions,
            due=yearly,
        )
        if yearly
        else None
    )
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
    if has_capability(user, "dashboard.overview"):
        return {"dashboard": "overview", **overview_context(request)}
    if bound_to_units(user):
        return {"dashboard": "officer", **officer_context(request)}
    return {"dashboard": None}
