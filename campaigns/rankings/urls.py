"""Ranking pages. A campaign's rankings, heatmap and target progress live at
/phong-trao/<code>/xep-hang/… (their bare /xep-hang/… addresses redirect, campaigns.context);
a publication and the commune / cluster panels are found by their key."""

from django.urls import path

from ..context import campaign_urls
from . import views

app_name = "rankings"

urlpatterns = [
    *campaign_urls(
        [
            path("", views.ranking_view, name="ranking"),
            path("cong-bo/", views.ranking_publish_view, name="publish"),
            path("bang-tieu-chi/", views.heatmap_view, name="heatmap"),
            path("chi-tieu/", views.targets_view, name="targets"),
            path("can-quan-tam/", views.attention_view, name="attention"),
        ],
        namespace=app_name,
        prefix="phong-trao/",
        section="xep-hang/",
    ),
    path("xep-hang/da-cong-bo/<int:pk>/", views.publication_view, name="publication"),
    path("xep-hang/xa/<int:pk>/", views.commune_panel_view, name="commune-panel"),
    path("xep-hang/khoi-cum/<int:pk>/", views.cluster_panel_view, name="cluster-panel"),
]
