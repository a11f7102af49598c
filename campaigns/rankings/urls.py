from django.urls import path

from . import views

app_name = "rankings"

urlpatterns = [
    path("", views.ranking_view, name="ranking"),
    path("cong-bo/", views.ranking_publish_view, name="publish"),
    path("da-cong-bo/<int:pk>/", views.publication_view, name="publication"),
    path("bang-tieu-chi/", views.heatmap_view, name="heatmap"),
    path("chi-tieu/", views.targets_view, name="targets"),
    path("xa/<int:pk>/", views.commune_panel_view, name="commune-panel"),
    path("khoi-cum/<int:pk>/", views.cluster_panel_view, name="cluster-panel"),
]
