"""The award history, statistics and the award panels of unit and person pages, included into
the `awards` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("khen-thuong/lich-su/", views.award_list_view, name="award-list"),
    path("khen-thuong/lich-su/xuat-excel/", views.award_export_view, name="award-export"),
    path("khen-thuong/thong-ke/", views.statistics_view, name="statistics"),
    path(
        "khen-thuong/thong-ke/xuat-excel/", views.statistics_export_view, name="statistics-export"
    ),
    path(
        "khen-thuong/don-vi/<int:pk>/khen-thuong/",
        views.unit_awards_panel_view,
        name="unit-awards-panel",
    ),
    path(
        "khen-thuong/ca-nhan/<int:pk>/khen-thuong/",
        views.person_awards_panel_view,
        name="person-awards-panel",
    ),
]
