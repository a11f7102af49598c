"""Ranking pages, the criteria heatmap, target progress, the commune / cluster panels, and
their Excel exports. Views are thin: figures come from ranking.py / charts.py / targets.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from campaigns.targets import targets_progress as target_progress
from portal.access import can, require, scope
from portal.figures_cache import cached_figure
from portal.web import PAGE_SIZE, paginate, query_without_page
from units.models import Cluster, ClusterKind, Unit, UnitKind

from .. import deadlines
from ..context import CampaignRequest, campaign_url, campaign_view, current_campaign, year_in
from ..models import NtmLevel, RankingPublication, UnconfirmedPublishing
from . import exports, kept
from .charts import (
    CELL_LABEL,
    CELL_SYMBOL,
    contributions_by_year,
    criteria_over_years,
    heatmap,
    heatmap_for_export,
)
from .forms import ClusterPickForm, PublishForm
from .ranking import (
    BLOC,
    COMMUNE,
    bloc_ranking,
    commune_ranking,
    commune_ranking_in_batches,
    rows_hash,
)
from .selectors import (
    NO_CLUSTER,
    ClusterChoice,
    CommuneName,
    commune_clusters,
    find_communes,
    latest_publication,
    own_cluster_ids,
    published_cluster_hashes,
    shown_year,
    unconfirmed_communes,
    unconfirmed_count,
    year_choices,
)
from .services import ranking_publish

#: Communes on one page of a cluster (a cluster has ~10; a large one pages).
ROWS_PER_PAGE = PAGE_SIZE


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


@dataclass
class Picked:
    """The one cluster a ranking page shows, and how it was chosen (picker, search, default)."""

    form: ClusterPickForm
    clusters: list[ClusterChoice]
    cluster: ClusterChoice | None
    query: str = ""
    matches: list[CommuneName] = field(default_factory=list)
    found: set[int] = field(default_factory=set)

    @property
    def matches_shown(self) -> list[CommuneName]:
        return self.matches[:MATCHES_SHOWN]

    @property
    def matches_more(self) -> int:
        return max(0, len(self.matches) - MATCHES_SHOWN)


#: Communes listed under a search by name (the rest: "and n more, type more of the name").
MATCHES_SHOWN = 30


def _pick_cluster(request: HttpRequest, year: int) -> Picked:
    """`?q=` (a commune's name: its cluster), else `?cluster=`, else the officer's own commune's
    cluster, else the first cluster."""
    clusters = commune_clusters(year)
    form = ClusterPickForm(request.GET, clusters=clusters)
    form.is_valid()  # an invalid value is named above the table and ignored
    data = form.cleaned_data
    by_id = {c.id: c for c in clusters}
    query = (data.get("q") or "").strip()
    matches = find_communes(query, year) if query else []
    cluster = by_id.get(data.get("cluster"))
    if matches and (cluster is None or all(m.cluster_id != cluster.id for m in matches)):
        cluster = by_id.get(matches[0].cluster_id)
    if cluster is None:
        cluster = next((by_id[c] for c in own_cluster_ids(request.user) if c in by_id), None)
    if cluster is None and clusters:
        cluster = clusters[0]
    found = {m.unit_id for m in matches if cluster and m.cluster_id == cluster.id}
    return Picked(form, clusters, cluster, query, matches, found)


def _page(request: HttpRequest, rows: list, found: set[int]):
    """The page of the cluster's rows asked for; after a search, the one with the commune found."""
    number = request.GET.get("page")
    if not number and found:
        index = next((i for i, r in enumerate(rows) if _unit_id(r) in found), 0)
        number = index // ROWS_PER_PAGE + 1
    return Paginator(rows, ROWS_PER_PAGE).get_page(number)


def _unit_id(row) -> int:
    return row["unit_id"] if isinstance(row, dict) else row.unit_id


@login_required
@campaign_view
def ranking_view(request: CampaignRequest) -> HttpResponse:
    """A year's ranking, one cluster at a time (communes: a picker, a search by name, pages of
    50), or every bloc (departments, organisations: a few dozen units). The Excel file has
    every cluster."""
    require(request.user, "ranking.view")
    ctx = _context(request)
    campaign, year = ctx["campaign"], ctx["year"]
    kind = BLOC if request.GET.get("kind") == BLOC else COMMUNE
    if campaign is None:
        return render(request, "campaigns/rankings/ranking.html", {**ctx, "kind": kind})
    if _wants_xlsx(request):
        whole = (
            bloc_ranking(year, campaign=campaign)
            if kind == BLOC
            else commune_ranking_in_batches(year, campaign=campaign)
        )
        return exports.ranking_xlsx(whole)
    publication = latest_publication(campaign, kind, year)
    refuse = campaign.unconfirmed_publishing == UnconfirmedPublishing.REFUSE
    picked = None
    page = None
    if kind == BLOC:
        ranking = kept.blocs(campaign.pk, year)
        clusters = ranking.clusters()
        unconfirmed_here: list = []
        moved = publication is not None and publication.sha256 != ranking.sha256
    else:
        picked = _pick_cluster(request, year)
        if picked.cluster is None:  # no commune has data this year: an empty ranking
            ranking = commune_ranking(year, campaign=campaign)
        else:
            ranking = kept.cluster_ranking(
                campaign.pk, campaign.ranking_method, year, picked.cluster.id
            )
        unconfirmed_here = cached_figure(
            "ranking-unconfirmed",
            year,
            picked.cluster.id if picked.cluster else None,
            compute=lambda: unconfirmed_communes({r.unit_id for r in ranking.rows}, year),
        )
        clusters = ranking.clusters()
        if clusters:
            page = _page(request, clusters[0]["rows"], picked.found)
            clusters[0]["page_rows"] = page.object_list
        moved = False
        if publication is not None and picked.cluster is not None:
            name = "" if picked.cluster.id == NO_CLUSTER else picked.cluster.name
            published = published_cluster_hashes(publication).get(name, rows_hash([]))
            moved = published != ranking.sha256
    # The publish form acknowledges the whole ranking's count: counted for publishers only.
    can_publish = can(request.user, "ranking.publish")
    unconfirmed = 0
    if kind == COMMUNE and can_publish:
        unconfirmed = cached_figure(
            "ranking-unconfirmed-count", year, compute=lambda: unconfirmed_count(year)
        )
    marked = {u.unit_id for u in unconfirmed_here}
    for row in ranking.rows:
        row.unconfirmed = row.unit_id in marked
    return render(
        request,
        "campaigns/rankings/ranking.html",
        {
            **ctx,
            "kind": kind,
            "ranking": ranking,
            "clusters": clusters,
            "picked": picked,
            "page": page,
            "query": query_without_page(request),
            "publication": publication,
            "moved": moved,
            "can_publish": can_publish,
            "unconfirmed": unconfirmed,
            "unconfirmed_here": unconfirmed_here,
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
    """Communes × 19 national criteria for a year, with the change since the year before: one
    cluster at a time on the page (picker, search, pages of 50), every cluster in the Excel."""
    require(request.user, "ranking.view")
    ctx = _context(request)
    campaign, year = ctx["campaign"], ctx["year"]
    if _wants_xlsx(request):
        return exports.heatmap_xlsx(heatmap_for_export(year, campaign=campaign))
    picked = _pick_cluster(request, year)
    page = None
    if picked.cluster is None:
        data = heatmap(year, campaign=campaign, unit_ids=[])
    else:
        cid = picked.cluster.id
        data = kept.cluster_heatmap(campaign.pk if campaign else 0, year, cid)
        page = _page(request, data["rows"], picked.found)
        data = {**data, "rows": page.object_list}
    return render(
        request,
        "campaigns/rankings/heatmap.html",
        {
            **ctx,
            "heatmap": data,
            "legend": _legend(),
            "picked": picked,
            "page": page,
            "query": query_without_page(request),
        },
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


@login_required
@campaign_view
def attention_view(request: CampaignRequest) -> HttpResponse:
    """Every unit that needs attention in the year — criteria or level lost since the year
    before, self-assessment late — fifty a page; the dashboard names the first ten. The same
    cached figures as the dashboard (portal.dashboard.overview_figures)."""
    require(request.user, "dashboard.overview")
    campaign, year = request.campaign, shown_year(request.year, request.campaign)
    rows = kept.attention(campaign.pk, year, deadlines.today())
    return render(
        request,
        "campaigns/rankings/attention.html",
        {"campaign": campaign, "year": year, **paginate(request, rows)},
    )


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
