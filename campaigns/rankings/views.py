"""Ranking pages, the criteria heatmap, target progress, the commune / cluster panels, and
their Excel exports. Views are thin: figures come from ranking.py / charts.py / targets.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.targets import targets_progress as target_progress
from portal.access import can, require, scope
from units.models import Cluster, ClusterKind, Unit, UnitKind

from ..context import CampaignRequest, campaign_url, campaign_view, current_campaign, year_in
from ..models import NtmLevel, RankingPublication, UnconfirmedPublishing
from . import exports
from .charts import CELL_LABEL, CELL_SYMBOL, contributions_by_year, criteria_over_years, heatmap
from .forms import PublishForm
from .ranking import BLOC, COMMUNE, bloc_ranking, commune_ranking, rows_hash
from .selectors import latest_publication, shown_year, year_choices
from .services import ranking_publish, unconfirmed_in


def _context(request: CampaignRequest) -> dict:
    """The campaign (from the URL) and the year shown: the one asked for (`?year=`, or the
    publish form's year), else the latest year with data."""
    campaign = request.campaign
    asked = year_in(campaign, request.POST.get("year")) if request.method == "POST" else None
    if asked is None and request.year_asked:
        asked = request.year
    year = shown_year(asked, campaign)
    return {"campaign": campaign, "year": year, "years": year_choices(campaign, year)}


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


@login_required
@campaign_view
def ranking_view(request: CampaignRequest) -> HttpResponse:
    """A year's ranking within each cluster (communes) or bloc (departments, organisations)."""
    require(request.user, "ranking.view")
    ctx = _context(request)
    campaign, year = ctx["campaign"], ctx["year"]
    kind = BLOC if request.GET.get("kind") == BLOC else COMMUNE
    if campaign is None:
        return render(request, "campaigns/rankings/ranking.html", {**ctx, "kind": kind})
    ranking = (
        bloc_ranking(year, campaign=campaign)
        if kind == BLOC
        else commune_ranking(year, campaign=campaign)
    )
    if _wants_xlsx(request):
        return exports.ranking_xlsx(ranking)
    publication = latest_publication(campaign, kind, year)
    live_hash = ranking.sha256
    unconfirmed = unconfirmed_in(ranking, year)
    refuse = campaign.unconfirmed_publishing == UnconfirmedPublishing.REFUSE
    marked = {u.unit_id for u in unconfirmed}
    for row in ranking.rows:
        row.unconfirmed = row.unit_id in marked
    return render(
        request,
        "campaigns/rankings/ranking.html",
        {
            **ctx,
            "kind": kind,
            "ranking": ranking,
            "clusters": ranking.clusters(),
            "publication": publication,
            "live_hash": live_hash,
            "moved": publication is not None and publication.sha256 != live_hash,
            "can_publish": can(request.user, "ranking.publish"),
            "unconfirmed": unconfirmed,
            "refuse_unconfirmed": refuse,
            # the campaign refuses publishing while anything is unconfirmed: no form to post
            "publish_blocked": refuse and bool(unconfirmed),
        },
    )


@require_POST
@login_required
@campaign_view
def ranking_publish_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "ranking.publish")
    ctx = _context(request)
    form = PublishForm(request.POST)
    form.is_valid()  # every field has a fallback: the form only reads them
    kind = form.cleaned_data["kind"]
    campaign, year = ctx["campaign"], ctx["year"]
    url = campaign_url("rankings:ranking", campaign)
    try:
        pub = ranking_publish(
            campaign=campaign,
            kind=kind,
            year=year,
            by=request.user,
            note=form.cleaned_data["note"],
            acknowledged_unconfirmed=form.cleaned_data["acknowledge_unconfirmed"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Đã công bố bảng xếp hạng năm {year} (lần {pub.version}); mã băm {pub.sha256[:12]}….",
        )
    return redirect(f"{url}?year={year}&kind={kind}")


@login_required
def publication_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The frozen rows of a publication, exactly as published."""
    require(request.user, "ranking.view")
    pub = get_object_or_404(
        RankingPublication.objects.select_related("campaign", "published_by"), pk=pk
    )
    ok = rows_hash(pub.rows) == pub.sha256
    if _wants_xlsx(request):
        return exports.publication_xlsx(pub)
    rows = [
        {**r, "level_label": NtmLevel(r["level"]).label if r.get("level") else ""} for r in pub.rows
    ]
    return render(
        request,
        "campaigns/rankings/publication.html",
        {"pub": pub, "intact": ok, "rows": rows},
    )


@login_required
@campaign_view
def heatmap_view(request: CampaignRequest) -> HttpResponse:
    """Communes × 19 national criteria for a year, with the change since the year before."""
    require(request.user, "ranking.view")
    ctx = _context(request)
    data = heatmap(ctx["year"], campaign=ctx["campaign"])
    if _wants_xlsx(request):
        return exports.heatmap_xlsx(data)
    return render(
        request,
        "campaigns/rankings/heatmap.html",
        {**ctx, "heatmap": data, "legend": _legend()},
    )


def _legend() -> list[tuple[str, str, str]]:
    return [(state, CELL_SYMBOL[state], CELL_LABEL[state]) for state in CELL_LABEL]


@login_required
@campaign_view
def targets_view(request: CampaignRequest) -> HttpResponse:
    require(request.user, "dashboard.view")
    ctx = _context(request)
    progress = target_progress(ctx["campaign"], ctx["year"])
    if _wants_xlsx(request):
        return exports.targets_xlsx(progress, ctx["year"])
    return render(request, "campaigns/rankings/targets.html", {**ctx, "progress": progress})


# --- Panels on the commune and cluster pages ----------------------------------------------------


@login_required
def commune_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A commune's figures over the years: level, criteria, village share, growth, rank."""
    unit = get_object_or_404(
        scope(request.user, Unit.objects.select_related("cluster"), "pk"),
        pk=pk,
        kind=UnitKind.COMMUNE,
    )
    require(request.user, "ranking.view", unit)
    campaign = current_campaign()
    years = list(campaign.years) if campaign else list(range(2000, 2101))
    ranking = commune_ranking(
        years[-1],
        campaign=campaign,
        cluster=unit.cluster if unit.cluster_id else None,
        years=years,
    )
    rows = [r for r in ranking.rows if r.unit_id == unit.pk]
    if unit.cluster_id is None:
        rows = [r for r in rows if r.cluster_id is None]
    size: dict[int, int] = {}
    for r in ranking.rows:
        size[r.year] = size.get(r.year, 0) + 1
    for r in rows:
        r.extra["cluster_size"] = size[r.year]
    chart_spec = {
        "labels": [r.year for r in rows],
        "datasets": [{"label": unit.name, "data": [r.figures.criteria_met for r in rows]}],
        "y_title": "Số tiêu chí đạt",
        "y_max": 19,
    }
    if _wants_xlsx(request):
        return exports.unit_years_xlsx(unit, rows, size)
    return render(
        request,
        "campaigns/rankings/commune_panel.html",
        {
            "unit": unit,
            "rows": rows,
            "chart_spec": chart_spec,
            "chart_id": f"commune-chart-{unit.pk}",
            "campaign": campaign,
            "contributions": contributions_by_year([unit.pk]),
        },
    )


@login_required
def cluster_panel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A cluster's ranking over the years (communes) or its bloc ranking by year."""
    require(request.user, "ranking.view")
    cluster = get_object_or_404(Cluster, pk=pk)
    campaign = current_campaign()
    if campaign is None:
        return render(request, "campaigns/rankings/cluster_panel.html", {"cluster": cluster})
    if cluster.kind == ClusterKind.CLUSTER:
        ranking = commune_ranking(
            campaign.end_year, campaign=campaign, cluster=cluster, years=list(campaign.years)
        )
        units = sorted({(r.unit_name, r.unit_id) for r in ranking.rows})
        years = sorted({r.year for r in ranking.rows})
        by = {(r.unit_id, r.year): r for r in ranking.rows}
        table = [{"name": name, "cells": [by.get((uid, y)) for y in years]} for name, uid in units]
        over = criteria_over_years([uid for _, uid in units])
        chart = {
            "labels": over["years"],
            "datasets": over["lines"],
            "y_title": "Số tiêu chí đạt",
            "y_max": 19,
        }
        bloc = None
    else:
        year = shown_year(year_in(campaign, request.GET.get("year")), campaign)
        bloc = bloc_ranking(year, campaign=campaign, cluster=cluster)
        ranking = bloc
        years, table, chart = [], [], None
    if _wants_xlsx(request):
        if bloc is not None:
            return exports.ranking_xlsx(bloc)
        return exports.cluster_years_xlsx(cluster, years, table)
    return render(
        request,
        "campaigns/rankings/cluster_panel.html",
        {
            "cluster": cluster,
            "campaign": campaign,
            "years": years,
            "table": table,
            "chart_spec": chart,
            "chart_id": f"cluster-chart-{cluster.pk}",
            "method_text": ranking.method_text,
            "bloc": bloc,
        },
    )
