"""Access rows for rankings, the heatmap, target progress and the commune / cluster panels."""

from django.urls import reverse

from campaigns.models import RankingPublication
from tests.access_matrix import Row, everyone


def _publication(w):
    pub, _ = RankingPublication.objects.get_or_create(
        campaign=w.campaign,
        kind="commune",
        year=2024,
        version=1,
        defaults={"method": "lexicographic", "method_text": "…", "rows": [], "sha256": "0" * 64},
    )
    return pub


ROWS = [
    Row(
        "ranking page",
        lambda w, u: reverse("rankings:ranking", args=[w.campaign.code]),
        everyone(200),
        url_names=("rankings:ranking",),
    ),
    Row(
        "ranking page (bloc) as Excel",
        lambda w, u: reverse("rankings:ranking", args=[w.campaign.code]) + "?kind=bloc&format=xlsx",
        everyone(200),
    ),
    Row(
        "publish a ranking",
        lambda w, u: reverse("rankings:publish", args=[w.campaign.code]),
        {"secretariat": 302},
        method="post",
        data={"year": "2024", "kind": "commune"},
        snapshot=lambda w, u: RankingPublication.objects.count(),
        url_names=("rankings:publish",),
    ),
    Row(
        "published ranking",
        lambda w, u: reverse("rankings:publication", args=[_publication(w).pk]),
        everyone(200),
        url_names=("rankings:publication",),
    ),
    Row(
        "criteria heatmap",
        lambda w, u: reverse("rankings:heatmap", args=[w.campaign.code]),
        everyone(200),
        url_names=("rankings:heatmap",),
    ),
    Row(
        "units needing attention",
        lambda w, u: reverse("rankings:attention", args=[w.campaign.code]),
        dict.fromkeys(
            ["economic_office", "secretariat", "council_member", "chairman", "observer"], 200
        ),
        url_names=("rankings:attention",),
    ),
    Row(
        "target progress",
        lambda w, u: reverse("rankings:targets", args=[w.campaign.code]),
        everyone(200),
        url_names=("rankings:targets",),
    ),
    Row(
        "commune A panel (figures over the years)",
        lambda w, u: reverse("rankings:commune-panel", args=[w.commune_a.pk]),
        {**everyone(200), "officer_b": 404},
        url_names=("rankings:commune-panel",),
    ),
    Row(
        "commune panel for a village is not found",
        lambda w, u: reverse("rankings:commune-panel", args=[w.village_a.pk]),
        everyone(404),
    ),
    Row(
        "cluster panel",
        lambda w, u: reverse("rankings:cluster-panel", args=[w.commune_a.cluster_id]),
        everyone(200),
        url_names=("rankings:cluster-panel",),
    ),
]
